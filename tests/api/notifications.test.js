// The notifications inbox and the live WebSocket at /api/v1/ws.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { cookieHeader, expectStatus, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { connectWs } from '../lib/ws.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

describe('inbox', () => {
  test('a follow makes an unread "follow" notification; reading clears the count', async () => {
    const me = await signup(server);
    const fan1 = await signup(server);
    const fan2 = await signup(server);

    let count = await me.get('/api/v1/notifications/unread-count');
    expectStatus(count, 200);
    assert.deepEqual(count.json, { unread_count: 0 });

    expectStatus(await fan1.follow(me), 200);
    expectStatus(await fan2.follow(me), 200);
    count = await me.get('/api/v1/notifications/unread-count');
    assert.equal(count.json.unread_count, 2);

    const inbox = await me.get('/api/v1/notifications');
    expectStatus(inbox, 200);
    assert.equal(inbox.json.unread_count, 2);
    assert.equal(inbox.json.items.length, 2);
    assert.ok('next_cursor' in inbox.json);
    const actors = inbox.json.items.map((n) => n.actor.handle).sort();
    assert.deepEqual(actors, [fan1.handle, fan2.handle].sort());
    for (const n of inbox.json.items) {
      assert.equal(n.kind, 'follow');
      assert.equal(n.read, false);
      assert.match(n.id, /^\d+$/);
      assert.ok(n.created_at);
      assert.equal(n.actor.email, undefined);
    }
    // The followers' inboxes are untouched.
    assert.equal((await fan1.get('/api/v1/notifications/unread-count')).json.unread_count, 0);

    // Mark read up to the older one: one stays unread.
    const ids = inbox.json.items.map((n) => BigInt(n.id)).sort((a, b) => (a < b ? -1 : 1));
    expectStatus(await me.post('/api/v1/notifications/read', { json: { up_to: ids[0].toString() } }), 204);
    assert.equal((await me.get('/api/v1/notifications/unread-count')).json.unread_count, 1);
    expectStatus(await me.post('/api/v1/notifications/read', { json: {} }), 204);
    assert.equal((await me.get('/api/v1/notifications/unread-count')).json.unread_count, 0);
    const after = await me.get('/api/v1/notifications');
    assert.ok(after.json.items.every((n) => n.read === true));
    assert.equal(after.json.unread_count, 0);
  });

  test('a private account gets follow_request, the requester gets follow_accepted on approval', async () => {
    const owner = await signup(server);
    const fan = await signup(server);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    expectStatus(await fan.follow(owner), 200);
    const inbox = (await owner.get('/api/v1/notifications')).json;
    assert.deepEqual(inbox.items.map((n) => [n.kind, n.actor.handle]), [['follow_request', fan.handle]]);
    expectStatus(await owner.post(`/api/v1/me/follow-requests/${fan.id}/approve`), 204);
    const fanInbox = (await fan.get('/api/v1/notifications')).json;
    assert.deepEqual(fanInbox.items.map((n) => [n.kind, n.actor.handle]), [['follow_accepted', owner.handle]]);
    assert.equal(fanInbox.unread_count, 1);
  });

  test('the inbox needs a session', async () => {
    const { get } = await import('../lib/http.js');
    assertProblem(await get(server, '/api/v1/notifications'), 401, 'unauthenticated');
    assertProblem(await get(server, '/api/v1/notifications/unread-count'), 401, 'unauthenticated');
  });
});

describe('WebSocket', () => {
  test('with ?token= the server says hello with the user id, answers ping with pong', async () => {
    const me = await signup(server);
    const ws = await connectWs(server, { token: me.token });
    try {
      const hello = await ws.next('hello');
      assert.equal(hello.user_id, me.id);
      ws.send({ type: 'ping' });
      await ws.next('pong');
      ws.send({ type: 'ping' });
      await ws.next('pong');
    } finally {
      await ws.close();
    }
  });

  test('with the session cookie the hello names the user; anonymous gets user_id null', async () => {
    const me = await signup(server);
    const ws = await connectWs(server, { cookie: cookieHeader({ riff_session: me.cookies.riff_session }) });
    try {
      assert.equal((await ws.next('hello')).user_id, me.id);
    } finally {
      await ws.close();
    }
    const anon = await connectWs(server);
    try {
      const hello = await anon.next('hello');
      assert.ok('user_id' in hello);
      assert.equal(hello.user_id, null);
      anon.send({ type: 'ping' });
      await anon.next('pong');
    } finally {
      await anon.close();
    }
  });

  test('a follow arrives live as a "notification" with the unread count, only to the one followed', async () => {
    const me = await signup(server);
    const bystander = await signup(server);
    const fan = await signup(server);
    const ws = await connectWs(server, { token: me.token });
    const other = await connectWs(server, { token: bystander.token });
    try {
      await ws.next('hello');
      await other.next('hello');
      expectStatus(await fan.follow(me), 200);
      const msg = await ws.next('notification');
      assert.equal(msg.notification.kind, 'follow');
      assert.equal(msg.notification.actor.handle, fan.handle);
      assert.equal(msg.notification.actor.id, fan.id);
      assert.equal(msg.notification.read, false);
      assert.equal(msg.unread_count, 1);

      // The bystander's socket got nothing: a ping round trip proves the queue is drained.
      other.send({ type: 'ping' });
      await other.next('pong');
      assert.deepEqual(other.queue, [], 'no notification for someone else');

      // A second follower: the count goes up live.
      const fan2 = await signup(server);
      expectStatus(await fan2.follow(me), 200);
      const msg2 = await ws.next('notification');
      assert.equal(msg2.notification.actor.handle, fan2.handle);
      assert.equal(msg2.unread_count, 2);
    } finally {
      await ws.close();
      await other.close();
    }
  });

  test('every open socket of a user gets the notification', async () => {
    const me = await signup(server);
    const fan = await signup(server);
    const again = await (await import('../lib/http.js')).login(server, me.handle, me.password);
    const a = await connectWs(server, { token: me.token });
    const b = await connectWs(server, { token: again.json.token });
    try {
      await a.next('hello');
      await b.next('hello');
      expectStatus(await fan.follow(me), 200);
      assert.equal((await a.next('notification')).notification.actor.handle, fan.handle);
      assert.equal((await b.next('notification')).notification.actor.handle, fan.handle);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

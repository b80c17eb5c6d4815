// Profiles, follows, private accounts, blocks, who may change what, and
// cursor pagination of follower lists.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { collectPages, expectStatus, get, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

const handlesOf = (items) => items.map((i) => i.handle);

describe('profiles', () => {
  test('PATCH /me changes display_name, bio and is_private; the public profile shows them without the email', async () => {
    const u = await signup(server);
    const res = await u.patch('/api/v1/me', { json: { display_name: 'New Name', bio: 'hello there' } });
    expectStatus(res, 200);
    assert.equal(res.json.display_name, 'New Name');
    assert.equal(res.json.bio, 'hello there');

    const anon = await get(server, `/api/v1/users/${u.handle}`);
    expectStatus(anon, 200);
    assert.equal(anon.json.id, u.id);
    assert.equal(anon.json.handle, u.handle);
    assert.equal(anon.json.display_name, 'New Name');
    assert.equal(anon.json.bio, 'hello there');
    assert.equal(anon.json.email, undefined, 'a public profile does not leak the email');
    assert.equal(anon.json.viewer, undefined, 'no viewer block for anonymous requests');

    const other = await signup(server);
    const seen = await other.profile(u);
    expectStatus(seen, 200);
    assert.equal(seen.json.email, undefined, 'nor to other users');
    assert.deepEqual(seen.json.viewer, { is_self: false, following: false, requested: false, followed_by: false, blocking: false });
    const self = await u.profile(u);
    assert.equal(self.json.viewer.is_self, true);
  });

  test('handles in URLs are case-insensitive', async () => {
    const u = await signup(server);
    const res = await get(server, `/api/v1/users/${u.handle.toUpperCase()}`);
    expectStatus(res, 200);
    assert.equal(res.json.id, u.id);
  });
});

describe('follows', () => {
  test('follow and unfollow change both counts and the viewer flags', async () => {
    const a = await signup(server);
    const b = await signup(server);
    const f = await a.follow(b);
    expectStatus(f, 200);
    assert.deepEqual(f.json, { state: 'following' });

    let pb = await a.profile(b);
    assert.equal(pb.json.follower_count, 1);
    assert.equal(pb.json.viewer.following, true);
    assert.equal((await a.get('/api/v1/me')).json.following_count, 1);
    assert.equal((await b.profile(a)).json.viewer.followed_by, true);

    // Following twice is idempotent.
    expectStatus(await a.follow(b), 200);
    assert.equal((await a.profile(b)).json.follower_count, 1);

    const followers = await get(server, `/api/v1/users/${b.handle}/followers`);
    expectStatus(followers, 200);
    assert.deepEqual(handlesOf(followers.json.items), [a.handle]);
    const item = followers.json.items[0];
    for (const k of ['id', 'handle', 'display_name', 'avatar_url', 'is_private']) assert.ok(k in item, `UserSummary has ${k}`);
    assert.equal(item.email, undefined, 'a UserSummary does not leak the email');
    const following = await get(server, `/api/v1/users/${a.handle}/following`);
    assert.deepEqual(handlesOf(following.json.items), [b.handle]);

    const u = await a.del(`/api/v1/users/${b.handle}/follow`);
    expectStatus(u, 200);
    assert.deepEqual(u.json, { state: 'none' });
    pb = await a.profile(b);
    assert.equal(pb.json.follower_count, 0);
    assert.equal(pb.json.viewer.following, false);
    assert.equal((await a.get('/api/v1/me')).json.following_count, 0);
  });

  test('following yourself is 400', async () => {
    const a = await signup(server);
    const res = await a.follow(a);
    assert.equal(res.status, 400, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal((await a.get('/api/v1/me')).json.follower_count, 0);
  });

  test('following needs a session', async () => {
    const b = await signup(server);
    const { post } = await import('../lib/http.js');
    assertProblem(await post(server, `/api/v1/users/${b.handle}/follow`), 401, 'unauthenticated');
  });
});

describe('private accounts', () => {
  test('a follow becomes a request; lists are 403 until approved; approval makes a follower', async () => {
    const owner = await signup(server);
    const fan = await signup(server);
    const friend = await signup(server);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    // The owner follows someone, so the following list has something to hide.
    expectStatus(await owner.follow(friend), 200);

    const r = await fan.follow(owner);
    expectStatus(r, 200);
    assert.deepEqual(r.json, { state: 'requested' });
    let p = await fan.profile(owner);
    expectStatus(p, 200, 'a private profile itself is visible');
    assert.equal(p.json.is_private, true);
    assert.equal(p.json.follower_count, 0, 'a request is not a follow');
    assert.equal(p.json.viewer.requested, true);
    assert.equal(p.json.viewer.following, false);

    for (const list of ['followers', 'following']) {
      assertProblem(await fan.get(`/api/v1/users/${owner.handle}/${list}`), 403, 'forbidden');
      assertProblem(await get(server, `/api/v1/users/${owner.handle}/${list}`), 403, 'forbidden');
      expectStatus(await owner.get(`/api/v1/users/${owner.handle}/${list}`), 200, `the owner sees own ${list}`);
    }

    const reqs = await owner.get('/api/v1/me/follow-requests');
    expectStatus(reqs, 200);
    assert.deepEqual(reqs.json.items.map((i) => i.user.handle), [fan.handle]);
    assert.ok(reqs.json.items[0].created_at);

    expectStatus(await owner.post(`/api/v1/me/follow-requests/${fan.id}/approve`), 204);
    p = await fan.profile(owner);
    assert.equal(p.json.follower_count, 1);
    assert.equal(p.json.viewer.following, true);
    assert.equal(p.json.viewer.requested, false);
    const followers = await fan.get(`/api/v1/users/${owner.handle}/followers`);
    expectStatus(followers, 200, 'an approved follower sees the list');
    assert.deepEqual(handlesOf(followers.json.items), [fan.handle]);
    const following = await fan.get(`/api/v1/users/${owner.handle}/following`);
    expectStatus(following, 200);
    assert.deepEqual(handlesOf(following.json.items), [friend.handle]);
    assert.equal((await owner.get('/api/v1/me/follow-requests')).json.items.length, 0);
  });

  test('a declined request leaves no follow; a pending request can be withdrawn', async () => {
    const owner = await signup(server);
    const a = await signup(server);
    const b = await signup(server);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    assert.equal((await a.follow(owner)).json.state, 'requested');
    assert.equal((await b.follow(owner)).json.state, 'requested');

    expectStatus(await owner.post(`/api/v1/me/follow-requests/${a.id}/decline`), 204);
    let p = await a.profile(owner);
    assert.equal(p.json.viewer.following, false);
    assert.equal(p.json.viewer.requested, false);
    assert.equal(p.json.follower_count, 0);
    assertProblem(await a.get(`/api/v1/users/${owner.handle}/followers`), 403, 'forbidden');

    const w = await b.del(`/api/v1/users/${owner.handle}/follow`);
    expectStatus(w, 200);
    assert.deepEqual(w.json, { state: 'none' });
    assert.equal((await b.profile(owner)).json.viewer.requested, false);
    assert.equal((await owner.get('/api/v1/me/follow-requests')).json.items.length, 0);
  });

  test('a public account turned private keeps its followers', async () => {
    const owner = await signup(server);
    const early = await signup(server);
    expectStatus(await early.follow(owner), 200);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    const list = await early.get(`/api/v1/users/${owner.handle}/followers`);
    expectStatus(list, 200);
    assert.deepEqual(handlesOf(list.json.items), [early.handle]);
  });
});

describe('blocks', () => {
  test('a blocked user cannot see the profile (404) nor follow (404), either way; blocking removes follows', async () => {
    const blocker = await signup(server);
    const blocked = await signup(server);
    const bystander = await signup(server);
    expectStatus(await blocked.follow(blocker), 200);
    expectStatus(await blocker.follow(blocked), 200);
    assert.equal((await bystander.profile(blocker)).json.follower_count, 1);

    expectStatus(await blocker.post(`/api/v1/users/${blocked.handle}/block`), 204);
    assertProblem(await blocked.profile(blocker), 404, 'not-found');
    assertProblem(await blocked.follow(blocker), 404, 'not-found');
    assertProblem(await blocker.follow(blocked), 404, 'not-found');

    const p = await bystander.profile(blocker);
    assert.equal(p.json.follower_count, 0, 'the follow from the blocked user is gone');
    assert.equal(p.json.following_count, 0, 'and the follow to the blocked user');
    assert.equal((await blocker.profile(blocked)).json.viewer.blocking, true);

    const blocks = await blocker.get('/api/v1/me/blocks');
    expectStatus(blocks, 200);
    assert.deepEqual(handlesOf(blocks.json.items), [blocked.handle]);

    expectStatus(await blocker.del(`/api/v1/users/${blocked.handle}/block`), 204);
    expectStatus(await blocked.profile(blocker), 200, 'visible again after unblock');
    assert.equal((await blocker.get('/api/v1/me/blocks')).json.items.length, 0);
    assert.equal((await blocked.follow(blocker)).json.state, 'following');
  });

  test('a blocked user cannot see a private profile nor request to follow; the pending request is removed', async () => {
    const owner = await signup(server);
    const pest = await signup(server);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    assert.equal((await pest.follow(owner)).json.state, 'requested');
    expectStatus(await owner.post(`/api/v1/users/${pest.handle}/block`), 204);
    assertProblem(await pest.profile(owner), 404, 'not-found');
    assertProblem(await pest.follow(owner), 404, 'not-found');
    const list = await pest.get(`/api/v1/users/${owner.handle}/followers`);
    assert.ok([403, 404].includes(list.status), `blocked user reading followers: ${list.status} ${list.text}`);
    assert.equal((await owner.get('/api/v1/me/follow-requests')).json.items.length, 0, 'pending request removed');
  });
});

describe('ownership', () => {
  test('one user cannot approve, decline or change what belongs to another', async () => {
    const owner = await signup(server);
    const intruder = await signup(server);
    const fan = await signup(server);
    expectStatus(await owner.patch('/api/v1/me', { json: { is_private: true } }), 200);
    assert.equal((await fan.follow(owner)).json.state, 'requested');

    // The request was made to owner, not to intruder.
    const approve = await intruder.post(`/api/v1/me/follow-requests/${fan.id}/approve`);
    assert.ok([403, 404].includes(approve.status), `approve someone else's request: ${approve.status} ${approve.text}`);
    const decline = await intruder.post(`/api/v1/me/follow-requests/${fan.id}/decline`);
    assert.ok([403, 404].includes(decline.status), `decline someone else's request: ${decline.status} ${decline.text}`);
    const p = await fan.profile(owner);
    assert.equal(p.json.viewer.requested, true, 'the request is still pending');
    assert.equal(p.json.viewer.following, false);

    // Unfollowing acts on the caller's own follow only.
    const target = await signup(server);
    expectStatus(await fan.follow(target), 200);
    expectStatus(await intruder.del(`/api/v1/users/${target.handle}/follow`), 200);
    assert.equal((await target.profile(target)).json.follower_count, 1, "fan's follow survives intruder's unfollow");

    // PATCH /me changes the caller only.
    expectStatus(await intruder.patch('/api/v1/me', { json: { display_name: 'Intruder' } }), 200);
    assert.equal((await owner.get('/api/v1/me')).json.display_name, owner.me.display_name);

    // Roles belong to admins.
    assertProblem(await intruder.patch(`/api/v1/admin/users/${owner.handle}`, { json: { role: 'admin' } }), 403, 'forbidden');
    assertProblem(await intruder.patch(`/api/v1/admin/users/${intruder.handle}`, { json: { role: 'admin' } }), 403, 'forbidden');
    assert.equal((await intruder.get('/api/v1/me')).json.role, 'user');
  });

  test('mutations without a session are 401 and change nothing', async () => {
    const { request } = await import('../lib/http.js');
    const u = await signup(server);
    assertProblem(await request(server, 'PATCH', '/api/v1/me', { json: { display_name: 'anon' } }), 401, 'unauthenticated');
    assertProblem(await request(server, 'POST', `/api/v1/users/${u.handle}/block`), 401, 'unauthenticated');
    assertProblem(await request(server, 'GET', '/api/v1/me/follow-requests'), 401, 'unauthenticated');
    assertProblem(await request(server, 'GET', '/api/v1/notifications'), 401, 'unauthenticated');
    assertProblem(await request(server, 'POST', `/api/v1/me/follow-requests/${u.id}/approve`), 401, 'unauthenticated');
  });
});

describe('pagination', () => {
  test('followers over several pages come back exactly once each, with no gaps', async () => {
    const star = await signup(server);
    const fans = [];
    for (let i = 0; i < 23; i++) fans.push(await signup(server));
    for (const f of fans) expectStatus(await f.follow(star), 200);

    const { items, pages } = await collectPages((q) => get(server, `/api/v1/users/${star.handle}/followers${q}`), { limit: 5 });
    assert.equal(pages, 5, '23 followers at 5 a page is 5 pages');
    const got = handlesOf(items);
    assert.equal(got.length, 23);
    assert.equal(new Set(got).size, 23, 'no follower appears twice');
    assert.deepEqual([...got].sort(), fans.map((f) => f.handle).sort(), 'every follower appears');

    // A cursor is a position, not an offset: an unfollow of someone already
    // seen, between two pages, neither repeats nor skips anyone.
    const first = await get(server, `/api/v1/users/${star.handle}/followers?limit=10`);
    expectStatus(first, 200);
    assert.equal(first.json.items.length, 10);
    const seen = handlesOf(first.json.items);
    const remover = fans.find((f) => f.handle === seen[0]);
    expectStatus(await remover.del(`/api/v1/users/${star.handle}/follow`), 200);
    let cursor = first.json.next_cursor;
    while (cursor) {
      const page = await get(server, `/api/v1/users/${star.handle}/followers?limit=10&cursor=${encodeURIComponent(cursor)}`);
      expectStatus(page, 200);
      seen.push(...handlesOf(page.json.items));
      cursor = page.json.next_cursor;
    }
    assert.equal(seen.length, 23, 'the 10 already seen plus the 13 after them');
    assert.equal(new Set(seen).size, 23);

    // The default page size is 20 and limit is capped at 100.
    const def = await get(server, `/api/v1/users/${star.handle}/followers`);
    expectStatus(def, 200);
    assert.equal(def.json.items.length, 20);
    assert.equal(typeof def.json.next_cursor, 'string');
  });

  test('a garbage cursor is 400, not a crash', async () => {
    const u = await signup(server);
    const res = await get(server, `/api/v1/users/${u.handle}/followers?cursor=%00%ff-not-a-cursor`);
    assert.equal(res.status, 400, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });
});

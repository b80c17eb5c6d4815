// Crashes and shutdowns: a SIGKILL loses no acknowledged write; SIGTERM lets
// in-flight requests finish and exits 0; data survives a restart.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, test } from 'node:test';

import { expectStatus, get, login, post, signup, sleep, statusOf, uniqueHandle } from '../lib/http.js';
import { cleanupAll, sqlite, startRiffd } from '../lib/riffd.js';

after(cleanupAll);

describe('crash safety', () => {
  test('SIGKILL during a burst of sign-ups loses no acknowledged account and leaves the database consistent', { timeout: 300000 }, async () => {
    const first = await startRiffd();
    const acknowledged = [];
    let stop = false;
    let attempted = 0;
    const worker = async (w) => {
      for (let i = 0; !stop; i++) {
        const handle = uniqueHandle(`k${w}`);
        const password = `pw-${handle}`;
        attempted += 1;
        try {
          const res = await post(first, '/api/v1/auth/signup', {
            json: { handle, email: `${handle.replace('_', '')}@example.com`, password },
          });
          if (res.status === 201) acknowledged.push({ handle, password, id: res.json.user.id });
          else if (!stop) assert.fail(`signup answered ${res.status}: ${res.text}`);
        } catch (e) {
          if (!stop) throw e; // network errors are expected only once the process is killed
          return;
        }
      }
    };
    const errors = [];
    const workers = Array.from({ length: 6 }, (_, w) => worker(w).catch((e) => errors.push(e)));
    // Kill once a good number of sign-ups were acknowledged, with more in flight.
    while (acknowledged.length < 40) {
      await sleep(20);
      assert.ok(!first.exited, `riffd died on its own:\n${first.output()}`);
      if (errors.length) {
        stop = true;
        throw errors[0];
      }
    }
    first.proc.kill('SIGKILL');
    stop = true;
    const { signal } = await first.exit;
    assert.equal(signal, 'SIGKILL');
    await Promise.all(workers);
    assert.deepEqual(errors, []);
    const acked = [...acknowledged];
    assert.ok(acked.length >= 40);
    assert.ok(attempted > acked.length, 'some sign-ups were in flight when the process died');

    if (!first.dbUrl) {
      const check = (await sqlite(first.sqlitePath, 'PRAGMA integrity_check')).trim();
      assert.equal(check, 'ok', 'SQLite integrity_check after the kill');
    }

    const second = await startRiffd({ dataDir: first.dataDir, db: first.dbUrl ?? null });
    const lost = [];
    for (const a of acked) {
      const res = await login(second, a.handle, a.password);
      if (res.status !== 200 || res.json.user.id !== a.id) lost.push(`${a.handle}: ${res.status}`);
    }
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged accounts are missing after the restart`);
    // The server works normally after the crash.
    const fresh = await signup(second);
    expectStatus(await fresh.get('/api/v1/me'), 200);
    await second.stop();
    if (!first.dbUrl) assert.equal((await sqlite(first.sqlitePath, 'PRAGMA integrity_check')).trim(), 'ok');
  });

  test('profiles, follows and sessions survive a clean restart', async () => {
    const first = await startRiffd();
    const a = await signup(first);
    const b = await signup(first);
    expectStatus(await a.patch('/api/v1/me', { json: { bio: 'persisted bio', is_private: true } }), 200);
    expectStatus(await b.follow(a), 200);
    expectStatus(await a.post(`/api/v1/me/follow-requests/${b.id}/approve`), 204);
    const { code } = await first.stop();
    assert.equal(code, 0);

    const second = await startRiffd({ dataDir: first.dataDir, db: first.dbUrl ?? null });
    const me = await get(second, '/api/v1/me', { token: a.token });
    expectStatus(me, 200, 'a session survives a restart');
    assert.equal(me.json.bio, 'persisted bio');
    assert.equal(me.json.is_private, true);
    assert.equal(me.json.follower_count, 1);
    await second.stop();
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM while a request is in flight lets it finish, then riffd exits 0', { timeout: 60000 }, async () => {
    const s = await startRiffd();
    const handle = uniqueHandle('term');
    const body = Buffer.from(JSON.stringify({ handle, email: `${handle.replace('_', '')}@example.com`, password: 'shutdown-pass' }));
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let answer = '';
    sock.on('data', (c) => (answer += c.toString('latin1')));
    sock.on('error', () => {});
    const closed = new Promise((r) => sock.once('close', r));

    // A slow client: the head and half the body now...
    sock.write(
      `POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    sock.write(body.subarray(0, 20));
    await sleep(300); // let the server read the head, so the request is in flight

    // ...then SIGTERM, then the rest of the body.
    s.proc.kill('SIGTERM');
    await sleep(300);
    assert.ok(!s.exited, 'riffd waits for the request in flight');
    sock.write(body.subarray(20));
    await closed;
    assert.equal(statusOf(answer), 201, `the in-flight signup completed: ${answer.slice(0, 300)}`);

    const { code, signal } = await s.exit;
    assert.equal(signal, null, 'riffd exited by itself');
    assert.equal(code, 0, `riffd exits 0 after SIGTERM:\n${s.output()}`);

    // The signup that finished during shutdown is durable.
    const again = await startRiffd({ dataDir: s.dataDir, db: s.dbUrl ?? null });
    expectStatus(await login(again, handle, 'shutdown-pass'), 200);
    await again.stop();
  });

  test('after SIGTERM no new connection is accepted', { timeout: 60000 }, async () => {
    const s = await startRiffd();
    // Hold a request open so that the process is still shutting down.
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.on('error', () => {});
    sock.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await sleep(300);
    s.proc.kill('SIGTERM');
    await sleep(500);
    assert.ok(!s.exited, 'riffd is still draining the request in flight');
    let refused = false;
    try {
      const res = await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(3000) });
      // A server may still answer on an accepted connection only with 503.
      refused = res.status === 503;
    } catch {
      refused = true;
    }
    assert.ok(refused, 'a new request after SIGTERM is refused');
    sock.destroy();
    const { code } = await s.exit;
    assert.equal(code, 0);
  });
});

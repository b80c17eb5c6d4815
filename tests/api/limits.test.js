// Protection against clients that send too much, too slowly, or hold many
// connections open.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { expectStatus, get, login, post, sendRaw, signup, statusOf, uniqueHandle } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

describe('body size limit', () => {
  test('a JSON body over the limit (Content-Length) is 413 too-large and creates nothing', async () => {
    const handle = uniqueHandle('big');
    const json = JSON.stringify({ handle, email: `${handle.replace('_', '')}@example.com`, password: 'long-enough', display_name: 'x'.repeat(2 * 1024 * 1024) });
    const body = Buffer.from(json);
    const head =
      `POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const raw = await sendRaw(server.port, head, body);
    assert.equal(statusOf(raw), 413, `expected 413, got: ${raw.slice(0, 300)}`);
    assert.match(raw, /application\/problem\+json/i);
    assert.match(raw, /\/problems\/too-large/);
    assertProblem(await get(server, `/api/v1/users/${handle}`), 404, 'not-found');
  });

  test('with Expect: 100-continue an over-long Content-Length is refused with 413 before the body is sent', async () => {
    const head =
      `POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${8 * 1024 * 1024}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
    const raw = await sendRaw(server.port, head, Buffer.alloc(0), { lingerMs: 5000 });
    assert.equal(statusOf(raw), 413, `expected 413, got: ${raw.slice(0, 300)}`);
  });

  test('a chunked body over the limit is 413 too', async () => {
    const handle = uniqueHandle('chunk');
    const json = Buffer.from(JSON.stringify({ handle, email: `${handle.replace('_', '')}@example.com`, password: 'long-enough', bio: 'y'.repeat(3 * 1024 * 1024) }));
    const parts = [];
    for (let off = 0; off < json.length; off += 32 * 1024) {
      const c = json.subarray(off, off + 32 * 1024);
      parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    const head =
      `POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const raw = await sendRaw(server.port, head, Buffer.concat(parts));
    assert.equal(statusOf(raw), 413, `expected 413, got: ${raw.slice(0, 300)}`);
    assertProblem(await get(server, `/api/v1/users/${handle}`), 404, 'not-found');
  });

  test('a body just under the limit is read and judged on its content', async () => {
    // 900 KiB of display_name: under 1 MiB, so the server reads it and says 400 (too long a name), not 413.
    const res = await post(server, '/api/v1/auth/signup', {
      json: { handle: uniqueHandle('near'), email: 'near@example.com', password: 'long-enough', display_name: 'n'.repeat(900 * 1024) },
    });
    assertProblem(res, 400, 'validation', { pointer: '/display_name' });
  });

  test('the server still serves after refusing big bodies', async () => {
    expectStatus(await get(server, '/healthz'), 200);
  });
});

describe('rate limits per address', () => {
  test('sign-ups beyond the per-address limit are 429 with Retry-After and create nothing', async () => {
    const s = await startRiffd({ limits: false, env: { RIFF_SIGNUPS_PER_IP_PER_HOUR: '3' } });
    for (let i = 0; i < 3; i++) await signup(s);
    const handle = uniqueHandle('over');
    const res = await post(s, '/api/v1/auth/signup', { json: { handle, email: `${handle.replace('_', '')}@example.com`, password: 'long-enough' } });
    assertProblem(res, 429, 'rate-limited');
    assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After in seconds');
    assertProblem(await get(s, `/api/v1/users/${handle}`), 404, 'not-found');
  });

  test('failed logins across accounts from one address are limited too', async () => {
    const s = await startRiffd({ limits: false, env: { RIFF_LOGIN_FAILURES_PER_IP: '4', RIFF_SIGNUPS_PER_IP_PER_HOUR: '1000' } });
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await signup(s));
    // One failure on each of four accounts: no single account reaches its own limit.
    for (let i = 0; i < 4; i++) assertProblem(await login(s, users[i].handle, 'wrong-password'), 401, 'invalid-credentials');
    const res = await login(s, users[4].handle, 'wrong-password');
    assertProblem(res, 429, 'rate-limited');
    assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  });
});

describe('slow clients', () => {
  test('a client that sends its headers slowly is cut off after the header timeout', async () => {
    const slow = await startRiffd({ args: ['--header-timeout-ms', '1000'] });
    const result = await new Promise((resolve) => {
      const sock = net.connect(slow.port, '127.0.0.1');
      let got = '';
      let sent = 0;
      let timer;
      sock.on('data', (c) => (got += c.toString('latin1')));
      sock.on('error', () => {});
      sock.on('close', () => {
        clearInterval(timer);
        resolve({ closedByServer: true, got, sent });
      });
      sock.on('connect', () => {
        sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        // One header line every 200 ms, each well inside any idle timeout,
        // for up to 15 s: only a deadline for the whole head stops this.
        timer = setInterval(() => {
          sent += 1;
          if (sent > 75) {
            clearInterval(timer);
            sock.destroy();
            resolve({ closedByServer: false, got, sent });
            return;
          }
          sock.write(`X-Drip-${sent}: ${'a'.repeat(10)}\r\n`);
        }, 200);
      });
    });
    assert.ok(result.closedByServer, `the server kept a slowly-sent request head open for ${result.sent} lines`);
    assert.ok(!/^HTTP\/1\.1 200/.test(result.got), 'the unfinished request was not served');
    if (result.got) assert.match(result.got, /^HTTP\/1\.[01] 408/, `only a 408 may be sent: ${result.got.slice(0, 200)}`);
    // Cut off well before the drip would have finished the 75 lines.
    assert.ok(result.sent < 75);
    expectStatus(await get(slow, '/healthz'), 200, 'others are still served');
  });
});

function openFilesLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 0;
  } catch {
    return 0;
  }
}

describe('many connections', () => {
  const kIdle = 2000;
  const limit = openFilesLimit();
  const skip = limit !== 0 && limit < 2 * kIdle + 500
    ? `ulimit -n is ${limit}; ${kIdle} idle connections need about ${2 * kIdle + 500} (both ends are in this machine): raise it with ulimit -n`
    : false;

  test(`${kIdle} idle keep-alive connections do not stop others from being served`, { skip, timeout: 180000 }, async () => {
    const socks = [];
    let closedEarly = 0;
    try {
      // Open them in batches so that the listen backlog is never the limit.
      for (let i = 0; i < kIdle; i += 100) {
        const batch = [];
        for (let j = i; j < Math.min(i + 100, kIdle); j++) {
          batch.push(
            new Promise((resolve, reject) => {
              const s = net.connect(server.port, '127.0.0.1');
              s.setNoDelay(true);
              let got = '';
              const onData = (c) => {
                got += c.toString('latin1');
                if (/\r\n\r\n/.test(got) && got.includes('"ok"')) {
                  s.off('data', onData);
                  resolve(s);
                }
              };
              s.on('data', onData);
              s.once('error', reject);
              s.on('close', () => {
                closedEarly += 1;
              });
              // One full request so each connection is an idle keep-alive one.
              s.once('connect', () => s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
            }),
          );
        }
        socks.push(...(await Promise.all(batch)));
      }
      assert.equal(socks.length, kIdle);

      const res = await fetch(`${server.url}/healthz`, { headers: { connection: 'close' } });
      assert.equal(res.status, 200);
      const signup = await post(server, '/api/v1/auth/signup', {
        json: { handle: uniqueHandle('busy'), email: `busy${Date.now()}@example.com`, password: 'long-enough' },
      });
      expectStatus(signup, 201, 'a signup while the idle connections are open');
      assert.equal(closedEarly, 0, 'the idle connections were still open while the others were served');
    } finally {
      for (const s of socks) s.destroy();
    }
  });
});

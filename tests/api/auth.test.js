// Sign-up, log-in, sessions, cookies, CSRF, login throttling, and what is
// (not) stored about passwords and tokens.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { expectStatus, get, login, patch, post, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, dumpDatabase, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

describe('signup', () => {
  test('creates a user, answers 201 with UserMe, token and csrf_token, and sets the session cookies', async () => {
    const handle = uniqueHandle('Mixed');
    const email = `${handle.toLowerCase().replace('_', '')}@example.com`;
    const res = await post(server, '/api/v1/auth/signup', {
      json: { handle, email, password: 'correct horse', display_name: 'Mixy' },
    });
    expectStatus(res, 201);
    const { user, token, csrf_token: csrf } = res.json;
    assert.match(user.id, /^[1-9]\d*$/, 'id is a decimal string');
    assert.equal(user.handle, handle.toLowerCase(), 'handle stored lowercase');
    assert.equal(user.email, email);
    assert.equal(user.display_name, 'Mixy');
    assert.equal(user.bio, '');
    assert.equal(user.avatar_url, null);
    assert.equal(user.role, 'user');
    assert.equal(user.is_private, false);
    assert.equal(user.follower_count, 0);
    assert.equal(user.following_count, 0);
    assert.match(user.created_at, rfc3339);
    assert.equal(typeof token, 'string');
    assert.ok(token.length >= 20, 'token is long enough to be unguessable');
    assert.equal(typeof csrf, 'string');
    assert.ok(csrf.length >= 16);

    const session = res.cookies.riff_session;
    assert.ok(session, 'riff_session cookie set');
    assert.equal(session.value, token, 'riff_session carries the token');
    assert.equal(session.attrs.httponly, true, 'riff_session is HttpOnly');
    assert.equal(String(session.attrs.samesite).toLowerCase(), 'lax');
    assert.equal(session.attrs.path, '/');
    const csrfCookie = res.cookies.riff_csrf;
    assert.ok(csrfCookie, 'riff_csrf cookie set');
    assert.equal(csrfCookie.value, csrf);
    assert.equal(csrfCookie.attrs.httponly, undefined, 'riff_csrf is readable by JS');
    assert.equal(String(csrfCookie.attrs.samesite).toLowerCase(), 'lax');
  });

  test('a handle is unique regardless of case: 409 conflict naming /handle', async () => {
    const u = await signup(server);
    const res = await post(server, '/api/v1/auth/signup', {
      json: { handle: u.handle.toUpperCase(), email: `other${u.email}`, password: 'password123' },
    });
    assertProblem(res, 409, 'conflict', { pointer: '/handle' });
  });

  test('an email is unique: 409 conflict naming /email', async () => {
    const u = await signup(server);
    const res = await post(server, '/api/v1/auth/signup', {
      json: { handle: uniqueHandle(), email: u.email, password: 'password123' },
    });
    assertProblem(res, 409, 'conflict', { pointer: '/email' });
  });
});

describe('sessions', () => {
  test('GET /me answers the user for a Bearer token and for the session cookie, 401 without', async () => {
    const u = await signup(server);
    const bearer = await u.get('/api/v1/me');
    expectStatus(bearer, 200);
    assert.equal(bearer.json.id, u.id);
    assert.equal(bearer.json.handle, u.handle);
    assert.equal(bearer.json.email, u.email);

    const cookie = await get(server, '/api/v1/me', { cookies: { riff_session: u.cookies.riff_session } });
    expectStatus(cookie, 200);
    assert.equal(cookie.json.id, u.id);

    assertProblem(await get(server, '/api/v1/me'), 401, 'unauthenticated');
    assertProblem(await get(server, '/api/v1/me', { token: 'not-a-real-token' }), 401, 'unauthenticated');
    assertProblem(await get(server, '/api/v1/me', { cookies: { riff_session: 'forged' } }), 401, 'unauthenticated');
  });

  test('login works by handle (any case) and by email, and each login is a new session', async () => {
    const u = await signup(server);
    const byHandle = await login(server, u.handle.toUpperCase(), u.password);
    expectStatus(byHandle, 200);
    assert.equal(byHandle.json.user.id, u.id);
    assert.ok(byHandle.cookies.riff_session, 'login sets riff_session');
    assert.ok(byHandle.cookies.riff_csrf, 'login sets riff_csrf');
    const byEmail = await login(server, u.email, u.password);
    expectStatus(byEmail, 200);
    assert.equal(byEmail.json.user.id, u.id);
    const tokens = new Set([u.token, byHandle.json.token, byEmail.json.token]);
    assert.equal(tokens.size, 3, 'every session has its own token');
    for (const token of tokens) expectStatus(await get(server, '/api/v1/me', { token }), 200);
  });

  test('a wrong password and an unknown account both answer 401 invalid-credentials', async () => {
    const u = await signup(server);
    assertProblem(await login(server, u.handle, 'wrong-password'), 401, 'invalid-credentials');
    assertProblem(await login(server, uniqueHandle('nobody'), 'whatever123'), 401, 'invalid-credentials');
  });

  test('logout deletes that session only and clears the cookie', async () => {
    const u = await signup(server);
    const second = await login(server, u.handle, u.password);
    expectStatus(second, 200);
    const out = await post(server, '/api/v1/auth/logout', { token: second.json.token });
    expectStatus(out, 204);
    const cleared = out.cookies.riff_session;
    assert.ok(cleared, 'logout sends a Set-Cookie for riff_session');
    const expired =
      cleared.value === '' ||
      cleared.attrs['max-age'] === '0' ||
      (cleared.attrs.expires && Date.parse(cleared.attrs.expires) < Date.now());
    assert.ok(expired, `riff_session is cleared: ${cleared.raw}`);
    assertProblem(await get(server, '/api/v1/me', { token: second.json.token }), 401, 'unauthenticated');
    expectStatus(await u.get('/api/v1/me'), 200, 'the other session still works');
  });

  test('logout through the cookie (with CSRF token) ends the cookie session', async () => {
    const u = await signup(server);
    const cookies = u.cookies;
    expectStatus(await post(server, '/api/v1/auth/logout', { cookies, csrf: u.csrf }), 204);
    assertProblem(await get(server, '/api/v1/me', { cookies }), 401, 'unauthenticated');
  });
});

describe('CSRF', () => {
  test('a cookie-authenticated PATCH without X-CSRF-Token is 403 csrf and changes nothing', async () => {
    const u = await signup(server, { display_name: 'Before' });
    const res = await patch(server, '/api/v1/me', { cookies: u.cookies, json: { display_name: 'Forged' } });
    assertProblem(res, 403, 'csrf');
    const me = await u.get('/api/v1/me');
    assert.equal(me.json.display_name, 'Before');
  });

  test('a cookie-authenticated PATCH with a wrong X-CSRF-Token is 403 csrf', async () => {
    const u = await signup(server);
    const other = await signup(server);
    const res = await patch(server, '/api/v1/me', { cookies: u.cookies, csrf: other.csrf, json: { display_name: 'X' } });
    assertProblem(res, 403, 'csrf');
  });

  test('a cookie-authenticated PATCH with the riff_csrf value as X-CSRF-Token succeeds', async () => {
    const u = await signup(server);
    const res = await patch(server, '/api/v1/me', {
      cookies: u.cookies,
      csrf: u.cookies.riff_csrf,
      json: { display_name: 'With CSRF' },
    });
    expectStatus(res, 200);
    assert.equal(res.json.display_name, 'With CSRF');
  });

  test('a cookie-authenticated POST (follow) without the token is refused too', async () => {
    const u = await signup(server);
    const target = await signup(server);
    const res = await post(server, `/api/v1/users/${target.handle}/follow`, { cookies: u.cookies });
    assertProblem(res, 403, 'csrf');
    const p = await u.profile(target);
    assert.equal(p.json.follower_count, 0);
  });

  test('Bearer requests need no CSRF token', async () => {
    const u = await signup(server);
    const res = await u.patch('/api/v1/me', { json: { display_name: 'Bearer' } });
    expectStatus(res, 200);
    assert.equal(res.json.display_name, 'Bearer');
  });
});

describe('login throttling', () => {
  test('the 6th wrong password for one account is 429 with Retry-After; the account stays locked, others not', async () => {
    const victim = await signup(server);
    const bystander = await signup(server);
    for (let i = 1; i <= 5; i++) {
      assertProblem(await login(server, victim.handle, `wrong-${i}-password`), 401, 'invalid-credentials');
    }
    const sixth = await login(server, victim.handle, 'wrong-6-password');
    assertProblem(sixth, 429, 'rate-limited');
    const retryAfter = sixth.headers.get('retry-after');
    assert.match(retryAfter ?? '', /^\d+$/, `Retry-After is a number of seconds, got ${retryAfter}`);
    assert.ok(Number(retryAfter) > 0);

    // While throttled, even the right password must not reveal that it is right.
    assertProblem(await login(server, victim.handle, victim.password), 429, 'rate-limited');
    assertProblem(await login(server, victim.email, victim.password), 429, 'rate-limited');
    // Existing sessions are untouched and other accounts can log in.
    expectStatus(await victim.get('/api/v1/me'), 200);
    expectStatus(await login(server, bystander.handle, bystander.password), 200);
  });
});

describe('secrets at rest', () => {
  test('neither the password nor any session token is stored; the password hash is argon2id', async () => {
    const password = `Plain-Text-Secret-${Date.now()}`;
    const u = await signup(server, { password });
    const again = await login(server, u.handle, password);
    expectStatus(again, 200);
    const tokens = [u.token, again.json.token];

    const dump = await dumpDatabase(server);
    assert.ok(dump.includes(u.handle), 'the dump holds the user (sanity check of the dump)');
    assert.ok(!dump.includes(password), 'the plaintext password is not in the database');
    for (const t of tokens) assert.ok(!dump.includes(t), 'a session token is not in the database');

    const hashes = dump.match(/\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+/g) ?? [];
    assert.ok(hashes.length >= 1, 'password hashes are argon2id strings ($argon2id$...)');
    const lines = dump.split('\n').filter((l) => l.includes(u.handle) && l.includes(u.email));
    assert.ok(lines.some((l) => l.includes('$argon2id$')), "the user's own row holds an argon2id hash");

    if (!server.dbUrl) {
      // The raw files too (WAL included): nothing is written in plaintext anywhere.
      for (const suffix of ['', '-wal', '-journal']) {
        const f = server.sqlitePath + suffix;
        if (!fs.existsSync(f)) continue;
        const bytes = fs.readFileSync(f);
        assert.ok(!bytes.includes(Buffer.from(password)), `password not in ${f}`);
        for (const t of tokens) assert.ok(!bytes.includes(Buffer.from(t)), `token not in ${f}`);
      }
    }
  });
});

// Bad input gets a 400 problem naming the field, and changes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { expectStatus, get, login, post, request, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

function validSignup() {
  const handle = uniqueHandle('v');
  return { handle, email: `${handle.replace('_', '')}@example.com`, password: 'a-good-password' };
}

/// The handle and email of a refused signup stay free: nothing was written.
async function assertNothingWritten(fields) {
  if (typeof fields.handle === 'string' && /^[a-z0-9][a-z0-9_.]{2,23}$/.test(fields.handle)) {
    assertProblem(await get(server, `/api/v1/users/${fields.handle}`), 404, 'not-found');
  }
  const fresh = validSignup();
  const reuse = {
    handle: typeof fields.handle === 'string' && /^[a-z0-9][a-z0-9_.]{2,23}$/.test(fields.handle) ? fields.handle : fresh.handle,
    email: typeof fields.email === 'string' && /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(fields.email) && fields.email.length <= 254 ? fields.email : fresh.email,
    password: fresh.password,
  };
  const res = await post(server, '/api/v1/auth/signup', { json: reuse });
  expectStatus(res, 201, `the handle/email of a refused signup stays free (${JSON.stringify(reuse)})`);
}

describe('signup input', () => {
  test('malformed JSON is 400 invalid-json and creates nothing', async () => {
    const f = validSignup();
    const body = JSON.stringify(f).slice(0, -3); // cut off
    const res = await post(server, '/api/v1/auth/signup', { body, headers: { 'content-type': 'application/json' } });
    assertProblem(res, 400, 'invalid-json');
    await assertNothingWritten(f);
  });

  test('a JSON value that is not an object is refused with 400', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await post(server, '/api/v1/auth/signup', { body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.ok(['/problems/validation', '/problems/invalid-json'].includes(res.json.type), `${body}: ${res.text}`);
    }
  });

  for (const field of ['handle', 'email', 'password']) {
    test(`a missing ${field} is 400 validation naming /${field}`, async () => {
      const f = validSignup();
      const sent = { ...f };
      delete sent[field];
      assertProblem(await post(server, '/api/v1/auth/signup', { json: sent }), 400, 'validation', { pointer: `/${field}` });
      await assertNothingWritten(f);
    });
  }

  const wrongTypes = {
    handle: [123, true, null, ['abc'], { a: 1 }],
    email: [42, false, ['a@b.co']],
    password: [12345678, ['longenough'], { p: 'longenough' }],
    display_name: [5, false, ['x']],
  };
  for (const [field, values] of Object.entries(wrongTypes)) {
    test(`a wrong type for ${field} is 400 validation naming /${field}`, async () => {
      for (const v of values) {
        const f = validSignup();
        const res = await post(server, '/api/v1/auth/signup', { json: { ...f, [field]: v } });
        assertProblem(res, 400, 'validation', { pointer: `/${field}` });
        await assertNothingWritten(f);
      }
    });
  }

  test('invalid handles are 400 naming /handle and leave nothing behind', async () => {
    const tooLong = uniqueHandle('long').padEnd(25, 'x');
    const bad = [
      'ab', // too short
      tooLong, // 25 chars
      '_leading', // must start with a letter or digit
      '.leading',
      'has space',
      'dash-ed',
      'héllo',
      'emoji😀x',
      'semi;colon',
      '',
    ];
    for (const handle of bad) {
      const f = { ...validSignup(), handle };
      const res = await post(server, '/api/v1/auth/signup', { json: f });
      assertProblem(res, 400, 'validation', { pointer: '/handle' });
      await assertNothingWritten({ email: f.email });
    }
    // The over-long handle was not truncated and stored.
    assertProblem(await get(server, `/api/v1/users/${tooLong.slice(0, 24)}`), 404, 'not-found');
  });

  test('handles at the length limits (3 and 24) and with . and _ are accepted', async () => {
    const three = `${String.fromCharCode(97 + Math.floor(Math.random() * 26))}${Math.random().toString(36).slice(2, 4)}`;
    const res3 = await post(server, '/api/v1/auth/signup', { json: { ...validSignup(), handle: three } });
    // A 3-letter random handle may collide with another test's; only a 201 or 409 is acceptable.
    assert.ok([201, 409].includes(res3.status), `3-char handle: ${res3.status} ${res3.text}`);
    const long = `a${uniqueHandle('').replace(/[^a-z0-9]/g, '')}`.padEnd(22, '0').slice(0, 22) + '._';
    assert.equal(long.length, 24);
    expectStatus(await post(server, '/api/v1/auth/signup', { json: { ...validSignup(), handle: long } }), 201, '24-char handle');
  });

  test('invalid emails are 400 naming /email and leave the handle free', async () => {
    const bad = ['plainaddress', 'a@b', '@example.com', 'user@', 'a b@example.com', 'a@@example.com', '', `${'x'.repeat(245)}@example.com`];
    for (const email of bad) {
      const f = { ...validSignup(), email };
      const res = await post(server, '/api/v1/auth/signup', { json: f });
      assertProblem(res, 400, 'validation', { pointer: '/email' });
      await assertNothingWritten({ handle: f.handle });
    }
  });

  test('passwords shorter than 8 or longer than 128 are 400 naming /password', async () => {
    for (const password of ['short7!', 'p'.repeat(129)]) {
      const f = { ...validSignup(), password };
      assertProblem(await post(server, '/api/v1/auth/signup', { json: f }), 400, 'validation', { pointer: '/password' });
      await assertNothingWritten(f);
    }
    for (const password of ['exactly8', 'p'.repeat(128)]) {
      expectStatus(await post(server, '/api/v1/auth/signup', { json: { ...validSignup(), password } }), 201, `password of ${password.length}`);
    }
  });

  test('a display_name over 50 is 400 naming /display_name', async () => {
    const f = { ...validSignup(), display_name: 'd'.repeat(51) };
    assertProblem(await post(server, '/api/v1/auth/signup', { json: f }), 400, 'validation', { pointer: '/display_name' });
    await assertNothingWritten(f);
    const ok = await post(server, '/api/v1/auth/signup', { json: { ...validSignup(), display_name: 'd'.repeat(50) } });
    expectStatus(ok, 201);
    assert.equal(ok.json.user.display_name, 'd'.repeat(50));
  });
});

describe('login input', () => {
  test('malformed JSON is 400 invalid-json', async () => {
    const res = await post(server, '/api/v1/auth/login', { body: '{"login": "x", ', headers: { 'content-type': 'application/json' } });
    assertProblem(res, 400, 'invalid-json');
  });

  test('missing or mistyped fields are 400 validation naming the field', async () => {
    assertProblem(await post(server, '/api/v1/auth/login', { json: { login: 'someone' } }), 400, 'validation', { pointer: '/password' });
    assertProblem(await post(server, '/api/v1/auth/login', { json: { password: 'something' } }), 400, 'validation', { pointer: '/login' });
    assertProblem(await post(server, '/api/v1/auth/login', { json: { login: 7, password: 'something' } }), 400, 'validation', { pointer: '/login' });
  });
});

describe('profile input (PATCH /me)', () => {
  test('a bio over 160 code points is 400 naming /bio; 160 code points of emoji are fine', async () => {
    const u = await signup(server);
    assertProblem(await u.patch('/api/v1/me', { json: { bio: 'b'.repeat(161) } }), 400, 'validation', { pointer: '/bio' });
    assertProblem(await u.patch('/api/v1/me', { json: { bio: '😀'.repeat(161) } }), 400, 'validation', { pointer: '/bio' });
    const emoji = '😀'.repeat(160); // 640 bytes of UTF-8, 320 UTF-16 units, 160 code points
    const ok = await u.patch('/api/v1/me', { json: { bio: emoji } });
    expectStatus(ok, 200);
    assert.equal(ok.json.bio, emoji);
    assert.equal((await u.get('/api/v1/me')).json.bio, emoji, 'the bio round-trips byte for byte');
  });

  test('wrong types are 400 naming the field', async () => {
    const u = await signup(server);
    assertProblem(await u.patch('/api/v1/me', { json: { is_private: 'yes' } }), 400, 'validation', { pointer: '/is_private' });
    assertProblem(await u.patch('/api/v1/me', { json: { display_name: 5 } }), 400, 'validation', { pointer: '/display_name' });
    assertProblem(await u.patch('/api/v1/me', { json: { bio: ['x'] } }), 400, 'validation', { pointer: '/bio' });
  });

  test('a request with one bad field changes none of the others', async () => {
    const u = await signup(server, { display_name: 'Original' });
    const res = await u.patch('/api/v1/me', { json: { display_name: 'Changed', is_private: true, bio: 'x'.repeat(161) } });
    assertProblem(res, 400, 'validation', { pointer: '/bio' });
    const me = (await u.get('/api/v1/me')).json;
    assert.equal(me.display_name, 'Original');
    assert.equal(me.is_private, false);
    assert.equal(me.bio, '');
  });

  test('malformed JSON is 400 invalid-json', async () => {
    const u = await signup(server);
    const res = await u.patch('/api/v1/me', { body: '{"bio": "x"', headers: { 'content-type': 'application/json' } });
    assertProblem(res, 400, 'invalid-json');
  });
});

describe('routing', () => {
  test('an unknown API route is 404 problem+json', async () => {
    assertProblem(await get(server, '/api/v1/no-such-thing'), 404, 'not-found');
  });

  test('a known route with the wrong method is 405 method-not-allowed', async () => {
    const res = await request(server, 'PUT', '/api/v1/auth/login', { json: {} });
    assertProblem(res, 405, 'method-not-allowed');
  });

  test('unknown users are 404 not-found', async () => {
    assertProblem(await get(server, `/api/v1/users/${uniqueHandle('ghost')}`), 404, 'not-found');
    const u = await signup(server);
    assertProblem(await u.follow(uniqueHandle('ghost')), 404, 'not-found');
  });

  test('login of a refused signup fails: no account was made', async () => {
    const f = { ...validSignup(), email: 'not-an-email' };
    assertProblem(await post(server, '/api/v1/auth/signup', { json: f }), 400, 'validation', { pointer: '/email' });
    assertProblem(await login(server, f.handle, f.password), 401, 'invalid-credentials');
  });
});

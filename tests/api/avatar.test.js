// Avatars: PUT /api/v1/me/avatar with raw image bytes, served back from /media/avatars/.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { expectStatus, get, httpRequest, sendRaw, signup, statusOf } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

// A valid 1x1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const jpegMagic = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

describe('avatar', () => {
  test('a PNG upload sets avatar_url, which serves the same bytes; DELETE clears it', async () => {
    const u = await signup(server);
    const res = await u.put('/api/v1/me/avatar', { body: png, headers: { 'content-type': 'image/png' } });
    expectStatus(res, 200);
    const url = res.json.avatar_url;
    assert.equal(typeof url, 'string');
    const pathOnly = url.replace(/^https?:\/\/[^/]+/, '');
    assert.match(pathOnly, /^\/media\/avatars\//);
    const img = await httpRequest(server, 'GET', pathOnly);
    assert.equal(img.status, 200);
    assert.ok(img.body.equals(png), 'the stored avatar is the uploaded file');
    assert.match(img.headers['content-type'] ?? '', /^image\/png/);
    assert.equal((await get(server, `/api/v1/users/${u.handle}`)).json.avatar_url, url, 'the profile shows it');

    const cleared = await u.del('/api/v1/me/avatar');
    expectStatus(cleared, 200);
    assert.equal(cleared.json.avatar_url, null);
    assert.equal((await u.get('/api/v1/me')).json.avatar_url, null);
  });

  test('bytes that do not match the declared type are 415 and change nothing', async () => {
    const u = await signup(server);
    assertProblem(await u.put('/api/v1/me/avatar', { body: jpegMagic, headers: { 'content-type': 'image/png' } }), 415, 'unsupported-media-type');
    assertProblem(await u.put('/api/v1/me/avatar', { body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), headers: { 'content-type': 'image/svg+xml' } }), 415, 'unsupported-media-type');
    assertProblem(await u.put('/api/v1/me/avatar', { body: png, headers: { 'content-type': 'text/html' } }), 415, 'unsupported-media-type');
    assert.equal((await u.get('/api/v1/me')).json.avatar_url, null);
  });

  test('an avatar over 2 MiB is 413; 1.5 MiB (over the 1 MiB JSON limit) is accepted', async () => {
    const u = await signup(server);
    const mid = Buffer.concat([png, Buffer.alloc(1536 * 1024, 0x20)]);
    const ok = await u.put('/api/v1/me/avatar', { body: mid, headers: { 'content-type': 'image/png' } });
    expectStatus(ok, 200, 'a 1.5 MiB avatar');
    const stored = await httpRequest(server, 'GET', ok.json.avatar_url.replace(/^https?:\/\/[^/]+/, ''));
    assert.equal(stored.body.length, mid.length);
    expectStatus(await u.del('/api/v1/me/avatar'), 200);

    const big = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024 + 1024, 0x20)]);
    const head =
      `PUT /api/v1/me/avatar HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${u.token}\r\n` +
      `Content-Type: image/png\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n`;
    const raw = await sendRaw(server.port, head, big);
    assert.equal(statusOf(raw), 413, raw.slice(0, 300));
    assert.equal((await u.get('/api/v1/me')).json.avatar_url, null);
  });

  test('an upload needs a session', async () => {
    const { put } = await import('../lib/http.js');
    assertProblem(await put(server, '/api/v1/me/avatar', { body: png, headers: { 'content-type': 'image/png' } }), 401, 'unauthenticated');
  });
});

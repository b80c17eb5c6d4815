// Resumable uploads: tus 1.0.0 at /api/v1/uploads, through the real client
// (tus-js-client) and by hand for the protocol's edges.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as tus from 'tus-js-client';

import { expectStatus, request, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { makeClip, rawUpload } from '../lib/videos.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

const tusHeaders = { 'tus-resumable': '1.0.0' };

function bigClip() {
  // About 2 MB, so a PATCH takes several reads on the server.
  return makeClip('big.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=30', '-f', 'lavfi', '-i', 'sine',
    '-t', '4', '-c:v', 'libx264', '-b:v', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
}

/// A TCP proxy to riffd that cuts the first PATCH's connection once `cutAfter`
/// body-ish bytes went through, and records every Upload-Offset a PATCH sent.
function cuttingProxy(target, cutAfter) {
  const state = { cut: false, patchOffsets: [] };
  const srv = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    let sincePatch = -1;
    client.on('data', (buf) => {
      const text = buf.toString('latin1');
      for (const m of text.matchAll(/^PATCH [^\r\n]*\r\n(?:[^\r\n]+\r\n)*?upload-offset: *(\d+)/gim)) {
        state.patchOffsets.push(Number(m[1]));
        if (sincePatch < 0) sincePatch = 0;
      }
      if (sincePatch >= 0 && !state.cut) {
        sincePatch += buf.length;
        if (sincePatch >= cutAfter) {
          state.cut = true;
          const keep = buf.length - (sincePatch - cutAfter);
          upstream.end(buf.subarray(0, keep));
          client.destroy();
          return;
        }
      }
      upstream.write(buf);
    });
    upstream.on('data', (b) => client.write(b));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.end());
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ srv, state, port: srv.address().port })));
}

function tusUpload(endpoint, user, bytes, extra = {}) {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes, {
      endpoint,
      headers: { authorization: `Bearer ${user.token}` },
      metadata: { filename: 'clip.mp4', filetype: 'video/mp4' },
      retryDelays: [0, 100, 300, 1000, 2000],
      ...extra,
      onError: reject,
      onSuccess: () => resolve(up),
    });
    up.start();
  });
}

describe('tus uploads', () => {
  test('OPTIONS announces the protocol without auth', async () => {
    const res = await request(server, 'OPTIONS', '/api/v1/uploads');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('tus-resumable'), '1.0.0');
    assert.equal(res.headers.get('tus-version'), '1.0.0');
    for (const ext of ['creation', 'termination', 'expiration', 'checksum']) {
      assert.ok(res.headers.get('tus-extension').split(',').includes(ext), ext);
    }
    assert.equal(res.headers.get('tus-max-size'), String(500 * 1024 * 1024));
  });

  test('tus-js-client uploads a file whose bytes on disk equal the source', async () => {
    const u = await signup(server);
    const bytes = fs.readFileSync(bigClip());
    const up = await tusUpload(`${server.url}/api/v1/uploads`, u, bytes, { chunkSize: 512 * 1024 });
    const id = up.url.split('/').pop();
    const onDisk = fs.readFileSync(path.join(server.dataDir, 'uploads', `${id}.part`));
    assert.ok(onDisk.equals(bytes), 'stored bytes equal the source');
    const head = await u.req('HEAD', `/api/v1/uploads/${id}`, { headers: tusHeaders });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(bytes.length));
    assert.equal(head.headers.get('upload-length'), String(bytes.length));
    assert.equal(head.headers.get('cache-control'), 'no-store');
    assert.equal(head.headers.get('tus-resumable'), '1.0.0');
  });

  test('a connection cut halfway keeps what arrived and tus-js-client resumes from there', async () => {
    const u = await signup(server);
    const bytes = fs.readFileSync(bigClip());
    const proxy = await cuttingProxy(server, Math.floor(bytes.length / 2));
    try {
      const up = await tusUpload(`http://127.0.0.1:${proxy.port}/api/v1/uploads`, u, bytes);
      assert.ok(proxy.state.cut, 'the proxy cut a PATCH');
      const offsets = proxy.state.patchOffsets;
      assert.ok(offsets.length >= 2, `PATCHes seen: ${offsets}`);
      assert.equal(offsets[0], 0);
      assert.ok(offsets.at(-1) > 0, `the resumed PATCH started past 0 (${offsets})`);
      const id = up.url.split('/').pop();
      const onDisk = fs.readFileSync(path.join(server.dataDir, 'uploads', `${id}.part`));
      assert.ok(onDisk.equals(bytes), 'stored bytes equal the source');
    } finally {
      proxy.srv.close();
    }
  });

  test('a wrong offset is 409, a wrong content type 415, a bad sha1 460 with the bytes discarded', async () => {
    const u = await signup(server);
    const data = crypto.randomBytes(1000);
    const created = await u.post('/api/v1/uploads', { headers: { ...tusHeaders, 'upload-length': '1000' } });
    expectStatus(created, 201);
    const loc = created.headers.get('location');
    assert.match(loc, /^\/api\/v1\/uploads\/\d+$/);
    const patch = (offset, body, headers = {}) =>
      u.patch(loc, { body, headers: { ...tusHeaders, 'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream', ...headers } });
    assert.equal((await patch(10, data.subarray(0, 10))).status, 409);
    assert.equal((await patch(0, data.subarray(0, 10), { 'content-type': 'application/octet-stream' })).status, 415);
    const wrong = crypto.createHash('sha1').update('other').digest('base64');
    const bad = await patch(0, data.subarray(0, 500), { 'upload-checksum': `sha1 ${wrong}` });
    assert.equal(bad.status, 460);
    assert.equal(bad.headers.get('tus-resumable'), '1.0.0');
    let head = await u.req('HEAD', loc, { headers: tusHeaders });
    assert.equal(head.headers.get('upload-offset'), '0');
    const good = crypto.createHash('sha1').update(data.subarray(0, 500)).digest('base64');
    const ok = await patch(0, data.subarray(0, 500), { 'upload-checksum': `sha1 ${good}` });
    expectStatus(ok, 204);
    assert.equal(ok.headers.get('upload-offset'), '500');
    const rest = await patch(500, data.subarray(500));
    assert.equal(rest.headers.get('upload-offset'), '1000');
    const id = loc.split('/').pop();
    assert.ok(fs.readFileSync(path.join(server.dataDir, 'uploads', `${id}.part`)).equals(data));
  });

  test('only the owner sees or changes an upload; DELETE terminates it', async () => {
    const owner = await signup(server);
    const other = await signup(server);
    const id = await rawUpload(owner, crypto.randomBytes(100));
    assert.equal((await other.req('HEAD', `/api/v1/uploads/${id}`, { headers: tusHeaders })).status, 404);
    assert.equal((await other.del(`/api/v1/uploads/${id}`, { headers: tusHeaders })).status, 404);
    assert.equal((await request(server, 'POST', '/api/v1/uploads', { headers: { ...tusHeaders, 'upload-length': '5' } })).status, 401);
    const gone = await owner.del(`/api/v1/uploads/${id}`, { headers: tusHeaders });
    assert.equal(gone.status, 204);
    assert.equal(gone.headers.get('tus-resumable'), '1.0.0');
    assert.equal((await owner.req('HEAD', `/api/v1/uploads/${id}`, { headers: tusHeaders })).status, 404);
    assert.ok(!fs.existsSync(path.join(server.dataDir, 'uploads', `${id}.part`)));
  });

  test('an upload larger than the limit is refused at creation', async () => {
    const u = await signup(server);
    const res = await u.post('/api/v1/uploads', { headers: { ...tusHeaders, 'upload-length': String(501 * 1024 * 1024) } });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('tus-resumable'), '1.0.0');
  });
});

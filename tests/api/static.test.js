// Static files from the web directory: Range, ETag/304, gzip, the single-page
// app fallback, and no escape from the directory.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { httpRequest, sendRaw, statusOf } from '../lib/http.js';
import { cleanupAll, makeTempDir, startRiffd } from '../lib/riffd.js';

let server;
let web;
const files = {};

before(async () => {
  web = makeTempDir('riff-web-');
  fs.mkdirSync(path.join(web, 'assets'));
  files['index.html'] = Buffer.from('<!doctype html><html><head><title>riff static test</title></head><body><div id="app"></div></body></html>\n');
  files['assets/app-3f9a1c.js'] = Buffer.from(
    Array.from({ length: 4000 }, (_, i) => `export function f${i}(x) { return x * ${i} + "riff"; }\n`).join(''),
  );
  files['assets/style-77aa01.css'] = Buffer.from(
    Array.from({ length: 2000 }, (_, i) => `.c${i} { color: #${(i % 4096).toString(16).padStart(3, '0')}; margin: ${i}px; }\n`).join(''),
  );
  files['clip.bin'] = crypto.randomBytes(256 * 1024);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(web, name), bytes);
  server = await startRiffd({ webDir: web });
});
after(cleanupAll);

describe('Range requests', () => {
  test('bytes=100-1099 is 206 with the right Content-Range and exactly those bytes', async () => {
    const file = files['clip.bin'];
    const res = await httpRequest(server, 'GET', '/clip.bin', { headers: { range: 'bytes=100-1099' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers['content-range'], `bytes 100-1099/${file.length}`);
    assert.equal(Number(res.headers['content-length']), 1000);
    assert.ok(res.body.equals(file.subarray(100, 1100)), 'the body is bytes 100..1099 of the file');
  });

  test('an open-ended range and a suffix range', async () => {
    const file = files['clip.bin'];
    const open = await httpRequest(server, 'GET', '/clip.bin', { headers: { range: `bytes=${file.length - 300}-` } });
    assert.equal(open.status, 206);
    assert.equal(open.headers['content-range'], `bytes ${file.length - 300}-${file.length - 1}/${file.length}`);
    assert.ok(open.body.equals(file.subarray(file.length - 300)));

    const suffix = await httpRequest(server, 'GET', '/clip.bin', { headers: { range: 'bytes=-77' } });
    assert.equal(suffix.status, 206);
    assert.equal(suffix.headers['content-range'], `bytes ${file.length - 77}-${file.length - 1}/${file.length}`);
    assert.ok(suffix.body.equals(file.subarray(file.length - 77)));
  });

  test('a range past the end is 416 with Content-Range bytes */size', async () => {
    const file = files['clip.bin'];
    const res = await httpRequest(server, 'GET', '/clip.bin', { headers: { range: `bytes=${file.length}-${file.length + 10}` } });
    assert.equal(res.status, 416);
    assert.equal(res.headers['content-range'], `bytes */${file.length}`);
  });

  test('a full GET advertises Accept-Ranges and returns the whole file', async () => {
    const file = files['clip.bin'];
    const res = await httpRequest(server, 'GET', '/clip.bin');
    assert.equal(res.status, 200);
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(Number(res.headers['content-length']), file.length);
    assert.ok(res.body.equals(file));
  });
});

describe('conditional requests', () => {
  test('If-None-Match with the ETag is 304 with no body; another ETag is 200', async () => {
    const first = await httpRequest(server, 'GET', '/assets/style-77aa01.css');
    assert.equal(first.status, 200);
    const etag = first.headers.etag;
    assert.ok(etag, 'an ETag is sent');
    const again = await httpRequest(server, 'GET', '/assets/style-77aa01.css', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const other = await httpRequest(server, 'GET', '/assets/style-77aa01.css', { headers: { 'if-none-match': '"not-the-etag"' } });
    assert.equal(other.status, 200);
    assert.ok(other.body.equals(files['assets/style-77aa01.css']));
  });

  test('a changed file gets a new ETag, and the old one no longer gives 304', async () => {
    const name = 'changing.txt';
    fs.writeFileSync(path.join(web, name), 'version one\n');
    const v1 = await httpRequest(server, 'GET', `/${name}`);
    assert.equal(v1.status, 200);
    fs.writeFileSync(path.join(web, name), 'version two, longer than the first\n');
    const v2 = await httpRequest(server, 'GET', `/${name}`, { headers: { 'if-none-match': v1.headers.etag } });
    assert.equal(v2.status, 200);
    assert.equal(v2.body.toString(), 'version two, longer than the first\n');
    assert.notEqual(v2.headers.etag, v1.headers.etag);
  });
});

describe('compression', () => {
  for (const name of ['assets/app-3f9a1c.js', 'assets/style-77aa01.css']) {
    test(`${path.extname(name)} is gzipped for Accept-Encoding: gzip and decompresses to the file`, async () => {
      const res = await httpRequest(server, 'GET', `/${name}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.match(res.headers.vary ?? '', /accept-encoding/i);
      assert.ok(res.body.length < files[name].length, 'the gzipped body is smaller');
      assert.ok(zlib.gunzipSync(res.body).equals(files[name]), 'gunzip gives the file back exactly');
    });
  }

  test('without Accept-Encoding the file is sent as is', async () => {
    const name = 'assets/app-3f9a1c.js';
    const res = await httpRequest(server, 'GET', `/${name}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.ok(res.body.equals(files[name]));
    assert.match(res.headers['content-type'] ?? '', /javascript/);
  });
});

describe('single-page app', () => {
  test('/ and client routes such as /@handle serve index.html; a missing asset is 404', async () => {
    for (const p of ['/', '/@someone', '/settings/profile']) {
      const res = await httpRequest(server, 'GET', p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers['content-type'] ?? '', /text\/html/);
      assert.ok(res.body.equals(files['index.html']), `${p} serves index.html`);
    }
    const missing = await httpRequest(server, 'GET', '/assets/missing-000.js');
    assert.equal(missing.status, 404);
  });

  test('the API is not shadowed by the fallback', async () => {
    const res = await httpRequest(server, 'GET', '/api/v1/no-such-route');
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
  });
});

describe('path traversal', () => {
  test('no request path reaches a file outside the web directory', async () => {
    const secretDir = path.dirname(web);
    const secretName = `secret-${crypto.randomBytes(4).toString('hex')}.txt`;
    fs.writeFileSync(path.join(secretDir, secretName), 'TOP-SECRET-CONTENT');
    try {
      const targets = [
        `/../${secretName}`,
        `/assets/../../${secretName}`,
        `/%2e%2e/${secretName}`,
        `/%2e%2e%2f${secretName}`,
        `/assets/..%2f..%2f${secretName}`,
        `/..%5c${secretName}`,
        '/../../../../../../etc/passwd',
        '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      ];
      for (const t of targets) {
        const raw = await sendRaw(server.port, `GET ${t} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, undefined, { lingerMs: 500 });
        assert.ok(statusOf(raw) !== null, `${t}: an HTTP answer`);
        assert.ok(!raw.includes('TOP-SECRET-CONTENT'), `${t} escaped the web directory`);
        assert.ok(!raw.includes('root:x:0:0'), `${t} read /etc/passwd`);
      }
    } finally {
      fs.rmSync(path.join(secretDir, secretName), { force: true });
    }
  });
});

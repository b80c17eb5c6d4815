// Posting and the media pipeline: a posted upload becomes HLS + MP4 with a
// poster and an original sound; bad files fail with a clear reason while the
// server keeps serving; sounds can be reused; duets link both ways.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { makeClip, postVideo, publish, rawUpload, smallClip, waitProcessed } from '../lib/videos.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

/// A PNG whose header claims `side` x `side` pixels (the pixel data is cut short).
function hugePng(side) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // 8-bit grayscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc((side + 1) * 4))), chunk('IEND', Buffer.alloc(0))]);
}

/// An MP4 whose movie and track headers claim a huge duration.
function claimHugeDuration(mp4) {
  const out = Buffer.from(mp4);
  for (const box of ['mvhd', 'mdhd']) {
    for (let i = out.indexOf(box); i >= 0; i = out.indexOf(box, i + 4)) {
      if (out[i + 4] === 0) out.writeUInt32BE(0x7fffffff, i + 20); // version 0: duration after timescale
    }
  }
  return out;
}

describe('posting and processing', () => {
  test('a posted clip is processing for its author, then ready with HLS, MP4, poster and an original sound', async () => {
    const u = await signup(server);
    const mentioned = await signup(server);
    const uploadId = await rawUpload(u, fs.readFileSync(smallClip()));
    const res = await postVideo(u, { upload_id: uploadId, caption: `first #Riff #dance @${mentioned.handle}`, visibility: 'public' });
    expectStatus(res, 201);
    assert.equal(res.json.status, 'processing');
    assert.deepEqual(res.json.hashtags, ['dance', 'riff']);
    assert.deepEqual(res.json.mentions, [mentioned.handle]);
    assert.equal(res.json.hls_url, null);
    assert.equal((await get(server, `/api/v1/videos/${res.json.id}`)).status, 404, 'processing is the author\'s alone');
    assert.equal((await postVideo(u, { upload_id: uploadId })).status, 400, 'an upload is posted once');

    const v = await waitProcessed(u, res.json.id);
    assert.equal(v.status, 'ready', JSON.stringify(v.failure));
    assert.equal(v.width, 360);
    assert.equal(v.height, 640);
    assert.ok(v.duration_ms >= 1900 && v.duration_ms <= 2200, `duration ${v.duration_ms}`);
    assert.equal(v.sound.title, `original sound - @${u.handle}`);

    const anon = await get(server, `/api/v1/videos/${v.id}`);
    expectStatus(anon, 200);
    assert.equal(anon.json.failure, null);
    const master = await get(server, v.hls_url);
    expectStatus(master, 200);
    assert.match(master.text, /#EXT-X-STREAM-INF:.*RESOLUTION=/);
    const variants = master.text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(variants.length >= 2, 'at least two renditions');
    for (const inf of master.text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
      assert.match(inf, /BANDWIDTH=\d+/);
      assert.match(inf, /CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    }
    const base = v.hls_url.replace(/master\.m3u8$/, '');
    const playlist = await get(server, base + variants[0]);
    expectStatus(playlist, 200);
    assert.match(playlist.text, /#EXT-X-MAP:URI="[^"]+"/);
    const dir = variants[0].replace(/[^/]+$/, '');
    const seg = playlist.text.split('\n').find((l) => l && !l.startsWith('#'));
    const segment = await fetch(server.url + base + dir + seg);
    assert.equal(segment.status, 200);
    assert.ok((await segment.arrayBuffer()).byteLength > 1000);
    const mp4 = await fetch(server.url + v.mp4_url, { headers: { range: 'bytes=0-99' } });
    assert.equal(mp4.status, 206);
    assert.equal((await mp4.arrayBuffer()).byteLength, 100);
    assert.equal((await fetch(server.url + v.poster_url)).status, 200);

    const sound = await get(server, `/api/v1/sounds/${v.sound.id}`);
    expectStatus(sound, 200);
    assert.equal(sound.json.use_count, 1);
    assert.equal(sound.json.creator.handle, u.handle);
    assert.equal(sound.json.catalog_track_id, null);
    assert.equal((await fetch(server.url + sound.json.audio_url)).status, 200);

    const inbox = await mentioned.get('/api/v1/notifications');
    assert.ok(inbox.json.items.some((n) => n.kind === 'mention'), 'the mentioned user is notified');
  });

  test('bad files end as failed with a clear reason, and the server keeps serving', async () => {
    const u = await signup(server);
    const clip = fs.readFileSync(makeClip('slow.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=30', '-f',
      'lavfi', '-i', 'sine', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']));
    const audio = fs.readFileSync(makeClip('tone.m4a', ['-f', 'lavfi', '-i', 'sine', '-t', '2', '-c:a', 'aac']));
    const cases = [
      ['zero-byte', Buffer.alloc(0), ['empty_file']],
      ['truncated MP4', clip.subarray(0, Math.floor(clip.length * 0.6)), ['not_a_video', 'undecodable']],
      ['text named .mp4', Buffer.from('this is not a video at all\n'.repeat(20)), ['not_a_video']],
      ['audio only', audio, ['no_video_stream']],
      ['a 20000x20000 image', hugePng(20000), ['too_large_dimensions']],
      ['a claimed duration of 24 days', claimHugeDuration(clip), ['too_long']],
    ];
    const ids = [];
    for (const [name, bytes] of cases) {
      const uploadId = await rawUpload(u, bytes);
      const res = await postVideo(u, { upload_id: uploadId, caption: name });
      expectStatus(res, 201, name);
      ids.push(res.json.id);
    }
    for (let i = 0; i < cases.length; i++) {
      const v = await waitProcessed(u, ids[i]);
      const [name, , reasons] = cases[i];
      assert.equal(v.status, 'failed', name);
      assert.ok(reasons.includes(v.failure.reason), `${name}: ${JSON.stringify(v.failure)}`);
      assert.ok(v.failure.message.length > 5, `${name} has a message`);
      assert.equal((await get(server, `/api/v1/videos/${v.id}`)).status, 404, 'failed videos are the author\'s alone');
    }
    expectStatus(await get(server, '/healthz'), 200);
  });

  test('use this sound: a second video takes the first one\'s sound; the sound page lists both', async () => {
    const a = await signup(server);
    const b = await signup(server);
    const first = await publish(a, fs.readFileSync(smallClip()));
    assert.equal(first.status, 'ready');
    const uploadId = await rawUpload(b, fs.readFileSync(smallClip()));
    const res = await postVideo(b, { upload_id: uploadId, sound_id: first.sound.id, sound_offset_ms: 500, sound_mode: 'mix' });
    expectStatus(res, 201);
    const second = await waitProcessed(b, res.json.id);
    assert.equal(second.status, 'ready', JSON.stringify(second.failure));
    assert.equal(second.sound.id, first.sound.id);
    const sound = await get(server, `/api/v1/sounds/${first.sound.id}`);
    assert.equal(sound.json.use_count, 2);
    const list = await get(server, `/api/v1/sounds/${first.sound.id}/videos`);
    expectStatus(list, 200);
    assert.deepEqual(new Set(list.json.items.map((v) => v.id)), new Set([first.id, second.id]));

    // The creator turns reuse off; others cannot change it.
    expectStatus(await b.patch(`/api/v1/sounds/${first.sound.id}`, { json: { reusable: false } }), 403);
    const off = await a.patch(`/api/v1/sounds/${first.sound.id}`, { json: { reusable: false } });
    expectStatus(off, 200);
    assert.equal(off.json.reusable, false);
    const again = await rawUpload(b, fs.readFileSync(smallClip()));
    const refused = await postVideo(b, { upload_id: again, sound_id: first.sound.id });
    expectStatus(refused, 400);
  });

  test('a duet is composed side by side and linked both ways; duets must be allowed', async () => {
    const a = await signup(server);
    const b = await signup(server);
    const original = await publish(a, fs.readFileSync(smallClip()), { allow_duet: true });
    const closed = await publish(a, fs.readFileSync(smallClip()), { allow_duet: false });
    const up1 = await rawUpload(b, fs.readFileSync(smallClip()));
    expectStatus(await postVideo(b, { upload_id: up1, duet_of: closed.id }), 400);
    const res = await postVideo(b, { upload_id: up1, duet_of: original.id, caption: 'duet!' });
    expectStatus(res, 201);
    const duet = await waitProcessed(b, res.json.id);
    assert.equal(duet.status, 'ready', JSON.stringify(duet.failure));
    assert.equal(duet.duet_of, original.id);
    assert.ok(duet.width > duet.height / 2, `side by side: ${duet.width}x${duet.height}`);
    const list = await get(server, `/api/v1/videos/${original.id}/duets`);
    assert.deepEqual(list.json.items.map((v) => v.id), [duet.id]);
    assert.equal((await get(server, `/api/v1/videos/${original.id}`)).json.duet_count, 1);
  });
});

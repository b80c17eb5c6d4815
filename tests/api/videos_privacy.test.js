// Who sees and who changes a video: private and followers-only videos never
// reach others through any route of the create side (video, media files,
// sound pages, duets); only the author changes or deletes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { publish, smallClip } from '../lib/videos.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

/// Every URL of a ready video, for checking that none leaks.
function urlsOf(v) {
  return [`/api/v1/videos/${v.id}`, v.hls_url, v.mp4_url, v.poster_url, v.preview_url,
    v.hls_url.replace(/master\.m3u8$/, 'v720/index.m3u8'), `/api/v1/sounds/${v.sound.id}`,
    `/api/v1/sounds/${v.sound.id}/audio`, `/api/v1/sounds/${v.sound.id}/videos`, `/api/v1/videos/${v.id}/duets`];
}

async function statuses(user, urls) {
  const out = [];
  for (const url of urls) out.push((user ? await user.get(url) : await get(server, url)).status);
  return out;
}

describe('video privacy', () => {
  test('private and followers-only videos and their media reach only who may see them', async () => {
    const author = await signup(server);
    const follower = await signup(server);
    const stranger = await signup(server);
    expectStatus(await follower.follow(author), 200);
    const bytes = fs.readFileSync(smallClip());
    const priv = await publish(author, bytes, { visibility: 'private' });
    const fans = await publish(author, bytes, { visibility: 'followers' });
    assert.equal(priv.status, 'ready');
    assert.equal(fans.status, 'ready');

    for (const url of urlsOf(priv)) {
      const r = await author.get(url);
      assert.ok([200].includes(r.status), `author gets ${url}: ${r.status}`);
    }
    const none = urlsOf(priv).map(() => 404);
    assert.deepEqual(await statuses(null, urlsOf(priv)), none, 'anonymous, private');
    assert.deepEqual(await statuses(stranger, urlsOf(priv)), none, 'stranger, private');
    assert.deepEqual(await statuses(follower, urlsOf(priv)), none, 'follower, private');

    assert.deepEqual(await statuses(null, urlsOf(fans)), urlsOf(fans).map(() => 404), 'anonymous, followers-only');
    assert.deepEqual(await statuses(stranger, urlsOf(fans)), urlsOf(fans).map(() => 404), 'stranger, followers-only');
    assert.deepEqual(await statuses(follower, urlsOf(fans)), urlsOf(fans).map(() => 200), 'follower, followers-only');

    // Made private later: the follower loses it (media after the short decision cache).
    expectStatus(await author.patch(`/api/v1/videos/${fans.id}`, { json: { visibility: 'private' } }), 200);
    assert.equal((await follower.get(`/api/v1/videos/${fans.id}`)).status, 404);
    await new Promise((r) => setTimeout(r, 5500));
    assert.equal((await follower.get(fans.mp4_url)).status, 404);
  });

  test('only the author changes or deletes a video; deleting removes its media', async () => {
    const author = await signup(server);
    const other = await signup(server);
    const v = await publish(author, fs.readFileSync(smallClip()), { caption: 'mine #mine' });
    expectStatus(await other.patch(`/api/v1/videos/${v.id}`, { json: { caption: 'hijacked' } }), 403);
    expectStatus(await other.del(`/api/v1/videos/${v.id}`), 403);
    assert.equal((await get(server, `/api/v1/videos/${v.id}`)).json.caption, 'mine #mine');

    const changed = await author.patch(`/api/v1/videos/${v.id}`, {
      json: { caption: 'now #other', comments: 'no_one', allow_duet: false },
    });
    expectStatus(changed, 200);
    assert.deepEqual(changed.json.hashtags, ['other']);
    assert.equal(changed.json.comments, 'no_one');
    assert.equal(changed.json.allow_duet, false);
    expectStatus(await author.patch(`/api/v1/videos/${v.id}`, { json: { visibility: 'secret' } }), 400);

    expectStatus(await author.del(`/api/v1/videos/${v.id}`), 204);
    assert.equal((await author.get(`/api/v1/videos/${v.id}`)).status, 404);
    assert.equal((await author.get(v.mp4_url)).status, 404);
    assert.equal((await author.del(`/api/v1/videos/${v.id}`)).status, 404);
  });

  test('posting validates its fields and the upload\'s owner', async () => {
    const a = await signup(server);
    const b = await signup(server);
    const res = await a.post('/api/v1/videos', { json: { caption: 'x'.repeat(2201), visibility: 'everyone' } });
    expectStatus(res, 400);
    const pointers = (res.json.errors ?? []).map((e) => e.pointer).sort();
    assert.deepEqual(pointers, ['/caption', '/upload_id', '/visibility']);
    const { rawUpload } = await import('../lib/videos.js');
    const theirs = await rawUpload(b, fs.readFileSync(smallClip()));
    expectStatus(await a.post('/api/v1/videos', { json: { upload_id: theirs } }), 400);
    const partial = await a.post('/api/v1/uploads', { headers: { 'tus-resumable': '1.0.0', 'upload-length': '100' } });
    const partialId = partial.headers.get('location').split('/').pop();
    expectStatus(await a.post('/api/v1/videos', { json: { upload_id: partialId } }), 400);
    expectStatus(await get(server, '/api/v1/videos/123'), 404);
  });
});

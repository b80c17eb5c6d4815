// Engagement and discovery over HTTP, on videos made through the real upload
// flow: likes, comments and replies, shares, views, hashtag pages, profile
// grids, search, the feeds, notifications, and privacy on every one of these
// routes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, post, signup, uniqueHandle } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, generousLimits, startRiffd } from '../lib/riffd.js';
import { publish, smallClip } from '../lib/videos.js';

let server, author, fan, stranger, pub, followersOnly, priv, tag;

before(async () => {
  server = await startRiffd({ env: generousLimits });
  author = await signup(server, { handle: uniqueHandle('auth') });
  fan = await signup(server);
  stranger = await signup(server);
  expectStatus(await fan.follow(author), 200);
  tag = `tag${Date.now().toString(36)}`;
  const clip = fs.readFileSync(smallClip());
  pub = await publish(author, clip, { caption: `sunny beach dance #${tag}`, visibility: 'public' });
  followersOnly = await publish(author, clip, { caption: `friends only #${tag}`, visibility: 'followers' });
  priv = await publish(author, clip, { caption: `just me #${tag}`, visibility: 'private' });
  for (const v of [pub, followersOnly, priv]) assert.equal(v.status, 'ready', JSON.stringify(v.failure));
});
after(cleanupAll);

describe('likes', () => {
  test('toggle idempotently, need a session, and notify the author once', async () => {
    let res = await fan.post(`/api/v1/videos/${pub.id}/like`);
    expectStatus(res, 200);
    assert.deepEqual(res.json, { liked: true, like_count: 1 });
    res = await fan.post(`/api/v1/videos/${pub.id}/like`);
    assert.deepEqual(res.json, { liked: true, like_count: 1 });
    res = await fan.del(`/api/v1/videos/${pub.id}/like`);
    assert.deepEqual(res.json, { liked: false, like_count: 0 });
    res = await fan.post(`/api/v1/videos/${pub.id}/like`);
    assert.equal(res.json.like_count, 1);
    assertProblem(await post(server, `/api/v1/videos/${pub.id}/like`), 401, 'unauthenticated');
    const inbox = await author.get('/api/v1/notifications');
    expectStatus(inbox, 200);
    const likes = inbox.json.items.filter((n) => n.kind === 'like');
    assert.equal(likes.length, 1, 'repeated likes collapse into one notice');
    assert.equal(likes[0].actor.handle, fan.handle);
  });

  test('one video renders like a list item, with the viewer\'s like', async () => {
    const one = await fan.get(`/api/v1/videos/${pub.id}`);
    expectStatus(one, 200);
    assert.deepEqual(one.json.viewer, { liked: true });
    assert.deepEqual((await get(server, `/api/v1/videos/${pub.id}`)).json.viewer, { liked: false });
    const grid = await fan.get(`/api/v1/users/${author.handle}/videos`);
    const card = grid.json.items.find((v) => v.id === pub.id);
    assert.deepEqual(one.json, card, 'GET /videos/{id} and the profile grid show the same video');
  });
});

describe('comments', () => {
  test('thread one level deep, count exactly, and respect delete rights', async () => {
    const top = await fan.post(`/api/v1/videos/${pub.id}/comments`, { json: { body: `hello @${stranger.handle}` } });
    expectStatus(top, 201);
    assert.equal(top.json.parent_id, null);
    assert.equal(top.json.author.handle, fan.handle);
    const reply = await stranger.post(`/api/v1/videos/${pub.id}/comments`, { json: { body: 'hi', parent_id: top.json.id } });
    expectStatus(reply, 201);
    const deeper = await author.post(`/api/v1/videos/${pub.id}/comments`, { json: { body: 'hey', parent_id: reply.json.id } });
    expectStatus(deeper, 201);
    assert.equal(deeper.json.parent_id, top.json.id, 'a reply to a reply attaches to the top-level comment');

    const list = await get(server, `/api/v1/videos/${pub.id}/comments`);
    expectStatus(list, 200);
    assert.equal(list.json.items.length, 1);
    assert.equal(list.json.items[0].reply_count, 2);
    const thread = await get(server, `/api/v1/comments/${top.json.id}/replies`);
    assert.deepEqual(thread.json.items.map((c) => c.id), [reply.json.id, deeper.json.id]);
    assert.equal((await get(server, `/api/v1/videos/${pub.id}`)).json.comment_count, 3);

    const liked = await author.post(`/api/v1/comments/${top.json.id}/like`);
    assert.deepEqual(liked.json, { liked: true, like_count: 1 });

    assertProblem(await stranger.del(`/api/v1/comments/${top.json.id}`), 403, 'forbidden');
    expectStatus(await stranger.del(`/api/v1/comments/${reply.json.id}`), 204);
    expectStatus(await author.del(`/api/v1/comments/${top.json.id}`), 204, 'the video owner may delete');
    assert.equal((await get(server, `/api/v1/videos/${pub.id}`)).json.comment_count, 0);

    const mentions = (await stranger.get('/api/v1/notifications')).json.items.filter((n) => n.kind === 'mention');
    assert.equal(mentions.length, 1);
    const replies = async (u) => (await u.get('/api/v1/notifications')).json.items.filter((n) => n.kind === 'reply');
    assert.equal((await replies(fan)).length, 1, 'the top-level author hears of the reply');
    assert.equal((await replies(stranger)).length, 1, 'whoever was replied to hears of it');
  });

  test('bad bodies are 400 and the comment policy is enforced', async () => {
    assertProblem(await fan.post(`/api/v1/videos/${pub.id}/comments`, { json: { body: '' } }), 400, 'validation', { pointer: '/body' });
    assertProblem(await fan.post(`/api/v1/videos/${pub.id}/comments`, { json: { body: 'x'.repeat(501) } }), 400, 'validation', { pointer: '/body' });
    const v = (await publish(author, fs.readFileSync(smallClip()), { caption: 'quiet', comments: 'no_one' }));
    assertProblem(await fan.post(`/api/v1/videos/${v.id}/comments`, { json: { body: 'hi' } }), 403, 'forbidden');
    expectStatus(await author.post(`/api/v1/videos/${v.id}/comments`, { json: { body: 'mine' } }), 201);
  });
});

describe('shares and views', () => {
  test('a share counts and links to the video page', async () => {
    const res = await post(server, `/api/v1/videos/${pub.id}/share`, { json: { channel: 'copy' } });
    expectStatus(res, 200);
    assert.equal(res.json.share_url, `/v/${pub.id}`);
    assert.equal(res.json.share_count, 1);
  });

  test('a view counts once per viewer after the minimum watch; absurd reports are 400', async () => {
    let res = await fan.post(`/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 200 } });
    expectStatus(res, 200);
    assert.equal(res.json.counted, false);
    res = await fan.post(`/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 1500 } });
    assert.deepEqual(res.json, { counted: true, view_count: 1 });
    res = await fan.post(`/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 2000, completed: true } });
    assert.deepEqual(res.json, { counted: false, view_count: 1 }, 'a replay does not count');
    res = await post(server, `/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 1500 }, headers: { cookie: 'riff_vk=abc123' } });
    assert.equal(res.json.view_count, 2, 'an anonymous viewer counts too');
    res = await post(server, `/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 1500 }, headers: { cookie: 'riff_vk=abc123' } });
    assert.equal(res.json.counted, false);
    assertProblem(await fan.post(`/api/v1/videos/${pub.id}/view`, { json: { watch_ms: 3_600_000 } }), 400, 'validation', { pointer: '/watch_ms' });
    assertProblem(await fan.post(`/api/v1/videos/${pub.id}/view`, { json: { watch_ms: -5 } }), 400, 'validation', { pointer: '/watch_ms' });
    assertProblem(await fan.post(`/api/v1/videos/${pub.id}/view`, { json: {} }), 400, 'validation', { pointer: '/watch_ms' });

    const batch = await stranger.post('/api/v1/views', {
      json: { items: [{ video_id: pub.id, watch_ms: 1500 }, { video_id: priv.id, watch_ms: 1500 }] },
    });
    expectStatus(batch, 200);
    assert.deepEqual(batch.json.items.map((i) => i.counted), [true, false]);
  });
});

describe('discovery', () => {
  test('hashtag pages and profile grids show only what the viewer may see', async () => {
    const page = await get(server, `/api/v1/hashtags/${tag.toUpperCase()}`);
    expectStatus(page, 200);
    assert.equal(page.json.tag, tag);
    assert.equal(page.json.use_count, 3);
    const ids = async (u, path) => {
      const res = u ? await u.get(path) : await get(server, path);
      expectStatus(res, 200, path);
      return res.json.items.map((v) => v.id);
    };
    assert.deepEqual(await ids(null, `/api/v1/hashtags/${tag}/videos`), [pub.id]);
    assert.deepEqual(new Set(await ids(fan, `/api/v1/hashtags/${tag}/videos`)), new Set([pub.id, followersOnly.id]));
    const grid = await ids(author, `/api/v1/users/${author.handle}/videos`);
    for (const v of [pub, followersOnly, priv]) assert.ok(grid.includes(v.id), 'the author sees all their own');
    const anonGrid = await ids(null, `/api/v1/users/${author.handle}/videos`);
    assert.ok(anonGrid.includes(pub.id));
    assert.ok(!anonGrid.includes(followersOnly.id) && !anonGrid.includes(priv.id));
    assertProblem(await get(server, '/api/v1/hashtags/nosuchtagatall'), 404, 'not-found');
  });

  test('search finds videos, users with a typo, and hashtags, within visibility', async () => {
    let res = await get(server, `/api/v1/search?q=${encodeURIComponent('beach ' + tag)}&type=videos`);
    expectStatus(res, 200);
    assert.deepEqual(res.json.items.map((v) => v.id), [pub.id]);
    res = await get(server, `/api/v1/search?q=${tag}`);
    assert.deepEqual(res.json.items.map((v) => v.id), [pub.id], 'anonymous: only the public one');
    res = await fan.get(`/api/v1/search?q=${tag}`);
    assert.equal(res.json.items.length, 2);
    const typo = author.handle.slice(0, 1) + author.handle.slice(2, 3) + author.handle.slice(1, 2) + author.handle.slice(3, 6);
    res = await get(server, `/api/v1/search?type=users&q=${encodeURIComponent(typo)}`);
    assert.ok(res.json.items.some((u) => u.handle === author.handle), `typo ${typo} finds ${author.handle}`);
    res = await get(server, `/api/v1/search?type=hashtags&q=%23${tag.slice(0, 5)}`);
    assert.ok(res.json.items.some((h) => h.tag === tag));
    assertProblem(await get(server, '/api/v1/search?q=x&type=planets'), 400, 'validation', { pointer: '/type' });
  });
});

describe('feeds', () => {
  test('For You never repeats within a session nor shows hidden videos', async () => {
    const seen = new Set();
    let session;
    for (let i = 0; i < 5; i++) {
      const res = await stranger.get(`/api/v1/feed/foryou?limit=2${session ? `&session=${session}` : ''}`);
      expectStatus(res, 200);
      session = res.json.session;
      for (const v of res.json.items) {
        assert.ok(!seen.has(v.id), `repeated ${v.id}`);
        seen.add(v.id);
        assert.equal(v.visibility, 'public');
      }
    }
    assert.ok(seen.has(pub.id));
    assert.ok(!seen.has(priv.id) && !seen.has(followersOnly.id));
  });

  test('Following lists followed creators newest first and needs a session', async () => {
    const res = await fan.get('/api/v1/feed/following');
    expectStatus(res, 200);
    const ids = res.json.items.map((v) => v.id);
    assert.ok(ids.includes(pub.id) && ids.includes(followersOnly.id));
    assert.ok(!ids.includes(priv.id));
    assert.ok(ids.indexOf(followersOnly.id) < ids.indexOf(pub.id), 'newest first');
    assert.equal(res.json.items.find((v) => v.id === pub.id).viewer.liked, true);
    assertProblem(await get(server, '/api/v1/feed/following'), 401, 'unauthenticated');
  });
});

describe('privacy', () => {
  test('a private video is not found through any engagement route', async () => {
    for (const [method, path, json] of [
      ['POST', `/api/v1/videos/${priv.id}/like`],
      ['GET', `/api/v1/videos/${priv.id}/comments`],
      ['POST', `/api/v1/videos/${priv.id}/comments`, { body: 'hi' }],
      ['POST', `/api/v1/videos/${priv.id}/share`],
      ['POST', `/api/v1/videos/${priv.id}/view`, { watch_ms: 1500 }],
      ['POST', `/api/v1/videos/${followersOnly.id}/like`],
    ]) {
      assertProblem(await stranger.req(method, path, json ? { json } : {}), 404, 'not-found');
    }
    expectStatus(await stranger.post(`/api/v1/users/${author.handle}/block`), 204);
    assertProblem(await stranger.post(`/api/v1/videos/${pub.id}/like`), 404, 'not-found');
    assertProblem(await stranger.get(`/api/v1/users/${author.handle}/videos`), 404, 'not-found');
    const res = await stranger.get(`/api/v1/search?q=${tag}`);
    assert.equal(res.json.items.length, 0);
  });
});

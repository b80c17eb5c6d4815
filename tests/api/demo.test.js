// `riffd serve --demo` on an empty database: demo users, then demo videos made
// with ffmpeg and posted through the real upload and pipeline, while the
// server already serves. Other suites start riffd without --demo.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { expectStatus, get, sleep } from '../lib/http.js';
import { cleanupAll, makeTempDir, startRiffd } from '../lib/riffd.js';

after(cleanupAll);

const kDemoHandles = new Set(['demo', 'maya.moves', 'leo_beats', 'ana.cooks', 'kofi', 'sunrise.store']);

/// Every distinct video the For You feed shows an anonymous viewer over a few
/// pages of one session.
/// Every video on the demo users' profile grids.
async function demoVideos(server) {
  let n = 0;
  for (const handle of kDemoHandles) {
    const res = await get(server, `/api/v1/users/${handle}/videos?limit=100`);
    expectStatus(res, 200, `@${handle}'s videos`);
    n += res.json.items.length;
  }
  return n;
}

async function forYouVideos(server) {
  const seen = new Map();
  let session = '';
  for (let i = 0; i < 5; i++) {
    const res = await get(server, `/api/v1/feed/foryou?limit=50${session ? `&session=${encodeURIComponent(session)}` : ''}`);
    expectStatus(res, 200, 'for you');
    session = res.json.session;
    for (const v of res.json.items) seen.set(v.id, v);
    if (res.json.items.length === 0) break;
  }
  return [...seen.values()];
}

describe('demo videos', () => {
  let first;

  test('the first run seeds a living For You feed: reused sounds and a duet, with a progress bar', async () => {
    first = await startRiffd({ args: ['--demo'] });
    // Serving starts before the videos are made.
    expectStatus(await get(first, '/healthz'), 200);
    // The seeder logs this once every video it posted is processed.
    const until = Date.now() + 240_000;
    while (!/demo: posted \d+ videos/.test(first.stderr)) {
      assert.ok(Date.now() < until, `demo videos still processing\n${first.output()}`);
      await sleep(500);
    }
    const videos = (await forYouVideos(first)).filter((v) => v.status === 'ready' && kDemoHandles.has(v.author.handle));
    assert.ok(videos.length >= 6, `${videos.length} ready demo videos\n${first.output()}`);

    const bySound = new Map();
    for (const v of videos) if (v.sound) bySound.set(v.sound.id, (bySound.get(v.sound.id) ?? 0) + 1);
    const context = `\n${JSON.stringify(videos.map((v) => [v.author.handle, v.sound?.id, v.duet_of]))}\n${first.output()}`;
    assert.ok([...bySound.values()].some((n) => n >= 2), `a sound is used by two videos${context}`);
    const duet = videos.find((v) => v.duet_of !== null);
    assert.ok(duet, `a duet${context}`);
    assert.ok(videos.some((v) => v.id === duet.duet_of), 'the duet\'s original is in the feed too');
    assert.ok(videos.some((v) => v.hashtags.length > 0 && v.mentions.length > 0), 'captions link #hashtags and @mentions');
    assert.ok(new Set(videos.map((v) => v.author.handle)).size >= 4, 'posted by several demo users');

    // stderr is not a terminal here: one plain line per step.
    assert.match(first.stderr, /making demo clips \[#{20}\] 9\/9\n/, context);
    assert.match(first.stderr, /processing demo videos \[#{20}\] 9\/9\n/, context);
    assert.doesNotMatch(first.stderr, /\r/);
  });

  test('a second run on the same data seeds nothing', async () => {
    assert.ok(first, 'the first test ran');
    const before = await demoVideos(first);
    assert.ok(before >= 6);
    await first.stop();
    const again = await startRiffd({ args: ['--demo'], dataDir: first.dataDir, db: first.dbUrl ?? null });
    await sleep(1500);
    assert.doesNotMatch(again.stderr, /demo clips|demo: seeded/);
    assert.equal(await demoVideos(again), before);
    await again.stop();
  });

  test('without ffmpeg the server still serves and says why there are no videos', async () => {
    const server = await startRiffd({ args: ['--demo'], env: { PATH: makeTempDir('riff-no-ffmpeg-') } });
    expectStatus(await get(server, '/healthz'), 200);
    const until = Date.now() + 20_000;
    while (!/demo videos skipped/.test(server.stderr)) {
      assert.ok(Date.now() < until, `no warning\n${server.output()}`);
      await sleep(200);
    }
    assert.match(server.stderr, /ffmpeg is not installed/);
    expectStatus(await get(server, '/api/v1/users/maya.moves'), 200, 'the demo users are there');
    await server.stop();
  });
});

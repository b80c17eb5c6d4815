// `riffd serve --demo` on an empty database: demo users, then demo songs
// (synthesized, tagged, imported through the real importer) and demo videos
// made with ffmpeg and posted through the real upload and pipeline, some of
// them set to the songs, while the server already serves. Other suites start
// riffd without --demo.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { expectStatus, get, signup, sleep } from '../lib/http.js';
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
    const until = Date.now() + 420_000; // songs, then clips, on a busy machine
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
    assert.match(first.stderr, /making demo songs \[#{20}\] 8\/8\n/, context);
    assert.match(first.stderr, /importing demo songs \[#{20}\] 8\/8\n/, context);
    assert.match(first.stderr, /demo: imported 8 songs/, context);
    assert.match(first.stderr, /making demo clips \[#{20}\] 9\/9\n/, context);
    assert.match(first.stderr, /processing demo videos \[#{20}\] 9\/9\n/, context);
    assert.doesNotMatch(first.stderr, /\r/);
  });

  test('the demo catalog: distinct tagged songs with covers, used by demo videos, with plays', async () => {
    assert.ok(first, 'the first test ran');
    const all = await get(first, '/api/v1/music/search?q=&limit=100');
    expectStatus(all, 200, 'catalog');
    const songs = all.json.tracks;
    assert.equal(songs.length, 8, JSON.stringify(songs.map((s) => s.title)));
    assert.equal(new Set(songs.map((s) => s.title)).size, 8, 'distinct titles');
    assert.equal(new Set(songs.map((s) => s.isrc)).size, 8, 'each with its own ISRC');
    for (const s of songs) {
      assert.match(s.isrc, /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, `${s.title}: ISRC`);
      assert.ok(s.year >= 2024 && s.genre && s.artist_name && s.album.title, `${s.title}: tags ${JSON.stringify(s)}`);
      assert.ok(s.duration_ms >= 30_000 && s.duration_ms <= 60_000, `${s.title}: ${s.duration_ms} ms`);
      assert.deepEqual(s.qualities, [96, 160, 320], `${s.title}: transcoded to the streaming tiers`);
      assert.ok(s.replay_gain.track_gain_db !== null, `${s.title}: loudness measured`);
      assert.ok(s.sound_id, `${s.title}: usable as a sound`);
      assert.ok(s.cover_url, `${s.title}: has a cover`);
    }
    // Synthesized differently: not one loudness for all.
    assert.ok(new Set(songs.map((s) => s.replay_gain.track_gain_db)).size >= 4, 'distinct tunes');
    const cover = await fetch(`${first.url}${songs[0].cover_url}`);
    assert.equal(cover.status, 200);
    assert.equal(cover.headers.get('content-type'), 'image/png');
    // Demo listeners played them through the listening service.
    assert.ok(songs.filter((s) => s.play_count > 0).length >= 6, JSON.stringify(songs.map((s) => [s.title, s.play_count])));

    // The seeded audio ad: a free listener is due it after three counted plays.
    const listener = await signup(first);
    for (let i = 0; i < 3; i++) {
      const r = await listener.post('/api/v1/plays', { json: { track_id: songs[i].id, ms_played: 30_000 } });
      expectStatus(r, 200, 'play');
    }
    const ad = await listener.get('/api/v1/music/ads/next');
    expectStatus(ad, 200, 'demo ad');
    assert.equal(ad.json.advertiser, 'Sunrise Store');
    assert.ok(ad.json.duration_ms >= 4000, JSON.stringify(ad.json));

    // Four demo videos are set to songs, so those songs are viral today.
    const bySong = new Set(songs.map((s) => s.sound_id));
    const videos = await forYouVideos(first);
    const withSongs = videos.filter((v) => v.sound && bySong.has(v.sound.id));
    assert.ok(withSongs.length >= 3, `${withSongs.length} demo videos use a song`);
    const sound = await get(first, `/api/v1/sounds/${withSongs[0].sound.id}`);
    expectStatus(sound, 200, 'song sound');
    assert.ok(sound.json.catalog_track_id, 'the sound page links the song');
    const viral = await get(first, '/api/v1/charts/viral');
    expectStatus(viral, 200, 'viral chart');
    assert.ok(viral.json.items.length >= 3, JSON.stringify(viral.json));
  });

  test('a second run on the same data seeds nothing', async () => {
    assert.ok(first, 'the first test ran');
    const before = await demoVideos(first);
    assert.ok(before >= 6);
    await first.stop();
    const again = await startRiffd({ args: ['--demo'], dataDir: first.dataDir, db: first.dbUrl ?? null });
    await sleep(1500);
    assert.doesNotMatch(again.stderr, /demo clips|demo songs|demo: seeded/);
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

// Recently played, black-box: each song once at its latest counted play,
// newest first, page by page; plays too short to count do not show; each
// listener sees only their own.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { collectPages, expectStatus, get, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
const songs = {};
before(async () => {
  server = await startRiffd();
  const dir = await makeSongs([
    { title: 'First Tune', artist: 'Recent' },
    { title: 'Second Tune', artist: 'Recent' },
    { title: 'Third Tune', artist: 'Recent' },
  ]);
  await importSongs(server, dir, { transcode: false });
  const found = await get(server, '/api/v1/music/search?q=Tune');
  for (const t of found.json.tracks) songs[t.title] = t;
  assert.equal(Object.keys(songs).length, 3);
});
after(cleanupAll);

test('recently played lists each song once at its latest play, newest first, page by page', async () => {
  const listener = await signup(server);
  const play = async (title, ms) => {
    const r = await listener.post('/api/v1/plays', { json: { track_id: songs[title].id, ms_played: ms } });
    expectStatus(r, 200, `play ${title}`);
    return r.json;
  };
  assert.deepEqual((await listener.get('/api/v1/me/recently-played')).json.items, []);
  await play('First Tune', 31_000);
  await new Promise((r) => setTimeout(r, 5));
  await play('Second Tune', 31_000);
  await new Promise((r) => setTimeout(r, 5));
  await play('First Tune', 31_000);
  await new Promise((r) => setTimeout(r, 5));
  const skipped = await play('Third Tune', 1_000);  // too short to count
  assert.equal(skipped.counted, false);

  const res = await listener.get('/api/v1/me/recently-played');
  expectStatus(res, 200);
  assert.deepEqual(res.json.items.map((i) => i.track.title), ['First Tune', 'Second Tune']);
  assert.ok(Date.parse(res.json.items[0].played_at) >= Date.parse(res.json.items[1].played_at));
  const paged = await collectPages((query) => listener.get(`/api/v1/me/recently-played${query}`), { limit: 1 });
  assert.equal(paged.pages, 2);
  assert.deepEqual(paged.items.map((i) => i.track.title), ['First Tune', 'Second Tune']);

  const other = await signup(server);
  assert.deepEqual((await other.get('/api/v1/me/recently-played')).json.items, []);
  assertProblem(await get(server, '/api/v1/me/recently-played'), 401, 'unauthenticated');
  assertProblem(await listener.get('/api/v1/me/recently-played?cursor=nonsense'), 400, 'validation');
});

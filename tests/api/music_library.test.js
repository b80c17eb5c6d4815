// The listener's library and radio, black-box. Saving is idempotent, needs
// an item the listener can see, and lists newest saved first page by page;
// items leave the list when the listener's region loses them; track, album
// and artist reads say whether they are saved. Radio ranks co-listened
// tracks by listeners shared with the seed over their own listeners (a hit
// does not win on reach), then fills from the artist, the genre and what is
// popular, in a fixed order, only with what the listener's region may hear;
// Subsonic's getSimilarSongs answers from the same radio.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { collectPages, expectStatus, get, login, signup, sleep, uniqueHandle } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

let server;
let admin;
const songs = {}; // title -> track JSON
const albums = {}; // title -> album id
const artists = {}; // name -> artist id

async function listenerIn(country) {
  const u = await signup(server);
  expectStatus(await u.patch('/api/v1/me', { json: { country } }), 200, `country ${country}`);
  return u;
}

async function play(user, title) {
  const r = await user.post('/api/v1/plays', { json: { track_id: songs[title].id, ms_played: 31_000 } });
  expectStatus(r, 200, `play ${title}`);
  assert.equal(r.json.counted, true);
}

before(async () => {
  const dataDir = makeTempDir('riff-library-data-');
  server = await startRiffd({ dataDir });
  const dir = await makeSongs([
    { title: 'Seed Song', artist: 'Radio Band', album: 'Radio Album', genre: 'Jazz' },
    { title: 'Band Deep Cut', artist: 'Radio Band', album: 'Radio Album', genre: 'Jazz' },
    { title: 'Niche Pick', artist: 'Other Band', album: 'Other Album', genre: 'Rock' },
    { title: 'Big Hit', artist: 'Other Band', album: 'Other Album', genre: 'Rock' },
    { title: 'Genre Cousin', artist: 'Third Band', album: 'Third Album', genre: 'Jazz' },
    { title: 'Far Away', artist: 'Far Band', album: 'Far Album', genre: 'Jazz' },
    { title: 'Pop Tune', artist: 'Third Band', album: 'Third Album', genre: 'Pop' },
  ]);
  await importSongs(server, dir, { transcode: false });
  const dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const adminHandle = uniqueHandle('libadmin');
  const made = await runRiffd(['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
    '--password-stdin', ...dbArgs], { input: 'admin-password-123\n' });
  assert.equal(made.code, 0, made.stderr);
  admin = (await login(server, adminHandle, 'admin-password-123')).json.token;

  const found = await get(server, '/api/v1/music/search?q=&limit=100');
  expectStatus(found, 200);
  for (const t of found.json.tracks) {
    songs[t.title] = t;
    albums[t.album.title] = t.album.id;
  }
  for (const a of found.json.artists) artists[a.name] = a.id;
  assert.equal(Object.keys(songs).length, 7);
  assert.equal(songs['Seed Song'].genre, 'Jazz');
  // "Far Away" (and so its album and artist) only in Brazil.
  const r = await fetch(`${server.url}/api/v1/admin/music/tracks/${songs['Far Away'].id}/territories`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ territories: 'BR' }),
  });
  assert.equal(r.status, 200, await r.text());
});
after(cleanupAll);

describe('the library', () => {
  test('saving is idempotent, newest saved first, page by page, and leaving it is too', async () => {
    const me = await listenerIn('IN');
    assert.deepEqual((await me.get('/api/v1/me/library/tracks')).json, { items: [], next_cursor: null });
    for (const title of ['Niche Pick', 'Seed Song', 'Big Hit']) {
      const r = await me.put(`/api/v1/me/library/tracks/${songs[title].id}`);
      expectStatus(r, 204, `save ${title}`);
      await sleep(5);
    }
    expectStatus(await me.put(`/api/v1/me/library/tracks/${songs['Niche Pick'].id}`), 204, 'save again');

    const list = await me.get('/api/v1/me/library/tracks');
    expectStatus(list, 200);
    assert.deepEqual(list.json.items.map((t) => t.title), ['Big Hit', 'Seed Song', 'Niche Pick'],
      'newest first; saving again keeps the first time');
    const first = list.json.items[0];
    assert.equal(first.saved, true);
    assert.equal(first.id, songs['Big Hit'].id);
    assert.equal(first.stream_url, songs['Big Hit'].stream_url, 'rendered like any track');
    assert.ok(Date.parse(list.json.items[0].saved_at) >= Date.parse(list.json.items[2].saved_at));

    const paged = await collectPages((q) => me.get(`/api/v1/me/library/tracks${q}`), { limit: 1 });
    assert.equal(paged.pages, 3);
    assert.deepEqual(paged.items.map((t) => t.title), ['Big Hit', 'Seed Song', 'Niche Pick']);

    expectStatus(await me.del(`/api/v1/me/library/tracks/${songs['Seed Song'].id}`), 204);
    expectStatus(await me.del(`/api/v1/me/library/tracks/${songs['Seed Song'].id}`), 204, 'again');
    expectStatus(await me.del('/api/v1/me/library/tracks/424242'), 204, 'never saved');
    assert.deepEqual((await me.get('/api/v1/me/library/tracks')).json.items.map((t) => t.title), ['Big Hit', 'Niche Pick']);

    const other = await listenerIn('IN');
    assert.deepEqual((await other.get('/api/v1/me/library/tracks')).json.items, [], 'each listener their own');
  });

  test('albums and artists are kept apart from tracks, and reads say what is saved', async () => {
    const me = await listenerIn('IN');
    expectStatus(await me.put(`/api/v1/me/library/albums/${albums['Radio Album']}`), 204);
    expectStatus(await me.put(`/api/v1/me/library/artists/${artists['Other Band']}`), 204);
    expectStatus(await me.put(`/api/v1/me/library/tracks/${songs['Band Deep Cut'].id}`), 204);

    const saved = await me.get('/api/v1/me/library/albums');
    assert.deepEqual(saved.json.items.map((a) => [a.title, a.artist.name, a.track_count, a.saved]),
      [['Radio Album', 'Radio Band', 2, true]]);
    const band = await me.get('/api/v1/me/library/artists');
    assert.deepEqual(band.json.items.map((a) => [a.name, a.track_count]), [['Other Band', 2]]);
    assert.deepEqual((await me.get('/api/v1/me/library/tracks')).json.items.map((t) => t.title), ['Band Deep Cut']);

    const album = await me.get(`/api/v1/albums/${albums['Radio Album']}`);
    assert.equal(album.json.saved, true);
    assert.deepEqual(album.json.tracks.map((t) => [t.title, t.saved]), [['Seed Song', false], ['Band Deep Cut', true]]);
    assert.equal((await me.get(`/api/v1/artists/${artists['Other Band']}`)).json.saved, true);
    assert.equal((await me.get(`/api/v1/artists/${artists['Radio Band']}`)).json.saved, false);
    assert.equal((await me.get(`/api/v1/tracks/${songs['Band Deep Cut'].id}`)).json.saved, true);
    assert.equal((await me.get(`/api/v1/tracks/${songs['Seed Song'].id}`)).json.saved, false);
    const anonymous = await get(server, `/api/v1/albums/${albums['Radio Album']}`);
    assert.equal('saved' in anonymous.json, false, 'no "saved" without a viewer');

    // The same stars as Subsonic's.
    const pw = await me.post('/api/v1/me/app-passwords', { json: { name: 'client' } });
    expectStatus(pw, 201);
    const starred = await (await fetch(`${server.url}/rest/getStarred2?apiKey=${pw.json.password}&f=json`)).json();
    assert.deepEqual(starred['subsonic-response'].starred2.album.map((a) => a.name), ['Radio Album']);

    expectStatus(await me.del(`/api/v1/me/library/albums/${albums['Radio Album']}`), 204);
    assert.deepEqual((await me.get('/api/v1/me/library/albums')).json.items, []);
    assert.equal((await me.get(`/api/v1/albums/${albums['Radio Album']}`)).json.saved, false);
  });

  test('items outside the listener region cannot be saved and leave the list', async () => {
    const me = await listenerIn('BR');
    expectStatus(await me.put(`/api/v1/me/library/tracks/${songs['Far Away'].id}`), 204);
    expectStatus(await me.put(`/api/v1/me/library/albums/${albums['Far Album']}`), 204);
    expectStatus(await me.put(`/api/v1/me/library/artists/${artists['Far Band']}`), 204);
    expectStatus(await me.put(`/api/v1/me/library/tracks/${songs['Pop Tune'].id}`), 204);
    const titles = async () => (await me.get('/api/v1/me/library/tracks')).json.items.map((t) => t.title);
    assert.deepEqual(await titles(), ['Pop Tune', 'Far Away']);

    expectStatus(await me.patch('/api/v1/me', { json: { country: 'IN' } }), 200);
    assert.deepEqual(await titles(), ['Pop Tune'], 'hidden in India');
    assert.deepEqual((await me.get('/api/v1/me/library/albums')).json.items, []);
    assert.deepEqual((await me.get('/api/v1/me/library/artists')).json.items, []);
    for (const p of [`tracks/${songs['Far Away'].id}`, `albums/${albums['Far Album']}`, `artists/${artists['Far Band']}`]) {
      assertProblem(await me.put(`/api/v1/me/library/${p}`), 404, 'not-found');
    }

    expectStatus(await me.patch('/api/v1/me', { json: { country: 'BR' } }), 200);
    assert.deepEqual(await titles(), ['Pop Tune', 'Far Away'], 'kept, and back where it may be heard');
  });

  test('bad input is refused and changes nothing', async () => {
    const me = await listenerIn('IN');
    const id = songs['Seed Song'].id;
    assertProblem(await me.get('/api/v1/me/library/songs'), 400, 'validation');
    assertProblem(await me.put(`/api/v1/me/library/songs/${id}`), 400, 'validation');
    assertProblem(await me.del(`/api/v1/me/library/playlists/${id}`), 400, 'validation');
    assertProblem(await me.put('/api/v1/me/library/tracks/999999'), 404, 'not-found');
    assertProblem(await me.put('/api/v1/me/library/tracks/not-an-id'), 404, 'not-found');
    assertProblem(await me.put(`/api/v1/me/library/albums/${id}`), 404, 'not-found'); // a track id is no album
    assertProblem(await me.get('/api/v1/me/library/tracks?cursor=nonsense'), 400, 'validation');
    assertProblem(await me.get('/api/v1/me/library/tracks?limit=0'), 400, 'validation', { pointer: '/limit' });
    assertProblem(await me.get('/api/v1/me/library/tracks?limit=101'), 400, 'validation', { pointer: '/limit' });
    for (const kind of ['tracks', 'albums', 'artists']) {
      assert.deepEqual((await me.get(`/api/v1/me/library/${kind}`)).json.items, [], kind);
    }
    for (const [method, p] of [['GET', '/api/v1/me/library/tracks'], ['PUT', `/api/v1/me/library/tracks/${id}`],
      ['DELETE', `/api/v1/me/library/tracks/${id}`]]) {
      const r = await fetch(`${server.url}${p}`, { method });
      assert.equal(r.status, 401, `${method} ${p} without a session`);
    }
  });
});

describe('radio', () => {
  before(async () => {
    // Three listeners of the seed. Two of them also play "Niche Pick" (its
    // only listeners), one plays "Genre Cousin" (its only one) and one plays
    // "Big Hit", which three others play too: the most played, the least alike.
    const [u1, u2, u3, ...others] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => listenerIn('BR')));
    for (const u of [u1, u2, u3]) await play(u, 'Seed Song');
    await play(u1, 'Seed Song');
    for (const u of [u1, u2]) await play(u, 'Niche Pick');
    await play(u1, 'Niche Pick'); // again: a listener counts once
    await play(u3, 'Genre Cousin');
    for (const u of [u1, ...others]) await play(u, 'Big Hit');
  });

  const radio = async (user, title, query = '') => {
    const r = await (user ? user.get(`/api/v1/tracks/${songs[title].id}/radio${query}`) : get(server, `/api/v1/tracks/${songs[title].id}/radio${query}`));
    expectStatus(r, 200, `radio ${title}`);
    return r.json.items.map((i) => [i.track.title, i.reason]);
  };

  test('co-listened first, then the artist, the genre and the popular, filtered by region', async () => {
    const india = await listenerIn('IN');
    const brazil = await listenerIn('BR');
    const co = [['Niche Pick', 'co_listening'], ['Genre Cousin', 'co_listening'], ['Big Hit', 'co_listening']];
    assert.deepEqual(await radio(brazil, 'Seed Song'), [...co, ['Band Deep Cut', 'same_artist'], ['Far Away', 'same_genre'],
      ['Pop Tune', 'popular']]);
    assert.deepEqual(await radio(india, 'Seed Song'), [...co, ['Band Deep Cut', 'same_artist'], ['Pop Tune', 'popular']],
      '"Far Away" is not heard in India');
    assert.deepEqual(await radio(india, 'Seed Song', '?limit=2'), co.slice(0, 2));
    assert.deepEqual(await radio(india, 'Seed Song'), await radio(india, 'Seed Song'), 'the same every time');
    const full = (await india.get(`/api/v1/tracks/${songs['Seed Song'].id}/radio`)).json.items[0].track;
    assert.equal(full.stream_url, songs['Niche Pick'].stream_url, 'tracks rendered like any track');
  });

  test('works without a session, refuses bad limits, unknown seeds and seeds outside the region', async () => {
    assert.equal((await radio(null, 'Seed Song')).length, 5, 'anonymous: worldwide tracks only');
    const india = await listenerIn('IN');
    const base = `/api/v1/tracks/${songs['Seed Song'].id}/radio`;
    assertProblem(await india.get(`${base}?limit=0`), 400, 'validation', { pointer: '/limit' });
    assertProblem(await india.get(`${base}?limit=101`), 400, 'validation', { pointer: '/limit' });
    expectStatus(await india.get(`${base}?limit=100`), 200);
    assertProblem(await india.get('/api/v1/tracks/999999/radio'), 404, 'not-found');
    assertProblem(await india.get(`/api/v1/tracks/${songs['Far Away'].id}/radio`), 451, 'music-unavailable-in-region');
  });

  test("Subsonic's getSimilarSongs and getSimilarSongs2 answer from the radio", async () => {
    const india = await listenerIn('IN');
    const pw = await india.post('/api/v1/me/app-passwords', { json: { name: 'client' } });
    expectStatus(pw, 201);
    const call = async (method, id, extra = '') => {
      const r = await fetch(`${server.url}/rest/${method}?apiKey=${pw.json.password}&f=json&id=${id}${extra}`);
      return (await r.json())['subsonic-response'];
    };
    const bySong = await call('getSimilarSongs', songs['Seed Song'].id);
    assert.equal(bySong.status, 'ok');
    assert.deepEqual(bySong.similarSongs.song.map((s) => s.title), (await radio(india, 'Seed Song')).map(([t]) => t));
    const two = await call('getSimilarSongs', songs['Seed Song'].id, '&count=2');
    assert.deepEqual(two.similarSongs.song.map((s) => s.title), ['Niche Pick', 'Genre Cousin']);
    // By artist: their most played track leads, then its radio.
    const byArtist = await call('getSimilarSongs2', artists['Radio Band'], '&count=3');
    assert.deepEqual(byArtist.similarSongs2.song.map((s) => s.title), ['Seed Song', 'Niche Pick', 'Genre Cousin']);
    const missing = await call('getSimilarSongs2', songs['Seed Song'].id);
    assert.equal(missing.status, 'failed', 'getSimilarSongs2 takes an artist');
    assert.equal(missing.error.code, 70);
  });
});

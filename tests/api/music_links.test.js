// "Add to Music App" into a music service outside riff, black-box with two
// servers: riffd A (where the listener watches videos) links riffd B (a
// Subsonic server: its URL, a user and an app password), lists B's
// playlists, and adds the song behind a video's sound to one of them, found
// on B by ISRC, else by title and artist. Credentials B refuses, songs B
// does not have, and private addresses (unless allowed) are each refused.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let a;
let b;
const tracksOnA = {};

async function findTrack(server, title) {
  const res = await get(server, `/api/v1/music/search?q=${encodeURIComponent(title)}`);
  expectStatus(res, 200, 'search');
  return res.json.tracks.filter((t) => t.title === title);
}

before(async () => {
  // A may call services on loopback (B runs beside it); by default it may not.
  a = await startRiffd({ env: { RIFF_MUSIC_LINKS_ALLOW_PRIVATE: 'true' } });
  b = await startRiffd();
  const onA = await makeSongs([
    { title: 'Linked Song', artist: 'The Links', isrc: 'USRF12600099' },
    { title: 'Renamed Elsewhere', artist: 'The Links', isrc: 'USRF12600098' },
    { title: 'Only Here', artist: 'Nobody Else' },
  ]);
  await importSongs(a, onA, { transcode: true });
  // On B: the same recordings under other titles/casing, and a same-titled song by someone else.
  const onB = await makeSongs([
    { title: 'linked song', artist: 'the links', isrc: 'USRF12600099' },
    { title: 'Linked Song', artist: 'Impostors' },
    { title: 'Renamed On B', artist: 'The Links', isrc: 'USRF12600098' },
  ]);
  await importSongs(b, onB, { transcode: false });
  for (const t of ['Linked Song', 'Renamed Elsewhere', 'Only Here']) tracksOnA[t] = (await findTrack(a, t))[0];
});
after(cleanupAll);

test('a listener links another Subsonic server and adds a video\'s song to a playlist there', { timeout: 300_000 }, async () => {
  const remote = await signup(b);
  const pw = await remote.post('/api/v1/me/app-passwords', { json: { name: 'riff on A' } });
  expectStatus(pw, 201, 'app password on B');
  const playlist = await remote.post('/api/v1/playlists', { json: { name: 'From riff videos' } });
  expectStatus(playlist, 201, 'playlist on B');

  const viewer = await signup(a);
  assertProblem(await viewer.post('/api/v1/me/music-links', { json: { url: b.url, username: remote.handle, password: 'wrong-password' } }), 400, 'validation');
  assertProblem(await viewer.post('/api/v1/me/music-links', { json: { url: 'ftp://example.com', username: 'x', password: 'y' } }), 400, 'validation');
  const linked = await viewer.post('/api/v1/me/music-links', { json: { url: `${b.url}/rest/`, username: remote.handle, password: pw.json.password } });
  expectStatus(linked, 201, 'link');
  assert.equal(linked.json.url, b.url);
  assert.equal(JSON.stringify(linked.json).includes(pw.json.password), false, 'the password is never shown');
  const links = await viewer.get('/api/v1/me/music-links');
  assert.deepEqual(links.json.items.map((l) => l.id), [linked.json.id]);
  assertProblem(await (await signup(a)).get(`/api/v1/me/music-links/${linked.json.id}/playlists`), 404, 'not-found');

  const lists = await viewer.get(`/api/v1/me/music-links/${linked.json.id}/playlists`);
  expectStatus(lists, 200, 'playlists on B');
  assert.deepEqual(lists.json.items.map((p) => p.name), ['From riff videos']);

  // By ISRC, although B spells the title and artist differently.
  const url = (t) => `/api/v1/sounds/${tracksOnA[t].sound_id}/add-to-music`;
  const added = await viewer.post(url('Linked Song'), { json: { target: 'link', link_id: linked.json.id, external_playlist_id: lists.json.items[0].id } });
  expectStatus(added, 200, 'add to B');
  assert.equal(added.json.matched_by, 'isrc');
  const [onB] = (await findTrack(b, 'linked song'));
  assert.equal(added.json.external_song_id, onB.id, 'the ISRC match, not the same-titled impostor');
  const renamed = await viewer.post(url('Renamed Elsewhere'), { json: { target: 'link', link_id: linked.json.id, external_playlist_id: lists.json.items[0].id } });
  expectStatus(renamed, 200, 'add by ISRC under another title');
  const pl = await remote.get(`/api/v1/playlists/${playlist.json.id}`);
  assert.deepEqual(pl.json.tracks.map((t) => t.title), ['linked song', 'Renamed On B']);

  // Without a playlist the song is starred (the library, for Subsonic clients).
  expectStatus(await viewer.post(url('Linked Song'), { json: { target: 'link', link_id: linked.json.id } }), 200, 'star on B');
  const q = new URLSearchParams({ u: remote.handle, p: pw.json.password, v: '1.16.1', c: 'test', f: 'json' });
  const starred = await get(b, `/rest/getStarred2?${q}`);
  assert.deepEqual((starred.json['subsonic-response'].starred2.song ?? []).map((s) => s.id), [onB.id]);

  // A song B does not have.
  assertProblem(await viewer.post(url('Only Here'), { json: { target: 'link', link_id: linked.json.id } }), 404, 'not-on-service');
  // Someone else's link is not theirs to use.
  assertProblem(await (await signup(a)).post(url('Linked Song'), { json: { target: 'link', link_id: linked.json.id } }), 404, 'not-found');
  expectStatus(await viewer.del(`/api/v1/me/music-links/${linked.json.id}`), 204, 'unlink');
  assert.equal((await viewer.get('/api/v1/me/music-links')).json.items.length, 0);
});

test('by default riff does not call private addresses for a listener', async () => {
  const c = await startRiffd();
  const someone = await signup(c);
  const res = await someone.post('/api/v1/me/music-links', { json: { url: b.url, username: 'x', password: 'y' } });
  assertProblem(res, 400, 'validation');
  assert.match(res.json.errors?.[0]?.detail ?? res.json.detail, /public internet/);
});

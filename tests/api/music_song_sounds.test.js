// Songs as sounds, black-box: a catalog song imported with `riffd music
// import` is a sound; the sound links to its song, the song to its sound,
// and the song lists the videos using it with the sound's visibility rules
// (private videos, blocked viewers), page by page.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { collectPages, expectStatus, get, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { publish, smallClip } from '../lib/videos.js';

let server;
let track;
let creator;
let other;
const videos = {};

before(async () => {
  server = await startRiffd();
  const dir = await makeSongs([{ title: 'Sound Of <Songs>', artist: 'Tone & Co', album: 'Sounds', isrc: 'USRF12600001' }]);
  await importSongs(server, dir);
  const found = await get(server, '/api/v1/music/search?q=Sound');
  expectStatus(found, 200, 'search');
  track = found.json.tracks.find((t) => t.title === 'Sound Of <Songs>');
  assert.ok(track, 'the imported song');
  creator = await signup(server);
  other = await signup(server);
  const clip = fs.readFileSync(smallClip());
  const withSound = { sound_id: track.sound_id, sound_mode: 'replace' };
  videos.public1 = await publish(creator, clip, { ...withSound, caption: 'one' });
  videos.public2 = await publish(other, clip, { ...withSound, caption: 'two' });
  videos.private = await publish(creator, clip, { ...withSound, caption: 'mine', visibility: 'private' });
  for (const v of Object.values(videos)) assert.equal(v.status, 'ready', JSON.stringify(v));
});
after(cleanupAll);

describe('songs as sounds', () => {
  test('the sound page of a catalog song links to the song', async () => {
    assert.match(track.sound_id, /^\d+$/);
    const res = await get(server, `/api/v1/sounds/${track.sound_id}`);
    expectStatus(res, 200, 'sound');
    assert.equal(res.json.kind, 'catalog');
    const song = res.json.song;
    assert.equal(song.track_id, track.id);
    assert.equal(song.title, 'Sound Of <Songs>');
    assert.deepEqual(song.artists.map((a) => a.name), ['Tone & Co']);
    assert.equal(song.album.title, 'Sounds');
    assert.equal(song.album.id, track.album.id);
    assert.equal(song.cover_url, `/api/v1/albums/${track.album.id}/cover`);
    assert.equal(song.url, `/api/v1/tracks/${track.id}`);
  });

  test('the song links back to its sound', async () => {
    const res = await get(server, `/api/v1/tracks/${track.id}`);
    expectStatus(res, 200, 'track');
    assert.equal(res.json.sound_id, track.sound_id);
  });

  test('an original sound has no song', async () => {
    const res = await get(server, `/api/v1/sounds/${videos.public1.sound.id}`);
    expectStatus(res, 200, 'sound of the song video');
    assert.equal(res.json.song.track_id, track.id);
    const plain = await publish(other, fs.readFileSync(smallClip()), { caption: 'own sound' });
    const own = await get(server, `/api/v1/sounds/${plain.sound.id}`);
    expectStatus(own, 200, 'original sound');
    assert.equal(own.json.kind, 'original');
    assert.equal(own.json.song, null);
  });

  test('the song page lists the videos using it, page by page, hiding private ones', async () => {
    const { items, pages } = await collectPages(
      (query) => get(server, `/api/v1/tracks/${track.id}/videos${query}`),
      { limit: 1 },
    );
    assert.ok(pages >= 2, 'paginated');
    assert.deepEqual(items.map((v) => v.id).sort(), [videos.public1.id, videos.public2.id].sort());
    const mine = await creator.get(`/api/v1/tracks/${track.id}/videos`);
    expectStatus(mine, 200, 'as the creator');
    assert.equal(mine.json.items.length, 3, 'the creator also sees their private video');
    assert.equal(mine.json.sound_id, track.sound_id);
  });

  test('a blocked viewer does not see the blocker\'s videos on the song page', async () => {
    expectStatus(await creator.post(`/api/v1/users/${other.handle}/block`), 204, 'block');
    const res = await other.get(`/api/v1/tracks/${track.id}/videos`);
    expectStatus(res, 200, 'as the blocked user');
    assert.deepEqual(res.json.items.map((v) => v.id), [videos.public2.id]);
  });

  test('Add to Music App puts the song in the library, once', async () => {
    const listener = await signup(server);
    const url = `/api/v1/sounds/${videos.public1.sound.id}/add-to-music`;
    const first = await listener.post(url, { json: { target: 'library' } });
    expectStatus(first, 200, 'add to library');
    assert.deepEqual(first.json, { target: 'library', track_id: track.id, added: true });
    const again = await listener.post(url, { json: { target: 'library' } });
    expectStatus(again, 200, 'again');
    assert.equal(again.json.added, false);
    // The library is what Subsonic clients see as starred songs.
    const pw = await listener.post('/api/v1/me/app-passwords', { json: { name: 'check' } });
    expectStatus(pw, 201, 'app password');
    const q = new URLSearchParams({ u: listener.handle, p: pw.json.password, v: '1.16.1', c: 'test', f: 'json' });
    const starred = await get(server, `/rest/getStarred2?${q}`);
    const songs = starred.json['subsonic-response'].starred2.song ?? [];
    assert.deepEqual(songs.map((x) => x.id), [track.id]);
  });

  test('Add to Music App puts the song at the end of a chosen playlist of the viewer', async () => {
    const listener = await signup(server);
    const made = await listener.post('/api/v1/playlists', { json: { name: 'From videos' } });
    expectStatus(made, 201, 'playlist');
    const url = `/api/v1/sounds/${track.sound_id}/add-to-music`;
    const res = await listener.post(url, { json: { target: 'playlist', playlist_id: made.json.id } });
    expectStatus(res, 200, 'add to playlist');
    assert.equal(res.json.added, true);
    expectStatus(await listener.post(url, { json: { target: 'playlist', playlist_id: made.json.id } }), 200, 'again');
    const pl = await listener.get(`/api/v1/playlists/${made.json.id}`);
    assert.deepEqual(pl.json.tracks.map((t) => t.id), [track.id], 'added once');
    // Someone else's playlist, even a public one, is not theirs to change.
    expectStatus(await listener.patch(`/api/v1/playlists/${made.json.id}`, { json: { public: true } }), 200, 'public');
    assertProblem(await other.post(url, { json: { target: 'playlist', playlist_id: made.json.id } }), 403, 'forbidden');
    assertProblem(await other.post(url, { json: { target: 'playlist', playlist_id: '999' } }), 404, 'not-found');
  });

  test('Add to Music App: clear errors for original sounds, bad targets and strangers', async () => {
    const plain = await publish(other, fs.readFileSync(smallClip()), { caption: 'own sound 2' });
    assertProblem(await other.post(`/api/v1/sounds/${plain.sound.id}/add-to-music`, { json: { target: 'library' } }),
      409, 'not-a-song');
    const url = `/api/v1/sounds/${track.sound_id}/add-to-music`;
    assertProblem(await other.post(url, { json: { target: 'cloud' } }), 400, 'validation');
    assertProblem(await other.post(url, { json: { target: 'playlist' } }), 400, 'validation');
    assertProblem(await other.post(url, { json: {} }), 400, 'validation');
    assertProblem(await other.post('/api/v1/sounds/999/add-to-music', { json: { target: 'library' } }), 404, 'not-found');
    const anon = await fetch(`${server.url}${url}`, { method: 'POST', body: '{"target":"library"}',
      headers: { 'content-type': 'application/json' } });
    assert.equal(anon.status, 401);
  });

  test('an unknown song is a 404 problem', async () => {
    assertProblem(await get(server, '/api/v1/tracks/12345/videos'), 404, 'not-found');
    assertProblem(await get(server, '/api/v1/tracks/abc/videos'), 404, 'not-found');
  });
});

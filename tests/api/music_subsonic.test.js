// riff Music through its two faces: `riffd music import` on files made here
// with ffmpeg (a FLAC, an MP3, a corrupt and an empty file), then the
// Subsonic API driven by the real `subsonic-api` client (token, password and
// apiKey authentication; every core method, streaming bytes, a playlist
// created and edited), and the /api/v1 rules: the free tier's quality cap
// and plays counted only when reported (30 s or the end).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { SubsonicAPI } from 'subsonic-api';

import { expectStatus, login, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);

let server;
let dbArgs;
let lib;
let listener; // a free listener
let appPassword;
let admin;
const adminHandle = uniqueHandle('madmin');
const adminPassword = 'admin-password-123';

async function ffmpeg(...args) {
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function client(auth, extra = {}) {
  return new SubsonicAPI({ url: server.url, auth, ...extra });
}

/// The subsonic-response of a method, asserting status ok.
async function ok(promise, what) {
  const r = await promise;
  assert.equal(r.status, 'ok', `${what}: ${JSON.stringify(r)}`);
  assert.equal(r.version, '1.16.1');
  assert.equal(r.type, 'riff');
  assert.equal(r.openSubsonic, true);
  return r;
}

before(async () => {
  lib = makeTempDir('riff-music-lib-');
  const album = path.join(lib, 'Sines');
  fs.mkdirSync(album);
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=6', '-metadata', 'title=First Light',
    '-metadata', 'artist=Ada Tone; Ben Wave', '-metadata', 'album=Sines', '-metadata', 'track=1',
    '-metadata', 'date=2024', '-metadata', 'genre=Ambient', '-metadata', 'ISRC=USRC17607839',
    path.join(album, '01.flac'));
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=660:duration=35', '-metadata', 'title=Second Wind',
    '-metadata', 'artist=Ada Tone', '-metadata', 'album=Sines', '-metadata', 'track=2',
    '-metadata', 'date=2024', '-metadata', 'genre=Ambient', '-c:a', 'libmp3lame', '-b:a', '128k',
    path.join(album, '02.mp3'));
  await ffmpeg('-f', 'lavfi', '-i', 'color=c=orange:s=64x64', '-frames:v', '1', path.join(album, 'cover.jpg'));
  fs.writeFileSync(path.join(album, '03-corrupt.mp3'), crypto.randomBytes(4096));
  fs.writeFileSync(path.join(album, '04-empty.wav'), '');

  const dataDir = makeTempDir('riff-music-data-');
  server = await startRiffd({ dataDir });
  dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const made = await runRiffd(
    ['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
      '--password-stdin', ...dbArgs],
    { input: `${adminPassword}\n` },
  );
  assert.equal(made.code, 0, made.stderr);
  const li = await login(server, adminHandle, adminPassword);
  expectStatus(li, 200, 'admin login');
  admin = li.json;
  listener = await signup(server);
  const res = await listener.post('/api/v1/me/app-passwords', { json: { name: 'test client' } });
  expectStatus(res, 201, 'create app password');
  appPassword = res.json.password;
});
after(cleanupAll);

let tracks; // title -> Subsonic song

describe('riffd music import', () => {
  test('imports the good files, reports and skips the corrupt and empty ones, with a progress bar', async () => {
    const res = await runRiffd(['music', 'import', lib, ...dbArgs], { timeoutMs: 300000 });
    assert.equal(res.code, 1, `exit 1 when some files failed\n${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /4 files: 2 imported, 0 updated, 0 unchanged, 2 failed/);
    assert.match(res.stdout, /skipped .*03-corrupt\.mp3: .*\(not_audio\)/);
    assert.match(res.stdout, /skipped .*04-empty\.wav: .*\(empty\)/);
    assert.match(res.stderr, /\[#+\] 100% 4\/4/);
  });

  test('a second import skips the unchanged files', async () => {
    const res = await runRiffd(['music', 'import', lib, ...dbArgs], { timeoutMs: 300000 });
    assert.match(res.stdout, /4 files: 0 imported, 0 updated, 2 unchanged, 2 failed/);
  });
});

describe('Subsonic API through subsonic-api', () => {
  test('ping with token, password and apiKey authentication; wrong credentials are error 40', async () => {
    await ok(client({ username: listener.handle, password: appPassword }).ping(), 'token auth');
    const form = client({ username: listener.handle, password: appPassword }, { post: true });
    await ok(form.ping(), 'token auth over form POST');
    await ok(client({ apiKey: appPassword }).ping(), 'apiKey auth');
    const plain = await fetch(`${server.url}/rest/ping.view?u=${listener.handle}&p=enc:${Buffer.from(appPassword).toString('hex')}&v=1.16.1&c=t&f=json`);
    assert.equal((await plain.json())['subsonic-response'].status, 'ok', 'p=enc:hex');
    const wrong = await client({ username: listener.handle, password: 'nope' }).ping();
    assert.equal(wrong.status, 'failed');
    assert.equal(wrong.error.code, 40);
    const account = await client({ username: listener.handle, password: listener.password }).ping();
    assert.equal(account.error.code, 40, 'the account password is not a Subsonic password');
    const both = await fetch(`${server.url}/rest/ping?u=${listener.handle}&apiKey=${appPassword}&f=json`);
    assert.equal((await both.json())['subsonic-response'].error.code, 43);
    const xml = await (await fetch(`${server.url}/rest/ping?apiKey=${appPassword}`)).text();
    assert.match(xml, /<subsonic-response xmlns="http:\/\/subsonic.org\/restapi" status="ok" version="1.16.1"/);
    const ext = await ok(client({ apiKey: 'not-needed' }).getOpenSubsonicExtensions(), 'extensions without auth');
    assert.deepEqual(ext.openSubsonicExtensions.map((e) => e.name).sort(), ['apiKeyAuthentication', 'formPost']);
  });

  test('browsing: license, folders, indexes, artists, artist, album, song, genres, lists, search', async () => {
    const api = client({ username: listener.handle, password: appPassword });
    assert.equal((await ok(api.getLicense(), 'getLicense')).license.valid, true);
    assert.equal((await ok(api.getMusicFolders(), 'getMusicFolders')).musicFolders.musicFolder.length, 1);
    const indexes = await ok(api.getIndexes(), 'getIndexes');
    const indexed = indexes.indexes.index.flatMap((i) => i.artist.map((a) => a.name));
    assert.ok(indexed.includes('Ada Tone') && indexed.includes('Ben Wave'), JSON.stringify(indexed));
    const artists = await ok(api.getArtists(), 'getArtists');
    const ada = artists.artists.index.flatMap((i) => i.artist).find((a) => a.name === 'Ada Tone');
    assert.equal(ada.albumCount, 1);
    const artist = await ok(api.getArtist({ id: ada.id }), 'getArtist');
    assert.equal(artist.artist.album[0].name, 'Sines');
    const album = await ok(api.getAlbum({ id: artist.artist.album[0].id }), 'getAlbum');
    assert.equal(album.album.songCount, 2);
    assert.ok(album.album.coverArt, 'the folder cover became the album cover');
    assert.deepEqual(album.album.song.map((s) => s.title), ['First Light', 'Second Wind']);
    tracks = Object.fromEntries(album.album.song.map((s) => [s.title, s]));
    const first = tracks['First Light'];
    assert.equal(first.artist, 'Ada Tone, Ben Wave');
    assert.equal(first.track, 1);
    assert.equal(first.year, 2024);
    assert.equal(first.genre, 'Ambient');
    assert.equal(first.suffix, 'flac');
    assert.ok(Math.abs(first.duration - 6) <= 1, `duration ${first.duration}`);
    assert.deepEqual(first.isrc, ['USRC17607839']);
    assert.equal(typeof first.replayGain.trackGain, 'number');
    assert.equal(typeof first.replayGain.albumGain, 'number');
    const song = await ok(api.getSong({ id: first.id }), 'getSong');
    assert.equal(song.song.title, 'First Light');
    const genres = await ok(api.getGenres(), 'getGenres');
    assert.deepEqual(genres.genres.genre, [{ songCount: 2, albumCount: 1, value: 'Ambient' }]);
    for (const type of ['newest', 'random', 'alphabeticalByName', 'alphabeticalByArtist', 'frequent']) {
      const list = await ok(api.getAlbumList2({ type }), `getAlbumList2 ${type}`);
      assert.equal(list.albumList2.album.length, 1, type);
    }
    const byYear = await ok(api.getAlbumList2({ type: 'byYear', fromYear: 2020, toYear: 2025 }), 'byYear');
    assert.equal(byYear.albumList2.album.length, 1);
    const random = await ok(api.getRandomSongs({ size: 5 }), 'getRandomSongs');
    assert.equal(random.randomSongs.song.length, 2);
    const everything = await ok(api.search3({ query: '' }), 'search3 empty');
    assert.equal(everything.searchResult3.song.length, 2);
    const found = await ok(api.search3({ query: 'wind' }), 'search3');
    assert.deepEqual(found.searchResult3.song.map((s) => s.title), ['Second Wind']);
    const missing = await api.getSong({ id: '1234' });
    assert.equal(missing.error.code, 70);

    // The folder-style (non-ID3) methods older clients use.
    const dir = await ok(api.getMusicDirectory({ id: ada.id }), 'getMusicDirectory artist');
    assert.deepEqual(dir.directory.child.map((x) => [x.title, x.isDir]), [['Sines', true]]);
    const songs = await ok(api.getMusicDirectory({ id: dir.directory.child[0].id }), 'getMusicDirectory album');
    assert.deepEqual(songs.directory.child.map((x) => x.title), ['First Light', 'Second Wind']);
    assert.equal((await ok(api.getAlbumList({ type: 'newest' }), 'getAlbumList')).albumList.album.length, 1);
    assert.equal((await ok(api.search2({ query: 'light' }), 'search2')).searchResult2.song[0].title, 'First Light');
    assert.equal((await ok(api.getScanStatus(), 'getScanStatus')).scanStatus.count, 2);
    await ok(api.getArtistInfo2({ id: ada.id }), 'getArtistInfo2 answers (empty)');
  });

  test('stream sends AAC bytes with ranges; cover art is a picture; download is premium-only', async () => {
    const api = client({ username: listener.handle, password: appPassword });
    const res = await api.stream({ id: tracks['First Light'].id });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file');
    const ranged = await fetch(`${server.url}/rest/stream.view?apiKey=${appPassword}&id=${tracks['First Light'].id}`, {
      headers: { range: 'bytes=0-99' },
    });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
    const cover = await api.getCoverArt({ id: tracks['First Light'].coverArt });
    assert.equal(cover.status, 200);
    const img = Buffer.from(await cover.arrayBuffer());
    assert.equal(img[0], 0xff);
    assert.equal(img[1], 0xd8);
    const dl = await (await api.download({ id: tracks['First Light'].id })).json();
    assert.equal(dl['subsonic-response'].error.code, 50);
  });

  test('playlists: create, rename, add, remove, reorder, read, list, delete; only the owner edits', async () => {
    const api = client({ username: listener.handle, password: appPassword });
    const a = tracks['First Light'].id;
    const b = tracks['Second Wind'].id;
    const created = await ok(api.createPlaylist({ name: 'Morning', songId: [a, b] }), 'createPlaylist');
    const id = created.playlist.id;
    assert.deepEqual(created.playlist.entry.map((e) => e.id), [a, b]);
    await ok(api.updatePlaylist({ playlistId: id, name: 'Mornings', songIdToAdd: [a], songIndexToRemove: [0] }), 'updatePlaylist');
    let pl = await ok(api.getPlaylist({ id }), 'getPlaylist');
    assert.equal(pl.playlist.name, 'Mornings');
    assert.deepEqual(pl.playlist.entry.map((e) => e.id), [b, a]);
    await ok(api.createPlaylist({ playlistId: id, songId: [a, b, b] }), 'createPlaylist replacing the songs');
    pl = await ok(api.getPlaylist({ id }), 'getPlaylist after reorder');
    assert.deepEqual(pl.playlist.entry.map((e) => e.id), [a, b, b]);
    assert.equal(pl.playlist.songCount, 3);
    const lists = await ok(api.getPlaylists(), 'getPlaylists');
    assert.deepEqual(lists.playlists.playlist.map((p) => p.name), ['Mornings']);

    const other = await signup(server);
    const otherPw = (await other.post('/api/v1/me/app-passwords', { json: { name: 'x' } })).json.password;
    const intruder = client({ username: other.handle, password: otherPw });
    const denied = await intruder.updatePlaylist({ playlistId: id, name: 'Mine now' });
    assert.equal(denied.error.code, 70, 'a private playlist does not exist for others');
    assert.equal((await intruder.deletePlaylist({ id })).error.code, 70);

    await ok(api.deletePlaylist({ id }), 'deletePlaylist');
    assert.equal((await api.getPlaylist({ id })).error.code, 70);
  });

  test('star, unstar, getStarred2, getUser, and scrobble counts a play', async () => {
    const api = client({ username: listener.handle, password: appPassword });
    const a = tracks['First Light'];
    await ok(api.star({ id: a.id, albumId: a.albumId }), 'star');
    let starred = await ok(api.getStarred2(), 'getStarred2');
    assert.deepEqual(starred.starred2.song.map((s) => s.id), [a.id]);
    assert.equal(starred.starred2.album.length, 1);
    assert.equal((await ok(api.getStarred(), 'getStarred')).starred.song.length, 1);
    await ok(api.unstar({ id: a.id }), 'unstar');
    starred = await ok(api.getStarred2(), 'getStarred2 after unstar');
    assert.equal(starred.starred2.song, undefined);

    const user = await ok(api.getUser({ username: listener.handle }), 'getUser');
    assert.equal(user.user.username, listener.handle);
    assert.equal(user.user.streamRole, true);
    assert.equal(user.user.downloadRole, false);

    const before = (await listener.get(`/api/v1/tracks/${a.id}`)).json.play_count;
    await ok(api.scrobble({ id: a.id, submission: false }), 'now playing');
    assert.equal((await listener.get(`/api/v1/tracks/${a.id}`)).json.play_count, before, 'now playing is not a play');
    await ok(api.scrobble({ id: a.id, submission: true }), 'scrobble');
    assert.equal((await listener.get(`/api/v1/tracks/${a.id}`)).json.play_count, before + 1);
  });
});

describe('streaming rules on /api/v1', () => {
  test('track JSON carries ReplayGain-style gains to -14 LUFS', async () => {
    const t = (await listener.get(`/api/v1/tracks/${tracks['First Light'].id}`)).json;
    assert.deepEqual(t.qualities, [96, 160, 320]);
    assert.equal(t.replay_gain.target_lufs, -14);
    assert.ok(Math.abs(t.replay_gain.track_gain_db - (-14 - t.loudness.integrated_lufs)) < 0.02, JSON.stringify(t));
    assert.ok(t.loudness.integrated_lufs < -10 && t.loudness.integrated_lufs > -30);
    assert.ok(t.replay_gain.track_peak > 0 && t.replay_gain.track_peak <= 1.0);
    assert.deepEqual(t.artists.map((x) => x.name), ['Ada Tone', 'Ben Wave']);
    // Every catalog song is a sound videos can use, with the song's audio.
    assert.match(t.sound_id, /^\d+$/);
    const sound = await listener.get(`/api/v1/sounds/${t.sound_id}`);
    expectStatus(sound, 200);
    assert.match(JSON.stringify(sound.json), /First Light - Ada Tone, Ben Wave/);
    const audio = await listener.get(`/api/v1/sounds/${t.sound_id}/audio`);
    expectStatus(audio, 200);
    const album = (await listener.get(`/api/v1/albums/${t.album.id}`)).json;
    assert.equal(album.tracks.length, 2);
    assert.equal(typeof album.album_gain_db, 'number');
    const search = (await listener.get('/api/v1/music/search?q=ada')).json;
    assert.equal(search.artists[0].name, 'Ada Tone');
  });

  test('a free listener is capped at 160 kbit/s, premium gets 320, and the stream is never a play', async () => {
    const id = tracks['Second Wind'].id;
    assert.deepEqual((await listener.get('/api/v1/me/music')).json, { plan: 'free', max_quality: 160 });
    const free = await listener.get(`/api/v1/tracks/${id}/stream?quality=320`);
    expectStatus(free, 200);
    assert.equal(free.headers.get('x-riff-quality'), '160');
    const low = await listener.get(`/api/v1/tracks/${id}/stream?quality=96`);
    assert.equal(low.headers.get('x-riff-quality'), '96');
    const sub = await client({ apiKey: appPassword }).stream({ id, maxBitRate: 320 });
    const freeBytes = (await sub.arrayBuffer()).byteLength;
    assert.ok(freeBytes < 35 * 170_000 / 8, `free Subsonic stream of ${freeBytes} bytes is not 320 kbit/s`);

    // HLS audio: the master lists only the free tiers; the 320 playlist is refused.
    const master = await listener.get(`/api/v1/tracks/${id}/hls/master.m3u8`);
    expectStatus(master, 200);
    assert.match(master.text, /^#EXTM3U/);
    assert.deepEqual([...master.text.matchAll(/^hls(\d+)\/index\.m3u8$/gm)].map((x) => Number(x[1])), [96, 160]);
    const media = await listener.get(`/api/v1/tracks/${id}/hls/hls160/index.m3u8`);
    expectStatus(media, 200);
    assert.match(media.text, /#EXT-X-MAP:URI="init.mp4"/);
    const segments = [...media.text.matchAll(/^(seg\d+\.m4s)$/gm)].map((x) => x[1]);
    assert.ok(segments.length >= 5, `a 35 s track in 6 s segments: ${segments}`);
    const seg = await fetch(`${server.url}/api/v1/tracks/${id}/hls/hls160/${segments[1]}`, {
      headers: { authorization: `Bearer ${listener.token}` },
    });
    assert.equal(seg.status, 200);
    assert.equal(seg.headers.get('content-type'), 'audio/mp4');
    assert.equal((await listener.get(`/api/v1/tracks/${id}/hls/hls320/index.m3u8`)).status, 403);
    assert.equal((await listener.get(`/api/v1/tracks/${id}/hls/hls160/../a320.m4a`)).status, 404);

    const anonymous = await fetch(`${server.url}/api/v1/tracks/${id}/stream`);
    assert.equal(anonymous.status, 401);

    const setPlan = await fetch(`${server.url}/api/v1/admin/music/plans/${listener.handle}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plan: 'premium' }),
    });
    assert.equal(setPlan.status, 200);
    const notAdmin = await listener.put(`/api/v1/admin/music/plans/${listener.handle}`, { json: { plan: 'premium' } });
    assert.equal(notAdmin.status, 403);
    const premium = await listener.get(`/api/v1/tracks/${id}/stream`);
    assert.equal(premium.headers.get('x-riff-quality'), '320');
    const premiumMaster = (await listener.get(`/api/v1/tracks/${id}/hls/master.m3u8`)).text;
    assert.match(premiumMaster, /^hls320\/index\.m3u8$/m);
    const dl = await client({ apiKey: appPassword }).download({ id });
    assert.equal(dl.headers.get('content-type'), 'audio/mpeg', 'premium may download the original');
    assert.equal((await listener.get(`/api/v1/tracks/${id}`)).json.play_count, 0, 'streams did not count');
  });

  test('plays count at 30 seconds or at the end, only when reported', async () => {
    const long = tracks['Second Wind'].id; // 35 s
    const short = tracks['First Light'].id; // 6 s
    let r = await listener.post('/api/v1/plays', { json: { track_id: long, ms_played: 10_000 } });
    expectStatus(r, 200);
    assert.equal(r.json.counted, false);
    r = await listener.post('/api/v1/plays', { json: { track_id: long, ms_played: 30_000 } });
    assert.deepEqual([r.json.counted, r.json.play_count], [true, 1]);
    r = await listener.post('/api/v1/plays', { json: { track_id: short, ms_played: 6_000 } });
    assert.equal(r.json.counted, true, 'the end of a short track counts');
    r = await listener.post('/api/v1/plays', { json: { track_id: short, ms_played: 2_000 } });
    assert.equal(r.json.counted, false);
    r = await listener.post('/api/v1/plays', { json: { track_id: '999', ms_played: 40_000 } });
    assert.equal(r.status, 404);
    r = await listener.post('/api/v1/plays', { json: { track_id: long, ms_played: -5 } });
    assert.equal(r.status, 400);
  });

  test('playlists over /api/v1: create, edit, reorder, public to others, owner-only writes', async () => {
    const a = tracks['First Light'].id;
    const b = tracks['Second Wind'].id;
    const created = await listener.post('/api/v1/playlists', { json: { name: 'Evening', track_ids: [a, b] } });
    expectStatus(created, 201);
    const id = created.json.id;
    assert.deepEqual(created.json.tracks.map((t) => t.id), [a, b]);
    assert.equal(created.json.public, false);
    const other = await signup(server);
    assert.equal((await other.get(`/api/v1/playlists/${id}`)).status, 404, 'private');
    let r = await listener.patch(`/api/v1/playlists/${id}`, {
      json: { name: 'Evenings', public: true, track_ids: [b, a], add_track_ids: [b], remove_positions: [1] },
    });
    expectStatus(r, 200);
    assert.equal(r.json.name, 'Evenings');
    assert.deepEqual(r.json.tracks.map((t) => t.id), [b, b]);
    expectStatus(await other.get(`/api/v1/playlists/${id}`), 200);
    assert.equal((await other.patch(`/api/v1/playlists/${id}`, { json: { name: 'x' } })).status, 403);
    assert.equal((await other.del(`/api/v1/playlists/${id}`)).status, 403);
    r = await listener.patch(`/api/v1/playlists/${id}`, { json: { add_track_ids: ['999'] } });
    assert.equal(r.status, 400, 'unknown tracks are refused');
    r = await listener.patch(`/api/v1/playlists/${id}`, { json: { remove_positions: [7] } });
    assert.equal(r.status, 400);
    const mine = (await listener.get('/api/v1/me/playlists')).json.items.map((p) => p.name);
    assert.ok(mine.includes('Evenings'));
    expectStatus(await listener.del(`/api/v1/playlists/${id}`), 204);
    assert.equal((await listener.get(`/api/v1/playlists/${id}`)).status, 404);
  });

  test('app passwords are listed without secrets and stop working when revoked', async () => {
    const list = (await listener.get('/api/v1/me/app-passwords')).json.items;
    assert.equal(list.length, 1);
    assert.equal(list[0].password, undefined);
    assert.ok(list[0].last_used_at, 'use is recorded');
    expectStatus(await listener.del(`/api/v1/me/app-passwords/${list[0].id}`), 204);
    const after = await client({ username: listener.handle, password: appPassword }).ping();
    assert.equal(after.error.code, 40);
  });
});

// riff Music regions: the service only in the countries the operator enables
// (here IN and BR, anonymous listeners counted in BR), each track only where
// its rights allow, the listener's country from their account. Unavailable
// content is hidden from lists, search, playlists and Subsonic, and direct
// access answers 451 with a reason.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { SubsonicAPI } from 'subsonic-api';

import { expectStatus, login, post, uniqueHandle } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);

let server;
let admin;
let indian; // country IN
let french; // country FR: the service is not offered there
let nowhere; // no country: the default, BR
const ids = {}; // title -> track id
const albums = {}; // title -> album id

async function ffmpeg(...args) {
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

async function song(dir, file, freq, title, artist, album) {
  fs.mkdirSync(dir, { recursive: true });
  await ffmpeg('-f', 'lavfi', '-i', `sine=frequency=${freq}:duration=3`, '-metadata', `title=${title}`,
    '-metadata', `artist=${artist}`, '-metadata', `album=${album}`, path.join(dir, file));
}

async function signupIn(country) {
  const handle = uniqueHandle('reg');
  const json = { handle, email: `${handle.replace(/[^a-z0-9]/g, '')}@example.com`, password: 'password-123' };
  if (country !== undefined) json.country = country;
  return post(server, '/api/v1/auth/signup', { json });
}

async function userIn(country) {
  const res = await signupIn(country);
  expectStatus(res, 201, `signup in ${country}`);
  const li = await login(server, res.json.user.handle, 'password-123');
  expectStatus(li, 200);
  return { handle: res.json.user.handle, token: li.json.token, me: res.json.user };
}

function as(user, method, p, opts = {}) {
  return fetchJson(method, p, { ...opts, token: user?.token });
}

async function fetchJson(method, p, { token, json } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${p}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json: body };
}

before(async () => {
  const lib = makeTempDir('riff-regions-lib-');
  await song(path.join(lib, 'a'), '01.flac', 440, 'Everywhere Song', 'World Band', 'Open Skies');
  await song(path.join(lib, 'a'), '02.flac', 550, 'Samba Only', 'World Band', 'Open Skies');
  await song(path.join(lib, 'b'), '01.flac', 660, 'Not In India', 'Far Away', 'Elsewhere');
  const dataDir = makeTempDir('riff-regions-data-');
  server = await startRiffd({ dataDir, args: ['--music-countries', 'IN, br', '--music-default-country', 'BR'] });
  const dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const imported = await runRiffd(['music', 'import', lib, '--no-transcode', ...dbArgs], { timeoutMs: 300000 });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  const adminHandle = uniqueHandle('radmin');
  const made = await runRiffd(['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
    '--password-stdin', ...dbArgs], { input: 'admin-password-123\n' });
  assert.equal(made.code, 0, made.stderr);
  admin = { token: (await login(server, adminHandle, 'admin-password-123')).json.token };

  indian = await userIn('in');
  french = await userIn('FR');
  nowhere = await userIn(undefined);
  const all = await as(admin, 'GET', '/api/v1/music/search?q=');
  expectStatus(all, 200, 'admin search (admin has no country: default BR)');
  for (const t of all.json.tracks) {
    ids[t.title] = t.id;
    albums[t.album.title] = t.album.id;
  }
  for (const [title, territories] of [['Samba Only', 'br'], ['Not In India', '-IN']]) {
    const res = await as(admin, 'PUT', `/api/v1/admin/music/tracks/${ids[title]}/territories`, { json: { territories } });
    expectStatus(res, 200, `territories of ${title}`);
  }
});
after(cleanupAll);

describe('the listener country', () => {
  test('is set at sign-up and in PATCH /me, as an ISO 3166-1 alpha-2 code', async () => {
    assert.equal(indian.me.country, 'IN', 'upper-cased');
    assert.equal(nowhere.me.country, null);
    assertProblem(await signupIn('XX'), 400, 'validation', { pointer: '/country' });
    assertProblem(await signupIn('India'), 400, 'validation', { pointer: '/country' });
    const bad = await as(nowhere, 'PATCH', '/api/v1/me', { json: { country: 'ZZ' } });
    assertProblem(bad, 400, 'validation', { pointer: '/country' });
    const me = await as(nowhere, 'GET', '/api/v1/me');
    assert.equal(me.json.country, null, 'a refused change changes nothing');
    const changed = await as(french, 'PATCH', '/api/v1/me', { json: { country: 'fr' } });
    expectStatus(changed, 200);
    assert.equal(changed.json.country, 'FR');
  });
});

describe('the service in a country it is not offered in', () => {
  test('answers 451 music-service-unavailable-in-country on every music route', async () => {
    for (const p of ['/api/v1/music/search?q=song', `/api/v1/tracks/${ids['Everywhere Song']}`,
      `/api/v1/albums/${albums['Open Skies']}`, `/api/v1/tracks/${ids['Everywhere Song']}/stream`]) {
      const res = await as(french, 'GET', p);
      const problem = assertProblem(res, 451, 'music-service-unavailable-in-country');
      assert.match(problem.detail, /FR/);
    }
    const play = await as(french, 'POST', '/api/v1/plays', { json: { track_id: ids['Everywhere Song'], ms_played: 60000 } });
    assertProblem(play, 451, 'music-service-unavailable-in-country');
  });

  test('Subsonic clients get error 50 with the reason', async () => {
    const pw = await as(french, 'POST', '/api/v1/me/app-passwords', { json: { name: 'client' } });
    expectStatus(pw, 201);
    const api = new SubsonicAPI({ url: server.url, auth: { username: french.handle, password: pw.json.password } });
    const r = await api.search3({ query: 'song' });
    assert.equal(r.status, 'failed');
    assert.equal(r.error.code, 50);
    assert.match(r.error.message, /not available in your country/);
  });

  test('moving the account to an enabled country opens it', async () => {
    const moved = await as(french, 'PATCH', '/api/v1/me', { json: { country: 'BR' } });
    expectStatus(moved, 200);
    expectStatus(await as(french, 'GET', '/api/v1/music/search?q=song'), 200);
    await as(french, 'PATCH', '/api/v1/me', { json: { country: 'FR' } });
  });
});

describe('track rights', () => {
  test('search shows only what the listener region may hear', async () => {
    const titles = async (user) => (await as(user, 'GET', '/api/v1/music/search?q=')).json.tracks.map((t) => t.title).sort();
    assert.deepEqual(await titles(indian), ['Everywhere Song']);
    assert.deepEqual(await titles(nowhere), ['Everywhere Song', 'Not In India', 'Samba Only'], 'no country: the default, BR');
    assert.deepEqual(await titles(null), ['Everywhere Song', 'Not In India', 'Samba Only'], 'anonymous: BR');
    const artists = (await as(indian, 'GET', '/api/v1/music/search?q=')).json.artists.map((a) => a.name);
    assert.deepEqual(artists, ['World Band'], 'an artist with nothing available is hidden');
  });

  test('direct access to an unavailable track, its stream, HLS, album and artist is 451 with the reason', async () => {
    const id = ids['Not In India'];
    for (const p of [`/api/v1/tracks/${id}`, `/api/v1/tracks/${id}/stream`, `/api/v1/tracks/${id}/hls/master.m3u8`,
      `/api/v1/albums/${albums.Elsewhere}`, `/api/v1/albums/${albums.Elsewhere}/cover`]) {
      const problem = assertProblem(await as(indian, 'GET', p), 451, 'music-unavailable-in-region');
      assert.match(problem.detail, /not available in your country/);
    }
    const play = await as(indian, 'POST', '/api/v1/plays', { json: { track_id: id, ms_played: 60000 } });
    assertProblem(play, 451, 'music-unavailable-in-region');
    assertProblem(await as(null, 'GET', '/api/v1/tracks/999999'), 404, 'not-found');
    // The album lists only its available tracks and counts only them.
    const album = await as(indian, 'GET', `/api/v1/albums/${albums['Open Skies']}`);
    expectStatus(album, 200);
    assert.deepEqual(album.json.tracks.map((t) => t.title), ['Everywhere Song']);
    assert.equal(album.json.track_count, 1);
    expectStatus(await as(nowhere, 'GET', `/api/v1/tracks/${ids['Samba Only']}`), 200);
  });

  test('playlists leave unavailable tracks out and say how many', async () => {
    const created = await as(nowhere, 'POST', '/api/v1/playlists', {
      json: { name: 'Mixed', public: true, track_ids: [ids['Samba Only'], ids['Everywhere Song'], ids['Not In India']] },
    });
    expectStatus(created, 201);
    assert.equal(created.json.tracks.length, 3);
    const seen = await as(indian, 'GET', `/api/v1/playlists/${created.json.id}`);
    expectStatus(seen, 200);
    assert.deepEqual(seen.json.tracks.map((t) => [t.title, t.position]), [['Everywhere Song', 1]]);
    assert.equal(seen.json.unavailable_count, 2);
  });

  test('Subsonic hides them and refuses to stream them', async () => {
    const pw = await as(indian, 'POST', '/api/v1/me/app-passwords', { json: { name: 'client' } });
    const api = new SubsonicAPI({ url: server.url, auth: { username: indian.handle, password: pw.json.password } });
    const found = await api.search3({ query: '' });
    assert.equal(found.status, 'ok');
    assert.deepEqual((found.searchResult3.song ?? []).map((s) => s.title), ['Everywhere Song']);
    const song = await api.getSong({ id: ids['Not In India'] });
    assert.equal(song.status, 'failed');
    assert.equal(song.error.code, 50);
    const stream = await fetch(`${server.url}/rest/stream?apiKey=${pw.json.password}&id=${ids['Not In India']}&f=json`);
    assert.equal((await stream.json())['subsonic-response'].error.code, 50);
  });

  test('only an operator sets territories, and bad codes change nothing', async () => {
    const id = ids['Everywhere Song'];
    assertProblem(await as(indian, 'PUT', `/api/v1/admin/music/tracks/${id}/territories`, { json: { territories: 'IN' } }), 403, 'forbidden');
    const bad = await as(admin, 'PUT', `/api/v1/admin/music/tracks/${id}/territories`, { json: { territories: 'IN,XX' } });
    assertProblem(bad, 400, 'validation', { pointer: '/territories' });
    expectStatus(await as(indian, 'GET', `/api/v1/tracks/${id}`), 200);
    const set = await as(admin, 'PUT', `/api/v1/admin/music/tracks/${id}/territories`, { json: { territories: 'ww, -cn' } });
    expectStatus(set, 200);
    assert.equal(set.json.territories, 'WW,-CN');
  });
});

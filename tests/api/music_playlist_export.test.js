// Playlist export, black-box: GET /api/v1/playlists/{id}/export as M3U8,
// XSPF (well-formed XML, checked with xmllint) and JSPF, with a hostile
// playlist name and song titles, for exactly those who may see the playlist.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

const hostileName = 'Mix </title><script>x</script> & "q"\n#EXTINF:1,evil';
let server;
let owner;
let stranger;
let playlist;
let tracks;

before(async () => {
  server = await startRiffd();
  const dir = await makeSongs([
    { title: 'Export <One> & Co', artist: 'Exporter', isrc: 'USRF12600011' },
    { title: 'Export Two\nhttp://evil.test/', artist: 'Exporter' },
  ]);
  await importSongs(server, dir, { transcode: false });
  const found = await get(server, '/api/v1/music/search?q=Exporter');
  expectStatus(found, 200, 'search');
  tracks = found.json.tracks.sort((a, b) => a.track_no - b.track_no);
  assert.equal(tracks.length, 2);
  owner = await signup(server);
  stranger = await signup(server);
  const res = await owner.post('/api/v1/playlists', { json: { name: hostileName, track_ids: tracks.map((t) => t.id) } });
  expectStatus(res, 201, 'create playlist');
  playlist = res.json;
});
after(cleanupAll);

const exportOf = (user, format) => user.get(`/api/v1/playlists/${playlist.id}/export?format=${format}`);

describe('playlist export', () => {
  test('M3U8: a header, one #EXTINF and stream URL per track, no injected lines', async () => {
    const res = await exportOf(owner, 'm3u8');
    expectStatus(res, 200, 'm3u8');
    assert.match(res.headers.get('content-type'), /^audio\/x-mpegurl/);
    assert.match(res.headers.get('content-disposition'), new RegExp(`playlist-${playlist.id}\\.m3u8`));
    const lines = res.text.trimEnd().split('\n');
    assert.equal(lines[0], '#EXTM3U');
    assert.equal(lines.filter((l) => l.startsWith('#EXTINF:')).length, 2);
    const urls = lines.filter((l) => !l.startsWith('#'));
    assert.equal(urls.length, 2);
    urls.forEach((u, i) => assert.match(u, new RegExp(`^https?://[^/]+/api/v1/tracks/${tracks[i].id}/stream$`)));
    assert.ok(lines.includes('#EXTINF:4,Exporter - Export <One> & Co'), res.text);
  });

  test('XSPF: well-formed XML in the XSPF namespace with escaped text', async () => {
    const res = await exportOf(owner, 'xspf');
    expectStatus(res, 200, 'xspf');
    assert.match(res.headers.get('content-type'), /^application\/xspf\+xml/);
    execFileSync('xmllint', ['--noout', '-'], { input: res.text }); // throws when ill-formed
    assert.match(res.text, /<playlist version="1" xmlns="http:\/\/xspf.org\/ns\/0\/">/);
    assert.ok(res.text.includes('<title>Mix &lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;'));
    assert.ok(res.text.includes('<identifier>urn:isrc:USRF12600011</identifier>'));
    const titles = execFileSync('xmllint', ['--xpath', "//*[local-name()='track']/*[local-name()='title']/text()", '-'],
      { input: res.text }).toString();
    assert.match(titles, /Export &lt;One&gt; &amp; Co/);
    assert.equal((res.text.match(/<track>/g) ?? []).length, 2);
  });

  test('JSPF: the XSPF structure as JSON', async () => {
    const res = await exportOf(owner, 'jspf');
    expectStatus(res, 200, 'jspf');
    const pl = JSON.parse(res.text).playlist;
    assert.equal(pl.title, playlist.name);
    assert.equal(pl.creator, owner.handle);
    assert.deepEqual(pl.track.map((t) => t.title), tracks.map((t) => t.title));
    assert.equal(pl.track[0].location.length, 1);
    assert.match(pl.track[0].location[0], new RegExp(`^https?://[^/]+/api/v1/tracks/${tracks[0].id}/stream$`));
    assert.deepEqual(pl.track[0].identifier, ['urn:isrc:USRF12600011']);
    assert.equal(pl.track[0].duration, tracks[0].duration_ms);
  });

  test('a private playlist exports only for its owner; a public one for everyone', async () => {
    assertProblem(await exportOf(stranger, 'm3u8'), 404, 'not-found');
    assertProblem(await get(server, `/api/v1/playlists/${playlist.id}/export?format=xspf`), 404, 'not-found');
    expectStatus(await owner.patch(`/api/v1/playlists/${playlist.id}`, { json: { public: true } }), 200, 'make public');
    expectStatus(await exportOf(stranger, 'jspf'), 200, 'public playlist as a stranger');
    expectStatus(await get(server, `/api/v1/playlists/${playlist.id}/export?format=m3u8`), 200, 'anonymous');
  });

  test('an unknown format or playlist is a clear error', async () => {
    assertProblem(await exportOf(owner, 'pls'), 400, 'validation');
    assertProblem(await owner.get('/api/v1/playlists/999/export?format=m3u8'), 404, 'not-found');
  });
});

// Playlists, black-box, on SQLite or PostgreSQL (RIFF_TEST_DB=postgres):
// create, read, edit with moves and versions (If-Match -> 412), concurrent
// edits, collaborators (invite by handle, blocks, leave, remove), who may do
// what (owner, collaborator, stranger, anonymous), covers (upload, fallback
// to the first track's album cover, caching headers, bad and oversize
// images), and the Subsonic methods for a collaborator.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, post, sendRaw, signup, statusOf } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

// A valid 1x1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let server;
let owner;
let collab;
let stranger;
let ids; // track ids in album order
const titleOf = {}; // id -> title

before(async () => {
  server = await startRiffd();
  const dir = await makeSongs(
    ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((title) => ({ title, artist: 'Listmaker', album: 'Lists' })),
  );
  await importSongs(server, dir, { transcode: false });
  const found = await get(server, '/api/v1/music/search?q=Listmaker&limit=20');
  expectStatus(found, 200, 'search');
  const tracks = found.json.tracks.sort((a, b) => a.track_no - b.track_no);
  assert.equal(tracks.length, 5);
  ids = tracks.map((t) => t.id);
  for (const t of tracks) titleOf[t.id] = t.title;
  [owner, collab, stranger] = await Promise.all([signup(server), signup(server), signup(server)]);
});
after(cleanupAll);

const titles = (p) => p.tracks.map((t) => titleOf[t.id]);
const path = (p, rest = '') => `/api/v1/playlists/${p.id}${rest}`;

async function create(user, body) {
  const res = await user.post('/api/v1/playlists', { json: body });
  expectStatus(res, 201, 'create playlist');
  return res.json;
}

/// A private collaborative playlist of `owner` (Alpha, Bravo, Charlie) with `collab` invited.
async function shared() {
  const p = await create(owner, { name: 'Shared', track_ids: ids.slice(0, 3), collaborative: true });
  assert.equal(p.collaborative, true);
  const inv = await owner.post(path(p, '/collaborators'), { json: { handle: `@${collab.handle}` } });
  expectStatus(inv, 201, 'invite');
  assert.equal(inv.json.user.handle, collab.handle);
  return (await owner.get(path(p))).json;
}

describe('playlists: create, read, reorder, versions', () => {
  test('a new playlist is private, versioned and owned; its ETag is the version', async () => {
    const p = await create(owner, { name: 'Mine', track_ids: ids.slice(0, 2), description: 'two songs' });
    assert.equal(p.public, false);
    assert.equal(p.collaborative, false);
    assert.equal(p.role, 'owner');
    assert.equal(p.description, 'two songs');
    assert.equal(typeof p.version, 'number');
    assert.deepEqual(titles(p), ['Alpha', 'Bravo']);
    assert.equal(p.tracks[0].added_by.handle, owner.handle);
    assert.match(p.tracks[0].added_at, /^\d{4}-\d\d-\d\dT/);
    const got = await owner.get(path(p));
    expectStatus(got, 200);
    assert.equal(got.headers.get('etag'), `"${got.json.version}"`);
    assertProblem(await stranger.get(path(p)), 404, 'not-found');
    assertProblem(await get(server, path(p)), 404, 'not-found');
    assertProblem(await owner.get('/api/v1/playlists/nope'), 404, 'not-found');
  });

  test('moves: one track, a block, several in turn; each bumps the version', async () => {
    let p = await create(owner, { name: 'Order', track_ids: ids });
    const v0 = p.version;
    let res = await owner.patch(path(p), { json: { moves: [{ from: 0, to: 4 }] } });
    expectStatus(res, 200, 'move one');
    assert.deepEqual(titles(res.json), ['Bravo', 'Charlie', 'Delta', 'Echo', 'Alpha']);
    assert.equal(res.json.version, v0 + 1);
    assert.equal(res.headers.get('etag'), `"${v0 + 1}"`);
    res = await owner.patch(path(p), { json: { moves: [{ from: 2, to: 0, count: 3 }] } });
    expectStatus(res, 200, 'move a block');
    assert.deepEqual(titles(res.json), ['Delta', 'Echo', 'Alpha', 'Bravo', 'Charlie']);
    res = await owner.patch(path(p), { json: { moves: [{ from: 0, to: 1 }, { from: 4, to: 0 }] } });
    expectStatus(res, 200, 'two moves');
    assert.deepEqual(titles(res.json), ['Charlie', 'Echo', 'Delta', 'Alpha', 'Bravo']);
    p = res.json;
    assert.deepEqual(p.tracks.map((t) => t.position), [0, 1, 2, 3, 4]);
  });

  test('bad positions and shapes are 400 and change nothing', async () => {
    const p = await create(owner, { name: 'Strict', track_ids: ids.slice(0, 3) });
    const bad = [
      [{ moves: [{ from: 3, to: 0 }] }, '/moves/0/from'],
      [{ moves: [{ from: -1, to: 0 }] }, '/moves/0/from'],
      [{ moves: [{ from: 0, to: 3 }] }, '/moves/0/to'],
      [{ moves: [{ from: 0, to: 2, count: 2 }] }, '/moves/0/to'],
      [{ moves: [{ from: 0, to: 1, count: 0 }] }, '/moves/0/count'],
      [{ moves: [{ from: 0, to: 1 }, { from: 9, to: 0 }] }, '/moves/1/from'],
      [{ moves: [{ from: 'a', to: 1 }] }, '/moves'],
      [{ moves: { from: 0, to: 1 } }, '/moves'],
      [{ moves: [{ from: 0, to: 1 }], remove_positions: [0] }, '/moves'],
      [{ remove_positions: [7] }, '/songIndexToRemove'],
      [{ add_track_ids: ['12345'] }, '/songId'],
      [{ version: 'x' }, '/version'],
    ];
    for (const [body, pointer] of bad) {
      assertProblem(await owner.patch(path(p), { json: body }), 400, 'validation', { pointer });
    }
    const after = (await owner.get(path(p))).json;
    assert.deepEqual(titles(after), ['Alpha', 'Bravo', 'Charlie']);
    assert.equal(after.version, p.version);
  });

  test('If-Match or version: a stale version is 412 and changes nothing', async () => {
    const p = await create(owner, { name: 'Versioned', track_ids: ids.slice(0, 3) });
    const ok = await owner.patch(path(p), { json: { moves: [{ from: 0, to: 2 }] }, headers: { 'if-match': `"${p.version}"` } });
    expectStatus(ok, 200, 'fresh If-Match');
    assertProblem(await owner.patch(path(p), { json: { moves: [{ from: 2, to: 0 }] }, headers: { 'if-match': `"${p.version}"` } }), 412, 'precondition-failed');
    assertProblem(await owner.patch(path(p), { json: { name: 'X', version: p.version } }), 412, 'precondition-failed');
    assertProblem(await owner.patch(path(p), { json: { name: 'X' }, headers: { 'if-match': 'garbage' } }), 412, 'precondition-failed');
    const now = (await owner.get(path(p))).json;
    assert.deepEqual(titles(now), ['Bravo', 'Charlie', 'Alpha']);
    assert.equal(now.name, 'Versioned');
    assert.equal(now.version, ok.json.version);
    expectStatus(await owner.patch(path(p), { json: { name: 'Y' }, headers: { 'if-match': '*' } }), 200, 'If-Match *');
    expectStatus(await owner.patch(path(p), { json: { name: 'Z', version: now.version + 1 } }), 200, 'body version');
  });

  test('two concurrent edits at one version: one wins, the other gets 412', async () => {
    const p = await shared();
    const headers = { 'if-match': `"${p.version}"` };
    const [a, b] = await Promise.all([
      owner.patch(path(p), { json: { moves: [{ from: 0, to: 2 }] }, headers }),
      collab.patch(path(p), { json: { moves: [{ from: 2, to: 0 }] }, headers }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 412], `${a.text} | ${b.text}`);
    const winner = a.status === 200 ? a.json : b.json;
    const now = (await owner.get(path(p))).json;
    assert.deepEqual(titles(now), titles(winner));
    assert.equal(now.version, p.version + 1);
  });

  test('without a version, concurrent additions both land', async () => {
    const p = await create(owner, { name: 'Both', track_ids: [] });
    const [a, b] = await Promise.all([
      owner.patch(path(p), { json: { add_track_ids: [ids[0]] } }),
      owner.patch(path(p), { json: { add_track_ids: [ids[1]] } }),
    ]);
    expectStatus(a, 200);
    expectStatus(b, 200);
    assert.deepEqual(titles((await owner.get(path(p))).json).sort(), ['Alpha', 'Bravo']);
  });
});

describe('playlists: collaborators', () => {
  test('inviting needs a collaborative playlist, a real handle, and no block either way', async () => {
    const p = await create(owner, { name: 'Solo', track_ids: [] });
    assertProblem(await owner.post(path(p, '/collaborators'), { json: { handle: collab.handle } }), 409, 'conflict');
    expectStatus(await owner.patch(path(p), { json: { collaborative: true } }), 200);
    assertProblem(await owner.post(path(p, '/collaborators'), { json: { handle: 'no_such_user_x' } }), 404, 'not-found');
    assertProblem(await owner.post(path(p, '/collaborators'), { json: { handle: owner.handle } }), 400, 'validation');
    assertProblem(await owner.post(path(p, '/collaborators'), { json: {} }), 400, 'validation', { pointer: '/handle' });
    const blockedByOwner = await signup(server);
    const blocksOwner = await signup(server);
    expectStatus(await owner.post(`/api/v1/users/${blockedByOwner.handle}/block`), 204);
    expectStatus(await blocksOwner.post(`/api/v1/users/${owner.handle}/block`), 204);
    assertProblem(await owner.post(path(p, '/collaborators'), { json: { handle: blockedByOwner.handle } }), 404, 'not-found');
    assertProblem(await owner.post(path(p, '/collaborators'), { json: { handle: blocksOwner.handle } }), 404, 'not-found');
    assert.deepEqual((await owner.get(path(p, '/collaborators'))).json.items, []);
    expectStatus(await owner.post(path(p, '/collaborators'), { json: { handle: collab.handle.toUpperCase() } }), 201);
    expectStatus(await owner.post(path(p, '/collaborators'), { json: { handle: collab.handle } }), 201, 'again: no-op');
    const list = (await owner.get(path(p, '/collaborators'))).json.items;
    assert.deepEqual(list.map((c) => c.user.handle), [collab.handle]);
    assert.match(list[0].added_at, /^\d{4}-/);
  });

  test('a collaborator sees it in their list, adds, removes and reorders, marked as who added', async () => {
    const p = await shared();
    const mine = (await collab.get('/api/v1/me/playlists')).json.items.find((x) => x.id === p.id);
    assert.ok(mine, 'listed for the collaborator');
    assert.equal(mine.role, 'collaborator');
    assert.equal(mine.collaborative, true);
    const seen = await collab.get(path(p));
    expectStatus(seen, 200);
    assert.equal(seen.json.role, 'collaborator');
    assert.deepEqual((await collab.get(path(p, '/collaborators'))).json.items.map((c) => c.user.handle), [collab.handle]);

    let res = await collab.patch(path(p), { json: { add_track_ids: [ids[3]] } });
    expectStatus(res, 200, 'collaborator adds');
    const added = res.json.tracks[3];
    assert.equal(titleOf[added.id], 'Delta');
    assert.equal(added.added_by.handle, collab.handle);
    assert.equal(res.json.tracks[0].added_by.handle, owner.handle);
    res = await collab.patch(path(p), { json: { moves: [{ from: 3, to: 0 }] } });
    expectStatus(res, 200, 'collaborator reorders');
    assert.deepEqual(titles(res.json), ['Delta', 'Alpha', 'Bravo', 'Charlie']);
    assert.equal(res.json.tracks[0].added_by.handle, collab.handle, 'added_by moves with the track');
    res = await collab.patch(path(p), { json: { remove_positions: [2] } });
    expectStatus(res, 200, 'collaborator removes');
    assert.deepEqual(titles(res.json), ['Delta', 'Alpha', 'Charlie']);
  });

  test('a collaborator cannot rename, publish, delete, change the cover or manage collaborators', async () => {
    const p = await shared();
    for (const body of [{ name: 'Mine' }, { public: true }, { description: 'x' }, { collaborative: false }, { name: 'Mine', add_track_ids: [ids[4]] }]) {
      assertProblem(await collab.patch(path(p), { json: body }), 403, 'forbidden');
    }
    assertProblem(await collab.del(path(p)), 403, 'forbidden');
    assertProblem(await collab.post(path(p, '/collaborators'), { json: { handle: stranger.handle } }), 403, 'forbidden');
    assertProblem(await collab.del(path(p, `/collaborators/${owner.handle}`)), 403, 'forbidden');
    assertProblem(await collab.put(path(p, '/cover'), { body: png, headers: { 'content-type': 'image/png' } }), 403, 'forbidden');
    assertProblem(await collab.del(path(p, '/cover')), 403, 'forbidden');
    const now = (await owner.get(path(p))).json;
    assert.equal(now.name, 'Shared');
    assert.equal(now.public, false);
    assert.equal(now.custom_cover, false);
    assert.deepEqual(titles(now), ['Alpha', 'Bravo', 'Charlie']);
  });

  test('a stranger sees nothing of a private playlist and cannot change a public one', async () => {
    const p = await shared();
    assertProblem(await stranger.get(path(p)), 404, 'not-found');
    assertProblem(await stranger.get(path(p, '/collaborators')), 404, 'not-found');
    assertProblem(await stranger.get(path(p, '/cover')), 404, 'not-found');
    assertProblem(await stranger.patch(path(p), { json: { add_track_ids: [ids[4]] } }), 404, 'not-found');
    assertProblem(await stranger.del(path(p)), 404, 'not-found');
    assertProblem(await stranger.post(path(p, '/collaborators'), { json: { handle: stranger.handle } }), 404, 'not-found');
    assertProblem(await stranger.del(path(p, `/collaborators/${collab.handle}`)), 404, 'not-found');
    assertProblem(await stranger.put(path(p, '/cover'), { body: png, headers: { 'content-type': 'image/png' } }), 404, 'not-found');
    assert.ok(!(await stranger.get('/api/v1/me/playlists')).json.items.some((x) => x.id === p.id));

    expectStatus(await owner.patch(path(p), { json: { public: true } }), 200);
    const seen = await stranger.get(path(p));
    expectStatus(seen, 200, 'public');
    assert.equal(seen.json.role, 'viewer');
    expectStatus(await get(server, path(p)), 200, 'anonymous sees a public playlist');
    expectStatus(await stranger.get(path(p, '/collaborators')), 200);
    assertProblem(await stranger.patch(path(p), { json: { add_track_ids: [ids[4]] } }), 403, 'forbidden');
    assertProblem(await stranger.del(path(p)), 403, 'forbidden');
    assertProblem(await stranger.put(path(p, '/cover'), { body: png, headers: { 'content-type': 'image/png' } }), 403, 'forbidden');
    assertProblem(await post(server, path(p, '/collaborators'), { json: { handle: stranger.handle } }), 401, 'unauthenticated');
  });

  test('a collaborator leaves; the owner removes one; turning collaboration off takes editing away', async () => {
    const p = await shared();
    expectStatus(await collab.del(path(p, `/collaborators/${collab.handle}`)), 204, 'leave');
    assertProblem(await collab.get(path(p)), 404, 'not-found');
    assert.ok(!(await collab.get('/api/v1/me/playlists')).json.items.some((x) => x.id === p.id));
    assertProblem(await collab.del(path(p, `/collaborators/${collab.handle}`)), 404, 'not-found');

    expectStatus(await owner.post(path(p, '/collaborators'), { json: { handle: collab.handle } }), 201);
    expectStatus(await owner.del(path(p, `/collaborators/${collab.handle}`)), 204, 'owner removes');
    assertProblem(await collab.patch(path(p), { json: { add_track_ids: [ids[4]] } }), 404, 'not-found');

    expectStatus(await owner.post(path(p, '/collaborators'), { json: { handle: collab.handle } }), 201);
    expectStatus(await owner.patch(path(p), { json: { collaborative: false } }), 200);
    assertProblem(await collab.patch(path(p), { json: { add_track_ids: [ids[4]] } }), 404, 'not-found');
    expectStatus(await owner.patch(path(p), { json: { collaborative: true } }), 200);
    expectStatus(await collab.patch(path(p), { json: { add_track_ids: [ids[4]] } }), 200, 'invitation kept');
  });

  test('Subsonic: a collaborator sees it in getPlaylists and adds and removes with updatePlaylist', async () => {
    const p = await shared();
    const pw = await collab.post('/api/v1/me/app-passwords', { json: { name: 'client' } });
    expectStatus(pw, 201);
    const rest = async (method, params) => {
      const q = new URLSearchParams({ apiKey: pw.json.password, f: 'json', v: '1.16.1', c: 'test' });
      for (const [k, v] of params) q.append(k, v);
      const res = await fetch(`${server.url}/rest/${method}?${q}`);
      return (await res.json())['subsonic-response'];
    };
    const lists = await rest('getPlaylists', []);
    assert.equal(lists.status, 'ok', JSON.stringify(lists));
    assert.ok(lists.playlists.playlist.some((x) => x.id === p.id && x.owner === owner.handle));
    const added = await rest('updatePlaylist', [['playlistId', p.id], ['songIdToAdd', ids[4]], ['songIndexToRemove', '0']]);
    assert.equal(added.status, 'ok', JSON.stringify(added));
    const now = (await owner.get(path(p))).json;
    assert.deepEqual(titles(now), ['Bravo', 'Charlie', 'Echo']);
    assert.equal(now.tracks[2].added_by.handle, collab.handle);
    const renamed = await rest('updatePlaylist', [['playlistId', p.id], ['name', 'Taken']]);
    assert.equal(renamed.status, 'failed');
    assert.equal((await owner.get(path(p))).json.name, 'Shared');
  });
});

describe('playlists: covers', () => {
  test('no cover falls back to the first track album cover; an upload replaces it; DELETE restores the fallback', async () => {
    const empty = await create(owner, { name: 'Empty', track_ids: [] });
    assert.equal(empty.cover_url, null);
    assertProblem(await owner.get(path(empty, '/cover')), 404, 'not-found');

    const p = await create(owner, { name: 'Covered', track_ids: ids.slice(0, 2) });
    assert.match(p.cover_url, new RegExp(`^/api/v1/playlists/${p.id}/cover\\?v=\\d+$`));
    assert.equal(p.custom_cover, false);
    const fallback = await owner.get(p.cover_url);
    expectStatus(fallback, 200, 'fallback cover');
    assert.match(fallback.headers.get('content-type'), /^image\/jpeg/);
    assert.match(fallback.headers.get('cache-control'), /^private, max-age=\d+/);
    const album = await owner.get(`/api/v1/albums/${(await owner.get(`/api/v1/tracks/${ids[0]}`)).json.album.id}/cover`);
    assert.equal(fallback.text, album.text, 'the album cover itself');

    const up = await owner.put(path(p, '/cover'), { body: png, headers: { 'content-type': 'image/png' } });
    expectStatus(up, 200, 'upload');
    assert.equal(up.json.custom_cover, true);
    assert.notEqual(up.json.cover_url, p.cover_url, 'a new URL after a change');
    const img = await fetch(server.url + up.json.cover_url, { headers: { authorization: `Bearer ${owner.token}` } });
    assert.equal(img.status, 200);
    assert.match(img.headers.get('content-type'), /^image\/png/);
    assert.ok(Buffer.from(await img.arrayBuffer()).equals(png), 'the uploaded bytes');
    const etag = img.headers.get('etag');
    assert.ok(etag, 'an ETag');
    const again = await fetch(server.url + up.json.cover_url, { headers: { authorization: `Bearer ${owner.token}`, 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const list = (await owner.get('/api/v1/me/playlists')).json.items.find((x) => x.id === p.id);
    assert.equal(list.cover_url, up.json.cover_url, 'lists show an uploaded cover');

    expectStatus(await owner.patch(path(p), { json: { public: true } }), 200);
    const pub = await get(server, path(p, '/cover'));
    expectStatus(pub, 200, 'anonymous, public playlist');
    assert.match(pub.headers.get('cache-control'), /^public, max-age=\d+/);

    const cleared = await owner.del(path(p, '/cover'));
    expectStatus(cleared, 200);
    assert.equal(cleared.json.custom_cover, false);
    const back = await owner.get(path(p, '/cover'));
    assert.match(back.headers.get('content-type'), /^image\/jpeg/);
  });

  test('a non-image, a mismatched type or an oversize cover is refused and changes nothing', async () => {
    const p = await create(owner, { name: 'Picky', track_ids: [] });
    assertProblem(await owner.put(path(p, '/cover'), { body: Buffer.from('<svg/>'), headers: { 'content-type': 'image/svg+xml' } }), 415, 'unsupported-media-type');
    assertProblem(await owner.put(path(p, '/cover'), { body: Buffer.from('not a png at all'), headers: { 'content-type': 'image/png' } }), 415, 'unsupported-media-type');
    assertProblem(await owner.put(path(p, '/cover'), { body: png, headers: { 'content-type': 'image/jpeg' } }), 415, 'unsupported-media-type');
    const big = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024 + 1024, 0x20)]);
    const head =
      `PUT ${path(p, '/cover')} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${owner.token}\r\n` +
      `Content-Type: image/png\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n`;
    const raw = await sendRaw(server.port, head, big);
    assert.equal(statusOf(raw), 413, raw.slice(0, 300));
    const now = (await owner.get(path(p))).json;
    assert.equal(now.custom_cover, false);
    assert.equal(now.version, p.version);
    assertProblem(await get(server, path(p, '/cover'), { headers: {} }), 404, 'not-found');
  });

  test('deleting a playlist: owner only, and it is gone for everyone', async () => {
    const p = await shared();
    assertProblem(await collab.del(path(p)), 403, 'forbidden');
    expectStatus(await owner.del(path(p)), 204);
    assertProblem(await owner.get(path(p)), 404, 'not-found');
    assertProblem(await collab.get(path(p)), 404, 'not-found');
    assert.ok(!(await collab.get('/api/v1/me/playlists')).json.items.some((x) => x.id === p.id));
  });
});

// GET /api/v1/albums: the album lists the web client's Music home browses
// (newest first, most played first), a page at a time, on a small catalog
// imported with `riffd music import`.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { collectPages, expectStatus, get, signup } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);
let server;
const albumIds = {}; // title -> id

before(async () => {
  const dataDir = makeTempDir('riff-albums-data-');
  server = await startRiffd({ dataDir });
  const dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  // One album per import run, so each is newer than the one before.
  for (const [i, album] of ['First Light', 'Second Wind', 'Third Rail'].entries()) {
    const lib = makeTempDir('riff-albums-lib-');
    await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
      `sine=frequency=${300 + i * 100}:duration=3`, '-metadata', `title=Song ${i + 1}`, '-metadata', 'artist=Album Tester',
      '-metadata', `album=${album}`, path.join(lib, 'song.flac')]);
    const imported = await runRiffd(['music', 'import', lib, '--no-transcode', ...dbArgs], { timeoutMs: 120000 });
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    await new Promise((r) => setTimeout(r, 5));
  }
  const found = await get(server, '/api/v1/music/search?q=Album%20Tester');
  for (const a of found.json.albums) albumIds[a.title] = a.id;
  assert.equal(Object.keys(albumIds).length, 3);
});
after(cleanupAll);

describe('album lists', () => {
  test('newest first, a page at a time', async () => {
    const { items, pages } = await collectPages((qs) => get(server, `/api/v1/albums${qs}`), { limit: 2 });
    assert.deepEqual(items.map((a) => a.title), ['Third Rail', 'Second Wind', 'First Light']);
    assert.equal(pages, 2);
    assert.equal(items[0].artist.name, 'Album Tester');
    assert.equal(items[0].track_count, 1);
  });

  test('most played first', async () => {
    const fan = await signup(server);
    const album = await get(server, `/api/v1/albums/${albumIds['First Light']}`);
    const play = await fan.post('/api/v1/plays', { json: { track_id: album.json.tracks[0].id, ms_played: 3000 } });
    expectStatus(play, 200, 'play');
    assert.equal(play.json.counted, true);
    const r = await get(server, '/api/v1/albums?order=frequent&limit=1');
    expectStatus(r, 200, 'frequent');
    assert.deepEqual(r.json.items.map((a) => a.title), ['First Light']);
  });

  test('an unknown order or a bad cursor is a 400 naming it', async () => {
    assertProblem(await get(server, '/api/v1/albums?order=loudest'), 400, 'validation', { pointer: '/order' });
    assertProblem(await get(server, '/api/v1/albums?cursor=abc'), 400, 'validation');
    assertProblem(await get(server, '/api/v1/albums?cursor=-5'), 400, 'validation');
  });
});

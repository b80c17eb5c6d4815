// riff Music weekly charts, black-box: a small catalog imported with
// `riffd music import` (sine tones made here), plays reported through
// POST /api/v1/plays by a premium and two free listeners, moved into past
// weeks by rewriting only their timestamps (riffd has no test clock), then
// `riffd music charts` stores the ended weeks and the chart routes read them:
// points and the daily cap, last week / peak / weeks on chart / weeks at
// No. 1, the list of weeks, a track's history, the records, the viral chart,
// and field-level 400s for bad dates.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { expectStatus, get, login, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, makeTempDir, runRiffd, sqlite, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);
const kDay = 86_400_000;
const kWeek = 7 * kDay;

let server;
let dbArgs;
let premium;
let free1;
let free2;
const ids = {}; // title -> track id
let weekA; // two weeks back
let weekB; // the last complete week

/// Friday 00:00 UTC of the chart week holding `ms` (1970-01-01 was a Thursday).
function weekStart(ms) {
  return Math.floor((ms - kDay) / kWeek) * kWeek + kDay;
}

const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/// Runs one statement on the server's database, SQLite or PostgreSQL.
async function sql(statement) {
  if (server.dbUrl) {
    await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.dbUrl, '-c', statement]);
  } else {
    await sqlite(server.sqlitePath, statement);
  }
}

async function ffmpeg(...args) {
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

async function play(user, title, times) {
  for (let i = 0; i < times; i++) {
    const r = await user.post('/api/v1/plays', { json: { track_id: ids[title], ms_played: 6_000 } });
    expectStatus(r, 200, `play ${title}`);
    assert.equal(r.json.counted, true);
  }
}

/// Moves every play reported in the last hour `weeks` weeks back.
async function movePlaysBack(weeks) {
  const since = Date.now() - 3_600_000;
  await sql(`UPDATE music_plays SET played_at = played_at - ${weeks * kWeek} WHERE played_at >= ${since}`);
}

before(async () => {
  const lib = makeTempDir('riff-charts-lib-');
  for (const [i, title] of ['Alpha', 'Bravo', 'Charlie'].entries()) {
    await ffmpeg('-f', 'lavfi', '-i', `sine=frequency=${440 + i * 110}:duration=6`, '-metadata', `title=${title}`,
      '-metadata', 'artist=Chart Tone', '-metadata', 'album=Charts', '-metadata', `track=${i + 1}`,
      path.join(lib, `${i + 1}.flac`));
  }
  const dataDir = makeTempDir('riff-charts-data-');
  server = await startRiffd({ dataDir });
  dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const imported = await runRiffd(['music', 'import', lib, '--no-transcode', ...dbArgs], { timeoutMs: 300000 });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);

  const adminHandle = uniqueHandle('cadmin');
  const made = await runRiffd(
    ['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
      '--password-stdin', ...dbArgs],
    { input: 'admin-password-123\n' },
  );
  assert.equal(made.code, 0, made.stderr);
  const admin = await login(server, adminHandle, 'admin-password-123');
  premium = await signup(server);
  free1 = await signup(server);
  free2 = await signup(server);
  const setPlan = await fetch(`${server.url}/api/v1/admin/music/plans/${premium.handle}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.json.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ plan: 'premium' }),
  });
  assert.equal(setPlan.status, 200);
  const found = await get(server, '/api/v1/music/search?q=Chart%20Tone');
  for (const t of found.json.tracks) ids[t.title] = t.id;
  assert.deepEqual(Object.keys(ids).sort(), ['Alpha', 'Bravo', 'Charlie']);
  weekB = weekStart(Date.now()) - kWeek;
  weekA = weekB - kWeek;
});
after(cleanupAll);

describe('weekly charts', () => {
  test('riffd music charts stores the ended weeks from reported plays', async () => {
    // Week A: Bravo 6 free plays (4 points), Alpha 4 premium plays of which 3
    // count today (3 points), Charlie 1 free play (2/3).
    await play(premium, 'Alpha', 4);
    await play(free1, 'Bravo', 3);
    await play(free2, 'Bravo', 3);
    await play(free1, 'Charlie', 1);
    await movePlaysBack(2);
    // Week B: Charlie 3 premium plays (3 points), Alpha 3 free plays (2).
    await play(premium, 'Charlie', 3);
    await play(free2, 'Alpha', 3);
    await movePlaysBack(1);

    const res = await runRiffd(['music', 'charts', ...dbArgs]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^2 week\(s\) stored in \d+ ms$/m);
    const again = await runRiffd(['music', 'charts', ...dbArgs]);
    assert.match(again.stdout, /^0 week\(s\) stored/m, 'a stored week is not stored twice');
    const redo = await runRiffd(['music', 'charts', '--week', day(weekA), ...dbArgs]);
    assert.equal(redo.code, 0, redo.stderr);
    assert.match(redo.stdout, /2 week\(s\) recomputed/, 'recomputing a week redoes the weeks after it');
    const running = await runRiffd(['music', 'charts', '--week', day(weekB + kWeek), ...dbArgs]);
    assert.equal(running.code, 1);
    assert.match(running.stderr, /has not ended/);
  });

  test('a week lists tracks by points with the daily cap applied', async () => {
    const r = await get(server, `/api/v1/charts/weekly?week=${day(weekA)}`);
    expectStatus(r, 200, 'week A');
    assert.equal(r.json.week, day(weekA));
    assert.equal(r.json.starts_at, new Date(weekA).toISOString());
    assert.deepEqual(r.json.items.map((e) => [e.track.title, e.position, e.points, e.plays]), [
      ['Bravo', 1, 4, 6],
      ['Alpha', 2, 3, 3],
      ['Charlie', 3, 0.67, 1],
    ]);
    const bravo = r.json.items[0];
    assert.equal(bravo.track.id, ids.Bravo);
    assert.deepEqual(bravo.track.artists.map((a) => a.name), ['Chart Tone']);
    assert.equal(bravo.last_week, null);
    assert.equal(bravo.weeks_at_number_one, 1);
  });

  test('the default week is the last complete one, with last week, peak and runs', async () => {
    const r = await get(server, '/api/v1/charts/weekly');
    expectStatus(r, 200, 'default week');
    assert.equal(r.json.week, day(weekB));
    const rows = r.json.items.map((e) => ({
      title: e.track.title, position: e.position, points: e.points, last_week: e.last_week, peak: e.peak,
      weeks_on_chart: e.weeks_on_chart, weeks_at_number_one: e.weeks_at_number_one, streak: e.streak,
    }));
    assert.deepEqual(rows, [
      { title: 'Charlie', position: 1, points: 3, last_week: 3, peak: 1, weeks_on_chart: 2, weeks_at_number_one: 1, streak: 2 },
      { title: 'Alpha', position: 2, points: 2, last_week: 2, peak: 2, weeks_on_chart: 2, weeks_at_number_one: 0, streak: 2 },
    ]);
  });

  test('weeks are listed newest first, a page at a time', async () => {
    const first = await get(server, '/api/v1/charts/weeks?limit=1');
    expectStatus(first, 200, 'weeks');
    assert.deepEqual(first.json.items.map((w) => [w.week, w.entry_count]), [[day(weekB), 2]]);
    assert.ok(first.json.next_cursor);
    const second = await get(server, `/api/v1/charts/weeks?limit=1&cursor=${first.json.next_cursor}`);
    assert.deepEqual(second.json.items.map((w) => [w.week, w.entry_count]), [[day(weekA), 3]]);
    assert.equal(second.json.next_cursor, null);
  });

  test("a track's chart history and the records", async () => {
    const h = await get(server, `/api/v1/tracks/${ids.Bravo}/chart-history`);
    expectStatus(h, 200, 'history');
    assert.equal(h.json.track.title, 'Bravo');
    assert.equal(h.json.peak, 1);
    assert.equal(h.json.weeks_on_chart, 1);
    assert.equal(h.json.weeks_at_number_one, 1);
    assert.deepEqual(h.json.items.map((e) => [e.week, e.position]), [[day(weekA), 1]]);
    expectStatus(await get(server, '/api/v1/tracks/999/chart-history'), 404, 'unknown track');

    const rec = await get(server, '/api/v1/charts/records');
    expectStatus(rec, 200, 'records');
    assert.deepEqual(rec.json.most_weeks_at_number_one.map((x) => x.weeks), [1, 1]);
    assert.deepEqual(new Set(rec.json.most_weeks_at_number_one.map((x) => x.track.title)), new Set(['Bravo', 'Charlie']));
    assert.deepEqual(rec.json.most_weeks_on_chart.slice(0, 2).map((x) => x.weeks), [2, 2]);
    assert.deepEqual(new Set(rec.json.longest_streak.slice(0, 2).map((x) => x.track.title)), new Set(['Alpha', 'Charlie']));
  });

  test('bad dates are 400 with the field; a week without a chart is 404', async () => {
    for (const [query, pointer] of [
      ['week=2026-13-01', '/week'],
      ['week=yesterday', '/week'],
      [`week=${day(weekB + kDay)}`, '/week'], // a Saturday
    ]) {
      const r = await get(server, `/api/v1/charts/weekly?${query}`);
      expectStatus(r, 400, query);
      assert.match(r.headers.get('content-type'), /problem\+json/);
      assert.deepEqual(r.json.errors.map((e) => e.pointer), [pointer], query);
    }
    const badLimit = await get(server, '/api/v1/charts/weeks?limit=0');
    expectStatus(badLimit, 400, 'limit');
    assert.deepEqual(badLimit.json.errors.map((e) => e.pointer), ['/limit']);
    const badCursor = await get(server, '/api/v1/charts/weeks?cursor=nope');
    expectStatus(badCursor, 400, 'cursor');
    assert.deepEqual(badCursor.json.errors.map((e) => e.pointer), ['/cursor']);
    const badDay = await get(server, '/api/v1/charts/viral?day=2026-02-30');
    expectStatus(badDay, 400, 'day');
    assert.deepEqual(badDay.json.errors.map((e) => e.pointer), ['/day']);
    expectStatus(await get(server, `/api/v1/charts/weekly?week=${day(weekA - 52 * kWeek)}`), 404, 'no chart');
  });

  test('the viral chart counts videos made with a song that day', async () => {
    const today = await get(server, '/api/v1/charts/viral');
    expectStatus(today, 200, 'viral today');
    assert.equal(today.json.day, day(Date.now()));
    assert.equal(today.json.complete, false);
    assert.deepEqual(today.json.items, []);
    const past = await get(server, `/api/v1/charts/viral?day=${day(weekA)}`);
    assert.equal(past.json.complete, true);
  });
});

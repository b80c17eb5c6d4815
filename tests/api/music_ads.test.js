// riff Music's free tier audio ads, black-box: admins make ads and upload
// their audio (made here with ffmpeg, decoded in the probe child); a free
// listener is told an ad is due after music.ad_every_tracks counted plays
// (2 here), gets one with a token, and records it heard once; premium
// listeners never get one. Plays of a 4 s song are reported with ms_played
// past the 30 s threshold, so each counts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { expectStatus, get, login, request, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);

let server;
let admin; // {token}
let trackId;
let adAudio; // bytes of a 3 s tone
const kEvery = 2;

function asAdmin(method, p, opts = {}) {
  return request(server, method, p, { token: admin.token, ...opts });
}

async function play(user) {
  const r = await user.post('/api/v1/plays', { json: { track_id: trackId, ms_played: 31000 } });
  expectStatus(r, 200, 'play report');
  assert.equal(r.json.counted, true);
  return r.json;
}

async function newAd(fields) {
  const made = await asAdmin('POST', '/api/v1/admin/music/ads', { json: { advertiser: 'Acme Audio', ...fields } });
  expectStatus(made, 201, 'create ad');
  const up = await asAdmin('PUT', `/api/v1/admin/music/ads/${made.json.id}/audio`, {
    body: adAudio,
    headers: { 'content-type': 'audio/wav' },
  });
  expectStatus(up, 200, 'upload ad audio');
  return up.json;
}

async function premium(user) {
  const r = await asAdmin('PUT', `/api/v1/admin/music/plans/${user.handle}`, { json: { plan: 'premium' } });
  expectStatus(r, 200, 'grant premium');
}

before(async () => {
  const dataDir = makeTempDir('riff-ads-data-');
  server = await startRiffd({ dataDir, args: ['--ad-every-tracks', String(kEvery)] });
  await importSongs(server, await makeSongs([{ title: 'Ad Break Tone', artist: 'Tester' }]));
  const work = makeTempDir('riff-ads-audio-');
  const wav = path.join(work, 'ad.wav');
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
    'sine=frequency=880:duration=3', wav]);
  adAudio = fs.readFileSync(wav);
  const dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const handle = `adadmin${Date.now() % 100000}`;
  const made = await runRiffd(
    ['admin', 'create', '--handle', handle, '--email', `${handle}@example.com`, '--password-stdin', ...dbArgs],
    { input: 'admin-password-123\n' },
  );
  assert.equal(made.code, 0, made.stderr);
  const li = await login(server, handle, 'admin-password-123');
  expectStatus(li, 200, 'admin login');
  admin = li.json;
  const found = await get(server, '/api/v1/music/search?q=Ad%20Break%20Tone');
  trackId = found.json.tracks[0].id;
});
after(cleanupAll);

describe('the ad inventory', () => {
  test('only admins create ads, with every bad field named', async () => {
    const u = await signup(server);
    assertProblem(await u.post('/api/v1/admin/music/ads', { json: { title: 'Mine', advertiser: 'Me' } }), 403, 'forbidden');
    assertProblem(await request(server, 'POST', '/api/v1/admin/music/ads', { json: { title: 'x', advertiser: 'y' } }),
      401, 'unauthenticated');
    const bad = await asAdmin('POST', '/api/v1/admin/music/ads', {
      json: { title: '', click_url: 'javascript:alert(1)', countries: 'ZZZ', ends_at: 'soon' },
    });
    const p = assertProblem(bad, 400, 'validation');
    const pointers = p.errors.map((e) => e.pointer).sort();
    for (const f of ['/title', '/advertiser', '/click_url', '/countries', '/ends_at']) assert.ok(pointers.includes(f), `${f} in ${pointers}`);
  });

  test('audio that is not audio is refused and the ad stays silent', async () => {
    const made = await asAdmin('POST', '/api/v1/admin/music/ads', { json: { title: 'Junk', advertiser: 'Acme' } });
    expectStatus(made, 201, 'create');
    assert.equal(made.json.has_audio, false);
    const up = await asAdmin('PUT', `/api/v1/admin/music/ads/${made.json.id}/audio`, { body: 'not audio at all' });
    assertProblem(up, 400, 'validation', { pointer: '/audio' });
    const after = await asAdmin('GET', `/api/v1/admin/music/ads/${made.json.id}`);
    assert.equal(after.json.has_audio, false);
    // Out of the way of the serving tests below.
    expectStatus(await asAdmin('PATCH', `/api/v1/admin/music/ads/${made.json.id}`, { json: { status: 'paused' } }), 200);
  });
});

describe('ad breaks', () => {
  let ad;
  before(async () => {
    ad = await newAd({ title: 'Spring Sale', click_url: 'https://acme.example/sale' });
    assert.equal(ad.has_audio, true);
    assert.ok(ad.duration_ms >= 2500 && ad.duration_ms <= 3500, `duration ${ad.duration_ms}`);
  });

  test('a free listener is due an ad after N counted plays, hears it, and it counts once', async () => {
    const u = await signup(server);
    assert.equal((await play(u)).ad_due, false);
    assert.equal((await u.get('/api/v1/music/ads/next')).status, 204, 'nothing before it is due');
    assert.equal((await play(u)).ad_due, true);

    const next = await u.get('/api/v1/music/ads/next');
    expectStatus(next, 200, 'next ad');
    assert.equal(next.json.id, ad.id);
    assert.equal(next.json.title, 'Spring Sale');
    assert.equal(next.json.click_url, 'https://acme.example/sale');
    assert.ok(next.json.token.length >= 32);
    const audio = await u.get(next.json.audio_url, { headers: { range: 'bytes=0-15' } });
    assert.ok(audio.status === 206 || audio.status === 200, `audio ${audio.status}`);
    assert.equal(audio.headers.get('content-type'), 'audio/mp4');

    const before = (await asAdmin('GET', `/api/v1/admin/music/ads/${ad.id}`)).json.impressions;
    const heard = await u.post(next.json.impression_url, { json: { token: next.json.token } });
    expectStatus(heard, 200, 'impression');
    assert.deepEqual(heard.json, { counted: true, ad_id: ad.id });
    const replay = await u.post(next.json.impression_url, { json: { token: next.json.token } });
    expectStatus(replay, 200, 'replay');
    assert.equal(replay.json.counted, false, 'a replay changes nothing');
    const report = await asAdmin('GET', `/api/v1/admin/music/ads/${ad.id}`);
    assert.equal(report.json.impressions, before + 1);

    assert.equal((await play(u)).ad_due, false, 'the impression reset the count');
    assert.equal((await play(u)).ad_due, true);
  });

  test('forged, foreign and voided tokens are refused and record nothing', async () => {
    const u = await signup(server);
    const other = await signup(server);
    await play(u);
    await play(u);
    const first = (await u.get('/api/v1/music/ads/next')).json;
    const second = (await u.get('/api/v1/music/ads/next')).json;
    const before = (await asAdmin('GET', `/api/v1/admin/music/ads/${ad.id}`)).json.impressions;
    assertProblem(await u.post('/api/v1/music/ads/impressions', { json: { token: 'forged-token' } }), 400, 'music-ad-token-invalid');
    assertProblem(await u.post('/api/v1/music/ads/impressions', { json: { token: first.token } }), 400, 'music-ad-token-invalid');
    assertProblem(await other.post('/api/v1/music/ads/impressions', { json: { token: second.token } }), 400, 'music-ad-token-invalid');
    assertProblem(await u.post('/api/v1/music/ads/impressions', { json: {} }), 400, 'validation', { pointer: '/token' });
    assertProblem(await request(server, 'POST', '/api/v1/music/ads/impressions', { json: { token: second.token } }), 401, 'unauthenticated');
    assert.equal((await asAdmin('GET', `/api/v1/admin/music/ads/${ad.id}`)).json.impressions, before);
    assert.equal((await play(u)).ad_due, true, 'still due');
  });

  test('premium listeners are never due an ad and cannot record one', async () => {
    const u = await signup(server);
    await play(u);
    await play(u);
    const served = (await u.get('/api/v1/music/ads/next')).json;
    await premium(u);
    for (let i = 0; i < kEvery * 2; i++) assert.equal((await play(u)).ad_due, false);
    assert.equal((await u.get('/api/v1/music/ads/next')).status, 204);
    assertProblem(await u.post('/api/v1/music/ads/impressions', { json: { token: served.token } }), 403, 'music-premium-no-ads');
  });

  test('a paused ad is not served, and the admin list pages through ads with impressions', async () => {
    const paused = await asAdmin('PATCH', `/api/v1/admin/music/ads/${ad.id}`, { json: { status: 'paused' } });
    expectStatus(paused, 200, 'pause');
    assert.equal(paused.json.status, 'paused');
    const u = await signup(server);
    await play(u);
    assert.equal((await play(u)).ad_due, true);
    assert.equal((await u.get('/api/v1/music/ads/next')).status, 204, 'no ad runs');
    expectStatus(await asAdmin('PATCH', `/api/v1/admin/music/ads/${ad.id}`, { json: { status: 'active' } }), 200);

    const page1 = await asAdmin('GET', '/api/v1/admin/music/ads?limit=1');
    expectStatus(page1, 200, 'list');
    assert.equal(page1.json.items.length, 1);
    assert.ok(page1.json.next_cursor);
    const page2 = await asAdmin('GET', `/api/v1/admin/music/ads?limit=1&cursor=${page1.json.next_cursor}`);
    assert.notEqual(page2.json.items[0].id, page1.json.items[0].id);
    const all = await asAdmin('GET', '/api/v1/admin/music/ads?limit=100');
    const mine = all.json.items.find((a) => a.id === ad.id);
    assert.ok(mine.impressions >= 1);
    const u2 = await signup(server);
    assertProblem(await u2.get('/api/v1/admin/music/ads'), 403, 'forbidden');
  });
});

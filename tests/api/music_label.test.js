// Record labels: an admin makes an account a label; the label uploads a
// track (made here with ffmpeg) with its territories and metadata, follows
// the import job to done, and the track streams where its rights allow and
// is refused elsewhere. The song's sound is a clip of the configured
// length; the track carries gapless data that matches the files (ffprobe).
// Non-labels are refused, another label cannot touch the track, and a
// corrupt upload fails with a reason and leaves nothing behind.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { expectStatus, login, sleep, uniqueHandle } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

const execFileP = promisify(execFile);
const CLIP_SECONDS = 4;
const SONG_SECONDS = 10;
const MAX_UPLOAD = 3_000_000;

let server;
let admin;
let label; // country US
let rival; // another label
let listenerUS;
let listenerBR;
let songBytes;
let upload; // the finished good upload
let track; // as its label lists it

async function ffprobe(file, entries, kind = 'stream') {
  const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries',
    `${kind}=${entries}`, '-of', 'json', file]);
  return JSON.parse(stdout);
}

async function signupIn(country) {
  const handle = uniqueHandle('lbl');
  const res = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, email: `${handle.replace(/[^a-z0-9]/g, '')}@example.com`, password: 'password-123', country }),
  });
  assert.equal(res.status, 201, await res.text());
  const li = await login(server, handle, 'password-123');
  expectStatus(li, 200);
  return { handle, token: li.json.token };
}

async function call(user, method, p, { json, body, headers = {} } = {}) {
  const h = { ...headers };
  if (user) h.authorization = `Bearer ${user.token}`;
  if (json !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${p}`, { method, headers: h, body: json !== undefined ? JSON.stringify(json) : body });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: res.status, headers: res.headers, text, json: parsed, buf };
}

function uploadTrack(user, bytes, query) {
  const qs = new URLSearchParams(query).toString();
  return call(user, 'POST', `/api/v1/label/tracks?${qs}`, { body: bytes, headers: { 'content-type': 'audio/flac' } });
}

/// Polls an upload until it is done or failed; each state seen is recorded.
async function settle(user, id) {
  const seen = new Set();
  for (;;) {
    const res = await call(user, 'GET', `/api/v1/label/uploads/${id}`);
    expectStatus(res, 200, 'upload status');
    seen.add(res.json.status);
    assert.ok(['queued', 'processing', 'done', 'failed'].includes(res.json.status), res.text);
    if (res.json.status === 'done' || res.json.status === 'failed') return { upload: res.json, seen };
    await sleep(200);
  }
}

function filesIn(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

before(async () => {
  const work = makeTempDir('riff-label-media-');
  const song = path.join(work, 'song.flac');
  // Quiet, then loud from 5 s: the default clip would start there.
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
    `sine=frequency=440:sample_rate=44100:duration=${SONG_SECONDS}`, '-metadata', 'title=Tag Title', '-metadata', 'artist=Tag Artist', song]);
  songBytes = fs.readFileSync(song);
  server = await startRiffd({ args: ['--sound-clip-seconds', String(CLIP_SECONDS), '--label-upload-max-bytes', String(MAX_UPLOAD)] });
  const dbArgs = ['--data-dir', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const adminHandle = uniqueHandle('ladmin');
  const made = await runRiffd(['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
    '--password-stdin', ...dbArgs], { input: 'admin-password-123\n' });
  assert.equal(made.code, 0, made.stderr);
  admin = { token: (await login(server, adminHandle, 'admin-password-123')).json.token };
  label = await signupIn('US');
  rival = await signupIn('US');
  listenerUS = await signupIn('US');
  listenerBR = await signupIn('BR');
});
after(cleanupAll);

describe('who may act as a label', () => {
  test('a non-label is refused (403) on every label route, and only admins grant the role', async () => {
    assertProblem(await uploadTrack(label, songBytes, { title: 'x' }), 403, 'forbidden');
    assertProblem(await call(label, 'GET', '/api/v1/label/tracks'), 403, 'forbidden');
    assertProblem(await call(label, 'GET', '/api/v1/label'), 403, 'forbidden');
    assertProblem(await call(null, 'GET', '/api/v1/label/tracks'), 401, 'unauthenticated');
    assertProblem(await call(label, 'PUT', `/api/v1/admin/music/labels/${label.handle}`, { json: { name: 'Me' } }), 403, 'forbidden');
    assertProblem(await call(admin, 'PUT', '/api/v1/admin/music/labels/nosuchuser', { json: { name: 'X' } }), 404, 'not-found');
    for (const [who, name] of [[label, 'Sine Records'], [rival, 'Rival Records']]) {
      const res = await call(admin, 'PUT', `/api/v1/admin/music/labels/${who.handle}`, { json: { name } });
      expectStatus(res, 200, 'grant');
      assert.equal(res.json.name, name);
      assert.equal(res.json.active, true);
    }
    const me = await call(label, 'GET', '/api/v1/label');
    expectStatus(me, 200);
    assert.equal(me.json.name, 'Sine Records');
  });
});

describe('a label upload', () => {
  test('bad metadata is refused before anything is stored', async () => {
    const res = await uploadTrack(label, songBytes, { territories: 'US,XX9', isrc: 'nope' });
    const p = assertProblem(res, 400, 'validation', { pointer: '/territories' });
    assert.ok(p.errors.some((e) => e.pointer === '/isrc'));
    assertProblem(await uploadTrack(label, Buffer.alloc(0), {}), 400, 'validation');
    assertProblem(await uploadTrack(label, Buffer.alloc(MAX_UPLOAD + 10, 1), {}), 413, 'too-large');
    assert.deepEqual(filesIn(path.join(server.dataDir, 'music', 'label-sources')), []);
  });

  test('is imported as a job with its metadata and territories', async () => {
    const res = await uploadTrack(label, songBytes, {
      title: 'Label Song', artists: 'Sine Band; Guest', album: 'Label Album', isrc: 'US-RC1-76-07839',
      territories: 'US GB', clip_start_ms: '3000', filename: 'master.flac',
    });
    expectStatus(res, 202, 'upload');
    assert.equal(res.json.status, 'queued');
    assert.equal(res.headers.get('location'), `/api/v1/label/uploads/${res.json.id}`);
    assertProblem(await call(rival, 'GET', `/api/v1/label/uploads/${res.json.id}`), 404, 'not-found');
    const { upload: done } = await settle(label, res.json.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.error, null);
    assert.match(done.track_id, /^\d+$/);
    upload = done;
    expectStatus(await call(admin, 'GET', `/api/v1/label/uploads/${res.json.id}`), 200, 'admins see uploads');

    const list = await call(label, 'GET', '/api/v1/label/tracks?limit=10');
    expectStatus(list, 200);
    assert.equal(list.json.items.length, 1);
    track = list.json.items[0];
    assert.equal(track.id, done.track_id);
    assert.equal(track.title, 'Label Song', 'the label overrides the tags');
    assert.equal(track.artist_name, 'Sine Band, Guest');
    assert.equal(track.album.title, 'Label Album');
    assert.equal(track.isrc, 'USRC17607839');
    assert.equal(track.territories, 'GB,US');
    assert.equal(list.json.next_cursor, null);
    const theirs = await call(rival, 'GET', '/api/v1/label/tracks');
    expectStatus(theirs, 200);
    assert.deepEqual(theirs.json.items, [], 'a label lists only its own tracks');
  });

  test('streams in an allowed region and is hidden in another', async () => {
    const seen = await call(listenerUS, 'GET', `/api/v1/tracks/${track.id}`);
    expectStatus(seen, 200, 'track in US');
    assert.deepEqual(seen.json.artists.map((a) => a.name), ['Sine Band', 'Guest']);
    const ok = await call(listenerUS, 'GET', `/api/v1/tracks/${track.id}/stream`);
    expectStatus(ok, 200, 'stream in US');
    assert.equal(ok.headers.get('content-type'), 'audio/mp4');
    assertProblem(await call(listenerBR, 'GET', `/api/v1/tracks/${track.id}`), 451, 'music-unavailable-in-region');
    assertProblem(await call(listenerBR, 'GET', `/api/v1/tracks/${track.id}/stream`), 451, 'music-unavailable-in-region');
    const search = await call(listenerBR, 'GET', '/api/v1/music/search?q=Label');
    expectStatus(search, 200);
    assert.ok(!search.json.tracks.some((t) => t.id === track.id), 'hidden from search in BR');
  });

  test('carries gapless data that matches the file and its edit list', async () => {
    const res = await call(listenerUS, 'GET', `/api/v1/tracks/${track.id}`);
    expectStatus(res, 200);
    const g = res.json.gapless;
    assert.ok(g, res.text);
    assert.equal(g.sample_rate, 44100);
    assert.equal(g.duration_samples, SONG_SECONDS * 44100);
    assert.ok([1024, 2112].includes(g.encoder_delay_samples), `delay ${g.encoder_delay_samples}`);
    assert.deepEqual(g.tiers.map((t) => t.quality), [96, 160, 320]);

    const stream = await call(listenerUS, 'GET', `/api/v1/tracks/${track.id}/stream`);
    const quality = Number(stream.headers.get('x-riff-quality'));
    const tier = g.tiers.find((t) => t.quality === quality);
    assert.ok(tier, `quality ${quality}`);
    assert.equal(Number(stream.headers.get('x-riff-encoder-delay')), tier.encoder_delay_samples);
    assert.equal(Number(stream.headers.get('x-riff-encoder-padding')), tier.padding_samples);
    assert.equal(Number(stream.headers.get('x-riff-duration-samples')), g.duration_samples);
    const file = path.join(makeTempDir('riff-label-stream-'), 'stream.m4a');
    fs.writeFileSync(file, stream.buf);
    assert.ok(stream.buf.includes(Buffer.from('elst')), 'the MP4 has an edit list');
    const probed = await ffprobe(file, 'duration_ts,sample_rate');
    assert.equal(Number(probed.streams[0].duration_ts), g.duration_samples, 'the edit list presents exactly the song');
    assert.equal(Number(probed.streams[0].sample_rate), g.sample_rate);
    const packets = (await ffprobe(file, 'size', 'packet')).packets.length;
    assert.equal(packets * 1024, tier.encoder_delay_samples + g.duration_samples + tier.padding_samples);
  });

  test("the song's sound is a clip of the configured length from where the label chose", async () => {
    assert.match(track.sound_id, /^\d+$/);
    const res = await call(null, 'GET', `/api/v1/sounds/${track.sound_id}`);
    expectStatus(res, 200, 'sound');
    assert.equal(res.json.kind, 'catalog');
    assert.equal(res.json.clip_start_ms, 3000);
    assert.equal(res.json.clip_duration_ms, CLIP_SECONDS * 1000);
    assert.equal(res.json.duration_ms, CLIP_SECONDS * 1000);
    const audio = await call(null, 'GET', res.json.audio_url);
    expectStatus(audio, 200, 'sound audio');
    const file = path.join(makeTempDir('riff-label-clip-'), 'clip.m4a');
    fs.writeFileSync(file, audio.buf);
    const probed = await ffprobe(file, 'codec_name,duration_ts');
    assert.equal(probed.streams[0].codec_name, 'aac');
    assert.equal(Number(probed.streams[0].duration_ts), CLIP_SECONDS * 44100);
  });

  test('only the owning label or an admin changes its territories and clip', async () => {
    const p = `/api/v1/label/tracks/${track.id}/territories`;
    assertProblem(await call(rival, 'PATCH', p, { json: { territories: 'BR' } }), 403, 'forbidden');
    assertProblem(await call(listenerUS, 'PATCH', p, { json: { territories: 'BR' } }), 403, 'forbidden');
    assertProblem(await call(label, 'PATCH', p, { json: { territories: 'US,ZZ9' } }), 400, 'validation');
    const open = await call(label, 'PATCH', p, { json: { territories: 'WORLD -CN' } });
    expectStatus(open, 200, 'owner');
    assert.equal(open.json.territories, 'WW,-CN');
    expectStatus(await call(listenerBR, 'GET', `/api/v1/tracks/${track.id}/stream`), 200, 'now in BR too');
    const moved = await call(label, 'PATCH', `/api/v1/label/tracks/${track.id}`, { json: { clip_start_ms: 1000 } });
    expectStatus(moved, 200, 'move the clip');
    const sound = await call(null, 'GET', `/api/v1/sounds/${track.sound_id}`);
    assert.equal(sound.json.clip_start_ms, 1000);
    assert.equal(sound.json.clip_duration_ms, CLIP_SECONDS * 1000);
    const byAdmin = await call(admin, 'PATCH', p, { json: { territories: 'US,GB' } });
    expectStatus(byAdmin, 200, 'admin');
    assert.equal(byAdmin.json.territories, 'GB,US');
    expectStatus(await call(admin, 'DELETE', `/api/v1/admin/music/labels/${label.handle}`), 204, 'revoke');
    assertProblem(await call(label, 'PATCH', p, { json: { territories: 'BR' } }), 403, 'forbidden');
    expectStatus(await call(admin, 'PUT', `/api/v1/admin/music/labels/${label.handle}`, { json: { name: 'Sine Records' } }), 200);
  });

  test('a corrupt or mislabelled file fails with a clear error and leaves nothing behind', async () => {
    const tracksDir = path.join(server.dataDir, 'music', 'tracks');
    const soundsDir = path.join(server.dataDir, 'sounds');
    const sourcesDir = path.join(server.dataDir, 'music', 'label-sources');
    const before = { tracks: filesIn(tracksDir).length, sounds: filesIn(soundsDir).length, sources: filesIn(sourcesDir).length };
    // FLAC's magic, then garbage.
    const bad = Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(20000, 0x7f)]);
    const res = await uploadTrack(label, bad, { title: 'Broken', filename: 'broken.flac' });
    expectStatus(res, 202, 'corrupt upload is accepted, then fails');
    const { upload: failed } = await settle(label, res.json.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.reason, 'not_audio');
    assert.match(failed.error.message, /audio/);
    assert.equal(failed.track_id, null);
    const list = await call(label, 'GET', '/api/v1/label/tracks');
    assert.deepEqual(list.json.items.map((t) => t.id), [track.id]);
    assert.equal(filesIn(tracksDir).length, before.tracks, 'no track folder');
    assert.equal(filesIn(soundsDir).length, before.sounds, 'no sound file');
    assert.equal(filesIn(sourcesDir).length, before.sources, 'the uploaded bytes are removed');
    const search = await call(listenerUS, 'GET', '/api/v1/music/search?q=Broken');
    assert.deepEqual(search.json.tracks, []);
  });
});

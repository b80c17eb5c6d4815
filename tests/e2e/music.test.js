// riff Music in the browser, end to end through the real web client on a
// running riffd with a catalog generated at test time (ffmpeg tones with tags,
// imported with transcoding): play a song from the weekly chart page and see
// the audio advance and the play counted on the chart once the week is
// computed; the free tier's audio ad break between songs, and none on
// premium; add a video's sound to a playlist from its sound page with one tap;
// a collaborative playlist: the owner invites, the collaborator adds and reorders.
//
// Chart weeks are moved the way tests/api/music_charts.test.js does: plays
// just reported are shifted one week back by their timestamps, then
// `riffd music charts --week` (re)computes that week.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, login, signup, sleep, uniqueHandle } from '../lib/http.js';
import { cleanupAll, makeTempDir, repoRoot, runRiffd, sqlite, startRiffd } from '../lib/riffd.js';
import { openBrowser, step } from '../lib/browser.js';
import { publish, smallClip } from '../lib/videos.js';

const execFileP = promisify(execFile);
const kWeek = 7 * 86_400_000;

let server;
let dbArgs;
let admin;
const tracks = {}; // title -> track JSON

/// Friday 00:00 UTC of the chart week holding `ms` (1970-01-01 was a Thursday).
function weekStart(ms) {
  const day = 86_400_000;
  return Math.floor((ms - day) / kWeek) * kWeek + day;
}
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

async function sql(statement) {
  if (server.dbUrl) {
    await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.dbUrl, '-c', statement]);
  } else {
    await sqlite(server.sqlitePath, statement);
  }
}

/// Moves the plays reported since `since` (ms) one week back, into the last complete week.
async function movePlaysBack(since) {
  await sql(`UPDATE music_plays SET played_at = played_at - ${kWeek} WHERE played_at >= ${since}`);
}

async function computeWeek(week) {
  const res = await runRiffd(['music', 'charts', '--week', day(week), ...dbArgs]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
}

async function setPlan(user, plan) {
  const res = await fetch(`${server.url}/api/v1/admin/music/plans/${user.handle}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.json.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ plan }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function logIn(page, user) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Handle or email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${server.url}/@${user.handle}`);
}

/// The page's music <audio>: where it is and whether it plays.
function audioState(page) {
  return page.evaluate(() => {
    const a = document.querySelector('audio[data-testid="music-audio"]');
    return a ? { time: a.currentTime, paused: a.paused, src: a.currentSrc, error: a.error?.code ?? null } : null;
  });
}

before(async () => {
  const index = path.join(repoRoot, 'web/dist/index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: build the web client first (cd web && npm run build)`);
  // Short songs (so one plays to its end quickly), tagged like a label's files.
  const lib = makeTempDir('riff-e2e-music-');
  const songs = [['Lantern', 392], ['Harbour Lights', 494], ['Tin Roof', 587]];
  for (const [i, [title, hz]] of songs.entries()) {
    await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
      `sine=frequency=${hz}:beep_factor=2:duration=7`, '-metadata', `title=${title}`, '-metadata', 'artist=E2E Tones',
      '-metadata', 'album=Browser Songs', '-metadata', `track=${i + 1}`, '-metadata', 'date=2026',
      path.join(lib, `${i + 1}.flac`)]);
  }
  const dataDir = makeTempDir('riff-e2e-music-data-');
  server = await startRiffd({ dataDir });
  dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const imported = await runRiffd(['music', 'import', lib, ...dbArgs], { timeoutMs: 300000 });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);

  const adminHandle = uniqueHandle('madmin');
  const made = await runRiffd(
    ['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace(/_/g, '')}@example.com`,
      '--password-stdin', ...dbArgs],
    { input: 'admin-password-123\n' },
  );
  assert.equal(made.code, 0, made.stderr);
  admin = await login(server, adminHandle, 'admin-password-123');
  const found = await get(server, '/api/v1/music/search?q=E2E%20Tones');
  expectStatus(found, 200, 'search');
  for (const t of found.json.tracks) tracks[t.title] = t;
  assert.deepEqual(Object.keys(tracks).sort(), ['Harbour Lights', 'Lantern', 'Tin Roof']);
});
after(cleanupAll);

/// An audio ad made by the admin, its audio a 3 s tone made here.
async function makeAd(title) {
  const auth = { authorization: `Bearer ${admin.json.token}` };
  const made = await fetch(`${server.url}/api/v1/admin/music/ads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ title, advertiser: 'E2E Sponsor' }),
  });
  assert.equal(made.status, 201, await made.clone().text());
  const ad = await made.json();
  const wav = path.join(makeTempDir('riff-e2e-ad-'), 'ad.wav');
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=880:duration=3', wav]);
  const up = await fetch(`${server.url}/api/v1/admin/music/ads/${ad.id}/audio`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'audio/wav' },
    body: fs.readFileSync(wav),
  });
  assert.equal(up.status, 200, await up.text());
  return ad;
}

/// Counted plays reported through the API, so the next one in the browser is the Nth.
async function seedPlays(user, n) {
  for (let i = 0; i < n; i++) {
    const r = await user.post('/api/v1/plays', { json: { track_id: tracks['Tin Roof'].id, ms_played: 31000 } });
    expectStatus(r, 200, 'seed play');
  }
}

/// Plays "Lantern" from the weekly chart page (the chart the first test made).
async function playFromChart(page) {
  await page.goto(`${server.url}/music/charts`);
  await page.getByTestId('track-row').filter({ hasText: 'Lantern' }).waitFor();
  const reported = page.waitForResponse((r) => r.url().endsWith('/api/v1/plays') && r.request().method() === 'POST', { timeout: 30000 });
  await page.getByRole('button', { name: 'Play Lantern by E2E Tones' }).click();
  const res = await reported;
  assert.equal(res.status(), 200);
  return res.json();
}

describe('riff Music in the browser', () => {
  test('play a song from the weekly chart and see the play counted on the chart', async (t) => {
    // Last week's chart: a premium listener played "Lantern" (1 point).
    const fan = await signup(server);
    await setPlan(fan, 'premium');
    const since = Date.now() - 1000;
    const played = await fan.post('/api/v1/plays', { json: { track_id: tracks.Lantern.id, ms_played: 7000 } });
    expectStatus(played, 200, 'seed play');
    assert.equal(played.json.counted, true);
    await movePlaysBack(since);
    const week = weekStart(Date.now()) - kWeek;
    await computeWeek(week);

    const listener = await signup(server); // a free listener: their play weighs 2/3
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'log in', () => logIn(page, listener));

      await step(b, 'open the weekly chart from Music', async () => {
        await page.getByRole('link', { name: 'Music', exact: true }).click();
        await page.waitForURL(`${server.url}/music`);
        await page.getByTestId('home-weekly').getByRole('link', { name: 'See all' }).click();
        await page.waitForURL(`${server.url}/music/charts`);
        const row = page.getByTestId('track-row').filter({ hasText: 'Lantern' });
        await row.getByText('1 pts').waitFor();
        await row.getByLabel('Number 1, new this week').waitFor();
      });

      const playsBefore = Date.now() - 1000;
      await step(b, 'play it: the audio advances and the play is reported at its end', async () => {
        const reported = page.waitForResponse((r) => r.url().endsWith('/api/v1/plays') && r.request().method() === 'POST', { timeout: 30000 });
        await page.getByRole('button', { name: 'Play Lantern by E2E Tones' }).click();
        await page.getByTestId('player-bar').getByTestId('player-title').filter({ hasText: 'Lantern' }).waitFor();
        let state;
        for (let i = 0; i < 60; i++) {
          state = await audioState(page);
          if (state && state.time > 1) break;
          await sleep(250);
        }
        assert.ok(state && state.time > 1, `the audio plays: ${JSON.stringify(state)}`);
        assert.match(state.src, new RegExp(`/api/v1/tracks/${tracks.Lantern.id}/stream$`));
        const res = await reported;
        assert.equal(res.status(), 200);
        const body = await res.json();
        assert.equal(body.counted, true, JSON.stringify(body));
        const sent = JSON.parse(res.request().postData());
        assert.equal(sent.track_id, tracks.Lantern.id);
        assert.ok(sent.ms_played >= 6000 && sent.ms_played <= 8000, `ms_played ${sent.ms_played}`);
      });

      await step(b, 'the chart week recomputed counts the play', async () => {
        await movePlaysBack(playsBefore);
        await computeWeek(week);
        await page.reload();
        const row = page.getByTestId('track-row').filter({ hasText: 'Lantern' });
        await row.getByText('1.67 pts').waitFor();
      });
    } finally {
      await b.close();
    }
  });

  test('an ad break between songs on a free account, none on premium', async (t) => {
    // The default music.ad_every_tracks is 3: two plays are reported through
    // the API, the third is the song played in the browser.
    const ad = await makeAd('Lemonade Stand');
    const free = await signup(server);
    const paid = await signup(server);
    await setPlan(paid, 'premium');
    await seedPlays(free, 2);
    await seedPlays(paid, 5);

    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'log in on the free account', () => logIn(page, free));
      await step(b, 'play a song from the chart: at its end the ad break plays and is recorded', async () => {
        const heard = page.waitForResponse((r) => r.url().endsWith('/api/v1/music/ads/impressions'), { timeout: 60000 });
        const report = await playFromChart(page);
        assert.equal(report.ad_due, true, JSON.stringify(report));
        const banner = page.getByTestId('ad-break');
        await banner.filter({ hasText: 'Lemonade Stand' }).waitFor({ timeout: 30000 });
        await banner.getByText('Ad', { exact: true }).waitFor();
        const res = await heard;
        assert.equal(res.status(), 200);
        assert.deepEqual(await res.json(), { counted: true, ad_id: ad.id });
        await banner.waitFor({ state: 'detached' });
      });
      await step(b, 'the admin report counts the impression', async () => {
        const r = await fetch(`${server.url}/api/v1/admin/music/ads/${ad.id}`, { headers: { authorization: `Bearer ${admin.json.token}` } });
        assert.equal((await r.json()).impressions, 1);
      });
    } finally {
      await b.close();
    }

    const b2 = await openBrowser(server, t);
    const page2 = b2.page;
    try {
      const adRequests = [];
      page2.on('request', (r) => {
        if (r.url().includes('/api/v1/music/ads/')) adRequests.push(r.url());
      });
      await step(b2, 'log in on the premium account', () => logIn(page2, paid));
      await step(b2, 'play the same song: it ends with no ad break', async () => {
        const report = await playFromChart(page2);
        assert.equal(report.ad_due, false, JSON.stringify(report));
        // The queue ends after the song: the player stops at the start.
        let state;
        for (let i = 0; i < 120; i++) {
          state = await audioState(page2);
          if (state && state.paused && state.time === 0) break;
          await sleep(250);
        }
        assert.ok(state && state.paused && state.time === 0, `the player stopped: ${JSON.stringify(state)}`);
        assert.equal(await page2.getByTestId('ad-break').count(), 0);
        assert.deepEqual(adRequests, [], 'no ad was asked for');
      });
    } finally {
      await b2.close();
    }
  });

  test('the Premium page shows the plan: free with the store note, then premium once granted', async (t) => {
    const user = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'log in', () => logIn(page, user));
      await step(b, 'free: what Premium gives and where to buy it', async () => {
        await page.goto(`${server.url}/music`);
        await page.getByTestId('plan-chip').filter({ hasText: 'Go Premium' }).click();
        await page.waitForURL(`${server.url}/music/premium`);
        await page.getByTestId('plan-status').filter({ hasText: 'riff Music Free' }).waitFor();
        await page.getByTestId('store-note').filter({ hasText: 'App Store or Google Play' }).waitFor();
      });
      await step(b, 'premium: the plan and no store note', async () => {
        await setPlan(user, 'premium');
        await page.reload();
        await page.getByTestId('plan-status').filter({ hasText: 'riff Music Premium' }).waitFor();
        assert.equal(await page.getByTestId('store-note').count(), 0);
      });
    } finally {
      await b.close();
    }
  });

  test('make a playlist: create, add songs from their menu, reorder, rename, remove', async (t) => {
    const user = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    const rows = () => page.getByTestId('track-row');
    const titles = async () => (await rows().locator('.track-title').allTextContents());
    let playlistUrl;
    try {
      await step(b, 'log in', () => logIn(page, user));
      await step(b, 'create it from the Music home', async () => {
        await page.goto(`${server.url}/music`);
        await page.getByTestId('new-playlist').click();
        await page.getByLabel('Name', { exact: true }).fill('Evening');
        await page.getByRole('button', { name: 'Create playlist', exact: true }).click();
        await page.getByTestId('playlist-name').filter({ hasText: 'Evening' }).waitFor();
        playlistUrl = page.url();
      });
      await step(b, 'add two songs from the album through their menu', async () => {
        await page.goto(`${server.url}/music/album/${tracks.Lantern.album.id}`);
        for (const title of ['Tin Roof', 'Lantern']) {
          await page.getByRole('button', { name: `More for ${title}`, exact: true }).click();
          await page.getByRole('button', { name: 'Add to playlist', exact: true }).click();
          await page.getByRole('list', { name: 'Your playlists' }).getByRole('button', { name: /Evening/ }).click();
          await page.getByText('Added to Evening').first().waitFor();
        }
        await page.goto(playlistUrl);
        await rows().nth(1).waitFor();
        assert.deepEqual(await titles(), ['Tin Roof', 'Lantern']);
      });
      await step(b, 'reorder and rename in edit mode', async () => {
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        await page.getByRole('button', { name: 'Move Lantern up', exact: true }).click();
        await rows().first().filter({ hasText: 'Lantern' }).waitFor();
        await page.getByRole('button', { name: 'Rename', exact: true }).click();
        await page.getByLabel('Playlist name', { exact: true }).fill('Late evening');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByTestId('playlist-name').filter({ hasText: 'Late evening' }).waitFor();
        await page.reload();
        await rows().nth(1).waitFor();
        assert.deepEqual(await titles(), ['Lantern', 'Tin Roof'], 'the new order is saved');
      });
      await step(b, 'remove a song', async () => {
        await page.getByRole('button', { name: 'More for Tin Roof', exact: true }).click();
        await page.getByRole('button', { name: 'Remove from this playlist', exact: true }).click();
        await page.getByText('Removed').first().waitFor();
        await page.reload();
        await rows().first().waitFor();
        assert.deepEqual(await titles(), ['Lantern']);
      });
    } finally {
      await b.close();
    }
  });

  test('a shared playlist: the owner invites a collaborator, who adds a song and moves it up by keyboard', async (t) => {
    const owner = await signup(server);
    const friend = await signup(server);
    const made = await owner.post('/api/v1/playlists', {
      json: { name: 'Road Trip', track_ids: [tracks.Lantern.id, tracks['Tin Roof'].id] },
    });
    expectStatus(made, 201, 'create');
    const url = `${server.url}/music/playlist/${made.json.id}`;
    const rows = (page) => page.getByTestId('track-row');
    const titles = async (page) => rows(page).locator('.track-title').allTextContents();

    const ob = await openBrowser(server, t);
    try {
      const { page } = ob;
      await step(ob, 'owner logs in and makes it collaborative', async () => {
        await logIn(page, owner);
        await page.goto(url);
        await page.getByTestId('playlist-name').filter({ hasText: 'Road Trip' }).waitFor();
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        await page.getByRole('button', { name: 'Collaborative', exact: true }).click();
        await page.getByTestId('playlist-meta').filter({ hasText: 'Collaborative' }).waitFor();
      });
      await step(ob, 'owner invites the friend by handle', async () => {
        await page.getByLabel('Invite by handle', { exact: true }).fill(`@${friend.handle}`);
        await page.getByRole('button', { name: 'Invite', exact: true }).click();
        await page.getByTestId('collaborator').filter({ hasText: `@${friend.handle}` }).waitFor();
      });
    } finally {
      await ob.close();
    }

    const fb = await openBrowser(server, t);
    try {
      const { page } = fb;
      await step(fb, 'the friend adds a song to the shared playlist from its menu', async () => {
        await logIn(page, friend);
        await page.goto(`${server.url}/music/album/${tracks.Lantern.album.id}`);
        await page.getByRole('button', { name: 'More for Harbour Lights', exact: true }).click();
        await page.getByRole('button', { name: 'Add to playlist', exact: true }).click();
        await page.getByRole('list', { name: 'Your playlists' }).getByRole('button', { name: /Road Trip/ }).click();
        await page.getByText('Added to Road Trip').first().waitFor();
      });
      await step(fb, 'the friend sees who added it and moves it to the top with the keyboard', async () => {
        await page.goto(url);
        await rows(page).nth(2).waitFor();
        assert.deepEqual(await titles(page), ['Lantern', 'Tin Roof', 'Harbour Lights']);
        await rows(page).nth(2).getByText(`Added by @${friend.handle}`).waitFor();
        await rows(page).nth(0).getByText(`Added by @${owner.handle}`).waitFor();
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        await page.getByRole('button', { name: 'Move Harbour Lights up', exact: true }).focus();
        await page.keyboard.press('Enter');
        await rows(page).nth(1).filter({ hasText: 'Harbour Lights' }).waitFor();
        // Focus followed the song, so Enter again moves it once more.
        await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Move Harbour Lights up');
        await page.keyboard.press('Enter');
        await rows(page).nth(0).filter({ hasText: 'Harbour Lights' }).waitFor();
        await page.reload();
        await rows(page).nth(2).waitFor();
        assert.deepEqual(await titles(page), ['Harbour Lights', 'Lantern', 'Tin Roof'], 'the order is saved');
      });
      await step(fb, 'the friend cannot rename it', async () => {
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        assert.equal(await page.getByRole('button', { name: 'Rename', exact: true }).count(), 0);
        assert.equal(await page.getByRole('button', { name: 'Leave', exact: true }).count(), 1);
      });
    } finally {
      await fb.close();
    }
    const saved = await owner.get(`/api/v1/playlists/${made.json.id}`);
    assert.deepEqual(saved.json.tracks.map((x) => x.title), ['Harbour Lights', 'Lantern', 'Tin Roof']);
    assert.equal(saved.json.tracks[0].added_by.handle, friend.handle);
  });

  test("add a video's sound to a playlist with one tap", async (t) => {
    const creator = await signup(server);
    const song = tracks['Harbour Lights'];
    assert.ok(song.sound_id, 'an imported song is a sound');
    const video = await publish(creator, fs.readFileSync(smallClip()), { caption: 'with a song', sound_id: song.sound_id });
    assert.equal(video.status, 'ready', JSON.stringify(video.failure));

    const viewer = await signup(server);
    const made = await viewer.post('/api/v1/playlists', { json: { name: 'Road trip' } });
    expectStatus(made, 201, 'playlist');
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'log in', () => logIn(page, viewer));
      await step(b, "open the video's sound page", async () => {
        await page.goto(`${server.url}/sound/${song.sound_id}`);
        await page.getByTestId('add-to-music').waitFor();
        assert.equal(await page.getByRole('link', { name: /Full song on riff Music/ }).getAttribute('href'), `/music/song/${song.id}`);
      });
      await step(b, 'Add to Music App, then one tap on the playlist', async () => {
        await page.getByRole('button', { name: 'Add to Music App', exact: true }).click();
        await page.getByRole('list', { name: 'Your playlists' }).getByRole('button', { name: /Road trip/ }).click();
        await page.getByText('Added to Road trip').waitFor();
      });
      await step(b, 'the playlist has the song, in the app and the API', async () => {
        const list = await viewer.get(`/api/v1/playlists/${made.json.id}`);
        assert.deepEqual(list.json.tracks.map((x) => x.id), [song.id]);
        await page.goto(`${server.url}/music/playlist/${made.json.id}`);
        await page.getByTestId('track-row').filter({ hasText: 'Harbour Lights' }).waitFor();
      });
      await step(b, "the song's page lists the video using it", async () => {
        await page.goto(`${server.url}/music/song/${song.id}`);
        await page.getByTestId('song-title').filter({ hasText: 'Harbour Lights' }).waitFor();
        await page.locator(`[data-testid="video-tile"][data-video-id="${video.id}"]`).waitFor();
      });
    } finally {
      await b.close();
    }
  });
});

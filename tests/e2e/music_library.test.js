// riff Music's library and radio in the browser, through the real web
// client on a riffd with a catalog made at test time (tagged ffmpeg tones,
// imported with transcoding): save an album with its heart and find it in
// the Library reached from the Music home; start radio from a song and see
// the player's queue fill with the radio, in the server's order.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { importSongs, makeSongs } from '../lib/music.js';
import { cleanupAll, repoRoot, startRiffd } from '../lib/riffd.js';
import { openBrowser, step } from '../lib/browser.js';

let server;
const tracks = {}; // title -> track JSON

async function logIn(page, user) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Handle or email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${server.url}/@${user.handle}`);
}

before(async () => {
  if (!fs.existsSync(`${repoRoot}/web/dist/index.html`)) throw new Error('build the web client first (cd web && npm run build)');
  server = await startRiffd();
  const dir = await makeSongs([
    { title: 'Morning Sine', artist: 'Lib Tones', album: 'Library Songs', genre: 'Ambient', seconds: 20 },
    { title: 'Noon Sine', artist: 'Lib Tones', album: 'Library Songs', genre: 'Ambient', seconds: 20 },
    { title: 'Dusk Sine', artist: 'Lib Tones', album: 'Library Songs', genre: 'Ambient', seconds: 20 },
    { title: 'Other Sine', artist: 'Elsewhere Tones', album: 'Other Songs', genre: 'Drone', seconds: 20 },
  ]);
  await importSongs(server, dir);
  const found = await get(server, '/api/v1/music/search?q=Sine');
  expectStatus(found, 200, 'search');
  for (const t of found.json.tracks) tracks[t.title] = t;
  assert.equal(Object.keys(tracks).length, 4);
  // Listeners of "Morning Sine" also played "Other Sine": it leads the radio.
  for (let i = 0; i < 2; i++) {
    const fan = await signup(server);
    for (const title of ['Morning Sine', 'Other Sine']) {
      expectStatus(await fan.post('/api/v1/plays', { json: { track_id: tracks[title].id, ms_played: 31000 } }), 200);
    }
  }
});
after(cleanupAll);

describe('the library and radio in the browser', () => {
  test('save an album and find it in the Library; start radio and see the queue fill', async (t) => {
    const user = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    const albumId = tracks['Morning Sine'].album.id;
    try {
      await step(b, 'log in', () => logIn(page, user));

      await step(b, 'the Library, from the Music home, starts empty', async () => {
        await page.goto(`${server.url}/music`);
        await page.getByRole('link', { name: 'Your library', exact: true }).click();
        await page.waitForURL(`${server.url}/music/library`);
        await page.getByTestId('library-empty').waitFor();
      });

      await step(b, 'save the album with its heart', async () => {
        await page.goto(`${server.url}/music/album/${albumId}`);
        const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/me/library/albums/${albumId}`) && r.request().method() === 'PUT');
        await page.getByRole('button', { name: 'Save Library Songs to your library', exact: true }).click();
        assert.equal((await saved).status(), 204);
        const heart = page.getByRole('button', { name: 'Remove Library Songs from your library', exact: true });
        assert.equal(await heart.getAttribute('aria-pressed'), 'true');
        await page.reload();
        await heart.waitFor(); // the server says it is saved
      });

      await step(b, 'the album is in the Library under Albums', async () => {
        await page.goto(`${server.url}/music`);
        await page.getByRole('link', { name: 'Your library', exact: true }).click();
        await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Albums', exact: true }).click();
        await page.waitForURL(`${server.url}/music/library?tab=albums`);
        const card = page.getByRole('list', { name: 'Saved albums' }).getByTestId('album-card');
        await card.filter({ hasText: 'Library Songs' }).waitFor();
        assert.equal(await card.count(), 1);
        const r = await user.get('/api/v1/me/library/albums');
        assert.deepEqual(r.json.items.map((a) => a.id), [albumId]);
      });

      await step(b, 'start radio from a song: it plays and the queue fills with its radio', async () => {
        const radio = await user.get(`/api/v1/tracks/${tracks['Morning Sine'].id}/radio`);
        expectStatus(radio, 200);
        const expected = ['Morning Sine', ...radio.json.items.map((i) => i.track.title)];
        assert.deepEqual(expected.slice(0, 2), ['Morning Sine', 'Other Sine'], 'the co-listened song first');
        assert.deepEqual(expected.slice(2).sort(), ['Dusk Sine', 'Noon Sine'], "then the artist's");

        await page.goto(`${server.url}/music/album/${albumId}`);
        const asked = page.waitForResponse((r) => r.url().includes(`/api/v1/tracks/${tracks['Morning Sine'].id}/radio`));
        await page.getByRole('button', { name: 'More for Morning Sine', exact: true }).click();
        await page.getByRole('button', { name: 'Start radio', exact: true }).click();
        assert.equal((await asked).status(), 200);
        await page.getByTestId('player-bar').getByTestId('player-title').filter({ hasText: 'Morning Sine' }).waitFor();

        await page.getByTestId('player-bar').getByRole('button', { name: 'Queue', exact: true }).click();
        const items = page.getByRole('dialog', { name: 'Queue' }).getByTestId('queue-item');
        await items.nth(expected.length - 1).waitFor();
        assert.deepEqual(await items.locator('.track-title').allTextContents(), expected);
        await page.getByTestId('queue-count').filter({ hasText: `${expected.length - 1} songs up next` }).waitFor();
      });
    } finally {
      await b.close();
    }
  });
});

// Short video in the browser, end to end through the real web client: sign up,
// upload a generated clip with the tus progress bar, post it with a #hashtag,
// watch it go from "processing" to "ready" (the server transcodes it), play it
// through hls.js, like it, comment and reply, then open its sound page, use the
// sound for a second clip and see the sound's use count become 2.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { uniqueHandle } from '../lib/http.js';
import { cleanupAll, makeTempDir, repoRoot, startRiffd } from '../lib/riffd.js';
import { openBrowser, step } from '../lib/browser.js';

// Transcoding runs in the server; on a loaded machine it can take a while.
const kProcessingTimeoutMs = 120000;

let server;
let clipDir;
before(async () => {
  const index = path.join(repoRoot, 'web/dist/index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} is missing: build the web client first (cd web && npm run build)`);
  }
  clipDir = makeTempDir('riff-e2e-clips-');
  server = await startRiffd();
});
after(cleanupAll);

/// A 4 s portrait test pattern with a sine tone, made with ffmpeg's lavfi.
function makeClip(name, { pattern = 'testsrc2', frequency = 440 } = {}) {
  const file = path.join(clipDir, name);
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `${pattern}=size=360x640:rate=30`,
    '-f', 'lavfi', '-i', `sine=frequency=${frequency}`,
    '-t', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file,
  ]);
  return file;
}

describe('short video in the browser', () => {
  test('upload, process, play, like, comment, reply, and reuse the sound', async (t) => {
    const b = await openBrowser(server, t);
    const { page } = b;
    const handle = uniqueHandle('vid');
    const tag = `riffe2e${Date.now().toString(36)}`;
    const firstClip = makeClip('first.mp4');
    const secondClip = makeClip('second.mp4', { pattern: 'smptebars', frequency: 880 });

    // Every request the page makes, to prove which playback path ran.
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));

    let firstId;
    let secondId;
    let soundId;
    let soundTitle;
    let commentId;
    try {
      await step(b, 'sign up', async () => {
        await page.goto(`${server.url}/signup`);
        await page.getByLabel('Handle', { exact: true }).fill(handle);
        await page.getByLabel('Email', { exact: true }).fill(`${handle.replace('_', '')}@example.com`);
        await page.getByLabel('Password', { exact: true }).fill('browser-password-1');
        await page.getByLabel('Display name', { exact: true }).fill('Video Maker');
        await page.getByRole('button', { name: 'Sign up', exact: true }).click();
        await page.waitForURL(`${server.url}/@${handle}`);
      });

      await step(b, 'open the upload page', async () => {
        await page.getByRole('link', { name: 'Upload', exact: true }).click();
        await page.waitForURL(`${server.url}/upload`);
        await page.getByLabel('Video file', { exact: true }).waitFor();
        assert.equal(await page.getByTestId('upload-progress').count(), 0, 'no progress bar before a file is chosen');
        assert.ok(await page.getByRole('button', { name: 'Post', exact: true }).isDisabled(), 'Post waits for an upload');
      });

      await step(b, 'upload the clip with a progress bar that reaches 100%', async () => {
        const seen = await uploadAndWatchProgress(page, firstClip);
        assert.ok(seen.length > 0, 'the progress bar was shown');
        assert.equal(seen.at(-1), 100, `the bar ends at 100 (saw ${seen.join(',')})`);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress never goes back (saw ${seen.join(',')})`);
        await page.getByText('Uploaded', { exact: true }).waitFor();
        assert.ok(await page.getByRole('button', { name: 'Post', exact: true }).isEnabled(), 'Post is enabled once uploaded');
      });

      await step(b, 'post with a #hashtag and see processing, then ready', async () => {
        await page.getByLabel('Caption', { exact: true }).fill(`my first riff #${tag}`);
        const { video, statuses } = await postAndWaitReady(page);
        firstId = video.id;
        assert.deepEqual(video.hashtags, [tag], 'the hashtag was parsed from the caption');
        assert.equal(statuses[0], 'processing', `the page showed "processing" first (saw ${statuses.join(' -> ')})`);
        assert.equal(statuses.at(-1), 'ready');
        await page.getByTestId('video-status').getByText('Ready', { exact: true }).waitFor();
      });

      await step(b, 'watch it play through hls.js', async () => {
        await page.getByRole('link', { name: 'View video', exact: true }).click();
        await page.waitForURL(`${server.url}/v/${firstId}`);
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${firstId}"]`);
        await item.getByRole('link', { name: `#${tag}`, exact: true }).waitFor();
        const player = item.getByTestId('video-player');
        await player.waitFor();
        await page.waitForFunction(
          (id) => document.querySelector(`[data-video-id="${id}"] video`)?.currentTime > 0.5,
          firstId,
          { timeout: 30000 },
        );
        // hls.js plays through Media Source Extensions: a blob: source, the
        // lazy hls.js chunk, and the playlist and segments fetched by it.
        const src = await player.evaluate((v) => v.currentSrc || v.src);
        assert.match(src, /^blob:/, 'the <video> is fed by MediaSource (hls.js), not a file URL');
        assert.ok(requested.some((u) => /\/assets\/hls[^/]*\.js$/.test(u)), 'the hls.js chunk was loaded');
        assert.ok(requested.some((u) => u.includes(`/api/v1/videos/${firstId}/media/`) && u.endsWith('.m3u8')), 'an HLS playlist was fetched');
        const media = requested.filter((u) => u.includes(`/api/v1/videos/${firstId}/media/`));
        assert.ok(media.some((u) => u.endsWith('.m4s')), 'HLS segments were fetched');
        assert.ok(!media.some((u) => u.endsWith('/media/video.mp4')), 'the MP4 fallback was not used');
      });

      await step(b, 'like it: the count becomes 1 and survives a reload', async () => {
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${firstId}"]`);
        assert.equal(await item.getByTestId('like-count').textContent(), '0');
        await item.getByRole('button', { name: 'Like', exact: true }).click();
        await item.getByRole('button', { name: 'Unlike', exact: true, pressed: true }).waitFor();
        await waitForText(item.getByTestId('like-count'), '1');
        await page.reload();
        await item.getByRole('button', { name: 'Unlike', exact: true, pressed: true }).waitFor();
        await waitForText(item.getByTestId('like-count'), '1');
        const v = await apiGet(page, `/api/v1/videos/${firstId}`);
        assert.equal(v.like_count, 1);
        assert.equal(v.viewer?.liked, true);
      });

      await step(b, 'comment on it', async () => {
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${firstId}"]`);
        await item.getByRole('button', { name: 'Comments', exact: true }).click();
        const sheet = page.getByRole('dialog');
        await sheet.getByText('No comments yet.').waitFor();
        await sheet.getByLabel('Add a comment', { exact: true }).fill('What a pattern');
        await sheet.getByRole('button', { name: 'Send', exact: true }).click();
        const comment = sheet.getByTestId('comment').filter({ hasText: 'What a pattern' });
        await comment.waitFor();
        commentId = await comment.getAttribute('data-comment-id');
        assert.ok(commentId, 'the comment has an id');
        assert.equal(await comment.getAttribute('data-parent-id'), null, 'a top-level comment has no parent');
        await waitForText(item.getByTestId('comment-count'), '1');
      });

      await step(b, 'reply to the comment and see it threaded', async () => {
        const sheet = page.getByRole('dialog');
        const parent = sheet.locator(`[data-testid="comment"][data-comment-id="${commentId}"]`);
        await parent.getByRole('button', { name: 'Reply', exact: true }).click();
        await sheet.getByText(`Replying to @${handle}`).waitFor();
        const input = sheet.getByLabel('Add a comment', { exact: true });
        assert.equal(await input.inputValue(), `@${handle} `, 'the reply starts with a mention');
        await input.fill(`@${handle} thanks, it is testsrc2`);
        await sheet.getByRole('button', { name: 'Send', exact: true }).click();
        const reply = sheet.locator(`[data-testid="comment"][data-parent-id="${commentId}"]`);
        await reply.filter({ hasText: 'thanks, it is testsrc2' }).waitFor();
        // Threaded: the reply sits in the parent's thread, in its replies list.
        const thread = sheet.locator('li.thread').filter({ has: page.locator(`[data-comment-id="${commentId}"]`) });
        assert.equal(await thread.getByRole('list', { name: 'Replies' }).getByTestId('comment').count(), 1);

        // Stored on the server: after a reload the thread offers the reply.
        await page.reload();
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${firstId}"]`);
        await waitForText(item.getByTestId('comment-count'), '2');
        await item.getByRole('button', { name: 'Comments', exact: true }).click();
        await sheet.locator(`[data-testid="comment"][data-comment-id="${commentId}"]`).waitFor();
        await sheet.getByRole('button', { name: 'View 1 reply', exact: true }).click();
        await sheet
          .getByRole('list', { name: 'Replies' })
          .locator(`[data-testid="comment"][data-parent-id="${commentId}"]`)
          .filter({ hasText: 'thanks, it is testsrc2' })
          .waitFor();
        await sheet.getByRole('button', { name: 'Close', exact: true }).click();
        await sheet.waitFor({ state: 'detached' });
      });

      await step(b, 'open the sound page', async () => {
        const v = await apiGet(page, `/api/v1/videos/${firstId}`);
        assert.ok(v.sound?.id, 'the first video got its own sound');
        soundId = v.sound.id;
        soundTitle = v.sound.title;
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${firstId}"]`);
        // The "Open sound" disc spins while the video plays; the sound line
        // under the caption leads to the same page.
        assert.equal(await item.getByRole('link', { name: 'Open sound', exact: true }).getAttribute('href'), `/sound/${soundId}`);
        await item.getByRole('link', { name: `Sound: ${soundTitle}`, exact: true }).click();
        await page.waitForURL(`${server.url}/sound/${soundId}`);
        await waitForText(page.getByTestId('sound-title'), soundTitle);
        assert.match(soundTitle, new RegExp(`@${handle}$`), 'an original sound is named after its creator');
        await waitForText(page.getByTestId('sound-video-count'), '1 video');
        await page.locator(`[data-testid="video-tile"][data-video-id="${firstId}"]`).waitFor();
      });

      await step(b, 'use this sound for a second clip', async () => {
        await page.getByRole('button', { name: 'Use this sound', exact: true }).click();
        await page.waitForURL(`${server.url}/upload?sound=${soundId}`);
        await waitForText(page.getByTestId('upload-sound'), `♫ ${soundTitle}`);
        const seen = await uploadAndWatchProgress(page, secondClip);
        assert.equal(seen.at(-1), 100, `the bar ends at 100 (saw ${seen.join(',')})`);
        await page.getByLabel('Caption', { exact: true }).fill(`same tune #${tag}`);
        const { video, statuses } = await postAndWaitReady(page);
        secondId = video.id;
        assert.notEqual(secondId, firstId);
        assert.equal(video.sound?.id, soundId, 'the post carried the chosen sound');
        assert.equal(statuses[0], 'processing');
        assert.equal(statuses.at(-1), 'ready');
      });

      await step(b, "the second video's sound is the first video's sound", async () => {
        const v = await apiGet(page, `/api/v1/videos/${secondId}`);
        assert.equal(v.status, 'ready');
        assert.equal(v.sound?.id, soundId);
        await page.getByRole('link', { name: 'View video', exact: true }).click();
        await page.waitForURL(`${server.url}/v/${secondId}`);
        const item = page.locator(`[data-testid="feed-item"][data-video-id="${secondId}"]`);
        await item.getByRole('link', { name: `Sound: ${soundTitle}`, exact: true }).waitFor();
      });

      await step(b, 'the sound page counts two videos', async () => {
        await page.goto(`${server.url}/sound/${soundId}`);
        await waitForText(page.getByTestId('sound-video-count'), '2 videos');
        await page.locator(`[data-testid="video-tile"][data-video-id="${firstId}"]`).waitFor();
        await page.locator(`[data-testid="video-tile"][data-video-id="${secondId}"]`).waitFor();
        const s = await apiGet(page, `/api/v1/sounds/${soundId}`);
        assert.equal(s.use_count, 2);
      });
    } finally {
      await b.close();
    }
  });
});

/// Chooses `file` on the upload page and records every value the upload
/// progress bar shows until the upload finishes. Resolves the values seen.
async function uploadAndWatchProgress(page, file) {
  // A MutationObserver sees every value the bar takes, however fast the
  // upload is over loopback.
  await page.evaluate(() => {
    window.__uploadProgress = [];
    const record = () => {
      const bar = document.querySelector('[data-testid="upload-progress"]');
      const v = bar ? Number(bar.getAttribute('aria-valuenow')) : null;
      if (v !== null && window.__uploadProgress.at(-1) !== v) window.__uploadProgress.push(v);
    };
    window.__uploadObserver?.disconnect();
    window.__uploadObserver = new MutationObserver(record);
    window.__uploadObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  await page.getByLabel('Video file', { exact: true }).setInputFiles(file);
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  await bar.waitFor();
  assert.equal(await bar.getAttribute('data-testid'), 'upload-progress');
  await page.locator('[data-testid="upload-progress"][aria-valuenow="100"]').waitFor({ timeout: 60000 });
  await page.getByText('Uploaded', { exact: true }).waitFor();
  assert.equal(await page.getByTestId('upload-error').count(), 0, 'no upload error');
  return page.evaluate(() => {
    window.__uploadObserver.disconnect();
    return window.__uploadProgress;
  });
}

/// Clicks Post and waits on the upload page until the video is ready.
/// Resolves {video: the POST response, statuses: the statuses the page showed, in order}.
async function postAndWaitReady(page) {
  await page.evaluate(() => {
    window.__statuses = [];
    const record = () => {
      const el = document.querySelector('[data-testid="video-status"]');
      const s = el?.getAttribute('data-status');
      if (s && window.__statuses.at(-1) !== s) window.__statuses.push(s);
    };
    window.__statusObserver?.disconnect();
    window.__statusObserver = new MutationObserver(record);
    window.__statusObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/videos');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const res = await created;
  assert.equal(res.status(), 201, 'POST /api/v1/videos');
  const video = await res.json();
  assert.equal(video.status, 'processing', 'a new video starts out processing');
  await page.locator('[data-testid="video-status"]:is([data-status="ready"], [data-status="failed"])').waitFor({ timeout: kProcessingTimeoutMs });
  const statuses = await page.evaluate(() => {
    window.__statusObserver.disconnect();
    return window.__statuses;
  });
  if (statuses.at(-1) !== 'ready') {
    const shown = await page.getByTestId('video-status').textContent();
    assert.fail(`the video did not become ready: ${statuses.join(' -> ')} (${shown})`);
  }
  return { video, statuses };
}

/// GET `p` from inside the page (the browser's session cookie) and parse the JSON.
async function apiGet(page, p) {
  const { status, body } = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return { status: r.status, body: await r.text() };
  }, p);
  assert.equal(status, 200, `GET ${p}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

async function waitForText(locator, text, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = (await locator.textContent())?.trim();
    if (got === text) return;
    if (Date.now() > end) assert.fail(`text is "${got}", want "${text}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

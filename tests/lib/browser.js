// Debian's Chromium through playwright-core, headless, with a fresh profile
// directory per browser. A failed step leaves a screenshot and the page's
// console in tests/test-results/.

import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { makeTempDir, repoRoot } from './riffd.js';

export const chromiumPath = process.env.RIFF_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const resultsDir = path.join(repoRoot, 'tests/test-results');

/// Opens a browser with a fresh user data dir. `t` is the node:test context
/// (its name labels artefacts). Resolves {context, page, close(), log}.
export async function openBrowser(server, t) {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium`);
  const userDataDir = makeTempDir('riff-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 420, height: 860 },
    baseURL: server.url,
  });
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(20000);
  const page = context.pages()[0] ?? (await context.newPage());
  const log = [];
  page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('websocket', (ws) => {
    log.push(`[ws open] ${ws.url()}`);
    ws.on('framereceived', (f) => log.push(`[ws recv] ${String(f.payload).slice(0, 300)}`));
    ws.on('framesent', (f) => log.push(`[ws sent] ${String(f.payload).slice(0, 300)}`));
    ws.on('close', () => log.push('[ws close]'));
  });
  page.on('requestfinished', (r) => {
    if (r.url().includes('/api/')) log.push(`[http done] ${r.method()} ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) log.push(`[http ${r.status()}] ${r.request().method()} ${r.url()}`);
  });
  const label = (t?.name ?? 'browser').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  return {
    context,
    page,
    log,
    label,
    async close() {
      await context.close().catch(() => {});
    },
  };
}

/// Runs one named step; on failure saves a screenshot and the console log,
/// and rethrows with the step name and the page URL.
export async function step(b, name, fn) {
  try {
    await fn();
  } catch (e) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const base = path.join(resultsDir, `${b.label}--${name.replace(/[^a-z0-9]+/gi, '-')}`);
    await b.page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => {});
    fs.writeFileSync(`${base}.log`, b.log.join('\n'));
    const err = new Error(`step "${name}" failed at ${b.page.url()}: ${e.message}\n(screenshot: ${base}.png)\n${b.log.slice(-20).join('\n')}`);
    err.cause = e;
    throw err;
  }
}

/// Waits until feed item `index` is the active one and the feed has come to
/// rest on it (the next key press scrolls from there); returns its locator.
export async function activeFeedItem(page, index, timeout = 30000) {
  const item = page.locator(`[data-testid="feed-item"][data-index="${index}"][data-mode="active"]`);
  await item.waitFor({ timeout });
  await page.waitForFunction(
    (i) => {
      const feed = document.querySelector('[role="feed"]');
      return feed && Math.abs(feed.scrollTop - i * feed.clientHeight) < 2;
    },
    index,
    { timeout },
  );
  return item;
}

/// Swipes from feed item `index` to the next one with the keyboard, as a
/// viewer would, and returns the next item once the feed rests on it. A key
/// press the page drops (focus moving while a page of the feed arrives) is
/// pressed again, but only while the feed still rests on `index`.
export async function swipeToNext(page, index) {
  const feed = page.getByRole('feed', { name: 'Videos' });
  await page.locator(`[data-testid="feed-item"][data-index="${index + 1}"]`).waitFor({ timeout: 30000 });
  for (let attempt = 0; ; attempt++) {
    await feed.press('ArrowDown');
    try {
      return await activeFeedItem(page, index + 1, 5000);
    } catch (e) {
      const stillThere = await page.evaluate((i) => {
        const f = document.querySelector('[role="feed"]');
        return f && Math.abs(f.scrollTop - i * f.clientHeight) < 2;
      }, index);
      if (!stillThere || attempt >= 4) throw e;
    }
  }
}

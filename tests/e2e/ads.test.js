// Brand ads in the browser, end to end through the real web client: a brand
// (its video published through the API) funds its ad budget with the test
// card in the ads manager - a declined card adds nothing - and starts a
// campaign, the server's field errors showing beside the form's fields; an
// anonymous viewer scrolls For You and meets the video labelled Sponsored
// (its impression reported once it is on screen, a tap on Learn more); the
// ads manager then shows the impression, the tap and the spend, and pauses and
// resumes the campaign.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { signup, sleep } from '../lib/http.js';
import { cleanupAll, repoRoot, startRiffd } from '../lib/riffd.js';
import { activeFeedItem, openBrowser, step, swipeToNext } from '../lib/browser.js';
import { publish, smallClip } from '../lib/videos.js';

/// The web client asks For You for pages of this many videos.
const kFeedPage = 10;

let server;
before(async () => {
  const index = path.join(repoRoot, 'web/dist/index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: build the web client first (cd web && npm run build)`);
  // An ad after every two organic videos, so that a short feed has room for one.
  server = await startRiffd({ env: { RIFF_ADS_EVERY_N: '2' } });
});
after(cleanupAll);

async function logIn(page, user) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Handle or email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${server.url}/@${user.handle}`);
}

async function eventually(fn, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('brand ads in the browser', () => {
  test('a brand funds a campaign in the ads manager, a viewer sees it Sponsored in For You, and the spend shows', { timeout: 600_000 }, async (t) => {
    // More organic videos than one feed page: a page that shows the creative
    // organically has no room for it as an ad, so the viewer scrolls on.
    const clip = fs.readFileSync(smallClip());
    const creator = await signup(server);
    for (let i = 0; i < kFeedPage + 3; i += 3) {
      await Promise.all([0, 1, 2].map((j) => publish(creator, clip, { caption: `organic ${i + j} #cats` })));
    }
    const brand = await signup(server);
    const creative = await publish(brand, clip, { caption: 'Our new mug #cats' });
    assert.equal(creative.status, 'ready');

    const bb = await openBrowser(server, t);
    const vb = await openBrowser(server, t);
    let campaignId;
    try {
      await step(bb, 'the brand opens the ads manager from the Shop page', async () => {
        await logIn(bb.page, brand);
        await bb.page.getByRole('link', { name: 'Shopping' }).click();
        await bb.page.getByRole('link', { name: 'Ads manager' }).click();
        await bb.page.waitForURL(`${server.url}/ads`);
        await bb.page.getByTestId('ad-balance').filter({ hasText: '$0.00' }).waitFor();
      });

      await step(bb, 'a declined test card adds nothing', async () => {
        const { page } = bb;
        await page.getByRole('group', { name: 'Test payment method' }).getByText('Test payments: riff runs a simulated payment gateway').waitFor();
        await page.getByLabel('Amount (USD)', { exact: true }).fill('50.00');
        await page.getByLabel('Test card that is declined', { exact: true }).check();
        await page.getByRole('button', { name: 'Add funds', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: 'Your card was declined, so nothing was charged' }).waitFor();
        assert.equal(await page.getByTestId('ad-balance').getAttribute('data-amount'), '0');
      });

      await step(bb, 'the test Visa funds the budget once its webhook lands', async () => {
        const { page } = bb;
        await page.getByLabel('Test Visa (payment succeeds)', { exact: true }).check();
        await page.getByRole('button', { name: 'Add funds', exact: true }).click();
        await page.locator('[data-testid="ad-balance"][data-amount="5000"]').waitFor({ timeout: 20000 });
        await page.getByTestId('ad-balance').filter({ hasText: '$50.00' }).waitFor();
        await page.locator('[data-testid="ad-funding"][data-status="paid"]').waitFor();
        const funds = await brand.get('/api/v1/me/ads/funds?currency=USD');
        assert.equal(funds.json.balance, 5000);
        assert.deepEqual(funds.json.items.map((f) => f.status).sort(), ['declined', 'paid']);
      });

      await step(bb, 'the server refuses a budget below one dollar, beside its field', async () => {
        const { page } = bb;
        await page.getByRole('button', { name: 'New campaign', exact: true }).click();
        await page.getByLabel('Campaign name', { exact: true }).fill('Mug launch');
        const video = page.getByLabel('Video to promote', { exact: true });
        await video.locator(`option[value="${creative.id}"]`).waitFor({ state: 'attached' });
        await video.selectOption(creative.id);
        await page.getByLabel('Budget (USD)', { exact: true }).fill('0.50');
        await page.getByLabel('CPM bid (USD)', { exact: true }).fill('50.00');
        await page.getByLabel('Per-tap bid (USD, optional)', { exact: true }).fill('0.10');
        await page.getByLabel('Hashtags (optional)', { exact: true }).fill('#Cats');
        await page.getByRole('button', { name: 'Start campaign', exact: true }).click();
        await page.getByTestId('field-error-budget').waitFor();
        assert.equal(await page.getByLabel('Budget (USD)', { exact: true }).getAttribute('aria-invalid'), 'true');
        assert.equal((await brand.get('/api/v1/me/ads/campaigns')).json.items.length, 0);
      });

      await step(bb, 'with a budget of $20 the campaign starts', async () => {
        const { page } = bb;
        await page.getByLabel('Budget (USD)', { exact: true }).fill('20.00');
        await page.getByRole('button', { name: 'Start campaign', exact: true }).click();
        const row = page.locator('[data-testid="campaign"][data-status="active"]').filter({ hasText: 'Mug launch' });
        await row.waitFor();
        campaignId = await row.getAttribute('data-campaign-id');
        const c = (await brand.get(`/api/v1/me/ads/campaigns/${campaignId}`)).json;
        assert.equal(c.video_id, creative.id);
        assert.equal(c.budget, 2000);
        assert.equal(c.cpm_bid, 5000);
        assert.equal(c.cpc_bid, 10);
        assert.deepEqual(c.hashtags, ['cats']);
        assert.equal(await row.getByTestId('campaign-impressions').textContent(), '0');
      });

      let token;
      await step(vb, 'a viewer scrolling For You meets the video labelled Sponsored', async () => {
        const { page } = vb;
        const reported = [];
        page.on('request', (r) => {
          if (r.url().endsWith('/api/v1/ads/impressions')) reported.push(r.postDataJSON().token);
        });
        await page.goto(`${server.url}/`);
        let ad = null;
        let item = await activeFeedItem(page, 0);
        for (let i = 0; i < 3 * kFeedPage; i++) {
          if ((await item.getAttribute('data-sponsored')) === 'true') {
            ad = item;
            break;
          }
          item = await swipeToNext(page, i);
        }
        assert.ok(ad, 'a sponsored item within three pages of For You');
        assert.equal(await ad.getAttribute('data-video-id'), creative.id);
        await ad.getByTestId('sponsored-label').filter({ hasText: 'Sponsored' }).waitFor();
        assert.equal(await ad.getAttribute('aria-label'), `Sponsored video by @${brand.handle}`);
        await eventually(async () => reported.length > 0, 'the impression report');
        token = reported[0];
        await eventually(async () => (await brand.get(`/api/v1/me/ads/campaigns/${campaignId}`)).json.impressions === 1, 'the impression counted');

        const tap = page.waitForRequest((r) => r.url().endsWith('/api/v1/ads/taps'));
        await ad.getByRole('button', { name: 'Learn more', exact: true }).click();
        assert.equal((await tap).postDataJSON().token, token);
        await page.waitForURL(`${server.url}/@${brand.handle}`);
        assert.equal(reported.length, 1, 'one impression report per ad');
      });

      await step(bb, "the ads manager shows the impression, the tap and the spend", async () => {
        const { page } = bb;
        await page.getByRole('button', { name: 'Refresh', exact: true }).click();
        const row = page.locator(`[data-testid="campaign"][data-campaign-id="${campaignId}"]`);
        await row.getByTestId('campaign-taps').filter({ hasText: /^1$/ }).waitFor();
        assert.ok(Number(await row.getByTestId('campaign-impressions').textContent()) >= 1);
        // 5 cents per impression ($50 CPM) and 10 per tap.
        const spent = Number(await row.getByTestId('campaign-spent').getAttribute('data-amount'));
        assert.equal(spent, 15);
        assert.equal(await row.getByTestId('campaign-spent').textContent(), '$0.15');
        assert.equal(await row.getByTestId('campaign-remaining').textContent(), '$19.85');
      });

      await step(bb, 'pause and resume the campaign', async () => {
        const { page } = bb;
        const row = page.locator(`[data-testid="campaign"][data-campaign-id="${campaignId}"]`);
        await row.getByRole('button', { name: 'Pause Mug launch' }).click();
        await page.locator(`[data-testid="campaign"][data-campaign-id="${campaignId}"][data-status="paused"]`).waitFor();
        assert.equal((await brand.get(`/api/v1/me/ads/campaigns/${campaignId}`)).json.status, 'paused');
        await row.getByRole('button', { name: 'Resume Mug launch' }).click();
        await page.locator(`[data-testid="campaign"][data-campaign-id="${campaignId}"][data-status="active"]`).waitFor();
      });
    } finally {
      await bb.close();
      await vb.close();
    }
  });
});

// Brand ads, black-box: an advertiser funds an ad budget by card, runs a
// campaign on one of their videos, For You shows it labelled as sponsored
// at a capped rate, impressions and taps reported with the card's token
// charge the budget once each, spend stops at the budget, and the ledger
// balances. Runs on SQLite, or PostgreSQL with RIFF_TEST_DB=postgres.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { expectStatus, signup, sleep } from '../lib/http.js';
import { ledgerVerify, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll } from '../lib/riffd.js';
import { publish, smallClip } from '../lib/videos.js';

let ctx;
let server;
before(async () => {
  // An ad after every two videos, so that a short feed has room for one.
  ctx = await startWithAdmin({ env: { RIFF_ADS_EVERY_N: '2' } });
  server = ctx.server;
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

async function eventually(fn, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('a funded campaign appears in For You as sponsored, and its impressions and taps charge it once', { timeout: 300_000 }, async () => {
  const clip = fs.readFileSync(smallClip());
  const creator = await signup(server);
  for (let i = 0; i < 4; i++) await publish(creator, clip, { caption: `organic ${i} #cats` });
  const brand = await signup(server);
  const creative = await publish(brand, clip, { caption: 'Our new mug #cats' });

  // Funds: a card payment, booked when the gateway's webhook lands.
  assertProblem(await brand.post('/api/v1/me/ads/funds', { json: { amount: 5000, currency: 'USD', payment_method: 'tok_visa' } }), 400, 'validation');
  const declined = await brand.post('/api/v1/me/ads/funds', { json: { amount: 5000, currency: 'USD', payment_method: 'tok_chargeDeclined' }, headers: { 'idempotency-key': 'fund-0' } });
  assertProblem(declined, 402, 'payment-declined');
  const funded = await brand.post('/api/v1/me/ads/funds', { json: { amount: 5000, currency: 'USD', payment_method: 'tok_visa' }, headers: { 'idempotency-key': 'fund-1' } });
  expectStatus(funded, 201, 'fund');
  await eventually(async () => (await brand.get('/api/v1/me/ads/funds?currency=USD')).json.balance === 5000, 'the ad budget');

  // A campaign on someone else's video is refused; on their own it runs.
  const someoneElses = await brand.post('/api/v1/me/ads/campaigns', {
    json: { name: 'x', video_id: (await creator.get('/api/v1/users/' + creator.handle + '/videos')).json.items[0].id, currency: 'USD', budget: 1000, cpm_bid: 10 },
  });
  assertProblem(someoneElses, 400, 'validation');
  const made = await brand.post('/api/v1/me/ads/campaigns', {
    json: { name: 'Mug launch', video_id: creative.id, currency: 'USD', budget: 150, cpm_bid: 50_000, cpc_bid: 20, hashtags: ['#Cats'] },
  });
  expectStatus(made, 201, 'campaign');
  assert.deepEqual(made.json.hashtags, ['cats']);
  const eve = await signup(server);
  assertProblem(await eve.patch(`/api/v1/me/ads/campaigns/${made.json.id}`, { json: { status: 'paused' } }), 404, 'not-found');

  // A viewer's For You: the sponsored video, labelled, at most one per two organic ones.
  // (A page that shows the creative organically has no room for it as an ad;
  // the session's next pages leave out what was seen.)
  const viewer = await signup(server);
  let feed;
  let sponsored = [];
  let session = '';
  for (let page = 0; page < 5 && sponsored.length === 0; page++) {
    feed = await viewer.get(`/api/v1/feed/foryou?limit=2${session ? `&session=${session}` : ''}`);
    expectStatus(feed, 200);
    session = feed.json.session;
    sponsored = feed.json.items.filter((v) => v.sponsored);
    assert.ok(sponsored.length <= Math.floor((feed.json.items.length - sponsored.length) / 2), 'at most one ad per two videos');
  }
  assert.equal(sponsored.length, 1, 'a sponsored video in the first pages');
  assert.equal(sponsored[0].id, creative.id);
  assert.equal(sponsored[0].sponsored.label, 'Sponsored');
  const token = sponsored[0].sponsored.token;

  // Reports: once per token; not by someone else; never a forged token.
  assertProblem(await eve.post('/api/v1/ads/impressions', { json: { token } }), 403, 'forbidden');
  assertProblem(await viewer.post('/api/v1/ads/impressions', { json: { token: token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) } }), 400, 'validation');
  const seen = await viewer.post('/api/v1/ads/impressions', { json: { token } });
  expectStatus(seen, 200);
  assert.equal(seen.json.charged_micros, 50_000);
  assert.equal((await viewer.post('/api/v1/ads/impressions', { json: { token } })).json.counted, false);
  const tapped = await viewer.post('/api/v1/ads/taps', { json: { token } });
  assert.equal(tapped.json.charged_micros, 20_000);
  let campaign = (await brand.get(`/api/v1/me/ads/campaigns/${made.json.id}`)).json;
  assert.equal(campaign.spent, 70);
  assert.equal(campaign.impressions, 1);
  assert.equal(campaign.taps, 1);

  // Spend stops at the budget (150): more viewers, more impressions, one not charged.
  for (let i = 0; i < 3; i++) {
    const v = await signup(server);
    let ad;
    let sess = '';
    for (let page = 0; page < 5 && !ad; page++) {
      const f = await v.get(`/api/v1/feed/foryou?limit=2${sess ? `&session=${sess}` : ''}`);
      sess = f.json.session;
      ad = f.json.items.find((x) => x.sponsored);
    }
    if (!ad) break;
    expectStatus(await v.post('/api/v1/ads/impressions', { json: { token: ad.sponsored.token } }), 200);
  }
  campaign = (await brand.get(`/api/v1/me/ads/campaigns/${made.json.id}`)).json;
  assert.ok(campaign.spent <= 150, `spent ${campaign.spent}`);
  assert.equal(campaign.status, 'exhausted');
  assert.equal((await brand.get('/api/v1/me/ads/funds?currency=USD')).json.balance, 5000 - campaign.spent);
  const late = await signup(server);
  let sess2 = '';
  for (let page = 0; page < 4; page++) {
    const f = await late.get(`/api/v1/feed/foryou?limit=2${sess2 ? `&session=${sess2}` : ''}`);
    sess2 = f.json.session;
    assert.equal(f.json.items.filter((v) => v.sponsored).length, 0, 'an exhausted campaign is not served');
  }

  const verify = await ledgerVerify(ctx);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});

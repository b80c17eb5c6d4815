// riff Music plans, black-box: subscriptions with periods (admin grants,
// cancellation), purchases through App Store Server Notifications V2 and
// Google Play RTDN signed by stand-in stores made here (tests/lib/
// store_signer.js), and the effective plan deciding the streaming tier. A
// small catalog is imported with `riffd music import` (sine tones made
// here) and transcoded to the tiers.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { expectStatus, get, login, post, signup } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';
import { appStoreNotification, makeChain, makePushKey, pubsubPush, pushToken, signJws } from '../lib/store_signer.js';

const execFileP = promisify(execFile);

let server;
let admin; // {token, csrf_token}
let trackId;
let apple; // the stand-in App Store's chain
let otherRoot; // a chain to a root riffd does not trust
let pushKey; // signs Google push tokens
const kAudience = 'https://riff.test/api/v1/webhooks/google-play';
const kDay = 86_400_000;

async function ffmpeg(...args) {
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function adminPut(handle, body) {
  return fetch(`${server.url}/api/v1/admin/music/plans/${handle}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json(), headers: r.headers, text: '' }));
}

/// The quality a listener's stream of the test track is served at when asking for 320.
async function streamedQuality(user) {
  const r = await user.get(`/api/v1/tracks/${trackId}/stream?quality=320`, { headers: { range: 'bytes=0-15' } });
  assert.ok(r.status === 206 || r.status === 200, `stream: ${r.status}`);
  return Number(r.headers.get('x-riff-quality'));
}

before(async () => {
  const lib = makeTempDir('riff-plans-lib-');
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=523:duration=5', '-metadata', 'title=Plan Tone',
    '-metadata', 'artist=Plan Artist', '-metadata', 'album=Plans', path.join(lib, '1.flac'));
  const keys = makeTempDir('riff-plans-keys-');
  apple = await makeChain(keys, 'apple');
  otherRoot = await makeChain(keys, 'other');
  pushKey = makePushKey(path.join(keys, 'push.pem'));
  const dataDir = makeTempDir('riff-plans-data-');
  server = await startRiffd({
    dataDir,
    args: ['--app-store-root-cert', apple.rootPath, '--app-store-bundle-id', 'com.riff.music',
      '--google-play-push-key', path.join(keys, 'push.pem'), '--google-play-audience', kAudience],
  });
  const dbArgs = ['--data-dir', dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const imported = await runRiffd(['music', 'import', lib, ...dbArgs], { timeoutMs: 300000 });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  const adminHandle = `padmin${Date.now() % 100000}`;
  const made = await runRiffd(
    ['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle}@example.com`, '--password-stdin', ...dbArgs],
    { input: 'admin-password-123\n' },
  );
  assert.equal(made.code, 0, made.stderr);
  const li = await login(server, adminHandle, 'admin-password-123');
  expectStatus(li, 200, 'admin login');
  admin = li.json;
  const found = await get(server, '/api/v1/music/search?q=Plan%20Tone');
  trackId = found.json.tracks[0].id;
  assert.deepEqual(found.json.tracks[0].qualities, [96, 160, 320]);
});
after(cleanupAll);

describe('subscriptions', () => {
  test('a new listener is free and has a stable store account token', async () => {
    const u = await signup(server);
    const r = await u.get('/api/v1/me/subscription');
    expectStatus(r, 200, 'subscription');
    assert.equal(r.json.plan, 'free');
    assert.equal(r.json.status, null);
    assert.match(r.json.account_token, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await u.get('/api/v1/me/subscription');
    assert.equal(again.json.account_token, r.json.account_token);
    const other = await (await signup(server)).get('/api/v1/me/subscription');
    assert.notEqual(other.json.account_token, r.json.account_token);
    assert.equal(await streamedQuality(u), 160);
    assertProblem(await u.post('/api/v1/me/subscription/cancel'), 404, 'not-found');
  });

  test('an admin grant is premium for its days; cancelling keeps it to the period end', async () => {
    const u = await signup(server);
    const granted = await adminPut(u.handle, { plan: 'premium', days: 30 });
    assert.equal(granted.status, 200);
    assert.equal(granted.json.plan, 'premium');
    assert.equal(granted.json.source, 'admin');
    const end = Date.parse(granted.json.current_period_end);
    assert.ok(Math.abs(end - Date.now() - 30 * 86_400_000) < 3_600_000, granted.json.current_period_end);
    assert.equal(await streamedQuality(u), 320);

    const cancelled = await u.post('/api/v1/me/subscription/cancel');
    expectStatus(cancelled, 200, 'cancel');
    assert.equal(cancelled.json.status, 'cancelled');
    assert.equal(cancelled.json.auto_renew, false);
    assert.equal(cancelled.json.plan, 'premium', 'premium lasts to the period end');
    assert.equal(cancelled.json.current_period_end, granted.json.current_period_end);
    assert.equal(await streamedQuality(u), 320);
    assert.equal((await u.get('/api/v1/me/music')).json.plan, 'premium');

    const ended = await adminPut(u.handle, { plan: 'free' });
    assert.equal(ended.status, 200);
    assert.equal(ended.json.plan, 'free');
    assert.equal(ended.json.status, 'expired');
    assert.equal(await streamedQuality(u), 160);
  });

  test('the admin route validates and is for admins only', async () => {
    const u = await signup(server);
    assertProblem(await adminPut(u.handle, { plan: 'gold' }), 400, 'validation', { pointer: '/plan' });
    assertProblem(await adminPut(u.handle, { plan: 'premium', days: 0 }), 400, 'validation', { pointer: '/days' });
    assertProblem(await adminPut('nobody_here_x', { plan: 'premium' }), 404, 'not-found');
    assertProblem(await u.put(`/api/v1/admin/music/plans/${u.handle}`, { json: { plan: 'premium' } }), 403, 'forbidden');
    assert.equal((await u.get('/api/v1/me/subscription')).json.plan, 'free');
  });
});

async function appStore(signedPayload) {
  return post(server, '/api/v1/webhooks/app-store', { json: { signedPayload } });
}

function transaction(token, { expires, original = `orig-${token.slice(0, 8)}` }) {
  return {
    transactionId: String(Date.now()), originalTransactionId: original, bundleId: 'com.riff.music',
    productId: 'riff.premium.monthly', purchaseDate: Date.now(), expiresDate: expires, appAccountToken: token,
    type: 'Auto-Renewable Subscription', environment: 'Sandbox',
  };
}

async function subscriptionOf(user) {
  const r = await user.get('/api/v1/me/subscription');
  expectStatus(r, 200, 'subscription');
  return r.json;
}

describe('App Store Server Notifications V2', () => {
  test('purchase, renewal, cancellation and refund move the plan; replays change nothing', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const end1 = Date.now() + 30 * kDay;
    const bought = appStoreNotification(apple, { type: 'SUBSCRIBED', subtype: 'INITIAL_BUY', tx: transaction(token, { expires: end1 }),
      renewal: { autoRenewStatus: 1, originalTransactionId: `orig-${token.slice(0, 8)}` } });
    const r = await appStore(bought.signedPayload);
    expectStatus(r, 200, 'SUBSCRIBED');
    assert.deepEqual(r.json, { received: true, duplicate: false, applied: true });
    let sub = await subscriptionOf(u);
    assert.equal(sub.plan, 'premium');
    assert.equal(sub.source, 'app_store');
    assert.equal(sub.product_id, 'riff.premium.monthly');
    assert.equal(Date.parse(sub.current_period_end), end1);
    assert.equal(await streamedQuality(u), 320, 'premium tier bytes');
    expectStatus(await u.post(`/api/v1/tracks/${trackId}/offline-licence`), 201, 'offline licence');

    const end2 = end1 + 30 * kDay;
    const renewed = appStoreNotification(apple, { type: 'DID_RENEW', tx: transaction(token, { expires: end2 }) });
    expectStatus(await appStore(renewed.signedPayload), 200, 'DID_RENEW');
    assert.equal(Date.parse((await subscriptionOf(u)).current_period_end), end2, 'renewal extends the period');

    // A store-billed subscription is cancelled in the store, which then tells riff.
    assertProblem(await u.post('/api/v1/me/subscription/cancel'), 409, 'store-managed');
    const off = appStoreNotification(apple, { type: 'DID_CHANGE_RENEWAL_STATUS', subtype: 'AUTO_RENEW_DISABLED',
      tx: transaction(token, { expires: end2 }) });
    expectStatus(await appStore(off.signedPayload), 200, 'DID_CHANGE_RENEWAL_STATUS');
    sub = await subscriptionOf(u);
    assert.equal(sub.status, 'cancelled');
    assert.equal(sub.auto_renew, false);
    assert.equal(sub.plan, 'premium', 'premium lasts to the period end');
    assert.equal(await streamedQuality(u), 320);

    const refund = appStoreNotification(apple, { type: 'REFUND', tx: transaction(token, { expires: end2 }) });
    expectStatus(await appStore(refund.signedPayload), 200, 'REFUND');
    sub = await subscriptionOf(u);
    assert.equal(sub.plan, 'free', 'a refund ends premium at once');
    assert.equal(sub.status, 'refunded');
    assert.equal(await streamedQuality(u), 160, 'the next stream is capped');
    assertProblem(await u.post(`/api/v1/tracks/${trackId}/offline-licence`), 403, 'premium-required');
    assertProblem(await u.get(`/api/v1/tracks/${trackId}/offline-download`), 403, 'premium-required');
    assert.deepEqual((await u.get('/api/v1/me/offline-licences')).json.items, []);

    // Replaying the purchase (same notificationUUID) is acknowledged and changes nothing.
    const replay = await appStore(bought.signedPayload);
    expectStatus(replay, 200, 'replay');
    assert.equal(replay.json.duplicate, true);
    assert.equal((await subscriptionOf(u)).plan, 'free');
    assert.equal(await streamedQuality(u), 160);
  });

  test('forged or altered notifications are refused and change nothing', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const tx = transaction(token, { expires: Date.now() + 30 * kDay });
    const before = await subscriptionOf(u);

    // Another root's chain: a valid signature, an untrusted issuer.
    const foreign = appStoreNotification(otherRoot, { type: 'SUBSCRIBED', tx });
    assertProblem(await appStore(foreign.signedPayload), 401, 'invalid-signature');
    // Apple's chain in the header, but signed by another key.
    const wrongKey = appStoreNotification({ key: otherRoot.key, x5c: apple.x5c }, { type: 'SUBSCRIBED', tx });
    assertProblem(await appStore(wrongKey.signedPayload), 401, 'invalid-signature');
    // A genuine notification with its payload altered (a REFUND turned into a purchase).
    const genuine = appStoreNotification(apple, { type: 'REFUND', tx });
    const [h, body, sig] = genuine.signedPayload.split('.');
    const altered = JSON.parse(Buffer.from(body, 'base64url').toString());
    altered.notificationType = 'SUBSCRIBED';
    assertProblem(await appStore(`${h}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${sig}`),
      401, 'invalid-signature');
    // A genuine outer payload carrying a transaction signed by another root.
    const inner = appStoreNotification(apple, { type: 'SUBSCRIBED', tx });
    const outer = JSON.parse(Buffer.from(inner.signedPayload.split('.')[1], 'base64url').toString());
    outer.data.signedTransactionInfo = signJws(tx, otherRoot);
    outer.notificationUUID = crypto.randomUUID();
    assertProblem(await appStore(signJws(outer, apple)), 401, 'invalid-signature');
    // The chain riffd trusts, for another app.
    const elsewhere = appStoreNotification(apple, { type: 'SUBSCRIBED', tx });
    const other = JSON.parse(Buffer.from(elsewhere.signedPayload.split('.')[1], 'base64url').toString());
    other.data.bundleId = 'com.example.other';
    assertProblem(await appStore(signJws(other, apple)), 400, 'validation');
    // Not a JWS at all, and no payload.
    assertProblem(await appStore('not-a-jws'), 400, 'validation');
    assertProblem(await post(server, '/api/v1/webhooks/app-store', { json: {} }), 400, 'validation', { pointer: '/signedPayload' });

    assert.deepEqual(await subscriptionOf(u), before, 'nothing changed');
    // The refused genuine REFUND's UUID was not recorded: it still applies later.
    assert.equal((await appStore(inner.signedPayload)).json.applied, true);
    assert.equal((await subscriptionOf(u)).plan, 'premium');
  });

  test('an expiry ends premium; a purchase whose period has passed is not premium', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const past = appStoreNotification(apple, { type: 'SUBSCRIBED', tx: transaction(token, { expires: Date.now() - 1000 }) });
    expectStatus(await appStore(past.signedPayload), 200, 'SUBSCRIBED in the past');
    assert.equal((await subscriptionOf(u)).plan, 'free');
    assert.equal((await subscriptionOf(u)).status, 'expired');
    const now = appStoreNotification(apple, { type: 'DID_RENEW', tx: transaction(token, { expires: Date.now() + kDay }) });
    expectStatus(await appStore(now.signedPayload), 200, 'DID_RENEW');
    assert.equal((await subscriptionOf(u)).plan, 'premium');
    const expired = appStoreNotification(apple, { type: 'EXPIRED', subtype: 'VOLUNTARY',
      tx: transaction(token, { expires: Date.now() + kDay }) });
    expectStatus(await appStore(expired.signedPayload), 200, 'EXPIRED');
    assert.equal((await subscriptionOf(u)).plan, 'free');
  });
});

async function googlePlay(body, { token = pushToken(pushKey, { aud: kAudience }) } = {}) {
  return post(server, '/api/v1/webhooks/google-play', { json: body, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function rtdn(type, accountToken, purchaseToken, expiry) {
  const sn = { version: '1.0', notificationType: type, purchaseToken, subscriptionId: 'riff.premium.monthly' };
  if (accountToken) sn.obfuscatedExternalAccountId = accountToken;
  if (expiry) sn.riffExpiryTimeMillis = String(expiry);
  return { version: '1.0', packageName: 'com.riff.music', eventTimeMillis: String(Date.now()), subscriptionNotification: sn };
}

describe('Google Play RTDN', () => {
  test('purchase, renewal, cancellation and revocation move the plan; replays change nothing', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const purchase = `gp-${crypto.randomUUID()}`;
    const end1 = Date.now() + 30 * kDay;
    const bought = pubsubPush(rtdn(4, token, purchase, end1));
    const r = await googlePlay(bought);
    expectStatus(r, 200, 'PURCHASED');
    assert.equal(r.json.applied, true);
    let sub = await subscriptionOf(u);
    assert.equal(sub.plan, 'premium');
    assert.equal(sub.source, 'google_play');
    assert.equal(Date.parse(sub.current_period_end), end1);
    assert.equal(await streamedQuality(u), 320);

    // Renewal found by the purchase token alone (RTDN does not repeat the account id).
    expectStatus(await googlePlay(pubsubPush(rtdn(2, null, purchase, end1 + 30 * kDay))), 200, 'RENEWED');
    assert.equal(Date.parse((await subscriptionOf(u)).current_period_end), end1 + 30 * kDay);
    expectStatus(await googlePlay(pubsubPush(rtdn(3, null, purchase))), 200, 'CANCELED');
    sub = await subscriptionOf(u);
    assert.equal(sub.status, 'cancelled');
    assert.equal(sub.plan, 'premium');
    expectStatus(await googlePlay(pubsubPush(rtdn(12, null, purchase))), 200, 'REVOKED');
    assert.equal((await subscriptionOf(u)).plan, 'free', 'revoked = refunded, at once');
    assert.equal(await streamedQuality(u), 160);

    const replay = await googlePlay(bought);
    assert.equal(replay.json.duplicate, true);
    assert.equal((await subscriptionOf(u)).plan, 'free');
  });

  test('a voided purchase refunds; without an expiry a purchase buys 30 days from the event', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const purchase = `gp-${crypto.randomUUID()}`;
    const n = rtdn(4, token, purchase);
    expectStatus(await googlePlay(pubsubPush(n)), 200, 'PURCHASED');
    const sub = await subscriptionOf(u);
    assert.equal(Date.parse(sub.current_period_end), Number(n.eventTimeMillis) + 30 * kDay);
    const voided = { version: '1.0', packageName: 'com.riff.music', eventTimeMillis: String(Date.now()),
      voidedPurchaseNotification: { purchaseToken: purchase, orderId: 'GPA.1', productType: 1, refundType: 1 } };
    expectStatus(await googlePlay(pubsubPush(voided)), 200, 'voided');
    assert.equal((await subscriptionOf(u)).status, 'refunded');
  });

  test('pushes without a valid token are refused and change nothing', async () => {
    const u = await signup(server);
    const token = (await subscriptionOf(u)).account_token;
    const push = pubsubPush(rtdn(4, token, `gp-${crypto.randomUUID()}`, Date.now() + 30 * kDay));
    assertProblem(await googlePlay(push, { token: null }), 401, 'unauthenticated');
    assertProblem(await googlePlay(push, { token: pushToken(pushKey, { aud: 'https://elsewhere' }) }), 401, 'invalid-signature');
    assertProblem(await googlePlay(push, { token: pushToken(pushKey, { aud: kAudience, expiresIn: -10 }) }), 401, 'invalid-signature');
    const stranger = makePushKey(path.join(makeTempDir('riff-plans-k-'), 'x.pem'), 'rsa');
    assertProblem(await googlePlay(push, { token: pushToken(stranger, { aud: kAudience }) }), 401, 'invalid-signature');
    const good = pushToken(pushKey, { aud: kAudience });
    const [h, claims, sig] = good.split('.');
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString());
    c.exp += 86_400;
    assertProblem(await googlePlay(push, { token: `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${sig}` }),
      401, 'invalid-signature');
    assertProblem(await googlePlay({ message: { data: '!!', messageId: '1' } }), 400, 'validation');
    assert.equal((await subscriptionOf(u)).plan, 'free');
    // The refused message was not recorded: delivered properly, it applies.
    assert.equal((await googlePlay(push)).json.applied, true);
    assert.equal((await subscriptionOf(u)).plan, 'premium');
  });
});

describe('offline licences', () => {
  test('a free listener gets no licence and no download', async () => {
    const u = await signup(server);
    assertProblem(await u.post(`/api/v1/tracks/${trackId}/offline-licence`), 403, 'premium-required');
    assertProblem(await u.post(`/api/v1/tracks/${trackId}/offline-licence/renew`), 404, 'not-found');
    assertProblem(await u.get(`/api/v1/tracks/${trackId}/offline-download`), 404, 'not-found');
    assert.deepEqual((await u.get('/api/v1/me/offline-licences')).json, { items: [], next_cursor: null });
  });

  test('a premium listener downloads the top tier under a licence that ends with the plan', async () => {
    const u = await signup(server);
    assert.equal((await adminPut(u.handle, { plan: 'premium', days: 30 })).status, 200);
    assertProblem(await u.post('/api/v1/tracks/99999999/offline-licence'), 404, 'not-found');
    const issued = await u.post(`/api/v1/tracks/${trackId}/offline-licence`);
    expectStatus(issued, 201, 'issue');
    assert.equal(issued.json.track_id, trackId);
    assert.equal(issued.json.quality, 320);
    assert.match(issued.json.licence, /^[\w-]+\.[\w-]+$/);
    const doc = JSON.parse(Buffer.from(issued.json.licence.split('.')[0], 'base64url').toString());
    assert.equal(doc.track, trackId);
    assert.equal(doc.sub, u.id);
    const expires = Date.parse(issued.json.expires_at);
    assert.ok(Math.abs(expires - Date.now() - 30 * kDay) < 3_600_000, issued.json.expires_at);

    const file = await u.get(issued.json.download_url);
    expectStatus(file, 200, 'download');
    assert.equal(file.headers.get('x-riff-quality'), '320');
    const other = await signup(server);
    assertProblem(await other.get(issued.json.download_url), 404, 'not-found');

    const listed = await u.get('/api/v1/me/offline-licences');
    assert.deepEqual(listed.json.items.map((l) => l.id), [issued.json.id]);
    const renewed = await u.post(`/api/v1/tracks/${trackId}/offline-licence/renew`);
    expectStatus(renewed, 200, 'renew');
    assert.equal(renewed.json.id, issued.json.id);
    assert.ok(Date.parse(renewed.json.expires_at) >= expires);

    assert.equal((await adminPut(u.handle, { plan: 'free' })).status, 200);
    assert.deepEqual((await u.get('/api/v1/me/offline-licences')).json.items, [], 'ended licences are not listed');
    assertProblem(await u.post(`/api/v1/tracks/${trackId}/offline-licence/renew`), 403, 'premium-required');
    assertProblem(await u.get(issued.json.download_url), 403, 'premium-required');
  });
});

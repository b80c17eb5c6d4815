// Payments over HTTP: the simulated gateway driven through the admin routes
// (approved, declined, capture later, partial refunds, void, idempotent
// retries), its webhooks booking captures and refunds in the ledger
// asynchronously, and POST /api/v1/webhooks/payments refusing forged,
// altered, stale, replayed and unsigned deliveries with problem+json while
// changing nothing. Ends with `riffd ledger verify` (gateway_match included).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { expectStatus, request, signup, sleep } from '../lib/http.js';
import { ledgerVerify, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll } from '../lib/riffd.js';

const secret = `whsec_${crypto.randomBytes(16).toString('hex')}`;
let ctx;
let buyer;

const admin = (method, path, opts = {}) => request(ctx.server, method, path, { token: ctx.admin.token, ...opts });
const keyed = (key, json) => ({ headers: { 'idempotency-key': key }, ...(json === undefined ? {} : { json }) });

function sign(body, t = Math.floor(Date.now() / 1000), key = secret) {
  const mac = crypto.createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

function deliver(body, signature) {
  const headers = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['riff-signature'] = signature;
  return request(ctx.server, 'POST', '/api/v1/webhooks/payments', { headers, body });
}

async function balances(user) {
  const res = await user.get('/api/v1/me/balances');
  expectStatus(res, 200);
  return Object.fromEntries(res.json.items.map((a) => [a.kind, a.balance]));
}

/// Waits until the buyer's balances equal `expected` (webhooks arrive asynchronously).
async function eventually(user, expected) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await balances(user);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await sleep(100);
  }
  assert.deepEqual(last, expected, 'balances after the webhooks');
}

async function ledgerCount() {
  const res = await admin('GET', '/api/v1/admin/ledger/transactions?limit=200');
  return res.json.items.length;
}

before(async () => {
  ctx = await startWithAdmin({ env: { RIFF_PAYMENTS_WEBHOOK_SECRET: secret } });
  buyer = await signup(ctx.server);
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

describe('payments', () => {
  test('an approved payment is booked once by its webhook; a retried call makes no second one', async () => {
    const body = { amount: 2500, currency: 'USD', payment_method: 'tok_visa', customer_id: buyer.id, reference: 'order:1' };
    const first = await admin('POST', '/api/v1/admin/payments/intents', keyed('pay-1', body));
    expectStatus(first, 201, 'authorize');
    assert.equal(first.json.status, 'succeeded');
    assert.match(first.json.id, /^pi_\d+$/);
    const again = await admin('POST', '/api/v1/admin/payments/intents', keyed('pay-1', body));
    assert.equal(again.json.id, first.json.id);
    await eventually(buyer, { buyer_payments: 2500 });
  });

  test('declined cards fail with their code and book nothing', async () => {
    const before = await ledgerCount();
    for (const [token, code] of [['tok_chargeDeclined', 'card_declined'], ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds']]) {
      const res = await admin('POST', '/api/v1/admin/payments/intents',
        keyed(`decl-${token}`, { amount: 100, currency: 'USD', payment_method: token, customer_id: buyer.id }));
      expectStatus(res, 201);
      assert.equal(res.json.status, 'failed');
      assert.equal(res.json.decline_code, code);
    }
    assertProblem(await admin('POST', '/api/v1/admin/payments/intents',
      keyed('decl-x', { amount: 100, currency: 'USD', payment_method: 'tok_nope', customer_id: buyer.id })),
    400, 'validation', { pointer: '/payment_method' });
    await sleep(1500);
    assert.equal(await ledgerCount(), before);
  });

  test('capture later, refund in parts, void: the ledger follows the gateway', async () => {
    const held = await admin('POST', '/api/v1/admin/payments/intents',
      keyed('pay-2', { amount: 5000, currency: 'USD', payment_method: 'tok_visa', customer_id: buyer.id, capture_later: true }));
    expectStatus(held, 201);
    assert.equal(held.json.status, 'requires_capture');
    const id = held.json.id;
    assertProblem(await admin('POST', `/api/v1/admin/payments/intents/${id}/refunds`, keyed('r0', { amount: 1 })), 409, 'payment-state');
    const cap = await admin('POST', `/api/v1/admin/payments/intents/${id}/capture`, keyed('c1', { amount: 4000 }));
    expectStatus(cap, 200, 'capture');
    assert.equal(cap.json.amount_captured, 4000);
    expectStatus(await admin('POST', `/api/v1/admin/payments/intents/${id}/refunds`, keyed('r1', { amount: 1000 })), 201);
    expectStatus(await admin('POST', `/api/v1/admin/payments/intents/${id}/refunds`, keyed('r1', { amount: 1000 })), 201);
    assertProblem(await admin('POST', `/api/v1/admin/payments/intents/${id}/refunds`, keyed('r2', { amount: 3001 })), 400, 'validation');
    assertProblem(await admin('POST', `/api/v1/admin/payments/intents/${id}/refunds`, { json: { amount: 5 } }), 400, 'validation',
      { pointer: '/headers/Idempotency-Key' });
    const other = await admin('POST', '/api/v1/admin/payments/intents',
      keyed('pay-3', { amount: 700, currency: 'USD', payment_method: 'tok_visa', customer_id: buyer.id, capture_later: true }));
    const voided = await admin('POST', `/api/v1/admin/payments/intents/${other.json.id}/void`, keyed('v1'));
    expectStatus(voided, 200);
    assert.equal(voided.json.status, 'canceled');
    const got = await admin('GET', `/api/v1/admin/payments/intents/${id}`);
    assert.equal(got.json.amount_refunded, 1000);
    // 2500 + 4000 captured, 1000 refunded.
    await eventually(buyer, { buyer_payments: 5500 });
    assertProblem(await buyer.post('/api/v1/admin/payments/intents', keyed('x', { amount: 1, currency: 'USD', payment_method: 'tok_visa', customer_id: buyer.id })), 403, 'forbidden');
  });

  test('forged, altered, stale, replayed and unsigned webhooks are refused and change nothing', async () => {
    const intent = await admin('POST', '/api/v1/admin/payments/intents',
      keyed('pay-4', { amount: 300, currency: 'USD', payment_method: 'tok_visa', customer_id: buyer.id }));
    await eventually(buyer, { buyer_payments: 5800 });
    const before = await ledgerCount();
    // An attacker's "capture" of 100000 on a real intent, under a fresh event id.
    const fake = JSON.stringify({
      id: `evt_fake_${crypto.randomBytes(4).toString('hex')}`,
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: intent.json.id, object: 'payment_intent', amount: 100000, amount_captured: 100000, currency: 'USD', status: 'succeeded', customer: buyer.id } },
    });
    assertProblem(await deliver(fake, sign(fake, undefined, 'whsec_guessed')), 400, 'webhook-signature');
    assertProblem(await deliver(fake), 400, 'webhook-signature');
    assertProblem(await deliver(fake, 'v1=deadbeef'), 400, 'webhook-signature');
    const genuine = sign(fake);
    assertProblem(await deliver(fake.replace('100000,"currency"', '100001,"currency"'), genuine), 400, 'webhook-signature');
    assertProblem(await deliver(fake, sign(fake, Math.floor(Date.now() / 1000) - 301)), 400, 'webhook-stale');
    assertProblem(await deliver('not json', sign('not json')), 400, 'webhook-malformed');
    assert.equal(await ledgerCount(), before);
    assert.deepEqual(await balances(buyer), { buyer_payments: 5800 });

    // A validly signed event is processed once; the same request again is a replay.
    const info = JSON.stringify({
      id: `evt_info_${crypto.randomBytes(4).toString('hex')}`,
      type: 'payment_intent.amount_capturable_updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_1', object: 'payment_intent', status: 'requires_capture' } },
    });
    const signature = sign(info);
    const ok = await deliver(info, signature);
    expectStatus(ok, 200, 'signed event');
    assert.equal(ok.json.received, true);
    assertProblem(await deliver(info, signature), 409, 'webhook-replayed');
    assert.equal(await ledgerCount(), before);
  });

  test('riffd ledger verify passes, the gateway and the ledger agreeing', async () => {
    const res = await ledgerVerify(ctx);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /gateway_match\s+ok/);
  });
});

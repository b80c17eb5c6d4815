// Carts, checkout and orders, black-box: prices from the server, one order
// per shop, the Idempotency-Key making one order and one charge even when
// sent concurrently, declined cards and too little stock changing nothing,
// who may see and change an order, and the ledger balanced after payment,
// shipping, delivery and a cancellation with refund. Runs on SQLite, or
// PostgreSQL with RIFF_TEST_DB=postgres.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectStatus, signup, uniqueHandle } from '../lib/http.js';
import { entry, ledgerVerify, postTransfer, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll } from '../lib/riffd.js';

let ctx;
let server;
before(async () => {
  ctx = await startWithAdmin({ args: ['--tax-rates', 'US-CA:725', '--platform-fee-bps', '500'] });
  server = ctx.server;
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

const address = { name: 'Bo Buyer', line1: '1 Main St', city: 'Los Angeles', region: 'CA', postal_code: '90001', country: 'us' };
let keyCounter = 0;
const newKey = () => `test-key-${process.pid}-${++keyCounter}`;

/// A seller with an active product of one variant; returns {user, shop, product, variant}.
async function seller({ price = 2000, onHand = 10 } = {}) {
  const user = await signup(server);
  const shop = await user.post('/api/v1/me/shop', {
    json: { name: `Shop ${user.handle}`, handle: uniqueHandle('s').replace(/_/g, '-'), currency: 'USD' },
  });
  expectStatus(shop, 201, 'open shop');
  const product = await user.post('/api/v1/me/shop/products', {
    json: { title: `Mug of ${user.handle}`, status: 'active', variants: [{ sku: `mug-${user.handle}`, price, on_hand: onHand }] },
  });
  expectStatus(product, 201, 'create product');
  return { user, shop: shop.json, product: product.json, variant: product.json.variants[0].id };
}

function checkout(user, body, key = newKey()) {
  return user.post('/api/v1/checkout', { json: { shipping_address: address, payment_method: 'tok_visa', ...body }, headers: { 'idempotency-key': key } });
}

async function eventually(fn, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function paid(user, checkoutId) {
  return eventually(async () => {
    const r = await user.get(`/api/v1/checkouts/${checkoutId}`);
    expectStatus(r, 200, 'read checkout');
    return r.json.status === 'paid' ? r.json : null;
  }, `checkout ${checkoutId} to be paid`);
}

async function available(s) {
  const r = await s.user.get(`/api/v1/me/shop/products`);
  const p = r.json.items.find((x) => x.id === s.product.id);
  const full = await s.user.get(`/api/v1/products/${p.id}`);
  return full.json.variants[0].on_hand - full.json.variants[0].reserved;
}

describe('cart and checkout', () => {
  test('a cart becomes one paid order per shop, priced by the server, and the ledger balances', async () => {
    const a = await seller({ price: 2000 });
    const b = await seller({ price: 1500 });
    expectStatus(await a.user.put('/api/v1/me/shop/shipping-options', {
      json: { items: [{ name: 'Express', price: 900, min_days: 1, max_days: 2 }, { name: 'Standard', price: 300, min_days: 3, max_days: 7 }] },
    }), 200);
    const coupon = await a.user.post('/api/v1/me/shop/coupons', { json: { code: 'take10', kind: 'percent', value: 10 } });
    expectStatus(coupon, 201, 'coupon');
    assert.equal(coupon.json.code, 'TAKE10');
    const buyer = await signup(server);

    // A client's price is ignored: only ids and quantities count.
    expectStatus(await buyer.put(`/api/v1/me/cart/items/${a.variant}`, { json: { quantity: 2, unit_price: 1 } }), 200);
    const cart = await buyer.put(`/api/v1/me/cart/items/${b.variant}`, { json: { quantity: 1 } });
    expectStatus(cart, 200);
    assert.equal(cart.json.item_count, 3);
    assert.equal(cart.json.subtotal, 2 * 2000 + 1500);
    assertProblem(await buyer.put(`/api/v1/me/cart/items/${a.variant}`, { json: { quantity: 100 } }), 400, 'validation');
    assertProblem(await a.user.put(`/api/v1/me/cart/items/${a.variant}`, { json: { quantity: 1 } }), 400, 'validation');

    const quote = await buyer.post('/api/v1/checkout/quote', { json: { shipping_address: address, coupons: ['TAKE10'], total: 1 } });
    expectStatus(quote, 200, 'quote');
    const qa = quote.json.shops.find((s) => s.shop.id === a.shop.id);
    assert.equal(qa.shipping.name, 'Standard');  // the cheapest by default
    assert.equal(qa.subtotal, 4000);
    assert.equal(qa.discount, 400);
    assert.equal(qa.tax, Math.round((4000 - 400 + 300) * 0.0725));
    assert.equal(quote.json.total, quote.json.shops.reduce((n, s) => n + s.total, 0));

    assertProblem(await buyer.post('/api/v1/checkout', { json: { shipping_address: address, payment_method: 'tok_visa' } }), 400, 'validation');
    const placed = await checkout(buyer, { coupons: ['take10'] });
    expectStatus(placed, 201, 'checkout');
    assert.equal(placed.json.orders.length, 2);
    assert.equal(placed.json.total, quote.json.total);
    assert.ok(['processing', 'paid'].includes(placed.json.status));
    assert.equal((await buyer.get('/api/v1/me/cart')).json.items.length, 0, 'the cart was bought');

    const done = await paid(buyer, placed.json.id);
    for (const o of done.orders) assert.equal(o.status, 'awaiting_shipment');
    const mine = await buyer.get('/api/v1/me/orders?status=awaiting_shipment');
    expectStatus(mine, 200);
    assert.deepEqual(new Set(mine.json.items.map((o) => o.id)), new Set(done.orders.map((o) => o.id)));
    assert.equal(mine.json.items[0].seller_share, undefined, 'buyers do not see the split');

    const orderA = done.orders.find((o) => o.shop.id === a.shop.id);
    const sellerView = await a.user.get('/api/v1/me/shop/orders');
    expectStatus(sellerView, 200);
    assert.deepEqual(sellerView.json.items.map((o) => o.id), [orderA.id], 'a seller sees only their own shop\'s orders');
    assert.equal(sellerView.json.items[0].seller_share, orderA.total - sellerView.json.items[0].platform_fee - orderA.tax);

    // Nobody else sees or changes it.
    const eve = await signup(server);
    assertProblem(await eve.get(`/api/v1/orders/${orderA.id}`), 404, 'not-found');
    assertProblem(await eve.post(`/api/v1/orders/${orderA.id}/ship`, { json: { carrier: 'UPS', tracking_number: '1Z1' } }), 404, 'not-found');
    assertProblem(await buyer.post(`/api/v1/orders/${orderA.id}/ship`, { json: { carrier: 'UPS', tracking_number: '1Z1' } }), 403, 'forbidden');
    assertProblem(await b.user.get(`/api/v1/orders/${orderA.id}`), 404, 'not-found');

    const shipped = await a.user.post(`/api/v1/orders/${orderA.id}/ship`, { json: { carrier: 'UPS', tracking_number: '1Z999AA1' } });
    expectStatus(shipped, 200, 'ship');
    assert.equal(shipped.json.status, 'in_transit');
    assert.equal(shipped.json.tracking_number, '1Z999AA1');
    const delivered = await buyer.post(`/api/v1/orders/${orderA.id}/deliver`);
    expectStatus(delivered, 200, 'deliver');
    assert.deepEqual(delivered.json.history.map((h) => h.status), ['unpaid', 'awaiting_shipment', 'in_transit', 'delivered']);

    const verify = await ledgerVerify(ctx);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  test('one Idempotency-Key sent eight times at once makes one order and one charge', async () => {
    const s = await seller({ onHand: 5 });
    const buyer = await signup(server);
    const key = newKey();
    const body = { items: [{ variant_id: s.variant, quantity: 2 }] };
    const all = await Promise.all(Array.from({ length: 8 }, () => checkout(buyer, body, key)));
    for (const r of all) expectStatus(r, 201, 'same checkout');
    assert.equal(new Set(all.map((r) => r.json.id)).size, 1);
    await paid(buyer, all[0].json.id);
    const orders = await buyer.get('/api/v1/me/orders');
    assert.equal(orders.json.items.length, 1);
    assert.equal(await available(s), 3);
    // The key with another body is refused and changes nothing.
    assertProblem(await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 1 }] }, key), 409, 'conflict');
    assert.equal(await available(s), 3);
  });

  test('a declined card and too little stock each leave nothing behind', async () => {
    const s = await seller({ onHand: 1 });
    const buyer = await signup(server);
    const declined = await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 1 }], payment_method: 'tok_chargeDeclined' });
    assertProblem(declined, 402, 'payment-declined');
    assert.equal(await available(s), 1);
    const cancelled = await buyer.get('/api/v1/me/orders?status=cancelled');
    assert.equal(cancelled.json.items.length, 1);

    const tooMany = await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 2 }] });
    assertProblem(tooMany, 409, 'out-of-stock');
    assert.equal(await available(s), 1);
    assert.equal((await buyer.get('/api/v1/me/orders')).json.items.length, 1);
    assertProblem(await checkout(buyer, { items: [{ variant_id: '123', quantity: 1 }] }), 400, 'validation');
    assertProblem(await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 1 }], shipping_address: { ...address, country: 'ZZ' } }), 400, 'validation');
  });

  test('cancelling a paid order restocks it and refunds the buyer through the gateway', async () => {
    const s = await seller({ onHand: 3 });
    const buyer = await signup(server);
    const placed = await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 2 }] });
    expectStatus(placed, 201);
    const done = await paid(buyer, placed.json.id);
    const order = done.orders[0];
    assert.equal(await available(s), 1);
    assertProblem(await buyer.post(`/api/v1/orders/${order.id}/cancel`, { json: {} }), 400, 'validation');  // no Idempotency-Key
    const key = newKey();
    const cancel = () => buyer.post(`/api/v1/orders/${order.id}/cancel`, { json: { reason: 'changed my mind' }, headers: { 'idempotency-key': key } });
    const first = await cancel();
    expectStatus(first, 200, 'cancel');
    assert.equal(first.json.status, 'cancelled');
    assert.equal(first.json.refunded, order.total);
    expectStatus(await cancel(), 200, 'retried cancel');
    assert.equal(await available(s), 3);
    // The refund reaches the gateway and its webhook books it: the ledger balances.
    await eventually(async () => (await ledgerVerify(ctx)).code === 0, 'the ledger to balance after the refund');
    const refunds = await eventually(async () => {
      const r = await fetch(`${server.url}/api/v1/admin/payments/intents/${done.payment_intent}`, { headers: { authorization: `Bearer ${ctx.admin.token}` } });
      const j = await r.json();
      return j.amount_refunded === order.total ? j : null;
    }, 'the gateway refund');
    assert.equal(refunds.amount_refunded, order.total);
  });

  test('a creator\'s showcase tap earns the affiliate rate; the seller and the creator each see only their side', async () => {
    const s = await seller({ price: 4000, onHand: 5 });
    const creator = await signup(server);
    const plan = await s.user.post('/api/v1/me/shop/affiliate-plans', { json: { rate_bps: 1000 } });
    expectStatus(plan, 201, 'open plan');
    assert.equal(plan.json.kind, 'open');
    const targeted = await s.user.post('/api/v1/me/shop/affiliate-plans', { json: { rate_bps: 2500, creator_id: creator.id, product_id: s.product.id } });
    expectStatus(targeted, 201, 'targeted plan');
    assertProblem(await s.user.post('/api/v1/me/shop/affiliate-plans', { json: { rate_bps: 9000 } }), 400, 'validation');
    assertProblem(await creator.post('/api/v1/me/shop/affiliate-plans', { json: { rate_bps: 1000 } }), 404, 'not-found');

    const promotable = await creator.get('/api/v1/affiliate/products');
    expectStatus(promotable, 200);
    const mine = promotable.json.items.find((p) => p.product_id === s.product.id);
    assert.equal(mine.rate_bps, 2500);
    assert.equal(mine.targeted, true);

    expectStatus(await creator.post(`/api/v1/me/showcase/${s.product.id}`), 204, 'showcase');
    const buyer = await signup(server);
    expectStatus(await buyer.post(`/api/v1/products/${s.product.id}/taps`, { json: { source: 'showcase', creator_id: creator.id } }), 201, 'tap');
    const placed = await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 1 }] });
    expectStatus(placed, 201);
    const done = await paid(buyer, placed.json.id);
    assert.equal(done.orders[0].items[0].commission, undefined, 'the buyer does not see commissions');

    const sellerOrder = await s.user.get(`/api/v1/orders/${done.orders[0].id}`);
    assert.equal(sellerOrder.json.items[0].creator_id, creator.id);
    assert.equal(sellerOrder.json.items[0].commission, 1000);
    assert.equal(sellerOrder.json.seller_share, sellerOrder.json.total - sellerOrder.json.tax - 200 - 1000);

    const earnings = await creator.get('/api/v1/me/affiliate/earnings');
    expectStatus(earnings, 200);
    assert.equal(earnings.json.items.length, 1);
    assert.equal(earnings.json.items[0].commission, 1000);
    assert.equal(earnings.json.items[0].status, 'pending');
    assert.equal(earnings.json.pending, 1000);
    assert.equal((await buyer.get('/api/v1/me/affiliate/earnings')).json.items.length, 0, 'only the creator sees their earnings');
    const report = await s.user.get('/api/v1/me/shop/affiliate-report');
    assert.deepEqual(report.json.items.map((l) => [l.creator.id, l.commission]), [[creator.id, 1000]]);
    assertProblem(await creator.get('/api/v1/me/shop/affiliate-report'), 404, 'not-found');
  });

  test('a delivered order takes a partial return the seller approves, and a rejection the buyer can see', async () => {
    const s = await seller({ price: 3000, onHand: 5 });
    const buyer = await signup(server);
    const placed = await checkout(buyer, { items: [{ variant_id: s.variant, quantity: 2 }] });
    expectStatus(placed, 201);
    const order = (await paid(buyer, placed.json.id)).orders[0];
    assertProblem(await buyer.post(`/api/v1/orders/${order.id}/returns`, { json: { reason: 'too early' } }), 409, 'conflict');
    expectStatus(await s.user.post(`/api/v1/orders/${order.id}/ship`, { json: { carrier: 'DHL', tracking_number: 'JD0001' } }), 200);
    expectStatus(await s.user.post(`/api/v1/orders/${order.id}/deliver`), 200);

    const asked = await buyer.post(`/api/v1/orders/${order.id}/returns`, { json: { reason: 'one arrived broken', amount: 3000, kind: 'return_and_refund' } });
    expectStatus(asked, 201, 'return request');
    assert.equal(asked.json.state, 'requested');
    assertProblem(await buyer.post(`/api/v1/orders/${order.id}/returns`, { json: { reason: 'again' } }), 409, 'conflict');
    const queue = await s.user.get('/api/v1/me/shop/returns?state=requested');
    assert.deepEqual(queue.json.items.map((r) => r.id), [asked.json.id]);
    assertProblem(await buyer.post(`/api/v1/returns/${asked.json.id}/approve`, { headers: { 'idempotency-key': newKey() } }), 403, 'forbidden');
    const key = newKey();
    const approved = await s.user.post(`/api/v1/returns/${asked.json.id}/approve`, { headers: { 'idempotency-key': key } });
    expectStatus(approved, 200, 'approve');
    assert.equal(approved.json.state, 'approved');
    expectStatus(await s.user.post(`/api/v1/returns/${asked.json.id}/approve`, { headers: { 'idempotency-key': key } }), 200, 'retried approval');
    const after = await buyer.get(`/api/v1/orders/${order.id}`);
    assert.equal(after.json.refunded, 3000);

    const second = await buyer.post(`/api/v1/orders/${order.id}/returns`, { json: { reason: 'changed my mind' } });
    expectStatus(second, 201);
    assert.equal(second.json.amount, order.total - 3000);
    assertProblem(await s.user.post(`/api/v1/returns/${second.json.id}/reject`, { json: {} }), 400, 'validation');
    const rejected = await s.user.post(`/api/v1/returns/${second.json.id}/reject`, { json: { note: 'outside our policy for opened items' } });
    expectStatus(rejected, 200);
    const seen = await buyer.get(`/api/v1/orders/${order.id}/returns`);
    assert.deepEqual(seen.json.items.map((r) => r.state), ['approved', 'rejected']);
    assert.equal(seen.json.items[1].seller_note, 'outside our policy for opened items');
    await eventually(async () => (await ledgerVerify(ctx)).code === 0, 'the ledger to balance after the return');
  });

  test('a seller pays out what is available, once per key, never more than they have', async () => {
    const s = await seller();
    const pay = (amount, key) => s.user.post('/api/v1/me/payouts', { json: { from: 'seller', currency: 'USD', amount }, headers: { 'idempotency-key': key } });
    assertProblem(await s.user.post('/api/v1/me/payouts', { json: { from: 'seller', currency: 'USD', amount: 1 } }), 400, 'validation');
    assertProblem(await pay(100, newKey()), 409, 'insufficient-funds');
    // What settled orders leave available (an administrator's journal entry stands in for them here).
    const credited = await postTransfer(ctx, newKey(), {
      kind: 'test', reference: `settled:${s.user.id}`,
      entries: [entry('seller_pending', s.user.id, 1000), entry('seller_available', s.user.id, -1000)],
    });
    assert.equal(credited.status, 201, await credited.text());
    const key = newKey();
    const first = await pay(600, key);
    expectStatus(first, 201, 'payout');
    expectStatus(await pay(600, key), 200, 'the same payout again');
    assertProblem(await pay(600, newKey()), 409, 'insufficient-funds');
    const balances = (await s.user.get('/api/v1/me/balances')).json.items;
    const of = (kind) => balances.find((a) => a.kind === kind)?.balance;
    assert.equal(of('seller_available'), 400);
    assert.equal(of('payouts'), 600);
    assertProblem(await s.user.post('/api/v1/me/payouts', { json: { from: 'creator', currency: 'USD', amount: 1 }, headers: { 'idempotency-key': newKey() } }), 409, 'insufficient-funds');
  });
});

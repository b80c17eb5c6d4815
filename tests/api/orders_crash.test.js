// Crash safety of checkout and orders: concurrent buyers check out (some
// with declined cards), cancel, and sellers ship and deliver, while riffd is
// SIGKILLed at random moments and restarted on the same data, several
// times. Then every checkout is retried with its Idempotency-Key and the
// background work (webhooks, refunds, expiries) drains. Afterwards:
// `riffd ledger verify` passes, every acknowledged checkout exists, each
// checkout was charged at most once and each paid one captured exactly its
// amount, each paid order was booked exactly once, and the stock adds up.
// RIFF_CRASH_ROUNDS sets the number of kills (default 5).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { crashLoop } from '../lib/crash.js';
import { expectStatus, signup, sleep, uniqueHandle } from '../lib/http.js';
import { ledgerVerify, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { cleanupAll, sqlite } from '../lib/riffd.js';

const execFileP = promisify(execFile);
const rounds = Number(process.env.RIFF_CRASH_ROUNDS ?? 5);
const kStock = 40;
let ctx;
const sellers = [];
const buyers = [];
const variants = [];

async function rows(statement) {
  let out;
  if (ctx.pgUrl) {
    out = (await execFileP('psql', ['-X', '-q', '-At', '-F', '|', '-d', ctx.pgUrl, '-c', statement])).stdout;
  } else {
    out = await sqlite(ctx.server.sqlitePath, statement);
  }
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}
const scalar = async (statement) => Number((await rows(statement))[0][0]);

const address = { name: 'Crash Buyer', line1: '1 Main St', city: 'Los Angeles', region: 'CA', postal_code: '90001', country: 'US' };

function call(user, method, path, { key, json } = {}) {
  const headers = { authorization: `Bearer ${user.token}` };
  if (key) headers['idempotency-key'] = key;
  if (json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${ctx.server.url}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
}

/// Checkout number n: the same buyer, items, card and key every time.
function checkoutOp(n) {
  const buyer = buyers[n % buyers.length];
  const variant = variants[(n * 7) % variants.length];
  const card = n % 11 === 0 ? 'tok_chargeDeclined' : 'tok_visa';
  const body = { items: [{ variant_id: variant, quantity: 1 + (n % 2) }], shipping_address: address, payment_method: card };
  return { buyer, key: `co-${n}`, body };
}

async function operation(n) {
  switch (n % 6) {
    case 4: { // a buyer cancels their latest order that can be cancelled
      const buyer = buyers[n % buyers.length];
      const list = await (await call(buyer, 'GET', '/api/v1/me/orders?status=awaiting_shipment&limit=1')).json();
      if (!list.items?.length) return { key: null, ack: false };
      const res = await call(buyer, 'POST', `/api/v1/orders/${list.items[0].id}/cancel`, { key: `cancel-${n}`, json: {} });
      await res.text();
      return { key: `cancel-${n}`, ack: res.status === 200 };
    }
    case 5: { // a seller ships and delivers their oldest paid order
      const seller = sellers[n % sellers.length];
      const list = await (await call(seller, 'GET', '/api/v1/me/shop/orders?status=awaiting_shipment&limit=1')).json();
      if (!list.items?.length) return { key: null, ack: false };
      const id = list.items[0].id;
      const shipped = await call(seller, 'POST', `/api/v1/orders/${id}/ship`, { json: { carrier: 'UPS', tracking_number: `1Z${n}` } });
      await shipped.text();
      const delivered = await call(seller, 'POST', `/api/v1/orders/${id}/deliver`);
      await delivered.text();
      return { key: null, ack: delivered.status === 200 };
    }
    default: {
      const { buyer, key, body } = checkoutOp(n);
      const res = await call(buyer, 'POST', '/api/v1/checkout', { key, json: body });
      await res.text();
      return { key, ack: [201, 402, 409].includes(res.status), status: res.status };
    }
  }
}

before(async () => {
  // Short leases (a job running when riffd died resumes soon) and a short
  // payment window (some checkouts expire while the server is down).
  ctx = await startWithAdmin({ env: { RIFF_JOB_LEASE_SECONDS: '2', RIFF_PAYMENT_TIMEOUT_SECONDS: '4', RIFF_TAX_RATES: 'US-CA:725' } });
  for (let i = 0; i < 3; i++) {
    const seller = await signup(ctx.server);
    expectStatus(await seller.post('/api/v1/me/shop', { json: { name: `Crash shop ${i}`, handle: uniqueHandle('cs').replace(/_/g, '-'), currency: 'USD' } }), 201);
    for (let j = 0; j < 2; j++) {
      const p = await seller.post('/api/v1/me/shop/products', {
        json: { title: `Thing ${i}-${j}`, status: 'active', variants: [{ sku: `crash-${i}-${j}`, price: 1000 + 250 * j, on_hand: kStock }] },
      });
      expectStatus(p, 201);
      variants.push(p.json.variants[0].id);
    }
    sellers.push(seller);
  }
  for (let i = 0; i < 5; i++) buyers.push(await signup(ctx.server));
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

test('SIGKILLs during checkouts, cancellations and deliveries lose nothing acknowledged, charge once, and verify passes', { timeout: 600_000 }, async () => {
  const journal = await crashLoop(ctx, {
    rounds,
    op: async (_ctx, n, entry) => {
      const r = await operation(n);
      entry.status = r.status;
      return r;
    },
  });
  const checkouts = journal.filter((e) => e.n % 6 < 4);
  assert.ok(checkouts.filter((e) => e.ack).length > 10, 'the workload made progress');

  // Every checkout again with its key: the first answer stands (or it is made now).
  for (const e of checkouts) {
    const { buyer, key, body } = checkoutOp(e.n);
    const res = await call(buyer, 'POST', '/api/v1/checkout', { key, json: body });
    const text = await res.text();
    assert.ok([201, 402, 409].includes(res.status), `checkout ${e.n} retried: HTTP ${res.status} ${text}`);
    if (e.ack && e.status === 201) assert.equal(res.status, 201, `acknowledged checkout ${e.n} answers the same`);
  }

  // Background work drains: webhook deliveries, refunds, and the expiry of unpaid checkouts.
  const busy = "SELECT COUNT(*) FROM jobs WHERE kind IN ('payments.webhook', 'orders.refund', 'orders.expire') AND state IN (0, 1)";
  for (let i = 0; i < 240 && (await scalar(busy)) > 0; i++) await sleep(250);
  assert.equal(await scalar(busy), 0, 'the background work drained');

  // Each acknowledged checkout exists.
  const keys = new Set((await rows('SELECT idempotency_key FROM checkouts')).map((r) => r[0]));
  for (const e of checkouts) {
    if (e.ack && e.status !== 409) assert.ok(keys.has(`co-${e.n}`), `acknowledged checkout ${e.n} survived`);
  }
  // At most one charge per checkout; each paid checkout captured exactly its amount.
  assert.deepEqual(await rows("SELECT reference FROM gateway_intents GROUP BY reference HAVING COUNT(*) > 1"), [], 'one charge per checkout');
  const wrong = await rows(
    "SELECT c.id, c.amount, i.amount_captured FROM checkouts c JOIN gateway_intents i ON i.reference = 'checkout:' || CAST(c.id AS TEXT)" +
    " WHERE c.state = 2 AND i.amount_captured <> c.amount");
  assert.deepEqual(wrong, [], 'each paid checkout captured its amount');
  // Each paid order booked once; no order left unpaid.
  assert.deepEqual(await rows("SELECT reference FROM ledger_transactions WHERE kind = 'order_paid' GROUP BY reference HAVING COUNT(*) > 1"), []);
  assert.equal(await scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'order_paid'"),
    await scalar('SELECT COUNT(*) FROM orders WHERE paid_at IS NOT NULL AND total > 0'), 'one booking per paid order');
  assert.equal(await scalar('SELECT COUNT(*) FROM orders WHERE status = 0'), 0, 'no order is left unpaid');
  // Stock adds up: on hand + sold in orders not cancelled = the starting stock; nothing held.
  for (const v of variants) {
    const [onHand, reserved] = (await rows(`SELECT on_hand, reserved FROM product_variants WHERE id = ${v}`))[0].map(Number);
    const sold = await scalar(`SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.variant_id = ${v} AND o.paid_at IS NOT NULL AND o.status <> 5`);
    assert.equal(reserved, 0, `variant ${v} holds nothing`);
    assert.equal(onHand + sold, kStock, `variant ${v}: ${onHand} on hand + ${sold} sold`);
  }
  const res = await fetch(`${ctx.server.url}/api/v1/admin/ledger/verify`, { headers: { authorization: `Bearer ${ctx.admin.token}` } });
  const report = await res.json();
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  await ctx.server.stop();
  const verified = await ledgerVerify(ctx);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});

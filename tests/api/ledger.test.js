// The ledger over HTTP and the command line: manual journal entries
// (balanced, idempotent, refused when unbalanced or overdrawn, changing
// nothing then), admin-only reads with pagination, a user's own balances,
// payouts capped by the available balance, and `riffd ledger verify` passing
// on a healthy ledger and failing (exit 1, the invariant named) on one
// corrupted behind riff's back.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { collectPages, expectStatus, request, signup } from '../lib/http.js';
import { entry, ledgerVerify, postTransfer, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, runRiffd, sqlite } from '../lib/riffd.js';

const execFileP = promisify(execFile);

let ctx;
let seller;
let creator;

async function json(resPromise) {
  const res = await resPromise;
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

const admin = (method, path, opts = {}) => request(ctx.server, method, path, { token: ctx.admin.token, ...opts });

before(async () => {
  ctx = await startWithAdmin();
  seller = await signup(ctx.server);
  creator = await signup(ctx.server);
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

function order(n, amount) {
  // A captured payment split between the seller, riff and the creator.
  return {
    kind: 'order_paid',
    reference: `order:${n}`,
    entries: [
      entry('gateway_clearing', 0, amount),
      entry('seller_available', seller.id, -(amount - amount / 10 - amount / 20)),
      entry('platform_fees', 0, -amount / 10),
      entry('creator_pending', creator.id, -amount / 20),
    ],
  };
}

describe('ledger', () => {
  test('a balanced journal entry is posted once per Idempotency-Key', async () => {
    const first = await json(postTransfer(ctx, 'order-1', order(1, 2000)));
    expectStatus(first, 201, 'post');
    assert.equal(first.json.entries.length, 4);
    assert.equal(first.json.reference, 'order:1');
    const again = await json(postTransfer(ctx, 'order-1', order(1, 2000)));
    expectStatus(again, 200, 'replay');
    assert.equal(again.json.id, first.json.id);
    const other = await json(postTransfer(ctx, 'order-1', order(1, 4000)));
    assertProblem(other, 409, 'idempotency-key-reused');

    const balances = await seller.get('/api/v1/me/balances');
    expectStatus(balances, 200);
    assert.deepEqual(
      balances.json.items.map((a) => [a.kind, a.currency, a.balance, a.normal_side]),
      [['seller_available', 'USD', 1700, 'credit']],
    );
    const creatorBalances = await creator.get('/api/v1/me/balances');
    assert.deepEqual(creatorBalances.json.items.map((a) => [a.kind, a.balance]), [['creator_pending', 100]]);
  });

  test('bad entries are refused with the fields named and post nothing', async () => {
    const before = (await admin('GET', '/api/v1/admin/ledger/transactions?limit=200')).json.items.length;
    const unbalanced = order(2, 1000);
    unbalanced.entries[0].amount = 999;
    assertProblem(await json(postTransfer(ctx, 'bad-1', unbalanced)), 400, 'validation', { pointer: '/entries' });
    assertProblem(
      await json(postTransfer(ctx, 'bad-2', { entries: [entry('nonsense', 0, 5), entry('platform_fees', 0, -5)] })),
      400, 'validation', { pointer: '/entries/0/kind' });
    assertProblem(
      await json(postTransfer(ctx, 'bad-3', { entries: [entry('seller_available', 0, 5), entry('platform_fees', 0, -5, 'usd')] })),
      400, 'validation', { pointer: '/entries/1/currency' });
    assertProblem(await json(postTransfer(ctx, 'bad-4', { entries: 'many' })), 400, 'validation', { pointer: '/entries' });
    const noKey = await admin('POST', '/api/v1/admin/ledger/transactions', { json: order(3, 1000) });
    assertProblem(noKey, 400, 'validation', { pointer: '/headers/Idempotency-Key' });
    const after = (await admin('GET', '/api/v1/admin/ledger/transactions?limit=200')).json.items.length;
    assert.equal(after, before);
  });

  test('payouts never exceed the available balance', async () => {
    const payout = (key, amount) =>
      admin('POST', '/api/v1/admin/ledger/payouts', {
        headers: { 'idempotency-key': key },
        json: { owner_id: seller.id, currency: 'USD', amount, gateway_reference: `po_${key}` },
      });
    assertProblem(await payout('p1', 1701), 409, 'insufficient-funds');
    const paid = await payout('p2', 1200);
    expectStatus(paid, 201, 'payout');
    assert.equal((await payout('p2', 1200)).status, 200, 'a retried payout is not paid twice');
    const items = (await seller.get('/api/v1/me/balances')).json.items;
    assert.deepEqual(items.map((a) => [a.kind, a.balance]), [['payouts', 1200], ['seller_available', 500]]);
    // A journal entry cannot overdraw it either.
    const overdraw = { entries: [entry('seller_available', seller.id, 501), entry('platform_cash', 0, -501)] };
    assertProblem(await json(postTransfer(ctx, 'overdraw', overdraw)), 409, 'insufficient-funds');
  });

  test('admin lists page through every transaction once; users may not read them', async () => {
    for (let i = 10; i < 15; i++) expectStatus(await json(postTransfer(ctx, `order-${i}`, order(i, 100 * i))), 201);
    const { items, pages } = await collectPages((q) => admin('GET', `/api/v1/admin/ledger/transactions${q}`), { limit: 2 });
    assert.ok(pages >= 4);
    assert.equal(new Set(items.map((t) => t.id)).size, items.length);
    for (const t of items) assert.equal(t.entries.reduce((s, e) => s + e.amount, 0), 0, 'each is balanced');
    const byRef = await admin('GET', '/api/v1/admin/ledger/transactions?reference=order:12');
    assert.deepEqual(byRef.json.items.map((t) => t.reference), ['order:12']);
    const one = await admin('GET', `/api/v1/admin/ledger/transactions/${byRef.json.items[0].id}`);
    expectStatus(one, 200);
    const accounts = await collectPages((q) => admin('GET', `/api/v1/admin/ledger/accounts${q}`), { limit: 2 });
    assert.ok(accounts.items.some((a) => a.kind === 'platform_fees' && a.owner_id === '0'));
    const mine = await admin('GET', `/api/v1/admin/ledger/accounts?owner_id=${seller.id}`);
    assert.deepEqual(mine.json.items.map((a) => a.kind).sort(), ['payouts', 'seller_available']);

    assertProblem(await seller.get('/api/v1/admin/ledger/transactions'), 403, 'forbidden');
    assertProblem(await seller.get('/api/v1/admin/ledger/accounts'), 403, 'forbidden');
    assertProblem(await seller.post('/api/v1/admin/ledger/transactions', { json: order(99, 100), headers: { 'idempotency-key': 'x' } }), 403, 'forbidden');
    assertProblem(await request(ctx.server, 'GET', '/api/v1/me/balances'), 401, 'unauthenticated');
  });

  test('riffd ledger verify passes, then names the invariant a corruption breaks', async () => {
    const report = await admin('GET', '/api/v1/admin/ledger/verify');
    expectStatus(report, 200);
    assert.equal(report.json.ok, true, JSON.stringify(report.json));
    const ok = await ledgerVerify(ctx);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /ledger verify: OK/);
    const balances = await runRiffd(['ledger', 'balances', '--owner', seller.id, '--data-dir', ctx.dataDir, ...ctx.dbArgs]);
    assert.equal(balances.code, 0, balances.stderr);
    // 500 left after the payout, plus 85% of orders 10-14.
    assert.match(balances.stdout, /seller_available\s+\d+\s+USD\s+5600\n/);

    const corrupt = 'UPDATE ledger_entries SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM ledger_entries)';
    if (ctx.pgUrl) await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', ctx.pgUrl, '-c', corrupt]);
    else await sqlite(ctx.server.sqlitePath, corrupt);
    const bad = await ledgerVerify(ctx);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /balanced\s+FAILED \(1\)/);
    assert.match(bad.stdout, /cached_balance\s+FAILED \(1\)/);
    const badReport = await admin('GET', '/api/v1/admin/ledger/verify');
    assert.equal(badReport.json.ok, false);
  });
});

// Crash safety of the ledger: journal entries, payouts and gateway payments
// (captured, partly refunded) posted by concurrent clients while riffd is
// SIGKILLed at random moments and restarted, several times. Then every
// operation is retried with its Idempotency-Key, the gateway's outbox drains,
// and the ledger must hold each operation exactly once (none of those the
// server acknowledged lost), and `riffd ledger verify` must pass: every
// transaction balanced, cached balances equal to their entries, no
// overdrawn account, and every captured payment booked exactly once.
// RIFF_CRASH_ROUNDS sets the number of kills (default 5).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { crashLoop } from '../lib/crash.js';
import { sleep } from '../lib/http.js';
import { entry, ledgerVerify, startWithAdmin } from '../lib/ledger.js';
import { dropTestDatabase } from '../lib/pg.js';
import { cleanupAll, sqlite } from '../lib/riffd.js';

const execFileP = promisify(execFile);
const rounds = Number(process.env.RIFF_CRASH_ROUNDS ?? 5);
const sellers = ['9001', '9002', '9003'];
const buyers = ['8001', '8002'];
let ctx;

/// Rows of a query on the server's database, each an array of strings.
async function rows(statement) {
  let out;
  if (ctx.pgUrl) {
    out = (await execFileP('psql', ['-X', '-q', '-At', '-F', '|', '-d', ctx.pgUrl, '-c', statement])).stdout;
  } else {
    out = await sqlite(ctx.server.sqlitePath, statement);
  }
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

function call(path, key, json) {
  return fetch(`${ctx.server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.admin.token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(json),
  });
}

/// The operation numbered n, the same body every time it is sent.
function operation(n) {
  const pick = (list) => list[n % list.length];
  const amount = 100 + ((n * 7919) % 900);
  switch (n % 4) {
    case 0:
    case 1: // a sale: clearing debited, seller and platform credited
      return ['/api/v1/admin/ledger/transactions', {
        kind: 'workload', reference: `w:${n}`,
        entries: [entry('gateway_clearing', 0, amount), entry('seller_available', pick(sellers), -(amount - 10)),
          entry('platform_fees', 0, -10)],
      }];
    case 2: // a payout, refused when the seller has too little
      return ['/api/v1/admin/ledger/payouts', {
        owner_id: pick(sellers), currency: 'USD', amount: Math.floor(amount / 2), gateway_reference: `po_${n}`,
      }];
    default: // a card payment, booked by the gateway's webhook
      return ['/api/v1/admin/payments/intents', {
        amount, currency: 'USD', payment_method: 'tok_visa', customer_id: pick(buyers), reference: `w:${n}`,
      }];
  }
}

async function send(n) {
  const [path, body] = operation(n);
  const res = await call(path, `op-${n}`, body);
  await res.text();
  return res.status;
}

before(async () => {
  // Short leases: a delivery that was running when riffd died resumes soon.
  ctx = await startWithAdmin({ env: { RIFF_JOB_LEASE_SECONDS: '2' } });
});
after(async () => {
  await cleanupAll();
  if (ctx?.pgUrl) await dropTestDatabase(ctx.pgUrl);
});

test('SIGKILLs under a money workload lose no acknowledged post, double none, and verify passes', { timeout: 600_000 }, async () => {
  const journal = await crashLoop(ctx, {
    rounds,
    op: async (_ctx, n) => {
      const status = await send(n);
      return { key: `op-${n}`, ack: status === 201 || status === 200 || status === 409 };
    },
  });
  const acked = journal.filter((e) => e.ack);
  assert.ok(acked.length > 20, `the workload made progress (${acked.length} acknowledged)`);

  // Refunds of some captured payments, then every operation again with its key.
  for (const e of journal) {
    const status = await send(e.n);
    assert.ok([200, 201, 409].includes(status), `op ${e.n} retried: HTTP ${status}`);
  }
  const intents = await rows("SELECT id, amount_captured FROM gateway_intents WHERE status = 'succeeded' ORDER BY id");
  for (const [id, captured] of intents.slice(0, 5)) {
    const res = await call(`/api/v1/admin/payments/intents/${id}/refunds`, `refund-${id}`, { amount: Math.floor(Number(captured) / 3) });
    assert.equal(res.status, 201, await res.text());
  }

  // Each operation is in the ledger at most once, each acknowledged one exactly once.
  const dup = await rows("SELECT reference, COUNT(*) FROM ledger_transactions WHERE kind IN ('workload', 'payout', 'payment_captured') GROUP BY reference HAVING COUNT(*) > 1");
  assert.deepEqual(dup, [], 'no operation was posted twice');
  const posted = new Set((await rows("SELECT reference FROM ledger_transactions WHERE kind = 'workload'")).map((r) => r[0]));
  for (const e of journal) {
    if (e.n % 4 < 2) assert.ok(posted.has(`w:${e.n}`), `sale ${e.n} is in the ledger after its retry`);
  }

  // The gateway's outbox drains: every capture and refund booked exactly once.
  const pending = "SELECT COUNT(*) FROM jobs WHERE kind = 'payments.webhook' AND state IN (0, 1)";
  for (let i = 0; i < 240 && Number((await rows(pending))[0][0]) > 0; i++) await sleep(250);
  assert.equal(Number((await rows(pending))[0][0]), 0, 'the webhook outbox drained');
  const res = await fetch(`${ctx.server.url}/api/v1/admin/ledger/verify`, { headers: { authorization: `Bearer ${ctx.admin.token}` } });
  const report = await res.json();
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  const captures = await rows("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'payment_captured'");
  assert.equal(Number(captures[0][0]), intents.length, 'one ledger capture per captured payment');
  const refunds = await rows("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'payment_refunded'");
  assert.equal(Number(refunds[0][0]), Math.min(5, intents.length), 'one ledger refund per refund');

  await ctx.server.stop();
  const verified = await ledgerVerify(ctx);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /ledger verify: OK/);
});

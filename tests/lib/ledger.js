// Helpers for tests that move money: a riffd with an administrator made on
// the command line (`riffd admin create`), journal entries through the admin
// route, and `riffd ledger verify` against the server's database.

import assert from 'node:assert/strict';

import { expectStatus, login, uniqueHandle } from './http.js';
import { createTestDatabase, usingPostgres } from './pg.js';
import { makeTempDir, runRiffd, startRiffd } from './riffd.js';

/// Makes a data dir (and a PostgreSQL database when RIFF_TEST_DB=postgres),
/// creates an admin there and starts riffd. Resolves {server, admin (a login
/// body with token), dataDir, dbArgs, pgUrl, restart()}; the caller drops
/// `pgUrl` (dropTestDatabase) after cleanupAll().
export async function startWithAdmin({ args = [], env = {} } = {}) {
  const dataDir = makeTempDir('riff-ledger-');
  const pgUrl = usingPostgres() ? await createTestDatabase() : null;
  const dbArgs = pgUrl ? ['--db', pgUrl] : [];
  const handle = uniqueHandle('admin');
  const password = 'admin-password-123';
  const made = await runRiffd(
    ['admin', 'create', '--handle', handle, '--email', `${handle.replace('_', '')}@example.com`,
      '--password-stdin', '--data-dir', dataDir, ...dbArgs],
    { input: `${password}\n` },
  );
  assert.equal(made.code, 0, `riffd admin create failed:\n${made.stdout}\n${made.stderr}`);
  const ctx = { dataDir, dbArgs, pgUrl, server: null, admin: null };
  ctx.restart = async () => {
    ctx.server = await startRiffd({ dataDir, db: pgUrl ?? null, args, env });
    const li = await login(ctx.server, handle, password);
    expectStatus(li, 200, 'admin login');
    ctx.admin = li.json;
    return ctx.server;
  };
  await ctx.restart();
  return ctx;
}

/// An entry of a journal entry: {kind, owner_id, currency, amount}.
export const entry = (kind, ownerId, amount, currency = 'USD') => ({
  kind,
  owner_id: String(ownerId),
  currency,
  amount,
});

/// POST /api/v1/admin/ledger/transactions with an Idempotency-Key.
export function postTransfer(ctx, key, body) {
  return fetch(`${ctx.server.url}/api/v1/admin/ledger/transactions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ctx.admin.token}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
}

/// `riffd ledger verify` on the context's database: {code, stdout, stderr}.
export function ledgerVerify(ctx) {
  return runRiffd(['ledger', 'verify', '--data-dir', ctx.dataDir, ...ctx.dbArgs]);
}

// `riffd admin create` and the admin-only role change.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertProblem } from '../lib/problem.js';
import { expectStatus, get, login, request, signup, uniqueHandle } from '../lib/http.js';
import { usingPostgres, createTestDatabase, dropTestDatabase } from '../lib/pg.js';
import { cleanupAll, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

let server;
let admin;
const adminHandle = uniqueHandle('admin');
const adminPassword = 'admin-password-123';
let pgUrl = null;

before(async () => {
  const dataDir = makeTempDir('riff-admin-');
  if (usingPostgres()) pgUrl = await createTestDatabase();
  const dbArgs = pgUrl ? ['--db', pgUrl] : [];
  const res = await runRiffd(
    ['admin', 'create', '--handle', adminHandle, '--email', `${adminHandle.replace('_', '')}@example.com`, '--password-stdin', '--data-dir', dataDir, ...dbArgs],
    { input: `${adminPassword}\n` },
  );
  assert.equal(res.code, 0, `riffd admin create failed:\n${res.stdout}\n${res.stderr}`);
  server = await startRiffd({ dataDir, db: pgUrl ?? null });
  const li = await login(server, adminHandle, adminPassword);
  expectStatus(li, 200, 'the admin made on the command line can log in (password read from stdin, newline stripped)');
  admin = li.json;
});
after(async () => {
  await cleanupAll();
  if (pgUrl) await dropTestDatabase(pgUrl);
});

describe('admin', () => {
  test('the created account has role admin', async () => {
    assert.equal(admin.user.role, 'admin');
    assert.equal(admin.user.handle, adminHandle);
  });

  test('an admin can make a user a creator; everyone sees the new role', async () => {
    const u = await signup(server);
    const res = await request(server, 'PATCH', `/api/v1/admin/users/${u.handle}`, { token: admin.token, json: { role: 'creator' } });
    expectStatus(res, 200);
    assert.equal(res.json.role, 'creator');
    assert.equal(res.json.handle, u.handle);
    assert.equal((await u.get('/api/v1/me')).json.role, 'creator');
    assert.equal((await get(server, `/api/v1/users/${u.handle}`)).json.role, 'creator');
  });

  test('a normal user gets 403 and the role does not change', async () => {
    const u = await signup(server);
    const victim = await signup(server);
    assertProblem(await u.patch(`/api/v1/admin/users/${victim.handle}`, { json: { role: 'creator' } }), 403, 'forbidden');
    assertProblem(await u.patch(`/api/v1/admin/users/${u.handle}`, { json: { role: 'admin' } }), 403, 'forbidden');
    assert.equal((await victim.get('/api/v1/me')).json.role, 'user');
    assert.equal((await u.get('/api/v1/me')).json.role, 'user');
  });

  test('without a session it is 401', async () => {
    const u = await signup(server);
    assertProblem(await request(server, 'PATCH', `/api/v1/admin/users/${u.handle}`, { json: { role: 'creator' } }), 401, 'unauthenticated');
  });

  test('an unknown role is 400 naming /role; an unknown user is 404', async () => {
    const u = await signup(server);
    assertProblem(
      await request(server, 'PATCH', `/api/v1/admin/users/${u.handle}`, { token: admin.token, json: { role: 'emperor' } }),
      400,
      'validation',
      { pointer: '/role' },
    );
    assert.equal((await u.get('/api/v1/me')).json.role, 'user');
    assertProblem(
      await request(server, 'PATCH', `/api/v1/admin/users/${uniqueHandle('ghost')}`, { token: admin.token, json: { role: 'creator' } }),
      404,
      'not-found',
    );
  });

  test('admin create refuses a handle that is taken', async () => {
    const res = await runRiffd(
      ['admin', 'create', '--handle', adminHandle, '--email', 'another-admin@example.com', '--password-stdin', '--data-dir', server.dataDir, ...(pgUrl ? ['--db', pgUrl] : [])],
      { input: 'another-password\n' },
    );
    assert.notEqual(res.code, 0, 'a second admin with the same handle is refused');
    const li = await login(server, adminHandle, adminPassword);
    expectStatus(li, 200, 'the first admin is untouched');
  });
});

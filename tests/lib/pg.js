// PostgreSQL provisioning for the API suite. RIFF_TEST_DB=postgres selects it;
// RIFF_TEST_PG_URL is a URL of a running server (scripts/pg-test-server.sh url DIR)
// whose user may CREATE DATABASE. Each riffd started by the harness gets its own
// fresh database `t_<random>`, dropped at cleanup.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export function usingPostgres() {
  const db = (process.env.RIFF_TEST_DB ?? 'sqlite').toLowerCase();
  if (db === 'sqlite' || db === '') return false;
  if (db === 'postgres' || db === 'postgresql' || db === 'pg') return true;
  throw new Error(`RIFF_TEST_DB must be sqlite or postgres, not ${process.env.RIFF_TEST_DB}`);
}

function adminUrl() {
  const url = process.env.RIFF_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'RIFF_TEST_DB=postgres needs RIFF_TEST_PG_URL: start one with ' +
        '`scripts/pg-test-server.sh start DIR` and `scripts/pg-test-server.sh url DIR`',
    );
  }
  return url;
}

/// The same server and credentials as `url`, but database `name`.
/// Accepts URLs (postgres://, postgresql://) and key=value connection strings.
export function withDatabase(url, name) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  }
  const kv = url.replace(/(^|\s)dbname=\S+/g, '').trim();
  return `${kv} dbname=${name}`;
}

async function psql(url, sql) {
  const { stdout } = await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  return stdout;
}

/// Creates an empty database and returns its URL.
export async function createTestDatabase() {
  const admin = adminUrl();
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  await psql(admin, `CREATE DATABASE ${name}`);
  return withDatabase(admin, name);
}

export async function dropTestDatabase(url) {
  const name = /^postgres(ql)?:\/\//.test(url)
    ? new URL(url).pathname.slice(1)
    : url.match(/dbname=(\S+)/)[1];
  if (!/^t_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await psql(adminUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

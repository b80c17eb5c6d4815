// Starts and stops riffd for black-box tests: a free port, a temp data dir,
// SQLite by default or a fresh PostgreSQL database when RIFF_TEST_DB=postgres.
//
// Every process, temp dir and database made here is registered and released by
// cleanupAll(); test files call `after(cleanupAll)`. A riffd still running when
// the test process exits is SIGKILLed so that none outlive the run.

import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createTestDatabase, dropTestDatabase, usingPostgres } from './pg.js';

const execFileP = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/// Rate limits high enough that tests which sign up many users from 127.0.0.1
/// are not throttled. Per-account login throttling keeps its default (5).
export const generousLimits = {
  RIFF_SIGNUPS_PER_IP_PER_HOUR: '1000000',
  RIFF_LOGIN_FAILURES_PER_IP: '1000000',
};

export function riffdBinary() {
  const p = process.env.RIFFD
    ? path.resolve(repoRoot, process.env.RIFFD)
    : path.join(repoRoot, 'build/release/riffd');
  if (!fs.existsSync(p)) {
    throw new Error(
      `riffd binary not found at ${p}: build it with ` +
        '`cmake --preset release && cmake --build --preset release` or set RIFFD',
    );
  }
  return p;
}

const live = new Set(); // RiffdProcess
const tempDirs = new Set();
const databases = new Set();

process.on('exit', () => {
  for (const p of live) {
    try {
      p.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function makeTempDir(prefix = 'riff-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/// Environment for a child riffd: ours minus every RIFF_* variable (so that a
/// developer's shell cannot change what a test sees), plus `extra`.
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('RIFF_')) env[k] = v;
  }
  return { ...env, ...extra };
}

const kTailBytes = 64 * 1024;

export class RiffdProcess {
  constructor(proc, { dataDir, dbUrl, args }) {
    this.proc = proc;
    this.pid = proc.pid;
    this.dataDir = dataDir;
    this.dbUrl = dbUrl; // null for SQLite
    this.args = args;
    this.stdout = '';
    this.stderr = '';
    this.url = null;
    this.host = null;
    this.port = null;
    this.exit = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        live.delete(this);
        resolve({ code, signal });
      });
    });
    const keepTail = (key) => (chunk) => {
      this[key] += chunk.toString('utf8');
      if (this[key].length > kTailBytes) this[key] = this[key].slice(-kTailBytes);
    };
    proc.stdout.on('data', keepTail('stdout'));
    proc.stderr.on('data', keepTail('stderr'));
  }

  /// The SQLite database file (meaningful only when dbUrl is null).
  get sqlitePath() {
    return path.join(this.dataDir, 'riff.db');
  }

  get exited() {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  output() {
    return `--- riffd stdout (tail) ---\n${this.stdout}\n--- riffd stderr (tail) ---\n${this.stderr}`;
  }

  /// Sends `signal` and waits for the exit; SIGKILLs after `timeoutMs`.
  async stop({ signal = 'SIGTERM', timeoutMs = 20000 } = {}) {
    if (this.exited) return this.exit;
    this.proc.kill(signal);
    let timer;
    const killed = new Promise((resolve) => {
      timer = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exit, killed]);
    clearTimeout(timer);
    return this.exit;
  }

  kill() {
    return this.stop({ signal: 'SIGKILL' });
  }
}

/// Starts `riffd serve` and resolves once it printed
/// `riff listening on http://HOST:PORT`.
///
/// Options:
///   dataDir   data directory (default: a new temp dir)
///   db        undefined: SQLite, or a fresh PostgreSQL database when
///             RIFF_TEST_DB=postgres; a URL string: that database; null: force SQLite
///   listen    value for --listen (default 127.0.0.1:0); null passes no --listen
///   args      extra arguments after `serve`
///   env       extra environment (added after generousLimits)
///   limits    false to drop generousLimits
///   webDir    value for --web-dir (default: none, so <repo>/web/dist)
///   readyTimeoutMs  how long to wait for the listening line
export async function startRiffd(opts = {}) {
  const bin = riffdBinary();
  const dataDir = opts.dataDir ?? makeTempDir('riff-data-');
  let dbUrl = null;
  if (opts.db === undefined) {
    if (usingPostgres()) {
      dbUrl = await createTestDatabase();
      databases.add(dbUrl);
    }
  } else if (opts.db) {
    dbUrl = opts.db;
  }
  const args = ['serve'];
  const listen = opts.listen === undefined ? '127.0.0.1:0' : opts.listen;
  if (listen !== null) args.push('--listen', listen);
  args.push('--data-dir', dataDir);
  if (dbUrl) args.push('--db', dbUrl);
  // Without --web-dir riffd serves web/dist relative to its working directory,
  // which is the repo root here.
  if (opts.webDir) args.push('--web-dir', opts.webDir);
  args.push(...(opts.args ?? []));

  const env = childEnv({ ...(opts.limits === false ? {} : generousLimits), ...(opts.env ?? {}) });
  const proc = spawn(bin, args, { cwd: opts.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const rp = new RiffdProcess(proc, { dataDir, dbUrl, args });
  live.add(rp);

  const readyTimeoutMs = opts.readyTimeoutMs ?? 30000;
  await new Promise((resolve, reject) => {
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      finish(new Error(`riffd did not print "riff listening on" within ${readyTimeoutMs} ms\n${rp.output()}`));
    }, readyTimeoutMs);
    const onData = () => {
      const m = rp.stdout.match(/riff listening on (http:\/\/(\S+):(\d+))/);
      if (m) {
        rp.url = m[1];
        rp.host = m[2];
        rp.port = Number(m[3]);
        finish();
      }
    };
    proc.stdout.on('data', onData);
    proc.on('error', (e) => finish(new Error(`could not start ${bin}: ${e.message}`)));
    rp.exit.then(({ code, signal }) =>
      finish(new Error(`riffd exited (code ${code}, signal ${signal}) before listening\nargs: ${args.join(' ')}\n${rp.output()}`)),
    );
  });
  // The URL printed for 0.0.0.0 is not one to connect to; tests talk to loopback.
  if (rp.host === '0.0.0.0' || rp.host === '[::]') rp.url = `http://127.0.0.1:${rp.port}`;
  return rp;
}

/// Runs riffd with `args` (no `serve` added) to completion.
/// Resolves {code, signal, stdout, stderr}; never rejects on a non-zero exit.
export function runRiffd(args, { input, env, timeoutMs = 60000, cwd } = {}) {
  const bin = riffdBinary();
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, { cwd: cwd ?? repoRoot, env: childEnv(env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => (stdout += c));
    proc.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    proc.stdin.on('error', () => {}); // riffd may exit without reading stdin
    if (input !== undefined) proc.stdin.end(input);
    else proc.stdin.end();
  });
}

/// A TCP port that was free a moment ago (for tests that must name a port).
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/// `sqlite3 FILE SQL` -> stdout.
export async function sqlite(file, sql) {
  const { stdout } = await execFileP('sqlite3', [file, sql], { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/// A full text dump of the server's database (SQLite `.dump` or `pg_dump`).
export async function dumpDatabase(server) {
  if (server.dbUrl) {
    const { stdout } = await execFileP('pg_dump', ['--no-owner', server.dbUrl], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  }
  return sqlite(server.sqlitePath, '.dump');
}

/// Stops every riffd still running, drops the databases and removes the temp
/// dirs this process made (kept when RIFF_TEST_KEEP=1).
export async function cleanupAll() {
  await Promise.all([...live].map((p) => p.stop({ signal: 'SIGKILL' })));
  for (const url of databases) {
    try {
      await dropTestDatabase(url);
    } catch (e) {
      process.stderr.write(`warning: could not drop test database: ${e.message}\n`);
    }
  }
  databases.clear();
  if (process.env.RIFF_TEST_KEEP !== '1') {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  }
}

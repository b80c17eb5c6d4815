// The command line: --help, configuration precedence (file < env < flag), demo mode.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { expectStatus, get, login } from '../lib/http.js';
import { cleanupAll, freePort, makeTempDir, runRiffd, startRiffd } from '../lib/riffd.js';

after(cleanupAll);

/// True when something answers /healthz on 127.0.0.1:port.
async function answers(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('help', () => {
  test('riffd --help names --listen, --data-dir and --db', async () => {
    const res = await runRiffd(['--help']);
    assert.equal(res.code, 0, res.stderr);
    const text = res.stdout + res.stderr;
    for (const flag of ['--listen', '--data-dir', '--db']) assert.ok(text.includes(flag), `--help mentions ${flag}:\n${text}`);
  });

  test('riffd serve --help names the server flags too', async () => {
    const res = await runRiffd(['serve', '--help']);
    assert.equal(res.code, 0, res.stderr);
    const text = res.stdout + res.stderr;
    for (const flag of ['--listen', '--data-dir', '--db', '--header-timeout-ms']) assert.ok(text.includes(flag), `serve --help mentions ${flag}:\n${text}`);
  });

  test('an unknown flag is an error, not silently ignored', async () => {
    const res = await runRiffd(['serve', '--no-such-flag-here', '--listen', '127.0.0.1:0', '--data-dir', makeTempDir()], { timeoutMs: 10000 });
    assert.notEqual(res.code, 0, `riffd accepted an unknown flag:\n${res.stdout}`);
    assert.equal(res.signal, null, 'riffd exited by itself');
  });
});

describe('configuration precedence', () => {
  test('a TOML file sets the port; RIFF_LISTEN overrides it; --listen overrides both', async () => {
    const [fromFile, fromEnv, fromFlag] = [await freePort(), await freePort(), await freePort()];
    assert.equal(new Set([fromFile, fromEnv, fromFlag]).size, 3);
    const dir = makeTempDir('riff-config-');
    const config = path.join(dir, 'riff.toml');
    fs.writeFileSync(config, `[server]\nlisten = "127.0.0.1:${fromFile}"\n`);

    // File only.
    let s = await startRiffd({ listen: null, args: ['--config', config] });
    assert.equal(s.port, fromFile, 'the file sets the port');
    assert.ok(await answers(fromFile));
    await s.stop();

    // File and environment.
    s = await startRiffd({ listen: null, args: ['--config', config], env: { RIFF_LISTEN: `127.0.0.1:${fromEnv}` } });
    assert.equal(s.port, fromEnv, 'RIFF_LISTEN beats the file');
    assert.ok(await answers(fromEnv));
    assert.ok(!(await answers(fromFile)), 'nothing on the file port');
    await s.stop();

    // File, environment and flag.
    s = await startRiffd({
      listen: `127.0.0.1:${fromFlag}`,
      args: ['--config', config],
      env: { RIFF_LISTEN: `127.0.0.1:${fromEnv}` },
    });
    assert.equal(s.port, fromFlag, '--listen beats both');
    assert.ok(await answers(fromFlag));
    assert.ok(!(await answers(fromEnv)), 'nothing on the env port');
    assert.ok(!(await answers(fromFile)), 'nothing on the file port');
    await s.stop();
  });

  test('a malformed config file stops riffd with an error', async () => {
    const dir = makeTempDir('riff-config-');
    const config = path.join(dir, 'bad.toml');
    fs.writeFileSync(config, '[server\nlisten = = "nope"\n');
    const res = await runRiffd(['serve', '--config', config, '--listen', '127.0.0.1:0', '--data-dir', dir], { timeoutMs: 10000 });
    assert.notEqual(res.code, 0);
    assert.equal(res.signal, null, 'riffd exited by itself');
    assert.ok(!res.stdout.includes('riff listening on'));
  });
});

describe('demo mode', () => {
  test('--demo seeds demo users into an empty database; demo / riff-demo-password logs in', async () => {
    const s = await startRiffd({ args: ['--demo'] });
    const res = await login(s, 'demo', 'riff-demo-password');
    expectStatus(res, 200);
    assert.equal(res.json.user.handle, 'demo');
    assert.ok(res.json.user.following_count > 0, 'demo users follow each other');
    assert.ok(res.json.user.follower_count > 0);
    const profile = await get(s, '/api/v1/users/demo');
    expectStatus(profile, 200);
    await s.stop();
  });
});

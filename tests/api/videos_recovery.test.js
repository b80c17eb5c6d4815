// The pipeline survives failure: a killed media child is retried, and a
// riffd killed mid-transcode resumes the job after a restart.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { expectStatus, get, request, signup, sleep } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { makeClip, postVideo, rawUpload, waitProcessed } from '../lib/videos.js';

after(cleanupAll);

function longClip() {
  // Long and big enough that transcoding takes a few seconds.
  return makeClip('long.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=720x1280:rate=30', '-f', 'lavfi', '-i', 'sine',
    '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
}

/// Pids whose parent is `pid` (from /proc).
function childrenOf(pid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitFor(fn, what, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < until, `timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('pipeline recovery', () => {
  test('a killed media child process is retried and the video still becomes ready', async () => {
    const server = await startRiffd();
    const u = await signup(server);
    const uploadId = await rawUpload(u, fs.readFileSync(longClip()));
    const res = await postVideo(u, { upload_id: uploadId });
    expectStatus(res, 201);
    // The media work runs in riffd's own `media-job` child, not in the server.
    // A child caught between fork and exec shows riffd's or an empty command
    // line for a moment: wait for the exec.
    const cmdline = (pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    const child = await waitFor(
      () => childrenOf(server.pid).find((pid) => /\0media-job\0/.test(cmdline(pid))),
      'a media-job child process',
    );
    process.kill(child, 'SIGKILL');
    const v = await waitProcessed(u, res.json.id, 120000);
    assert.equal(v.status, 'ready', JSON.stringify(v.failure));
    assert.match(server.stdout + server.stderr, /will retry/);
    expectStatus(await get(server, '/healthz'), 200);
  });

  test('killing riffd mid-transcode resumes the job after restart', async () => {
    const args = ['--job-lease-seconds', '2'];
    const first = await startRiffd({ args });
    const u = await signup(first);
    const uploadId = await rawUpload(u, fs.readFileSync(longClip()));
    const res = await postVideo(u, { upload_id: uploadId });
    expectStatus(res, 201);
    await waitFor(() => childrenOf(first.pid).length > 0, 'transcoding to start');
    await sleep(300);
    await first.kill();
    const second = await startRiffd({ dataDir: first.dataDir, db: first.dbUrl ?? null, args });
    const sameUser = { get: (p) => request(second, 'GET', p, { token: u.token }) };
    const v = await waitProcessed(sameUser, res.json.id, 120000);
    assert.equal(v.status, 'ready', JSON.stringify(v.failure));
    const m = await fetch(second.url + v.hls_url);
    assert.equal(m.status, 200);
    const left = fs.readdirSync(path.join(second.dataDir, 'videos')).filter((n) => n.startsWith('.tmp-'));
    assert.deepEqual(left, [], 'no temp dirs left behind');
    await second.stop();
  });
});

// Helpers for the short-video API tests: generated clips, raw tus uploads,
// posting and waiting for the pipeline.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { expectStatus, sleep } from './http.js';
import { makeTempDir } from './riffd.js';

let clipDir;
/// A generated clip (cached per process): `ffmpeg -f lavfi` test pattern and tone.
export function makeClip(name, args) {
  clipDir ??= makeTempDir('riff-clips-');
  const file = path.join(clipDir, name);
  if (!fs.existsSync(file)) execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, file]);
  return file;
}

export function smallClip() {
  return makeClip('small.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=30', '-f', 'lavfi', '-i',
    'sine=frequency=440', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
}

/// Creates an upload and sends `bytes` in one PATCH with raw HTTP. Returns the upload id.
export async function rawUpload(user, bytes) {
  const created = await user.post('/api/v1/uploads', {
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length) },
  });
  expectStatus(created, 201, 'tus create');
  const location = created.headers.get('location');
  if (bytes.length > 0) {
    const res = await user.patch(location, {
      body: bytes,
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    });
    expectStatus(res, 204, 'tus patch');
  }
  return location.split('/').pop();
}

export async function postVideo(user, json) {
  return user.post('/api/v1/videos', { json });
}

/// Polls GET /api/v1/videos/{id} as the author until it is no longer processing.
export async function waitProcessed(user, id, timeoutMs = 90000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await user.get(`/api/v1/videos/${id}`);
    expectStatus(res, 200, 'poll video');
    if (res.json.status !== 'processing') return res.json;
    assert.ok(Date.now() < until, `video ${id} still processing after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/// Uploads, posts and waits: the ready (or failed) video JSON.
export async function publish(user, bytes, fields = {}) {
  const uploadId = await rawUpload(user, bytes);
  const res = await postVideo(user, { upload_id: uploadId, caption: '', ...fields });
  expectStatus(res, 201, 'post video');
  return waitProcessed(user, res.json.id);
}

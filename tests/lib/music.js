// Helpers for riff Music API tests: songs generated with ffmpeg (tagged
// sine tones with a folder cover) and `riffd music import` into a server.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, runRiffd } from './riffd.js';

const execFileP = promisify(execFile);

async function ffmpeg(...args) {
  await execFileP('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/// A folder of FLAC songs, one per {title, artist, album, isrc, genre, freq}, with a cover.jpg.
export async function makeSongs(songs) {
  const dir = makeTempDir('riff-songs-');
  for (const [i, s] of songs.entries()) {
    const meta = { title: s.title, artist: s.artist, album: s.album ?? 'Test Album', track: String(i + 1) };
    if (s.isrc) meta.ISRC = s.isrc;
    if (s.genre) meta.genre = s.genre;
    const tags = Object.entries(meta).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
    await ffmpeg('-f', 'lavfi', '-i', `sine=frequency=${s.freq ?? 440 + i * 110}:duration=${s.seconds ?? 4}`,
      ...tags, path.join(dir, `${String(i + 1).padStart(2, '0')}.flac`));
  }
  await ffmpeg('-f', 'lavfi', '-i', 'color=c=teal:s=64x64', '-frames:v', '1', path.join(dir, 'cover.jpg'));
  return dir;
}

/// `riffd music import DIR` into `server`, with transcoding unless `transcode` is false
/// (catalog sounds need the 160 tier).
export async function importSongs(server, dir, { transcode = true } = {}) {
  const args = ['music', 'import', dir, '--data-dir', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  if (!transcode) args.push('--no-transcode');
  const res = await runRiffd(args, { timeoutMs: 300000 });
  assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
}

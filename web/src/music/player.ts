// The one music player of the app: a queue, an <audio> element that lives
// across pages, loudness normalisation and play reporting.
//
// Loudness: each track carries a ReplayGain-style gain toward -14 LUFS; it
// is applied through a Web Audio GainNode (so quiet tracks can be raised),
// kept below clipping by the track's peak, or through audio.volume (cuts
// only) where Web Audio is missing.
//
// Plays: the listener's own listening time is counted (seeks do not add to
// it) and reported once per playback, at 30 s or at the end, as the server's
// rules expect; the server decides whether it counts.
import { createStore } from '../store';
import { errorMessage } from '../api';
import { musicApi, type Track } from './api';

export interface PlayerState {
  queue: Track[];
  /** Index of the current track in the queue; -1 when nothing is loaded. */
  index: number;
  playing: boolean;
  /** Seconds. */
  position: number;
  duration: number;
  /** Linear gain applied for loudness normalisation. */
  gain: number;
  error: string | null;
}

export const player = createStore<PlayerState>({
  queue: [],
  index: -1,
  playing: false,
  position: 0,
  duration: 0,
  gain: 1,
  error: null,
});

/** Listeners told after each reported play (the ad break hooks in here). */
type PlayListener = (track: Track, result: Awaited<ReturnType<typeof musicApi.reportPlay>>) => void;
const playListeners = new Set<PlayListener>();
export function onPlayReported(fn: PlayListener): () => void {
  playListeners.add(fn);
  return () => playListeners.delete(fn);
}

/** Asked before the next track starts; resolves when it may start (an ad break waits here). */
type BeforeNext = () => Promise<void>;
let beforeNext: BeforeNext | null = null;
export function setBeforeNext(fn: BeforeNext | null): void {
  beforeNext = fn;
}

const kReportAtMs = 30_000;

let audio: HTMLAudioElement | null = null;
let graph: { ctx: AudioContext; gain: GainNode } | null = null;
let listened = 0; // ms heard of the current playback
let lastTime = 0;
let reported = false;

export function current(): Track | null {
  const s = player.get();
  return s.queue[s.index] ?? null;
}

/** The linear gain that brings `t` to the target loudness without clipping its peak. */
export function normalisationGain(t: Track): number {
  const db = t.replay_gain?.track_gain_db;
  if (db == null || !Number.isFinite(db)) return 1;
  let g = Math.pow(10, db / 20);
  const peak = t.replay_gain.track_peak;
  if (peak && peak > 0) g = Math.min(g, 1 / peak);
  return Math.max(0.05, Math.min(g, 4));
}

function element(): HTMLAudioElement {
  if (audio) return audio;
  const a = document.createElement('audio');
  a.preload = 'auto';
  a.dataset.testid = 'music-audio';
  a.hidden = true;
  document.body.appendChild(a);
  a.addEventListener('timeupdate', onTime);
  a.addEventListener('durationchange', () => player.set((s) => ({ ...s, duration: finite(a.duration) })));
  a.addEventListener('play', () => player.set((s) => ({ ...s, playing: true, error: null })));
  a.addEventListener('pause', () => player.set((s) => ({ ...s, playing: false })));
  a.addEventListener('ended', onEnded);
  a.addEventListener('error', () => {
    if (!a.currentSrc) return;
    const url = a.currentSrc;
    player.set((s) => ({ ...s, playing: false, error: 'This song could not be played.' }));
    void explainStreamError(url).then((why) => {
      if (why && element().currentSrc === url) player.set((s) => ({ ...s, error: why }));
    });
  });
  audio = a;
  return a;
}

/** The server's reason a stream failed (not in your region, not in your plan...), if it gives one. */
async function explainStreamError(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { headers: { Range: 'bytes=0-0' }, credentials: 'same-origin' });
    if (res.ok) return null;
    const p = (await res.json()) as { detail?: string; title?: string };
    return p.detail || p.title || null;
  } catch {
    return null;
  }
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Web Audio for gains above 1; made on a user gesture (play), once. */
function ensureGraph(a: HTMLAudioElement): void {
  if (graph) {
    if (graph.ctx.state === 'suspended') void graph.ctx.resume();
    return;
  }
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const source = ctx.createMediaElementSource(a);
    const gain = ctx.createGain();
    source.connect(gain).connect(ctx.destination);
    graph = { ctx, gain };
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    graph = null;
  }
}

function applyGain(t: Track): void {
  const g = normalisationGain(t);
  const a = element();
  if (graph) {
    graph.gain.gain.value = g;
    a.volume = 1;
  } else {
    a.volume = Math.min(1, g);
  }
  player.set((s) => ({ ...s, gain: g }));
}

function onTime(): void {
  const a = element();
  const t = a.currentTime;
  const delta = t - lastTime;
  // Only time actually heard: a jump (seek) is not listening.
  if (!a.paused && !a.seeking && delta > 0 && delta < 1.5) listened += delta * 1000;
  lastTime = t;
  player.set((s) => ({ ...s, position: t }));
  if (!reported && listened >= kReportAtMs) void report();
}

function onEnded(): void {
  const a = element();
  const delta = finite(a.duration) - lastTime;
  if (delta > 0 && delta < 1.5) listened += delta * 1000;
  const done = report();
  void done.then(() => next());
}

async function report(): Promise<void> {
  const t = current();
  if (!t || reported || listened <= 0) return;
  reported = true;
  try {
    const r = await musicApi.reportPlay(t.id, listened);
    for (const fn of [...playListeners]) fn(t, r);
  } catch {
    // A play that cannot be reported is lost, like a scrobble offline; playback goes on.
  }
}

function load(index: number, autoplay: boolean): void {
  const s = player.get();
  const t = s.queue[index];
  if (!t) return;
  const a = element();
  listened = 0;
  lastTime = 0;
  reported = false;
  player.set((p) => ({ ...p, index, position: 0, duration: t.duration_ms / 1000, error: null }));
  a.src = t.stream_url;
  applyGain(t);
  if (autoplay) resume();
}

/** Starts playing. Call from a click: Web Audio and autoplay need a gesture. */
export function resume(): void {
  const a = element();
  ensureGraph(a);
  const t = current();
  if (t) applyGain(t);
  a.play().catch((e: unknown) => {
    if (e instanceof DOMException && e.name === 'AbortError') return;
    player.set((s) => ({ ...s, playing: false, error: errorMessage(e) }));
  });
}

export function pause(): void {
  element().pause();
}

export function toggle(): void {
  if (!current()) return;
  if (element().paused) resume();
  else pause();
}

/** Replaces the queue with `tracks` and plays from `start`. */
export function playTracks(tracks: Track[], start = 0): void {
  if (!tracks.length) return;
  element();
  ensureGraph(element());
  player.set((s) => ({ ...s, queue: tracks.slice() }));
  load(Math.max(0, Math.min(start, tracks.length - 1)), true);
}

/** Puts `t` right after the current track. */
export function playNext(t: Track): void {
  const s = player.get();
  if (s.index < 0) return playTracks([t]);
  const queue = s.queue.slice();
  queue.splice(s.index + 1, 0, t);
  player.set({ ...s, queue });
}

/** Adds `t` to the end of the queue. */
export function addToQueue(t: Track): void {
  const s = player.get();
  if (s.index < 0) return playTracks([t]);
  player.set({ ...s, queue: [...s.queue, t] });
}

/** Adds `tracks` to the end of the queue (nothing when it is empty). */
export function extendQueue(tracks: Track[]): void {
  const s = player.get();
  if (s.index < 0 || !tracks.length) return;
  player.set({ ...s, queue: [...s.queue, ...tracks] });
}

export function removeFromQueue(i: number): void {
  const s = player.get();
  if (i === s.index || i < 0 || i >= s.queue.length) return;
  const queue = s.queue.filter((_, k) => k !== i);
  player.set({ ...s, queue, index: i < s.index ? s.index - 1 : s.index });
}

/**
 * The next track (at the end of the queue, stops). A skipped track is not
 * reported: a play is 30 s heard or the end.
 */
export async function next(): Promise<void> {
  const s = player.get();
  if (s.index < 0) return;
  if (beforeNext) await beforeNext();
  const i = player.get().index + 1;
  if (i >= player.get().queue.length) {
    pause();
    element().currentTime = 0;
    return;
  }
  load(i, true);
}

/** Back to the start of the song, or the previous one within the first 3 s. */
export function previous(): void {
  const s = player.get();
  const a = element();
  if (s.index <= 0 || a.currentTime > 3) {
    seek(0);
    return;
  }
  load(s.index - 1, true);
}

export function jumpTo(i: number): void {
  if (i < 0 || i >= player.get().queue.length) return;
  load(i, true);
}

export function seek(seconds: number): void {
  const a = element();
  const d = finite(a.duration) || player.get().duration;
  a.currentTime = Math.max(0, Math.min(seconds, d ? d - 0.05 : seconds));
  lastTime = a.currentTime;
  player.set((s) => ({ ...s, position: a.currentTime }));
}

/** Plays a one-off clip (an ad) in place of the music, resolving when it ends or fails. */
export function playInterstitial(url: string): Promise<{ heard: boolean }> {
  return new Promise((resolve) => {
    const a = new Audio(url);
    a.dataset.testid = 'music-ad-audio';
    const finish = (heard: boolean) => {
      a.remove();
      resolve({ heard });
    };
    a.addEventListener('ended', () => finish(true), { once: true });
    a.addEventListener('error', () => finish(false), { once: true });
    document.body.appendChild(a);
    a.hidden = true;
    a.play().catch(() => finish(false));
  });
}

// What the viewer does in the player, for the For You engine: impressions,
// skips, replays, profile visits and "not interested", queued and sent to
// POST /api/v1/events in batches, at most one request every ~2 s, and
// flushed with fetch keepalive when the page goes away. Watch time is not
// sent here: the view report (POST /videos/{id}/view) already carries it.
import { csrfHeaders } from '../api';
import { session } from '../session';

export type EventKind = 'impression' | 'skip' | 'replay' | 'profile_visit' | 'not_interested';

interface QueuedEvent {
  kind: EventKind;
  video_id: string;
  at: number;
}

const kViewerKey = 'riff_vk';
const kFlushEveryMs = 2000;
const kMaxBatch = 500;

let cachedKey: string | null = null;

function newKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Hex digits only: the view route accepts [0-9a-fA-F_-] in the riff_vk cookie.
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/**
 * The anonymous viewer's key, the same for view reports and events so that
 * the server sees one viewer: kept in localStorage and mirrored in the
 * `riff_vk` cookie (which POST /videos/{id}/view reads), and sent as
 * X-Riff-Session with events.
 */
export function viewerKey(): string {
  if (cachedKey) return cachedKey;
  let key: string | null = null;
  try {
    key = localStorage.getItem(kViewerKey);
  } catch {
    /* storage blocked: a key for this page only */
  }
  if (!key || !/^[0-9a-fA-F_-]{1,64}$/.test(key)) {
    key = newKey();
    try {
      localStorage.setItem(kViewerKey, key);
    } catch {
      /* ignore */
    }
  }
  cachedKey = key;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${kViewerKey}=${key}; Path=/; Max-Age=${400 * 86400}; SameSite=Lax${secure}`;
  return key;
}

let queue: QueuedEvent[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
let lastSent = 0;

function headers(): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': 'application/json', ...csrfHeaders() };
  if (!session.get().user) h['X-Riff-Session'] = viewerKey();
  return h;
}

function send(keepalive: boolean): void {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  if (queue.length === 0) return;
  const items = queue.splice(0, kMaxBatch);
  lastSent = Date.now();
  const body = JSON.stringify({ batch_id: newKey(), items });
  try {
    void fetch('/api/v1/events', { method: 'POST', keepalive, credentials: 'same-origin', headers: headers(), body }).catch(
      () => {},
    );
  } catch {
    /* best effort: the engine also learns from views and likes */
  }
  if (queue.length > 0) schedule();
}

function schedule(): void {
  if (timer) return;
  const wait = Math.max(0, lastSent + kFlushEveryMs - Date.now());
  timer = setTimeout(() => send(false), wait);
}

/** Queues one event; it is sent with the next batch (within ~2 s). */
export function trackEvent(kind: EventKind, videoId: string): void {
  queue.push({ kind, video_id: videoId, at: Date.now() });
  schedule();
}

/** Sends what is queued now if the rate allows, else as soon as it does. */
export function flushEventsSoon(): void {
  if (Date.now() - lastSent >= kFlushEveryMs) send(false);
  else schedule();
}

window.addEventListener('pagehide', () => send(true));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') send(true);
});

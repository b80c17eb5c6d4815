// Unread notification count and the live WebSocket (/api/v1/ws).
// One socket per signed-in tab; it reconnects with capped exponential
// backoff and re-syncs the unread count after every (re)connect.

import { api, wsUrl, type Notification } from './api';
import { session } from './session';
import { createStore } from './store';

export const unread = createStore<number>(0);

type Listener = (n: Notification) => void;
const listeners = new Set<Listener>();

/** Subscribe to notifications as they arrive; returns an unsubscribe function. */
export function onNotification(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const PING_MS = 25_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

let ws: WebSocket | null = null;
let wanted = false;
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let pingTimer: ReturnType<typeof setInterval> | null = null;

// Every change to the unread count gets a sequence number. An HTTP re-read
// records the sequence when it starts and is dropped if anything newer (a
// socket notification, a later re-read, a reset) landed while it was in
// flight, so the newest information always wins.
let unreadSeq = 0;

export function setUnread(next: number | ((prev: number) => number)): void {
  unreadSeq++;
  unread.set(next);
}

export async function refreshUnread(): Promise<void> {
  const startedAt = ++unreadSeq;
  try {
    const r = await api.unreadCount();
    if (startedAt !== unreadSeq) return; // a newer update arrived meanwhile
    unread.set(r.unread_count);
  } catch {
    /* keep the last known value */
  }
}

function clearTimers() {
  if (retryTimer) clearTimeout(retryTimer);
  if (pingTimer) clearInterval(pingTimer);
  retryTimer = null;
  pingTimer = null;
}

function scheduleReconnect() {
  if (!wanted || retryTimer) return;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  const delay = base / 2 + Math.random() * (base / 2);
  attempt++;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    open();
  }, delay);
}

function open() {
  if (!wanted || ws) return;
  let sock: WebSocket;
  try {
    sock = new WebSocket(wsUrl());
  } catch {
    scheduleReconnect();
    return;
  }
  ws = sock;
  sock.onopen = () => {
    attempt = 0;
    pingTimer = setInterval(() => {
      if (sock.readyState === WebSocket.OPEN) sock.send(JSON.stringify({ type: 'ping' }));
    }, PING_MS);
  };
  sock.onmessage = (ev) => {
    let msg: { type?: string; notification?: Notification; unread_count?: number; user_id?: string | null };
    try {
      msg = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if (msg.type === 'hello') {
      // Catch up on anything that arrived while we were disconnected.
      void refreshUnread();
    } else if (msg.type === 'notification' && msg.notification) {
      if (typeof msg.unread_count === 'number') setUnread(msg.unread_count);
      else setUnread((n) => n + 1);
      for (const fn of [...listeners]) fn(msg.notification);
    }
  };
  sock.onclose = () => {
    if (ws === sock) ws = null;
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    scheduleReconnect();
  };
  sock.onerror = () => {
    try {
      sock.close();
    } catch {
      /* ignore */
    }
  };
}

function start() {
  if (wanted) return;
  wanted = true;
  attempt = 0;
  void refreshUnread();
  open();
}

function stop() {
  wanted = false;
  clearTimers();
  const sock = ws;
  ws = null;
  if (sock) {
    sock.onclose = null;
    sock.close();
  }
  setUnread(0);
}

/** Follow the session: connect when signed in, disconnect when signed out. */
export function startLive(): void {
  let lastUserId: string | null = null;
  const sync = () => {
    const user = session.get().user;
    const id = user ? user.id : null;
    if (id === lastUserId) return;
    if (lastUserId) stop();
    lastUserId = id;
    if (id) start();
  };
  session.subscribe(sync);
  sync();

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !wanted) return;
    void refreshUnread();
    if (!ws) {
      // Reconnect now instead of waiting out a long backoff.
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      attempt = 0;
      open();
    }
  });
}

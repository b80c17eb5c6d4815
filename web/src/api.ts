// The one place the client talks HTTP to riffd (see the API contract).
// Every call: same-origin cookies, X-CSRF-Token on mutations, problem+json
// errors turned into ApiError.

// ---------- types (mirror the contract) ----------

export type Role = 'user' | 'creator' | 'seller' | 'admin';

export interface UserMe {
  id: string;
  handle: string;
  email: string;
  display_name: string;
  bio: string;
  avatar_url: string | null;
  role: Role;
  is_private: boolean;
  follower_count: number;
  following_count: number;
  created_at: string;
}

export interface Viewer {
  is_self: boolean;
  following: boolean;
  requested: boolean;
  followed_by: boolean;
  blocking: boolean;
}

export interface Profile {
  id: string;
  handle: string;
  display_name: string;
  bio: string;
  avatar_url: string | null;
  role: Role;
  is_private: boolean;
  follower_count: number;
  following_count: number;
  created_at: string;
  /** Present when the request is authenticated. */
  viewer?: Viewer;
}

export interface UserSummary {
  id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  is_private: boolean;
}

/** Notices about an order; `subject_id` is the order. */
export type OrderNotificationKind =
  | 'order_placed'
  | 'order_to_ship'
  | 'order_paid'
  | 'order_shipped'
  | 'order_delivered'
  | 'order_cancelled'
  | 'return_requested'
  | 'return_approved'
  | 'return_rejected'
  | 'commission_earned'
  | 'commission_reversed';

export type NotificationKind = 'follow' | 'follow_request' | 'follow_accepted' | OrderNotificationKind;

export interface Notification {
  id: string;
  kind: NotificationKind;
  /** Who caused it; null for system notices (a payment confirmed, a commission). */
  actor: UserSummary | null;
  /** What it is about (an order for the order kinds). */
  subject_id?: string;
  created_at: string;
  read: boolean;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface NotificationPage extends Page<Notification> {
  unread_count: number;
}

export interface FollowRequest {
  user: UserSummary;
  created_at: string;
}

export interface AuthResult {
  user: UserMe;
  token: string;
  csrf_token: string;
}

export type FollowState = 'following' | 'requested' | 'none';

export interface PageParams {
  cursor?: string | null;
  limit?: number;
}

// ---------- errors ----------

export interface FieldError {
  /** JSON pointer into the request body, e.g. "/handle". */
  pointer: string;
  detail: string;
}

/** A failed request. `slug` is the last segment of the problem `type` ("validation", "conflict", ...). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** Seconds to wait, from Retry-After (429/503). */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    type?: string;
    title?: string;
    detail?: string;
    errors?: FieldError[];
    retryAfter?: number | null;
  }) {
    const title = init.title || defaultTitle(init.status);
    super(init.detail || title);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type || 'about:blank';
    this.slug = this.type.split('/').pop() || '';
    this.title = title;
    this.detail = init.detail || '';
    this.errors = init.errors || [];
    this.retryAfter = init.retryAfter ?? null;
  }

  /** Field errors keyed by the first pointer segment ("/handle" -> "handle"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const key = e.pointer.replace(/^\//, '').split('/')[0] || '';
      if (key && !(key in out)) out[key] = e.detail;
    }
    return out;
  }
}

function defaultTitle(status: number): string {
  if (status === 0) return 'Network error';
  if (status === 401) return 'Please log in';
  if (status === 403) return 'Not allowed';
  if (status === 404) return 'Not found';
  if (status === 413) return 'Too large';
  if (status === 415) return 'Unsupported file type';
  if (status === 429) return 'Too many requests';
  if (status >= 500) return 'Something went wrong on our side';
  return 'Request failed';
}

/** Human text for an error that is not tied to one field. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return "Can't reach riff. Check your connection and try again.";
    if (err.status === 429) return rateLimitMessage(err.retryAfter);
    return err.detail || err.title;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function rateLimitMessage(retryAfter: number | null): string {
  if (retryAfter == null || retryAfter <= 0) return 'Too many attempts. Please wait a moment and try again.';
  if (retryAfter < 60) {
    return `Too many attempts. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
  }
  const minutes = Math.ceil(retryAfter / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return parseInt(trimmed, 10);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// ---------- CSRF ----------

let lastCsrf: string | null = null;

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie('riff_csrf') || lastCsrf;
}

/** Headers for a mutation made outside request() (tus, keepalive beacons). */
export function csrfHeaders(): Record<string, string> {
  const t = csrfToken();
  return t ? { 'X-CSRF-Token': t } : {};
}

// ---------- session-expiry hook ----------

let onUnauthenticated: (() => void) | null = null;

/** Called when an authenticated request answers 401 unauthenticated (session gone). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

// ---------- core request ----------

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  /** Extra request headers (Idempotency-Key, ...). */
  headers?: Record<string, string>;
}

const API = '/api/v1';

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  let url = API + path;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }

  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    body = opts.body;
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
  }
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'Network error' });
  }

  if (res.ok) {
    if (res.status === 204 || res.status === 205) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError({ status: res.status, title: 'Bad response from server' });
    }
  }

  const err = await toApiError(res);
  if (err.status === 401 && err.slug === 'unauthenticated' && onUnauthenticated) onUnauthenticated();
  throw err;
}

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  const ct = res.headers.get('Content-Type') || '';
  if (ct.includes('json')) {
    try {
      const p = (await res.json()) as {
        type?: string;
        title?: string;
        detail?: string;
        errors?: Array<{ pointer?: string; detail?: string }>;
      };
      const errors: FieldError[] = Array.isArray(p.errors)
        ? p.errors
            .filter((e) => e && typeof e.detail === 'string')
            .map((e) => ({ pointer: String(e.pointer ?? ''), detail: String(e.detail) }))
        : [];
      return new ApiError({ status: res.status, type: p.type, title: p.title, detail: p.detail, errors, retryAfter });
    } catch {
      /* fall through */
    }
  }
  return new ApiError({ status: res.status, retryAfter });
}

const enc = encodeURIComponent;

function pageQuery(p?: PageParams) {
  return { cursor: p?.cursor ?? undefined, limit: p?.limit ?? undefined };
}

function remember(r: AuthResult): AuthResult {
  if (r && r.csrf_token) lastCsrf = r.csrf_token;
  return r;
}

// ---------- endpoints ----------

export const api = {
  // auth
  signup: (b: { handle: string; email: string; password: string; display_name?: string }) =>
    request<AuthResult>('POST', '/auth/signup', { json: b }).then(remember),
  login: (b: { login: string; password: string }) =>
    request<AuthResult>('POST', '/auth/login', { json: b }).then(remember),
  logout: () =>
    request<void>('POST', '/auth/logout').finally(() => {
      lastCsrf = null;
    }),

  // me
  me: () => request<UserMe>('GET', '/me'),
  updateMe: (b: { display_name?: string; bio?: string; is_private?: boolean }) =>
    request<UserMe>('PATCH', '/me', { json: b }),
  uploadAvatar: (file: Blob) =>
    request<UserMe>('PUT', '/me/avatar', { body: file, contentType: file.type || 'application/octet-stream' }),
  deleteAvatar: () => request<UserMe>('DELETE', '/me/avatar'),
  blocks: (p?: PageParams) => request<Page<UserSummary>>('GET', '/me/blocks', { query: pageQuery(p) }),
  followRequests: (p?: PageParams) =>
    request<Page<FollowRequest>>('GET', '/me/follow-requests', { query: pageQuery(p) }),
  approveRequest: (userId: string) => request<void>('POST', `/me/follow-requests/${enc(userId)}/approve`),
  declineRequest: (userId: string) => request<void>('POST', `/me/follow-requests/${enc(userId)}/decline`),

  // users
  user: (handle: string, signal?: AbortSignal) => request<Profile>('GET', `/users/${enc(handle)}`, { signal }),
  followers: (handle: string, p?: PageParams) =>
    request<Page<UserSummary>>('GET', `/users/${enc(handle)}/followers`, { query: pageQuery(p) }),
  following: (handle: string, p?: PageParams) =>
    request<Page<UserSummary>>('GET', `/users/${enc(handle)}/following`, { query: pageQuery(p) }),
  follow: (handle: string) => request<{ state: FollowState }>('POST', `/users/${enc(handle)}/follow`),
  unfollow: (handle: string) => request<{ state: FollowState }>('DELETE', `/users/${enc(handle)}/follow`),
  block: (handle: string) => request<void>('POST', `/users/${enc(handle)}/block`),
  unblock: (handle: string) => request<void>('DELETE', `/users/${enc(handle)}/block`),

  // notifications
  notifications: (p?: PageParams) => request<NotificationPage>('GET', '/notifications', { query: pageQuery(p) }),
  unreadCount: () => request<{ unread_count: number }>('GET', '/notifications/unread-count'),
  markRead: (upTo?: string) => request<void>('POST', '/notifications/read', { json: upTo ? { up_to: upTo } : {} }),
};

/** WebSocket URL for live updates (cookie-authenticated, same origin). */
export function wsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${API}/ws`;
}

// HTTP helpers over Node's built-in fetch, plus raw sockets for the tests that
// need to misbehave on the wire.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

/// Parses Set-Cookie header values into {name: {value, attrs: {lowercased: value|true}}}.
export function parseSetCookies(list) {
  const out = {};
  for (const line of list) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const a = {};
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      if (i < 0) a[attr.toLowerCase()] = true;
      else a[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
    }
    out[name] = { value, attrs: a, raw: line };
  }
  return out;
}

export function cookieHeader(cookies) {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.value}`)
    .join('; ');
}

/// One request. `server` is anything with `.url`.
/// opts: json (serialised, with content-type), body (raw), headers, token (Bearer),
/// cookies ({name: value}), csrf (X-CSRF-Token).
/// Resolves {status, headers, text, json, cookies}; json is undefined when the body is not JSON.
export async function request(server, method, path, opts = {}) {
  const headers = new Headers(opts.headers ?? {});
  if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
  if (opts.cookies) headers.set('cookie', cookieHeader(opts.cookies));
  if (opts.csrf) headers.set('x-csrf-token', opts.csrf);
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, json, cookies: parseSetCookies(res.headers.getSetCookie()) };
}

export const get = (s, p, o) => request(s, 'GET', p, o);
export const post = (s, p, o) => request(s, 'POST', p, o);
export const patch = (s, p, o) => request(s, 'PATCH', p, o);
export const put = (s, p, o) => request(s, 'PUT', p, o);
export const del = (s, p, o) => request(s, 'DELETE', p, o);

/// Asserts a response status, showing the body when it differs.
export function expectStatus(res, status, what = '') {
  assert.equal(res.status, status, `${what ? what + ': ' : ''}expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
}

let counter = 0;
/// A fresh valid handle (lowercase, <= 24 chars).
export function uniqueHandle(prefix = 'u') {
  counter += 1;
  return `${prefix}${counter}_${crypto.randomBytes(4).toString('hex')}`.slice(0, 24);
}

/// A signed-up user with helpers that act as that user over Bearer auth.
export class User {
  constructor(server, { handle, email, password, body, res }) {
    this.server = server;
    this.handle = handle;
    this.email = email;
    this.password = password;
    this.me = body.user;
    this.id = body.user.id;
    this.token = body.token;
    this.csrf = body.csrf_token;
    this.cookies = Object.fromEntries(Object.entries(res.cookies).map(([k, v]) => [k, v.value]));
  }
  req(method, path, opts = {}) {
    return request(this.server, method, path, { token: this.token, ...opts });
  }
  get(p, o) {
    return this.req('GET', p, o);
  }
  post(p, o) {
    return this.req('POST', p, o);
  }
  patch(p, o) {
    return this.req('PATCH', p, o);
  }
  put(p, o) {
    return this.req('PUT', p, o);
  }
  del(p, o) {
    return this.req('DELETE', p, o);
  }
  follow(other) {
    return this.post(`/api/v1/users/${other.handle ?? other}/follow`);
  }
  profile(other) {
    return this.get(`/api/v1/users/${other.handle ?? other}`);
  }
}

/// Signs up a new user (201 expected) and returns a User.
export async function signup(server, fields = {}) {
  const handle = fields.handle ?? uniqueHandle();
  const email = fields.email ?? `${handle.replace(/[^a-z0-9]/g, '')}@example.com`;
  const password = fields.password ?? `pw-${crypto.randomBytes(8).toString('hex')}`;
  const json = { handle, email, password };
  if (fields.display_name !== undefined) json.display_name = fields.display_name;
  const res = await post(server, '/api/v1/auth/signup', { json });
  expectStatus(res, 201, `signup ${handle}`);
  return new User(server, { handle: handle.toLowerCase(), email, password, body: res.json, res });
}

export async function login(server, loginName, password) {
  return post(server, '/api/v1/auth/login', { json: { login: loginName, password } });
}

/// Collects every item of a paginated list, following next_cursor.
/// Returns {items, pages}.
export async function collectPages(fetchPage, { limit = 20, maxPages = 1000 } = {}) {
  const items = [];
  let cursor = null;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    const res = await fetchPage(`?${q}`);
    expectStatus(res, 200, `page ${pages + 1}`);
    assert.ok(Array.isArray(res.json.items), 'list has items[]');
    assert.ok(res.json.items.length <= limit, `page holds at most ${limit} items, got ${res.json.items.length}`);
    items.push(...res.json.items);
    pages += 1;
    cursor = res.json.next_cursor;
    if (cursor === null || cursor === undefined) break;
    assert.equal(typeof cursor, 'string', 'next_cursor is a string or null');
    assert.ok(pages < maxPages, 'pagination ends');
  }
  return { items, pages };
}

/// Sends raw bytes and resolves everything the server sent until it closed
/// the connection (or `timeoutMs` passed, then {timedOut: true}).
export function rawExchange(port, data, { timeoutMs = 10000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, host);
    const chunks = [];
    let timer;
    sock.on('connect', () => {
      sock.write(data);
      timer = setTimeout(() => {
        sock.destroy();
        resolve({ data: Buffer.concat(chunks), timedOut: true });
      }, timeoutMs);
    });
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      if (e.code === 'ECONNRESET') return; // treated as a close
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), timedOut: false });
    });
  });
}

/// A request through node:http (no automatic decompression, full control of
/// headers). Resolves {status, headers, body: Buffer}.
export function httpRequest(server, method, path, { headers = {}, body } = {}) {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/// Writes `head`, then `body` in chunks until done or the server closes, and
/// resolves the latin1 text of what the server answered (the socket is ended
/// `lingerMs` after the last write).
export function sendRaw(port, head, body = Buffer.alloc(0), { chunk = 64 * 1024, lingerMs = 2000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got = [];
    let closed = false;
    sock.on('data', (c) => got.push(c));
    sock.on('error', () => {}); // EPIPE/ECONNRESET once the server has answered and closed
    sock.on('close', () => {
      closed = true;
      resolve(Buffer.concat(got).toString('latin1'));
    });
    sock.on('connect', async () => {
      sock.write(head);
      for (let off = 0; off < body.length && !closed; off += chunk) {
        const ok = sock.write(body.subarray(off, off + chunk));
        if (!ok) await new Promise((r) => sock.once('drain', r).once('close', r));
      }
      setTimeout(() => sock.end(), lingerMs).unref();
      setTimeout(() => sock.destroy(), lingerMs + 10000).unref();
    });
  });
}

/// The status code of a raw HTTP/1.x response text, or null.
export function statusOf(raw) {
  const m = raw.match(/^HTTP\/1\.[01] (\d{3})/);
  return m ? Number(m[1]) : null;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

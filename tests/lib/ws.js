// A WebSocket client (npm `ws`) that queues incoming JSON messages so a test
// can wait for the next one matching a predicate.

import WebSocket from 'ws';

export class WsClient {
  constructor(ws) {
    this.ws = ws;
    this.queue = [];
    this.waiters = [];
    this.closed = false;
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch {
        msg = { type: '<non-json>', raw: data.toString('utf8') };
      }
      this.queue.push(msg);
      this.flush();
    });
    ws.on('close', () => {
      this.closed = true;
      this.flush();
    });
  }

  flush() {
    for (const w of [...this.waiters]) {
      const i = this.queue.findIndex(w.pred);
      if (i >= 0) {
        const [m] = this.queue.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(m);
      } else if (this.closed) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.reject(new Error(`WebSocket closed while waiting for ${w.what}; got ${JSON.stringify(this.queue)}`));
      }
    }
  }

  /// Resolves the next queued message for which pred(msg) is true.
  next(pred = () => true, { timeoutMs = 10000, what = 'a message' } = {}) {
    if (typeof pred === 'string') {
      const type = pred;
      what = `a "${type}" message`;
      pred = (m) => m.type === type;
    }
    return new Promise((resolve, reject) => {
      const w = { pred, resolve, reject, what };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.queue)}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.flush();
    });
  }

  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  close() {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', resolve);
      this.ws.close();
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

/// Opens ws://.../api/v1/ws. opts: token (?token=), cookie (Cookie header).
/// Rejects with {statusCode} when the upgrade is refused.
export function connectWs(server, { token, cookie, path = '/api/v1/ws' } = {}) {
  const url = new URL(path, server.url.replace(/^http/, 'ws'));
  if (token) url.searchParams.set('token', token);
  const headers = {};
  if (cookie) headers.cookie = cookie;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 10000 });
    const client = new WsClient(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (req, res) => {
      const e = new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`);
      e.statusCode = res.statusCode;
      reject(e);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

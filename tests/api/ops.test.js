// Health, readiness and Prometheus metrics.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectStatus, get, signup } from '../lib/http.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

/// Parses Prometheus text into [{name, labels, value}].
function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/);
    assert.ok(m, `a valid exposition line: ${line}`);
    const labels = {};
    if (m[3]) {
      for (const lm of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]] = lm[2];
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

/// Sum of request counters whose route label matches `routeRe`.
function requestCount(samples, routeRe) {
  return samples
    .filter((s) => s.name.endsWith('_total') && s.labels.route !== undefined && routeRe.test(s.labels.route) && !s.name.includes('bucket'))
    .reduce((a, s) => a + s.value, 0);
}

describe('health', () => {
  test('/healthz is 200 {"status":"ok"}', async () => {
    const res = await get(server, '/healthz');
    expectStatus(res, 200);
    assert.deepEqual(res.json, { status: 'ok' });
  });

  test('/readyz is 200 {"status":"ready"} with a reachable database', async () => {
    const res = await get(server, '/readyz');
    expectStatus(res, 200);
    assert.deepEqual(res.json, { status: 'ready' });
  });
});

describe('metrics', () => {
  test('/metrics counts requests per route template, not per concrete path', async () => {
    const u = await signup(server);
    const first = await get(server, '/metrics');
    expectStatus(first, 200);
    assert.match(first.headers.get('content-type') ?? '', /^text\/plain/);
    const before = parseMetrics(first.text);

    for (let i = 0; i < 3; i++) expectStatus(await get(server, `/api/v1/users/${u.handle}`), 200);
    const text = (await get(server, '/metrics')).text;
    const after = parseMetrics(text);

    const routes = new Set(after.filter((s) => s.labels.route !== undefined).map((s) => s.labels.route));
    assert.ok(routes.size > 0, `request counters carry a route label:\n${text.slice(0, 2000)}`);
    assert.ok(![...routes].some((r) => r.includes(u.handle)), 'the route label is the template, not the handle');
    const userRoute = [...routes].find((r) => /^\/api\/v1\/users\/[^/]+$/.test(r));
    assert.ok(userRoute, `a route label for /api/v1/users/{handle}: ${[...routes].join(', ')}`);
    const re = new RegExp(`^${userRoute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const delta = requestCount(after, re) - requestCount(before, re);
    assert.ok(delta >= 3, `the counter for ${userRoute} went up by at least 3 (went up by ${delta})`);
    assert.ok(requestCount(after, /signup/) >= 1, 'the signup route is counted');
  });
});

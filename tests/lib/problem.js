// Assertions for RFC 9457 problem+json responses as the riff contract defines
// them: {type: "/problems/<slug>", title, status, detail, errors?: [{pointer, detail}]}.

import assert from 'node:assert/strict';

/// Asserts `res` is a problem with `status` and type `/problems/<slug>`; when
/// `pointer` is given, errors[] must name it. Returns the problem body.
export function assertProblem(res, status, slug, { pointer } = {}) {
  const ctx = `${res.status} ${res.text.slice(0, 400)}`;
  assert.equal(res.status, status, `expected HTTP ${status} (${slug}), got ${ctx}`);
  const ct = res.headers.get('content-type') ?? '';
  assert.match(ct, /^application\/problem\+json/, `content-type is problem+json, got "${ct}"`);
  const p = res.json;
  assert.ok(p && typeof p === 'object', `problem body is JSON: ${ctx}`);
  assert.equal(p.type, `/problems/${slug}`, `problem type: ${ctx}`);
  assert.equal(p.status, status, `problem status member: ${ctx}`);
  assert.equal(typeof p.title, 'string', `problem has a title: ${ctx}`);
  if (pointer !== undefined) {
    assert.ok(Array.isArray(p.errors), `problem has errors[]: ${ctx}`);
    const pointers = p.errors.map((e) => e.pointer);
    assert.ok(pointers.includes(pointer), `errors[] names ${pointer}; got ${JSON.stringify(pointers)}`);
    for (const e of p.errors) assert.equal(typeof e.detail, 'string', `each error has a detail: ${ctx}`);
  }
  return p;
}

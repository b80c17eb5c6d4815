// A crash-safety harness: runs a random workload against riffd from several
// concurrent clients, SIGKILLs the server at random moments, restarts it on
// the same data, and keeps a journal of every operation (its idempotency
// key and whether the server acknowledged it). Afterwards every operation is
// retried with its key, so a caller can check that acknowledged work
// survived and that nothing was applied twice. Used by the ledger test and
// meant for the checkout/orders tests that come next.

import { sleep } from './http.js';

/// Runs `rounds` rounds. In each, `clients` loops call `op(ctx, n)` (n is a
/// fresh operation number; it resolves {key, ack} or throws when the server
/// is gone) until the server is killed after a random 300..maxKillMs ms;
/// then `ctx.restart()` brings it back. Resolves the journal: [{n, key, ack}].
export async function crashLoop(ctx, { rounds = 5, clients = 4, maxKillMs = 1500, op, random = Math.random }) {
  const journal = [];
  let next = 0;
  for (let round = 0; round < rounds; round++) {
    let running = true;
    const loops = [];
    for (let c = 0; c < clients; c++) {
      loops.push((async () => {
        while (running) {
          const n = next++;
          const entry = { n, key: null, ack: false };
          journal.push(entry);
          try {
            const r = await op(ctx, n, entry);
            entry.key = r.key;
            entry.ack = r.ack;
          } catch {
            if (running) await sleep(10); // the server went away mid-request
          }
        }
      })());
    }
    await sleep(300 + Math.floor(random() * (maxKillMs - 300)));
    await ctx.server.kill();
    running = false;
    await Promise.all(loops);
    await ctx.restart();
  }
  return journal;
}

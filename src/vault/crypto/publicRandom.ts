import { randomBytes } from 'node:crypto';

/**
 * Random bytes that end up in the open: nonces (stored beside their ciphertext) and the
 * names of temp files. Drawn from the CSPRNG 4 KB at a time and handed out once each, as
 * Node's own `randomUUID` does: a call to `randomBytes` costs ~10 µs here, whatever its
 * size, and a rotation of 600 stores makes 1,200 of them (bench `rotate_vs_durable_rewrite`,
 * bench/README.md "round 7"). Keys never come from here: they are drawn when made
 * (`newProjectKey`), so no secret waits in a pool.
 */
const POOL_BYTES = 4096;
/** Larger requests come straight from the CSPRNG: the pool is for many small ones. */
const MAX_POOLED = 64;

let pool = Buffer.alloc(0);
let used = 0;

/** `n` fresh random bytes, never handed out before, in a buffer of their own. */
export function publicRandomBytes(n: number): Buffer {
  if (n > MAX_POOLED) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const out = Buffer.from(pool.subarray(used, used + n));
  used += n;
  return out;
}

// Stands in for @noble/hashes' hkdf.js and hmac.js where age-encryption imports them, in the
// node bundles: HKDF-SHA-256 and HMAC-SHA-256 through node:crypto. age derives every file key's
// header MAC and stream key with them, and the pure-JS SHA-256 costs each CLI run its first,
// unoptimised compilation. Any other hash goes to @noble/hashes, as before.
import { createHmac, hkdfSync } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf as nobleHkdf, extract, expand } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';

export { extract, expand };

/** True for the hash node:crypto computes here (@noble/hashes' own sha256 object). */
export const native = (hash) => hash === sha256;

/** RFC 5869; an absent salt is HashLen zero bytes, as in @noble/hashes. */
export function hkdf(hash, ikm, salt, info, length) {
  if (!native(hash)) return nobleHkdf(hash, ikm, salt, info, length);
  return new Uint8Array(hkdfSync('sha256', ikm, salt ?? new Uint8Array(32), info ?? new Uint8Array(0), length));
}

export function hmac(hash, key, message) {
  if (!native(hash)) return nobleHmac(hash, key, message);
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

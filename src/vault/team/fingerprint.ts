import { createHash } from 'node:crypto';

/**
 * A short fingerprint people can read to each other to confirm a request.
 * Chosen: SHA-256 of the recipient text, first 8 bytes as 4 groups of 4 hex
 * digits (`3f2a-91bc-0d4e-7781`). Unlike a prefix of the bech32 text, every
 * character carries entropy (no fixed `age1`), and any tool can recompute it.
 */
export function recipientFingerprint(recipient: string): string {
  return groups(sha256Hex(recipient).slice(0, 16));
}

/**
 * A digest of what a person was shown (an entry, a difference), checked again at
 * write time: anything edited in between no longer matches. 64 bits, grouped like
 * a fingerprint so it fits in a flag (`--accept-change kgm_x@3f2a-…`).
 */
export function shownDigest(parts: readonly (string | null)[]): string {
  return groups(sha256Hex(JSON.stringify(parts)).slice(0, 16));
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

function groups(hex: string): string {
  return hex.match(/.{4}/g)!.join('-');
}

import { randomBytes } from 'node:crypto';
import { bech32 } from '@scure/base';
import { x25519Base, X25519_BYTES } from './x25519';

/**
 * age's X25519 keys as text: an identity `AGE-SECRET-KEY-1…` (a private scalar) and a recipient
 * `age1…` (its public key), both Bech32 (BIP 173). The device's identity file and the members'
 * `recipient` in access.json hold them; the Rust CLI and Go `age` read the same text.
 */

/** Not an age X25519 key: a wrong prefix, checksum or length. */
export class AgeKeyError extends Error {}

/** An X25519 identity, decoded once: its scalar and the public key age mixes into each stanza's salt. */
export interface AgeIdentity {
  scalar: Uint8Array;
  publicKey: Uint8Array;
}

const IDENTITY_PREFIX = 'AGE-SECRET-KEY-';
const RECIPIENT_PREFIX = 'age';

function decode(text: string, prefix: string, what: string): Uint8Array {
  let decoded: { prefix: string; bytes: Uint8Array } | undefined;
  try {
    decoded = bech32.decodeToBytes(text);
  } catch {
    decoded = undefined;
  }
  // Bech32 refuses mixed case; age also wants the prefix in its own case, and only that prefix.
  if (
    !decoded ||
    !text.startsWith(`${prefix}1`) ||
    decoded.prefix !== prefix.toLowerCase() ||
    decoded.bytes.length !== X25519_BYTES
  )
    throw new AgeKeyError(`invalid age ${what}`);
  return decoded.bytes;
}

/** `AGE-SECRET-KEY-1…` → its scalar and public key; throws on anything else, as age does. */
export function parseAgeIdentity(secretKey: string): AgeIdentity {
  const scalar = decode(secretKey, IDENTITY_PREFIX, 'identity');
  return { scalar, publicKey: x25519Base(scalar) };
}

/** `age1…` → the public key. */
export function parseAgeRecipient(recipient: string): Uint8Array {
  return decode(recipient, RECIPIENT_PREFIX, 'recipient');
}

/** Whether `text` decodes as an age X25519 key with this prefix, its checksum included. */
function isAgeKey(text: string, prefix: string): boolean {
  try {
    decode(text, prefix, '');
    return true;
  } catch {
    return false;
  }
}

/** Whether `text` is an `age1…` X25519 recipient, its checksum included. */
export const isAgeRecipient = (text: string): boolean => isAgeKey(text, RECIPIENT_PREFIX);

/** Whether `text` is an `AGE-SECRET-KEY-1…` X25519 identity, its checksum included (no X25519 operation). */
export const isAgeIdentity = (text: string): boolean => isAgeKey(text, IDENTITY_PREFIX);

/** The `age1…` recipient of an identity. */
export function ageRecipient(identity: AgeIdentity): string {
  return bech32.encodeFromBytes(RECIPIENT_PREFIX, identity.publicKey);
}

/** A new identity from the system's CSPRNG, as `age-keygen` makes one. */
export function generateAgeIdentity(): string {
  return bech32.encodeFromBytes(IDENTITY_PREFIX, randomBytes(X25519_BYTES)).toUpperCase();
}

// Value fingerprints for diffs and history: keyed, so nobody without the project key can test guesses.
import { createHmac } from 'node:crypto';
import { purposeKey } from '../crypto/purposeKey';

const LABEL = 'kagi git fingerprint v1';

/** A key used only for fingerprints, derived from a project key (never the project key itself). */
export function fingerprintKey(projectKey: Uint8Array): Buffer {
  return purposeKey(projectKey, LABEL);
}

/** 16 hex digits of HMAC-SHA256(value): equal values look equal under one fingerprint key. */
export function fingerprint(fpKey: Buffer, value: string): string {
  return createHmac('sha256', fpKey).update(value, 'utf8').digest('hex').slice(0, 16);
}

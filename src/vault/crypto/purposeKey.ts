// Keys for one purpose each, derived from the project key: HMAC-SHA256(project key, label). What
// one purpose keys (value fingerprints, injection approvals, the device's key names) can't be
// used for another, and the project key itself only seals stores and files.
import { createHmac } from 'node:crypto';

export function purposeKey(projectKey: Uint8Array, label: string): Buffer {
  return createHmac('sha256', projectKey).update(label).digest();
}

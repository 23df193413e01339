// Which dangerous values this device wrote or approved, so injection asks only about the ones
// someone else wrote. Stored per project in the device's data folder as HMAC-SHA-256 under a key
// derived from the project key: without that key the file can't be tested against guesses.
// A new project key (rotation) makes every entry unknown, so this device asks again — safe side.
import { createHmac } from 'node:crypto';
import { purposeKey } from '../crypto/purposeKey';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../disk/files';
import { isPlainObject } from '../format/encoding';

const MAX_APPROVALS_BYTES = 1024 * 1024;

export function approvalsPath(dataDir: string, projectId: string): string {
  return path.join(dataDir, 'projects', `${projectId}.injection-approvals.json`);
}

export function approvalMac(projectKey: Uint8Array, scope: string, key: string, value: string): string {
  const macKey = purposeKey(projectKey, 'kagi injection approval v1');
  return createHmac('sha256', macKey).update(`${scope}\0${key}\0${value}`, 'utf8').digest('base64');
}

/** scope\0key → mac. A missing, unreadable or malformed file approves nothing. */
export function readApprovals(file: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_APPROVALS_BYTES) return out;
    const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!isPlainObject(raw) || !isPlainObject(raw.approved)) return out;
    for (const [k, v] of Object.entries(raw.approved)) if (typeof v === 'string') out.set(k, v);
  } catch {
    // asking again is the safe answer to anything odd
  }
  return out;
}

export function writeApprovals(file: string, approvals: Map<string, string>): void {
  const approved = Object.fromEntries([...approvals].sort(([a], [b]) => (a < b ? -1 : 1)));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify({ version: 1, approved }, null, 2) + '\n');
}

export const approvalId = (scope: string, key: string) => `${scope}\0${key}`;

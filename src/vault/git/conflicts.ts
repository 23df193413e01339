// Records of keys the merge driver could not merge, kept in .git/kagi/conflicts/ of this clone.
// A record names blob ids (ciphertext Git already holds) and key names: never a value.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir, readTextIfExists, removeFile, writeFileAtomic } from '../disk/files';
import { isPlainObject } from '../format/encoding';
import { OBJECT_ID } from './objectId';

export interface ConflictRecord {
  /** the store's path from the Git root, as Git named it (%P) */
  path: string;
  scope: string;
  base?: string;
  ours: string;
  theirs: string;
  keys: string[];
}

export const conflictsDir = (gitDir: string) => path.join(gitDir, 'kagi', 'conflicts');
const recordFile = (gitDir: string, storePath: string) =>
  path.join(conflictsDir(gitDir), `${createHash('sha256').update(storePath).digest('hex').slice(0, 24)}.json`);

export function writeConflict(gitDir: string, record: ConflictRecord): string {
  const file = recordFile(gitDir, record.path);
  ensurePrivateDir(path.dirname(file));
  writeFileAtomic(file, JSON.stringify({ version: 1, ...record }, null, 2) + '\n');
  return file;
}

export function removeConflict(gitDir: string, storePath: string): void {
  const file = recordFile(gitDir, storePath);
  if (fs.existsSync(file)) removeFile(file);
}

/** Every readable record; a malformed one is skipped (it is only a hint to resolve). */
export function readConflicts(gitDir: string): ConflictRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(conflictsDir(gitDir)).filter((n) => /^[0-9a-f]{24}\.json$/.test(n));
  } catch {
    return [];
  }
  const out: ConflictRecord[] = [];
  for (const n of names.sort()) {
    const r = parseRecord(readTextIfExists(path.join(conflictsDir(gitDir), n)));
    if (r) out.push(r);
  }
  return out;
}

function parseRecord(text: string | undefined): ConflictRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (!isPlainObject(raw) || raw.version !== 1) return undefined;
  const { path: p, scope, base, ours, theirs, keys } = raw;
  const id = (v: unknown) => typeof v === 'string' && OBJECT_ID.test(v);
  if (typeof p !== 'string' || typeof scope !== 'string' || !id(ours) || !id(theirs)) return undefined;
  if (base !== undefined && !id(base)) return undefined;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return undefined;
  return {
    path: p,
    scope,
    ours: ours as string,
    theirs: theirs as string,
    keys: keys as string[],
    ...(base ? { base: base as string } : {}),
  };
}

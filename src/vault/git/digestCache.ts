// `kagi log`'s cache, in the device's data folder, one pair of files per project and fingerprint
// key (a rotation, a new fingerprint key, starts new files instead of mixing two keyings):
// - per store revision (blob id): its key names and keyed fingerprints;
// - per change (the blob ids before and after a commit): which keys it added, changed, removed.
// A repeated `kagi log` reads only the small second file; the first is read when a revision
// has to be compared anew. Never a value.
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import { readTextIfExists, writeFileAtomic } from '../disk/files';
import { OBJECT_ID } from './objectId';

/** A store revision as history needs it: key → fingerprint. */
export type Digest = Map<string, string>;

export interface KeyChange {
  op: '+' | '~' | '-';
  key: string;
}

/** Enough for years of a busy vault's history; beyond it, the oldest entries go first. */
const MAX_ENTRIES = 20_000;

const OPS = new Set(['+', '~', '-']);

/** One JSON object on disk, read on first use, written back (bounded) only when it changed. */
class CacheFile<T> {
  private entries?: Map<string, T>;
  private changed = false;

  constructor(
    private readonly file: string,
    private readonly parse: (id: string, raw: unknown) => T | undefined,
    private readonly serialize: (value: T) => unknown,
  ) {}

  get(id: string): T | undefined {
    return this.load().get(id);
  }

  set(id: string, value: T): void {
    this.load().set(id, value);
    this.changed = true;
  }

  save(): void {
    if (!this.changed || !this.entries) return;
    const all = [...this.entries];
    const kept = all.slice(Math.max(0, all.length - MAX_ENTRIES));
    writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(kept.map(([id, v]) => [id, this.serialize(v)]))));
    this.changed = false;
  }

  private load(): Map<string, T> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    let raw: unknown;
    try {
      raw = JSON.parse(readTextIfExists(this.file) ?? '{}');
    } catch {
      return this.entries; // a damaged cache is only a slower run
    }
    if (typeof raw !== 'object' || raw === null) return this.entries;
    for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
      const parsed = this.parse(id, value);
      if (parsed !== undefined) this.entries.set(id, parsed);
    }
    return this.entries;
  }
}

const isPairs = (v: unknown): v is [string, string][] =>
  Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && e.every((x) => typeof x === 'string'));

function parseDigest(id: string, raw: unknown): Digest | undefined {
  return OBJECT_ID.test(id) && isPairs(raw) ? new Map(raw) : undefined;
}

function parseChanges(id: string, raw: unknown): KeyChange[] | undefined {
  const [before, after, ...rest] = id.split('..');
  const side = (s: string | undefined) => s === '' || (s !== undefined && OBJECT_ID.test(s));
  if (rest.length > 0 || !side(before) || !side(after) || !isPairs(raw)) return undefined;
  if (!raw.every(([op]) => OPS.has(op))) return undefined;
  return raw.map(([op, key]) => ({ op: op as KeyChange['op'], key }));
}

export class DigestCache {
  private readonly digests: CacheFile<Digest>;
  private readonly changes: CacheFile<KeyChange[]>;

  constructor(dataDir: string, projectId: string, fpKey: Buffer) {
    const id = createHmac('sha256', fpKey).update('kagi log cache id').digest('hex').slice(0, 16);
    const base = path.join(dataDir, 'git-log', `${projectId}.${id}`);
    this.digests = new CacheFile(`${base}.json`, parseDigest, (d) => [...d]);
    this.changes = new CacheFile(`${base}.changes.json`, parseChanges, (c) => c.map((k) => [k.op, k.key]));
  }

  get(blobId: string): Digest | undefined {
    return this.digests.get(blobId);
  }

  set(blobId: string, digest: Digest): void {
    this.digests.set(blobId, digest);
  }

  /** The changes between two revisions of a store (undefined side: added or deleted). */
  getChanges(before: string | undefined, after: string | undefined): KeyChange[] | undefined {
    return this.changes.get(`${before ?? ''}..${after ?? ''}`);
  }

  setChanges(before: string | undefined, after: string | undefined, changes: KeyChange[]): void {
    this.changes.set(`${before ?? ''}..${after ?? ''}`, changes);
  }

  save(): void {
    this.digests.save();
    this.changes.save();
  }
}

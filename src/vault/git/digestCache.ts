// `kagi log`'s cache: per blob id, the key names and keyed fingerprints of a store revision.
// Never a value. It lives in the device's data folder, one file per project and fingerprint key,
// so a rotation (a new fingerprint key) starts a new file instead of mixing two keyings.
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import { ensurePrivateDir, readTextIfExists, writeFileAtomic } from '../disk/files';

/** A store revision as history needs it: key → fingerprint. */
export type Digest = Map<string, string>;

/** Enough for years of a busy vault's history; beyond it, the oldest entries go first. */
const MAX_ENTRIES = 20_000;

export class DigestCache {
  private readonly entries = new Map<string, Digest>();
  private changed = false;
  private readonly file: string;

  constructor(dataDir: string, projectId: string, fpKey: Buffer) {
    const id = createHmac('sha256', fpKey).update('kagi log cache id').digest('hex').slice(0, 16);
    this.file = path.join(dataDir, 'git-log', `${projectId}.${id}.json`);
    this.load();
  }

  private load(): void {
    let raw: unknown;
    try {
      raw = JSON.parse(readTextIfExists(this.file) ?? '{}');
    } catch {
      return; // a damaged cache is only a slower run
    }
    if (typeof raw !== 'object' || raw === null) return;
    for (const [id, keys] of Object.entries(raw as Record<string, unknown>)) {
      if (!/^[0-9a-f]{40,64}$/.test(id) || !Array.isArray(keys)) continue;
      const ok = keys.every((e) => Array.isArray(e) && e.length === 2 && e.every((x) => typeof x === 'string'));
      if (ok) this.entries.set(id, new Map(keys as [string, string][]));
    }
  }

  get(blobId: string): Digest | undefined {
    return this.entries.get(blobId);
  }

  set(blobId: string, digest: Digest): void {
    this.entries.set(blobId, digest);
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    const all = [...this.entries];
    const kept = all.slice(Math.max(0, all.length - MAX_ENTRIES));
    ensurePrivateDir(path.dirname(this.file));
    writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(kept.map(([id, d]) => [id, [...d]]))));
  }
}

// Store revisions as history needs them: key names and keyed fingerprints by blob id, never a
// value. One reader per run; `kagi log` and the editor's "last changed" share it.
import { DigestCache, type Digest, type KeyChange } from './digestCache';
import { fingerprint, fingerprintKey } from './fingerprint';
import { KeyRing } from './keyRing';
import { canonicalJson } from './render';
import { readBlob, readBlobs } from './run';
import { classifySealed } from './sealed';
import { kagiDirInRepo } from './vaultPath';
import type { HostEnv } from '../device/dataDir';

export type { Digest, KeyChange } from './digestCache';

/** What a reader needs of a vault (a `Project` has all of it). */
export interface VaultOnDevice {
  /** the vault folder (absolute) */
  kagiDir: string;
  host: HostEnv;
  dataDir: string;
  projectId(): string;
}

/** A digest, or why the revision could not be read (in words, never content). */
export type DigestResult = Digest | string;

export class StoreDigests {
  private readonly unreadable = new Map<string, string>();
  /** blobs read ahead in one Git process, consumed by `of` */
  private readonly fetched = new Map<string, Buffer>();

  private constructor(
    private readonly gitRoot: string,
    private readonly ring: KeyRing,
    private readonly fpKey: Buffer | undefined,
    private readonly cache: DigestCache | undefined,
  ) {}

  /** Fingerprints are keyed with the newest key this device holds, as the textconv's are. */
  static async open(gitRoot: string, vault: VaultOnDevice): Promise<StoreDigests> {
    const kagiDirs = [kagiDirInRepo(gitRoot, vault.kagiDir)];
    const ring = new KeyRing({ gitRoot, kagiDirs, host: vault.host, revisions: ['HEAD'] });
    const newest = await ring.newest();
    const fpKey = newest ? fingerprintKey(newest) : undefined;
    const cache = fpKey ? new DigestCache(vault.dataDir, vault.projectId(), fpKey) : undefined;
    return new StoreDigests(gitRoot, ring, fpKey, cache);
  }

  /**
   * The digest of blob `id` (read from Git, or `bytes` when the blob is not in the object
   * store, as a working-tree file). `scope` is the one its path implies.
   */
  async of(id: string, scope: string | undefined, bytes?: Buffer): Promise<DigestResult> {
    const known = this.cache?.get(id) ?? this.unreadable.get(id);
    if (known !== undefined) return known;
    const ahead = this.fetched.get(id);
    this.fetched.delete(id);
    const result = await this.digest(bytes ?? ahead ?? readBlob(this.gitRoot, id), scope);
    // Only what opened is kept on disk: a revision may open tomorrow (after a membership change).
    if (typeof result === 'string') this.unreadable.set(id, result);
    else this.cache?.set(id, result);
    return result;
  }

  /**
   * What a commit changed in a store, key by key (`before`/`after` undefined: the store was
   * added/deleted), or why a side could not be read. Remembered by the pair of blob ids.
   */
  async changes(before: string | undefined, after: string | undefined, scope: string): Promise<KeyChange[] | string> {
    const known = this.cache?.getChanges(before, after);
    if (known) return known;
    const b = before ? await this.of(before, scope) : new Map<string, string>();
    const a = after ? await this.of(after, scope) : new Map<string, string>();
    if (typeof a === 'string') return a;
    if (typeof b === 'string') return b;
    const changes = compareDigests(b, a);
    this.cache?.setChanges(before, after, changes);
    return changes;
  }

  /**
   * Reads ahead, in one Git process, the blobs of the pairs `changes` has not seen yet. Blobs
   * read ahead before and not asked for since are dropped: memory holds one window at a time.
   */
  prefetch(pairs: { before?: string; after?: string }[]): void {
    this.fetched.clear();
    const ids = new Set<string>();
    for (const p of pairs) {
      if (this.cache?.getChanges(p.before, p.after)) continue;
      for (const id of [p.before, p.after])
        if (id && !this.fetched.has(id) && !this.unreadable.has(id) && !this.cache?.get(id)) ids.add(id);
    }
    for (const [id, bytes] of readBlobs(this.gitRoot, [...ids])) this.fetched.set(id, bytes);
  }

  save(): void {
    this.cache?.save();
  }

  private async digest(bytes: Buffer | undefined, scope: string | undefined): Promise<DigestResult> {
    if (!bytes) return 'this revision is not in this clone';
    const blob = classifySealed(bytes);
    if (blob.kind !== 'store') return blob.kind === 'artifact' ? 'not a store' : blob.why;
    const opened = this.fpKey ? await this.ring.open(blob.envelope, [scope, blob.storedScope]) : undefined;
    if (!opened) return 'this device cannot open this revision';
    const d: Digest = new Map();
    for (const [k, s] of opened.store.secrets)
      d.set(k, fingerprint(this.fpKey!, canonicalJson([s.value, s.description ?? null, s.extra])));
    return d;
  }
}

/** Key by key, what changed between two digests: `+`, `~`, `-`, sorted by name. */
export function compareDigests(before: Digest, after: Digest): KeyChange[] {
  const changes: KeyChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    if (b === a) continue;
    changes.push({ op: b === undefined ? '+' : a === undefined ? '-' : '~', key });
  }
  return changes;
}

// Every project key this device can open in a repository, for blobs sealed before a rotation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { dataDir, type HostEnv } from '../device/dataDir';
import { loadSecretKey } from '../device/identity';
import { findMyMembership, keyFromEnvironment } from '../device/projectKey';
import { parseAccessList } from '../format/access';
import { bytesToHex, fromUtf8 } from '../format/encoding';
import type { Envelope } from '../format/envelope';
import { parseStore, type Store } from '../format/store';
import { open, scopeAad } from '../crypto/seal';
import { gitRaw, readBlob } from './run';

export interface KeyRingOptions {
  /** the working tree's top folder (Git runs drivers there) */
  gitRoot: string;
  /** the vault folders, relative to gitRoot with `/`: `.kagi`, `apps/web/.kagi` */
  kagiDirs: string[];
  host: HostEnv;
  /** revisions whose access.json is tried before the rest of history (a merge's sides) */
  revisions?: string[];
}

export interface OpenedStore {
  store: Store;
  scope: string;
  key: Uint8Array;
}

/**
 * Keys come in order of preference: KAGI_PROJECT_KEY(_FILE), the working tree's access.json,
 * the named revisions, the index's conflict stages, then every access.json in the history of
 * all refs, newest first. Each source is read only when the earlier ones did not open a blob.
 * Keys live in memory only, for this process.
 */
export class KeyRing {
  private readonly keys: Uint8Array[] = [];
  private readonly seenKeys = new Set<string>();
  private readonly seenAccess = new Set<string>();
  private readonly sources: (() => Promise<void>)[];
  private secretKey?: string | null;

  constructor(private readonly opts: KeyRingOptions) {
    this.sources = [
      async () => this.addEnvKey(),
      async () => this.addAccessTexts(opts.kagiDirs.map((d) => readWorktree(opts.gitRoot, d))),
      async () => this.addRevisions(opts.revisions ?? []),
      async () => this.addIndexStages(),
      async () => this.addHistory(),
    ];
  }

  /** The newest key this device holds: fingerprints are keyed with it, for both sides of a diff alike. */
  async newest(): Promise<Uint8Array | undefined> {
    for await (const key of this.all()) return key;
    return undefined;
  }

  async *all(): AsyncGenerator<Uint8Array> {
    let i = 0;
    for (;;) {
      while (i < this.keys.length) yield this.keys[i++]!;
      const next = this.sources.shift();
      if (!next) return;
      await next();
    }
  }

  /**
   * Opens a sealed store with the first key that authenticates it, under the scope the caller
   * expects or else the one the blob names; undefined when no key this device holds opens it.
   */
  async open(envelope: Envelope, scopes: (string | undefined)[]): Promise<OpenedStore | undefined> {
    const candidates = [...new Set(scopes.filter((s): s is string => s !== undefined))];
    for await (const key of this.all()) {
      for (const scope of candidates) {
        let plain: Uint8Array;
        try {
          plain = open(key, scopeAad(scope), envelope, 'store');
        } catch {
          continue;
        }
        return { store: parseStore(fromUtf8(plain, `the store of ${scope}`), `the store of ${scope}`), scope, key };
      }
    }
    return undefined;
  }

  private add(key: Uint8Array | undefined): void {
    if (!key) return;
    const hex = bytesToHex(key);
    if (this.seenKeys.has(hex)) return;
    this.seenKeys.add(hex);
    this.keys.push(key);
  }

  private addEnvKey(): void {
    try {
      this.add(keyFromEnvironment(this.opts.host.env)?.key);
    } catch (e) {
      if (!(e instanceof KagiError)) throw e;
    }
  }

  private device(): string | undefined {
    if (this.secretKey === undefined) {
      try {
        this.secretKey = loadSecretKey(dataDir(this.opts.host)) ?? null;
      } catch {
        this.secretKey = null;
      }
    }
    return this.secretKey ?? undefined;
  }

  /** Unwraps this device's wrap in each access.json text; unreadable ones are skipped. */
  private async addAccessTexts(texts: (string | undefined)[]): Promise<void> {
    const secretKey = this.device();
    if (secretKey === undefined) return;
    for (const text of texts) {
      if (text === undefined || this.seenAccess.has(text)) continue;
      this.seenAccess.add(text);
      try {
        this.add((await findMyMembership(parseAccessList(text), { secretKey }))?.key);
      } catch {
        // A revision with a broken access.json cannot lend a key; other revisions still can.
      }
    }
  }

  private async addRevisions(revs: string[]): Promise<void> {
    const texts = revs.flatMap((rev) =>
      this.opts.kagiDirs.map((d) => blobText(this.opts.gitRoot, `${rev}:${d}/access.json`)),
    );
    await this.addAccessTexts(texts);
  }

  private async addIndexStages(): Promise<void> {
    const texts = this.opts.kagiDirs.flatMap((d) =>
      [1, 2, 3].map((stage) => blobText(this.opts.gitRoot, `:${stage}:${d}/access.json`)),
    );
    await this.addAccessTexts(texts);
  }

  /** Every access.json blob ever committed on any ref this clone has (a shallow clone has fewer). */
  private async addHistory(): Promise<void> {
    const ids: string[] = [];
    for (const d of this.opts.kagiDirs) {
      const r = gitRaw(this.opts.gitRoot, [
        'log',
        '--all',
        '--format=',
        '--raw',
        '--no-abbrev',
        '--no-renames',
        '--',
        `${d}/access.json`,
      ]);
      if (r.status !== 0) continue;
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) /.exec(line);
        if (!m) continue;
        for (const id of [m[2]!, m[1]!]) if (!/^0+$/.test(id) && !ids.includes(id)) ids.push(id);
      }
    }
    await this.addAccessTexts(ids.map((id) => blobText(this.opts.gitRoot, id)));
  }
}

function readWorktree(gitRoot: string, kagiDir: string): string | undefined {
  const file = path.join(gitRoot, ...kagiDir.split('/'), 'access.json');
  try {
    const stat = fs.lstatSync(file);
    return stat.isFile() && stat.size < 8 * 1024 * 1024 ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function blobText(gitRoot: string, spec: string): string | undefined {
  const bytes = readBlob(gitRoot, spec);
  return bytes && bytes.length < 8 * 1024 * 1024 ? bytes.toString('utf8') : undefined;
}

/** The vault folders Git tracks (or that exist at the top), relative to the top folder. */
export function trackedKagiDirs(gitRoot: string): string[] {
  const r = gitRaw(gitRoot, ['ls-files', '-z', '--', ':(glob)**/.kagi/kagi.json']);
  const dirs =
    r.status === 0
      ? r.stdout
          .toString('utf8')
          .split('\0')
          .filter((f) => f !== '')
          .map((f) => path.posix.dirname(f))
      : [];
  if (fs.existsSync(path.join(gitRoot, '.kagi', 'kagi.json')) && !dirs.includes('.kagi')) dirs.unshift('.kagi');
  return [...new Set(dirs)];
}

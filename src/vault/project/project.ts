import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { fromUtf8 } from '../format/encoding';
import { assertRealFolders, MAX_CONFIG_BYTES, readBytes, readText, readTextIfExists } from '../disk/files';
import { dataDir, journalPath, stagingPath, type HostEnv } from '../device/dataDir';
import { open, scopeAad } from '../crypto/seal';
import { parseEnvelope } from '../format/envelope';
import {
  emptyAccessList,
  parseAccessList,
  serializeAccessList,
  validateAccessList,
  type AccessList,
} from '../format/access';
import type { ProjectConfig } from '../format/projectConfig';
import { parseStore, visitStoreKeys, visitStoreValues, type Store } from '../format/store';
import { applyJournal, readJournal, sweepStaged, vaultFile, writeAccessText, type Journal } from './journal';
import { withLock } from '../disk/lock';
import { Transaction } from './transaction';
import { sharedConfig } from './sharedConfig';
import { resolveProjectKey, type ResolvedKey } from '../device/projectKey';
import { isSafeSecretsPath } from '../scopes/names';

export const KAGI_DIR = '.kagi';

/**
 * One project's `.kagi/` folder on this device. Every read goes to disk (the CLI,
 * Git or a teammate may have changed it); only the unwrapped key is remembered,
 * and only while access.json stays byte-identical.
 */
export class Project {
  readonly kagiDir: string;
  readonly dataDir: string;
  private keyCache?: { accessText: string | undefined; key: Promise<ResolvedKey> };
  /** A project's id never changes once created; remembered so journal checks skip a read. */
  private knownProjectId?: string;

  private constructor(
    readonly root: string,
    readonly host: HostEnv,
  ) {
    this.kagiDir = path.join(root, KAGI_DIR);
    this.dataDir = dataDir(host);
  }

  /**
   * Opens the vault at `root` (the folder that holds `.kagi/`). kagi.json is parsed
   * on first use, so its errors surface from the operation that needs it.
   */
  static open(root: string, host: HostEnv): Project {
    const project = new Project(path.resolve(root), host);
    // lstat: a dangling kagi.json link is there (and refused when read), not missing.
    if (!fs.lstatSync(project.file('kagi.json'), { throwIfNoEntry: false })) throw project.notAProject();
    return project;
  }

  private notAProject(): KagiError {
    return new KagiError(
      'not-a-project',
      `no kagi vault in ${this.root} (.kagi/kagi.json is missing)`,
      'run `kagi init` here, or open the folder that holds .kagi/',
    );
  }

  /** For `init`: a handle on a folder whose vault does not exist yet. */
  static unopened(root: string, host: HostEnv): Project {
    return new Project(path.resolve(root), host);
  }

  file(rel: string): string {
    const file = vaultFile(this.kagiDir, rel);
    assertRealFolders(this.kagiDir, file);
    return file;
  }

  /** kagi.json as it is on disk now; frozen and shared (see sharedConfig): edit only through `mutate`. */
  config(): ProjectConfig {
    const file = this.file('kagi.json');
    const cfg = sharedConfig(
      file,
      readText(file, () => this.notAProject(), { maxBytes: MAX_CONFIG_BYTES }),
    );
    this.knownProjectId = cfg.projectId;
    return cfg;
  }

  projectId(): string {
    return this.knownProjectId ?? this.config().projectId;
  }

  accessText(): string | undefined {
    return readTextIfExists(this.file('access.json'), { maxBytes: MAX_CONFIG_BYTES });
  }

  access(): AccessList {
    return accessFrom(this.accessText());
  }

  scopes(cfg: ProjectConfig = this.config()): string[] {
    return Object.keys(cfg.services).sort();
  }

  /**
   * The project key, cached against the exact access.json text it was found in, and
   * while in flight, so concurrent callers share one unwrap; a failure is not kept. The text
   * itself is kept to compare (a few KB, public): comparing it costs less than hashing it, on
   * every launch with injected secrets (bench `inject_vs_json_parse`).
   */
  key(cfg?: ProjectConfig): Promise<ResolvedKey> {
    try {
      const text = this.accessText();
      if (this.keyCache && this.keyCache.accessText === text) return this.keyCache.key;
      const projectId = (cfg ?? this.config()).projectId;
      const key = resolveProjectKey({
        env: this.host.env,
        dataDir: this.dataDir,
        projectId,
        readAccess: () => accessFrom(text),
      });
      this.keyCache = { accessText: text, key };
      key.catch(() => {
        if (this.keyCache?.key === key) this.keyCache = undefined;
      });
      return key;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  forgetKey(): void {
    this.keyCache = undefined;
  }

  /** Reads and decrypts one scope named in kagi.json. */
  readScope(cfg: ProjectConfig, scope: string, key: Uint8Array, sealed = this.sealedScope(cfg, scope)): Store {
    return parseStore(decryptScope(key, scope, sealed), sealed.file);
  }

  /** The name and description of each key of one scope, checked as `readScope` checks them, for listings. */
  visitScopeKeys(
    scope: string,
    key: Uint8Array,
    sealed: { text: string; file: string },
    visit: (key: string, description?: string) => void,
  ): void {
    visitStoreKeys(decryptScope(key, scope, sealed), sealed.file, visit);
  }

  /** The name and value of each key of one scope, checked as `readScope` checks them, for environments. */
  visitScopeValues(
    scope: string,
    key: Uint8Array,
    sealed: { text: string; file: string },
    visit: (key: string, value: string) => void,
  ): void {
    visitStoreValues(decryptScope(key, scope, sealed), sealed.file, visit);
  }

  /** The encrypted text of one scope named in kagi.json, as it is on disk. */
  sealedScope(cfg: ProjectConfig, scope: string): { text: string; file: string } {
    const { bytes, file } = this.sealedScopeBytes(cfg, scope);
    return { text: bytes.toString('utf8'), file };
  }

  /** The same as bytes: what a listing hashes to know whether it read this text before (usecases/keyNames.ts). */
  sealedScopeBytes(cfg: ProjectConfig, scope: string): { bytes: Buffer; file: string } {
    const entry = cfg.services[scope];
    if (!entry) {
      throw new KagiError(
        'scope-not-found',
        `scope ${scope} does not exist in ${cfg.projectId}`,
        `existing scopes: ${this.scopes(cfg).join(', ') || '(none)'}`,
      );
    }
    if (!isSafeSecretsPath(entry.file)) {
      throw new KagiError(
        'bad-config',
        `kagi.json: the file of scope ${scope} (${JSON.stringify(entry.file)}) is outside .kagi/secrets/`,
        'fix .kagi/kagi.json or restore it from Git',
      );
    }
    const bytes = readBytes(
      this.file(entry.file),
      () =>
        new KagiError(
          'bad-store',
          `${entry.file} is missing but kagi.json lists scope ${scope}`,
          'restore it from Git (git checkout -- .kagi/), or pull the latest changes',
        ),
    );
    return { bytes, file: entry.file };
  }

  writeAccess(list: AccessList): void {
    validateAccessList(list);
    writeAccessText(this.kagiDir, this.dataDir, this.projectId(), serializeAccessList(list));
  }

  journal(): Journal | undefined {
    return readJournal(this.dataDir, this.projectId());
  }

  /**
   * Runs a read-modify-write under the project lock, after finishing any interrupted
   * rotation. `fn` reads and writes through `tx` (see Transaction: kagi.json goes last).
   */
  async mutate<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return withLock(this.file('.lock'), async () => {
      const unchanged = await this.recoverUnlocked();
      const tx = new Transaction(this, unchanged);
      const result = await fn(tx);
      tx.commit();
      return result;
    });
  }

  /** Finishes an interrupted rotation, as every store-opening command does first. */
  async recover(): Promise<boolean> {
    const id = this.projectId();
    if (!fs.existsSync(journalPath(this.dataDir, id)) && !fs.existsSync(stagingPath(this.dataDir, id))) return false;
    return withLock(this.file('.lock'), async () => (await this.recoverUnlocked()) === undefined);
  }

  /** kagi.json as read under the lock when there was nothing to replay; undefined after a replay. */
  private async recoverUnlocked(): Promise<ProjectConfig | undefined> {
    const cfg = this.config();
    sweepStaged(this.kagiDir, this.dataDir, cfg.projectId);
    const j = readJournal(this.dataDir, cfg.projectId);
    if (!j) return cfg;
    await applyJournal(this.kagiDir, this.dataDir, j);
    this.forgetKey();
    return undefined;
  }
}

/** A store's decrypted text. */
function decryptScope(key: Uint8Array, scope: string, { text, file }: { text: string; file: string }): string {
  return fromUtf8(open(key, scopeAad(scope), parseEnvelope(text, file), file), file);
}

function accessFrom(text: string | undefined): AccessList {
  return text === undefined ? emptyAccessList() : parseAccessList(text);
}

/** The nearest folder at or above `start` that holds a `.kagi/` folder. */
export function findProjectRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (isDir(path.join(dir, KAGI_DIR))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

import * as path from 'node:path';
import { pruneEmptyDirs, removeFile, writeFileAtomic } from '../disk/files';
import { serializeProjectConfig, type ProjectConfig } from '../format/projectConfig';
import { emptyStore, type Store } from '../format/store';
import { isSafeSecretsPath, storeFileFor, validateScope } from '../scopes/names';
import type { ResolvedKey } from '../device/projectKey';
import { sealStore } from '../crypto/seal';

/** What a transaction needs of its project (an interface, so project.ts and this module don't import each other). */
export interface TransactionHost {
  config(): ProjectConfig;
  key(cfg: ProjectConfig): Promise<ResolvedKey>;
  readScope(cfg: ProjectConfig, scope: string, key: Uint8Array): Store;
  /** the absolute path of a file under .kagi/ */
  file(rel: string): string;
}

/**
 * One read-modify-write of a vault, handed to `Project.mutate(tx => …)` under the lock.
 *
 * The ordering rules live here so no use case can get them wrong: stores are written as they
 * change, `kagi.json` is written once, last, and only if it changed; files of removed scopes go
 * after that, so a crash at any point leaves a config that names only stores that exist.
 */
export class Transaction {
  private parsed?: ProjectConfig;
  /** The config as read, for the files of scopes removed during the transaction. */
  private readonly removed: string[] = [];
  private resolvedKey?: Promise<Uint8Array>;

  constructor(
    private readonly project: TransactionHost,
    private readonly readText: (cfg: ProjectConfig) => string | undefined,
  ) {}

  /** kagi.json, parsed on first use; edits to it are written when the transaction ends. */
  get cfg(): ProjectConfig {
    this.parsed ??= this.project.config();
    return this.parsed;
  }

  /** The project key, resolved once per transaction. */
  key(): Promise<Uint8Array> {
    this.resolvedKey ??= this.project.key(this.cfg).then((k) => k.key);
    return this.resolvedKey;
  }

  async read(scope: string): Promise<Store> {
    return this.project.readScope(this.cfg, scope, await this.key());
  }

  /** The scope's store, or an empty one for a scope kagi.json doesn't list yet. */
  async readOrEmpty(scope: string): Promise<Store> {
    return this.cfg.services[scope] ? this.read(scope) : emptyStore(scope);
  }

  /** Seals and writes one store now (atomically), and registers it in kagi.json. */
  async write(scope: string, store: Store): Promise<void> {
    validateScope(scope);
    const file = storeFileFor(scope);
    writeFileAtomic(this.project.file(file), sealStore(scope, store, await this.key()));
    this.cfg.services[scope] = { file, extra: this.cfg.services[scope]?.extra ?? {} };
  }

  /** Unregisters a scope now; its file is deleted after kagi.json no longer names it. */
  remove(scope: string): void {
    const entry = this.cfg.services[scope];
    delete this.cfg.services[scope];
    if (entry && isSafeSecretsPath(entry.file)) this.removed.push(entry.file);
  }

  /**
   * Called by `Project.mutate` after the use case returned: kagi.json last, unless it would come
   * out as the very text it was read from (most sets change only a store: no rewrite of a large
   * file, no churn for Git or watchers, no clobbering of a writer that ignores our lock).
   */
  commit(): void {
    if (this.parsed) {
      const text = serializeProjectConfig(this.parsed);
      if (this.readText(this.parsed) !== text) writeFileAtomic(this.project.file('kagi.json'), text);
    }
    for (const rel of this.removed) {
      const file = this.project.file(rel);
      removeFile(file);
      pruneEmptyDirs(path.dirname(file), this.project.file('secrets'));
    }
  }
}

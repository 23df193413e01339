import * as path from 'node:path';
import { pruneEmptyDirs, removeFile, writeFileAtomic } from '../disk/files';
import { serializeProjectConfig, type ProjectConfig } from '../format/projectConfig';
import { emptyStore, type Store } from '../format/store';
import { isSafeSecretsPath, storeFileFor, validateScope } from '../scopes/names';
import type { ResolvedKey } from '../device/projectKey';
import { sealStore } from '../crypto/seal';
import { editableConfig, sharedConfigText } from './sharedConfig';

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
  /** A private copy, made on the first edit; written when the transaction ends. */
  private edited?: ProjectConfig;
  /** Files of scopes removed during the transaction, deleted once kagi.json no longer names them. */
  private readonly removed: string[] = [];
  private resolvedKey?: Promise<Uint8Array>;

  /** `asRead`: kagi.json as already read under the lock (shared and frozen), if it was. */
  constructor(
    private readonly project: TransactionHost,
    private asRead?: ProjectConfig,
  ) {}

  /** kagi.json with this transaction's edits so far, for reading. */
  get config(): ProjectConfig {
    return this.edited ?? (this.asRead ??= this.project.config());
  }

  /** kagi.json to edit: a private copy made on the first call, written when the transaction ends. */
  editConfig(): ProjectConfig {
    this.edited ??= editableConfig(this.config);
    return this.edited;
  }

  /** The project key, resolved once per transaction. */
  key(): Promise<Uint8Array> {
    this.resolvedKey ??= this.project.key(this.config).then((k) => k.key);
    return this.resolvedKey;
  }

  async read(scope: string): Promise<Store> {
    return this.project.readScope(this.config, scope, await this.key());
  }

  /** The scope's store, or an empty one for a scope kagi.json doesn't list yet. */
  async readOrEmpty(scope: string): Promise<Store> {
    return this.config.services[scope] ? this.read(scope) : emptyStore(scope);
  }

  /** Seals and writes one store now (atomically), and registers it in kagi.json. */
  async write(scope: string, store: Store): Promise<void> {
    validateScope(scope);
    const file = storeFileFor(scope);
    writeFileAtomic(this.project.file(file), sealStore(scope, store, await this.key()));
    // Most writes replace a store kagi.json already names: no copy, no rewrite of kagi.json.
    if (this.config.services[scope]?.file === file) return;
    const services = this.editConfig().services;
    services[scope] = { file, extra: services[scope]?.extra ?? {} };
  }

  /** Unregisters a scope now; its file is deleted after kagi.json no longer names it. */
  remove(scope: string): void {
    const services = this.editConfig().services;
    const entry = services[scope];
    delete services[scope];
    if (entry && isSafeSecretsPath(entry.file)) this.removed.push(entry.file);
  }

  /**
   * Called by `Project.mutate` after the use case returned: kagi.json last, unless it would come
   * out as the very text it was read from (most sets change only a store: no rewrite of a large
   * file, no churn for Git or watchers, no clobbering of a writer that ignores our lock).
   */
  commit(): void {
    if (this.edited) {
      const text = serializeProjectConfig(this.edited);
      if (!this.asRead || sharedConfigText(this.asRead) !== text) writeFileAtomic(this.project.file('kagi.json'), text);
    }
    for (const rel of this.removed) {
      const file = this.project.file(rel);
      removeFile(file);
      pruneEmptyDirs(path.dirname(file), this.project.file('secrets'));
    }
  }
}

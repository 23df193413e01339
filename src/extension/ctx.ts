import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type HostEnv, isKagiError, Project } from '../vault';
import { Listings } from './listings';
import { AnnouncedStates } from './vaultChanges';
import { WindowPrompter, type Prompter } from './prompter';
import { KagiConfig, SECTION } from './config';
import type { VaultChange, VaultFolder } from './vaultFolder';

export type { VaultChange, VaultFolder } from './vaultFolder';

/**
 * What every adapter shares: the vaults of the open folders, trust, the log, the settings and
 * the active environment. Adapters stay thin; vault logic lives in src/vault.
 */
export class Ctx implements vscode.Disposable {
  private logChannel?: vscode.LogOutputChannel;
  private readonly changed = new vscode.EventEmitter<VaultChange>();
  /** Fires when a vault's files changed on disk or through us. */
  readonly onDidChangeVault = this.changed.event;
  private readonly projects = new Map<string, Project>();
  private readonly announced: AnnouncedStates;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Every question and message of a command; the extension's API can replace it (scripted answers). */
  prompter: Prompter = new WindowPrompter();
  /** Key names per vault (never values), shared by the tree and language features. */
  readonly listings: Listings;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.listings = new Listings(
      this.onDidChangeVault,
      (message) => this.log.info(message),
      (message) => this.prompter.info(message),
    );
    // Folder paths only: activation loads no vault code (the vault bundle loads on first use).
    this.announced = new AnnouncedStates(this.vaultFolders().map(kagiDirOf));
    // Trust granted: listings were read without decrypting, so everything is read again.
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.fireChanged()));
  }

  /** The Kagi output channel, made on first use: activation need not wait for it (bench/README.md). */
  get log(): vscode.LogOutputChannel {
    return (this.logChannel ??= vscode.window.createOutputChannel('Kagi', { log: true }));
  }

  /**
   * Runs `fn` right after activate() returns: work activation need not wait for (reading the
   * disk, loading the vault bundle; bench `activation_vs_empty`). Cancelled if the extension
   * is disposed first.
   */
  afterActivation(fn: () => void): void {
    const timer = setTimeout(fn, 0);
    this.extension.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }

  /**
   * Registers a provider right after activate() returns, for providers VS Code only asks when
   * it has a request (completion, hover, code actions) or waits for (a webview view): each
   * registration is a round trip to the workbench, ~0.5–1 ms, that whatever triggered the
   * activation need not wait for. Commands, the tree and the task, debug and terminal providers
   * stay in activate(): VS Code calls them as soon as activation resolves.
   */
  registerAfterActivation(register: () => vscode.Disposable): void {
    this.afterActivation(() => this.extension.subscriptions.push(register()));
  }

  /** The `kagi.*` settings, typed and validated (`scope`: a file, for resource settings). */
  config(scope?: vscode.Uri): KagiConfig {
    return new KagiConfig(vscode.workspace.getConfiguration(SECTION, scope));
  }

  private kagiDirs(vaults = this.vaults()): string[] {
    return vaults.map((v) => v.project.kagiDir);
  }

  host(): HostEnv {
    return { env: process.env };
  }

  /** One vault per workspace folder that has `.kagi/kagi.json`. */
  vaults(): VaultFolder[] {
    return this.vaultFolders().map((folder) => ({ folder, project: this.projectFor(folder) }));
  }

  private vaultFolders(): vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter(
      (folder) => folder.uri.scheme === 'file' && fs.existsSync(path.join(kagiDirOf(folder), 'kagi.json')),
    );
  }

  private projectFor(folder: vscode.WorkspaceFolder): Project {
    const key = folder.uri.fsPath;
    let p = this.projects.get(key);
    if (!p) {
      p = Project.unopened(key, this.host());
      this.projects.set(key, p);
    }
    return p;
  }

  /** The vault of the folder containing `uri`, else the only vault, else undefined. */
  vaultFor(uri?: vscode.Uri): VaultFolder | undefined {
    const all = this.vaults();
    if (uri) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const hit = all.find((v) => v.folder === folder);
      if (hit) return hit;
    }
    return all.length === 1 ? all[0] : undefined;
  }

  /** Asks which vault when several folders have one. */
  async pickVault(uri?: vscode.Uri): Promise<VaultFolder | undefined> {
    const direct = this.vaultFor(uri ?? vscode.window.activeTextEditor?.document.uri);
    if (direct) return direct;
    const all = this.vaults();
    if (all.length === 0) {
      this.prompter.info(vscode.l10n.t('No kagi vault in this workspace. Run "Kagi: Initialize Vault" first.'));
      return undefined;
    }
    const root = await this.prompter.pick(
      all.map((v) => ({ label: v.folder.name, description: v.folder.uri.fsPath, id: v.project.root })),
      { title: 'Kagi', placeHolder: vscode.l10n.t("Which folder's vault?") },
    );
    return root === undefined ? undefined : all.find((v) => v.project.root === root);
  }

  /** Restricted Mode: nothing decrypts, reveals or runs. */
  requireTrust(action: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    this.prompter.refuseUntrusted(action);
    return false;
  }

  /** The environment tasks, debugging and completions use by default. */
  activeEnv(v: VaultFolder): string {
    const stored = this.extension.workspaceState.get<string>(`kagi.activeEnv:${v.folder.uri.toString()}`);
    try {
      const { envs, defaultEnv } = v.project.config().settings;
      // An env removed or renamed elsewhere (CLI, a teammate) falls back to the default.
      return stored && envs.includes(stored) ? stored : defaultEnv;
    } catch {
      return stored ?? 'development';
    }
  }

  async setActiveEnv(v: VaultFolder, env: string): Promise<void> {
    await this.storeActiveEnv(v, env);
    this.changed.fire({ vault: v, fromDisk: false });
  }

  /** Sets the active env without announcing it, for a command that announces its write right after. */
  storeActiveEnv(v: VaultFolder, env: string): Thenable<void> {
    return this.extension.workspaceState.update(`kagi.activeEnv:${v.folder.uri.toString()}`, env);
  }

  /** A vault changed through us (or everything should be re-read): listeners re-read it now. */
  fireChanged(v?: VaultFolder): void {
    if (v) this.announced.remember(this.kagiDirs([v]));
    else this.announced.rememberAll(this.kagiDirs());
    this.changed.fire({ vault: v, fromDisk: false });
  }

  /**
   * The `.kagi/` watcher saw files change: announces only the vaults that differ from their
   * last announcement, so our own writes (announced already) are not re-read a second time.
   * A vault that appeared or disappeared re-reads everything (tree, `kagi.hasVault`, the
   * terminal environment), so a deleted vault's keys and values don't linger.
   */
  fireChangedOnDisk(): void {
    const vaults = this.vaults();
    const { changed, folders } = this.announced.changed(this.kagiDirs(vaults));
    if (folders) {
      this.changed.fire({ fromDisk: true });
      return;
    }
    for (const v of vaults) if (changed.includes(v.project.kagiDir)) this.changed.fire({ vault: v, fromDisk: true });
  }

  /**
   * Runs a user action and turns failures into one clear message. KagiError
   * messages are written never to contain a value; other errors are logged
   * by type only, because their text may quote data.
   */
  async guard<T>(
    what: string,
    fn: () => Promise<T>,
    onKagiError?: { title: string; command: string },
  ): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (isKagiError(e)) {
        this.log.warn(`${what}: ${e.code}: ${e.describe()}`);
        const buttons = onKagiError ? [onKagiError.title] : [];
        void this.prompter.error(vscode.l10n.t('Kagi: {0}', e.describe()), buttons).then((c) => {
          if (c && onKagiError) void vscode.commands.executeCommand(onKagiError.command);
        });
      } else {
        const name = e instanceof Error ? e.name : typeof e;
        this.log.error(`${what}: unexpected ${name}`);
        void this.prompter.error(
          vscode.l10n.t('Kagi: {0} failed unexpectedly ({1}). See the Kagi output for details.', what, name),
        );
      }
      return undefined;
    }
  }

  /** The vault whose root is `root` (a tree node's ref), if it is still open. */
  vaultAt(root: string): VaultFolder | undefined {
    return this.vaults().find((v) => v.project.root === root);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.listings.dispose();
    this.changed.dispose();
    this.logChannel?.dispose();
  }
}

/** A workspace folder's vault folder, as its Project names it (`<root>/.kagi`), without loading the vault. */
function kagiDirOf(folder: vscode.WorkspaceFolder): string {
  return path.join(path.resolve(folder.uri.fsPath), '.kagi');
}

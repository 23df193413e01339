import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type HostEnv, isKagiError, Project } from '../vault';
import { Listings } from './listings';
import { AnnouncedStates } from './vaultChanges';
import { WindowPrompter, type Prompter } from './prompter';
import type { SecretsTree } from './tree';

/** A workspace folder that holds a kagi vault. */
export interface VaultFolder {
  folder: vscode.WorkspaceFolder;
  project: Project;
}

/**
 * What every adapter shares: the vaults of the open folders, trust, the log and
 * the active environment. Adapters stay thin; vault logic lives in src/vault.
 */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly changed = new vscode.EventEmitter<VaultFolder | undefined>();
  /** Fires when a vault's files changed on disk or through us (undefined: all). */
  readonly onDidChangeVault = this.changed.event;
  private readonly projects = new Map<string, Project>();
  private readonly announced: AnnouncedStates;
  /** Every question commands ask; integration tests swap in scripted answers. */
  prompter: Prompter = new WindowPrompter();
  /** Key names per vault (never values), shared by the tree and language features. */
  readonly listings: Listings;
  /** The sidebar tree's provider, exposed for integration tests via activate()'s return. */
  secretsTree?: SecretsTree;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Kagi', { log: true });
    this.listings = new Listings(this);
    this.announced = new AnnouncedStates(this.kagiDirs());
  }

  private kagiDirs(vaults = this.vaults()): string[] {
    return vaults.map((v) => v.project.kagiDir);
  }

  host(): HostEnv {
    return { env: process.env };
  }

  /** One vault per workspace folder that has `.kagi/kagi.json`. */
  vaults(): VaultFolder[] {
    const out: VaultFolder[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      if (!fs.existsSync(path.join(folder.uri.fsPath, '.kagi', 'kagi.json'))) continue;
      out.push({ folder, project: this.projectFor(folder) });
    }
    return out;
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
      void vscode.window.showInformationMessage('No kagi vault in this workspace. Run "Kagi: Initialize Vault" first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      all.map((v) => ({ label: v.folder.name, description: v.folder.uri.fsPath, v })),
      { placeHolder: "Which folder's vault?" },
    );
    return pick?.v;
  }

  /** Restricted Mode: nothing decrypts, reveals or runs. */
  requireTrust(action: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(
        `Kagi: ${action} is disabled in Restricted Mode. Trust this workspace to decrypt or run secrets.`,
        'Manage Workspace Trust',
      )
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
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
    this.changed.fire(v);
  }

  /** Sets the active env without announcing it, for a command that announces its write right after. */
  storeActiveEnv(v: VaultFolder, env: string): Thenable<void> {
    return this.extension.workspaceState.update(`kagi.activeEnv:${v.folder.uri.toString()}`, env);
  }

  /** A vault changed through us (or everything should be re-read): listeners re-read it now. */
  fireChanged(v?: VaultFolder): void {
    if (v) this.announced.remember(this.kagiDirs([v]));
    else this.announced.rememberAll(this.kagiDirs());
    this.changed.fire(v);
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
      this.changed.fire(undefined);
      return;
    }
    for (const v of vaults) if (changed.includes(v.project.kagiDir)) this.changed.fire(v);
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
        void vscode.window.showErrorMessage(`Kagi: ${e.describe()}`, ...buttons).then((c) => {
          if (c && onKagiError) void vscode.commands.executeCommand(onKagiError.command);
        });
      } else {
        const name = e instanceof Error ? e.name : typeof e;
        this.log.error(`${what}: unexpected ${name}`);
        void vscode.window.showErrorMessage(
          `Kagi: ${what} failed unexpectedly (${name}). See the Kagi output for details.`,
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
    this.listings.dispose();
    this.changed.dispose();
    this.log.dispose();
  }
}

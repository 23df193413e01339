// What `activate()` returns: the extension's one door for other code, which today means the
// integration suite (test/integration/). As rust-analyzer exports its API, it is small and
// typed: the suite replaces the prompter with scripted answers and observes the tree, the
// announcements, the watcher and the providers, and never reaches into `Ctx`.
import type * as vscode from 'vscode';
import type { Listing } from '../vault';
import type { Ctx } from './ctx';
import type { KagiDebugConfigurationProvider } from './debug';
import type { Prompter } from './prompter';
import type { KagiTaskProvider } from './tasks';
import type { TeamViewProvider } from './team';
import type { TerminalEnvironment } from './terminals';
import type { StaleEnvironments } from './staleEnv';
import type { CompareView } from './compareView';
import type { SecretsTree } from './tree';
import type { VaultChange, VaultFolder } from './vaultFolder';
import type { FileViewer } from './fileViewer';
import type { ProcessFileSessions } from './processFileSessions';
import type { PlaintextGuard } from './plaintextGuard';

export interface KagiApi {
  /** Replaces the prompter every command asks through; returns the one it replaced. */
  setPrompter(prompter: Prompter): Prompter;
  /** The vaults of the open workspace folders. */
  vaults(): VaultFolder[];
  /** The environment tasks, debugging and completions use in `v`. */
  activeEnv(v: VaultFolder): string;
  setActiveEnv(v: VaultFolder, env: string): Promise<void>;
  /** The cached key-name listing of `v`: the same object until the vault changes. */
  listing(v: VaultFolder): Promise<Listing>;
  /** Every announcement that a vault changed: a write of ours, or the watcher's (`fromDisk`). */
  readonly onDidChangeVault: vscode.Event<VaultChange>;
  /** After each quiet period of the `.kagi/` watcher: the paths it handled. */
  readonly onDidHandleVaultFiles: vscode.Event<string[]>;
  /** The Secrets view's data provider. */
  readonly tree: Pick<SecretsTree, 'roots' | 'getChildren' | 'getTreeItem' | 'resolveTreeItem'>;
  /** The Team view's host: its message handler and the state it last sent. */
  readonly team: Pick<TeamViewProvider, 'handleMessage' | 'refresh' | 'lastState' | 'readyCount' | 'refreshCount'>;
  readonly debug: Pick<KagiDebugConfigurationProvider, 'resolveDebugConfigurationWithSubstitutedVariables'>;
  readonly tasks: Pick<KagiTaskProvider, 'provideTasks'>;
  /** The environment collection that `kagi.terminal.injectActiveScope` fills. */
  readonly terminals: TerminalEnvironment;
  /** What the open file views show (Kagi: Open File). */
  readonly files: Pick<FileViewer, 'shown'>;
  /** Session folders of file paths handed to processes that are still open. */
  readonly fileSessions: Pick<ProcessFileSessions, 'count'>;
  /** Running Kagi programs and whether each was told its values are stale. */
  readonly stale: Pick<StaleEnvironments, 'state' | 'settled'>;
  /** The environment matrix panel's host: its message handler and what it last sent. */
  readonly compare: Pick<CompareView, 'handleMessage' | 'lastMessage'>;
  /** The plaintext guard: checks a document now (instead of after the typing pause). */
  readonly plaintext: Pick<PlaintextGuard, 'check'>;
}

/** The parts of the API that features return when they register. */
export type FeatureParts = Pick<
  KagiApi,
  | 'onDidHandleVaultFiles'
  | 'tree'
  | 'team'
  | 'debug'
  | 'tasks'
  | 'terminals'
  | 'files'
  | 'fileSessions'
  | 'stale'
  | 'compare'
  | 'plaintext'
>;

export function kagiApi(ctx: Ctx, parts: FeatureParts): KagiApi {
  return {
    ...parts,
    setPrompter(prompter) {
      const previous = ctx.prompter;
      ctx.prompter = prompter;
      return previous;
    },
    vaults: () => ctx.vaults(),
    activeEnv: (v) => ctx.activeEnv(v),
    setActiveEnv: (v, env) => ctx.setActiveEnv(v, env),
    listing: (v) => ctx.listings.get(v),
    onDidChangeVault: ctx.onDidChangeVault,
  };
}

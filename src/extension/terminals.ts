// Terminals with secrets.
//
// `kagi.openTerminalWithScope` opens a terminal whose environment holds a scope's secrets:
// createTerminal({env, strictEnv: false}) hands the variables in memory to the pty host, which
// starts the shell with them. VS Code does not persist a terminal's `env` (terminal
// persistence/reconnection revives the process, not a launch config with its env on disk).
//
// `kagi.terminal.injectActiveScope` (opt-in, default false) puts the active scope into
// context.environmentVariableCollection, i.e. every new integrated terminal of the workspace.
// `persistent = false` keeps VS Code from caching the collection (values included) in its
// storage across window reloads; the collection is rebuilt on activation, on vault changes and
// on active-environment changes, and cleared when the setting is off, the workspace is
// untrusted, or loading fails. With several services, `kagi.terminal.service` says which one
// (otherwise nothing is injected and the Kagi output says why). Terminals already open keep
// what they started with (VS Code flags them as stale).
import * as vscode from 'vscode';
import { describeError, splitScope } from '../vault';
import type { Ctx, VaultFolder } from './ctx';
import { activeScope, loadScope } from './injection';
import { pickScope } from './scopePick';
import { registerGuarded } from './commandKit';
import { uriOf } from './target';
import { settingId } from './config';
import { needsQuestion } from './injectionGuard';
import type { StaleEnvironments } from './staleEnv';

const SETTINGS = [settingId('terminal.injectActiveScope'), settingId('terminal.service')];

/** The environment collection kept equal to the active scope, and a way to wait until it is. */
export interface TerminalEnvironment {
  readonly collection: vscode.GlobalEnvironmentVariableCollection;
  /** Resolves when no refresh of the collection is pending or running. */
  settled(): Promise<void>;
}

export function registerTerminals(ctx: Ctx, stale: StaleEnvironments): TerminalEnvironment {
  const collection = ctx.extension.environmentVariableCollection;
  collection.persistent = false;
  const sync = new ActiveScopeSync(ctx, collection);
  ctx.extension.subscriptions.push(
    ctx.onDidChangeVault(() => sync.schedule()),
    vscode.workspace.onDidChangeConfiguration(
      (e) => SETTINGS.some((id) => e.affectsConfiguration(id)) && sync.schedule(),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => sync.schedule()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => sync.schedule()),
    sync,
  );
  registerGuarded(ctx, 'kagi.openTerminalWithScope', (arg) => openTerminal(ctx, stale, uriOf(arg)));
  sync.schedule();
  return { collection, settled: () => sync.settled() };
}

async function openTerminal(
  ctx: Ctx,
  stale: StaleEnvironments,
  uri?: vscode.Uri,
): Promise<vscode.Terminal | undefined> {
  const v = await ctx.pickVault(uri);
  if (!v) return undefined;
  const scope = await pickScope(ctx, v, 'Open a terminal with the secrets of which scope?', {
    preferred: activeScope(ctx, v),
  });
  if (!scope) return undefined;
  return startTerminal(ctx, stale, v, scope);
}

async function startTerminal(
  ctx: Ctx,
  stale: StaleEnvironments,
  v: VaultFolder,
  scope: string,
): Promise<vscode.Terminal> {
  const { service = '', env } = splitScope(scope);
  const name = `kagi: ${scope}`;
  const loaded = await loadScope(
    ctx,
    v,
    { service, env },
    v.folder.uri.fsPath,
    'Terminal with secrets',
    `A terminal ("${name}")`,
  );
  const terminal = vscode.window.createTerminal({
    name: `kagi: ${loaded.scope}`,
    cwd: v.folder.uri,
    env: loaded.secrets,
    strictEnv: false,
    iconPath: new vscode.ThemeIcon('key'),
  });
  terminal.show();
  const tracked = stale.track(
    {
      vault: v,
      scope: loaded.scope,
      label: `terminal "${name}"`,
      restart: async () => {
        terminal.dispose();
        await ctx.guard('Restarting a terminal with secrets', () => startTerminal(ctx, stale, v, loaded.scope));
      },
    },
    loaded.secrets,
  );
  const closed = vscode.window.onDidCloseTerminal((t) => {
    if (t !== terminal) return;
    tracked.dispose();
    closed.dispose();
  });
  ctx.extension.subscriptions.push(closed);
  return terminal;
}

/** Keeps the environment variable collection equal to the active scope (or empty). */
class ActiveScopeSync implements vscode.Disposable {
  private timer?: NodeJS.Timeout;
  private running = Promise.resolve();
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
  ) {}

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const gen = ++this.generation;
      this.running = this.running.then(() => this.refresh(gen)).catch(() => {});
    }, 150);
  }

  /** Waits for pending refreshes. */
  async settled(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, 50));
    await this.running;
  }

  private async refresh(gen: number): Promise<void> {
    const config = this.ctx.config();
    if (!config.terminalInjectActiveScope || !vscode.workspace.isTrusted) {
      this.collection.clear();
      return;
    }
    const vaults = this.ctx.vaults();
    const v: VaultFolder | undefined =
      vaults.length === 1 ? vaults[0] : this.ctx.vaultFor(vscode.window.activeTextEditor?.document.uri);
    if (!v) {
      this.collection.clear();
      return;
    }
    try {
      const service = config.terminalService;
      const loaded = await loadScope(this.ctx, v, service ? { service } : {}, undefined, 'Terminal environment');
      if (gen !== this.generation) return;
      this.collection.clear();
      // A background refresh can't ask: what would need a question stays out of every terminal.
      const why = await needsQuestion(this.ctx, v, loaded.scope, loaded.secrets);
      if (why !== undefined) {
        this.ctx.log.warn(`terminal environment: not injected, ${why}; open a terminal with Kagi: Open Terminal…`);
        return;
      }
      for (const [k, value] of Object.entries(loaded.secrets)) this.collection.replace(k, value);
      const count = Object.keys(loaded.secrets).length;
      this.collection.description = new vscode.MarkdownString(
        `Kagi: secrets of \`${loaded.scope}\` (${count}) from the vault of ${v.folder.name}`,
      );
    } catch (e) {
      this.collection.clear();
      this.ctx.log.warn(`terminal: ${describeError(e)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.collection.clear();
  }
}

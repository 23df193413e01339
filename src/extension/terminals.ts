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
import { describeError, isPlainObject, splitScope, type ScopeRequest } from '../vault';
import type { Ctx, VaultFolder } from './ctx';
import { activeScope, loadScope } from './injection';
import { pickScope } from './scopePick';
import { registerGuarded } from './commandKit';
import { uriOf } from './target';
import { parseFilesProperty } from './processFileSessions';
import type { ProcessTrackers } from './processTrackers';
import { settingId } from './config';
import { needsQuestion } from './injectionGuard';

const SETTINGS = [settingId('terminal.injectActiveScope'), settingId('terminal.service')];

/** The environment collection kept equal to the active scope, and a way to wait until it is. */
export interface TerminalEnvironment {
  readonly collection: vscode.GlobalEnvironmentVariableCollection;
  /** Resolves when no refresh of the collection is pending or running. */
  settled(): Promise<void>;
}

export function registerTerminals(ctx: Ctx, processes: ProcessTrackers): TerminalEnvironment {
  // Made on first use: creating the collection and marking it non-persistent are two calls to
  // the workbench that activation need not wait for (bench `activation_vs_empty`). The first
  // refresh runs 150 ms after activation and marks it first, so no value is ever in a
  // persistent collection.
  const collection = lazyCollection(ctx);
  ctx.afterActivation(collection);
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
  registerGuarded(ctx, 'kagi.openTerminalWithScope', (arg) =>
    openTerminal(ctx, processes, uriOf(arg), terminalRequest(arg)),
  );
  sync.schedule();
  return {
    get collection() {
      return collection();
    },
    settled: () => sync.settled(),
  };
}

/** The extension's environment collection, marked non-persistent before anything uses it. */
function lazyCollection(ctx: Ctx): () => vscode.GlobalEnvironmentVariableCollection {
  let collection: vscode.GlobalEnvironmentVariableCollection | undefined;
  return () => {
    if (!collection) {
      collection = ctx.extension.environmentVariableCollection;
      collection.persistent = false;
    }
    return collection;
  };
}

/**
 * The command's argument when a keybinding or another extension passes one:
 * `{"service": "api", "env": "development", "files": {"VAR": "repo:sa.json"}}`.
 */
interface TerminalRequest {
  service?: string;
  env?: string;
  files?: Record<string, string>;
}

function terminalRequest(arg: unknown): TerminalRequest | undefined {
  if (!isPlainObject(arg)) return undefined;
  const text = (k: string) => (typeof arg[k] === 'string' ? (arg[k] as string) : undefined);
  const files = parseFilesProperty(arg.files);
  return { service: text('service'), env: text('env'), ...(files ? { files } : {}) };
}

async function openTerminal(
  ctx: Ctx,
  processes: ProcessTrackers,
  uri: vscode.Uri | undefined,
  req: TerminalRequest | undefined,
): Promise<vscode.Terminal | undefined> {
  const v = await ctx.pickVault(uri);
  if (!v) return undefined;
  const named = req?.service !== undefined || req?.env !== undefined;
  const scope = named
    ? undefined
    : await pickScope(ctx, v, vscode.l10n.t('Open a terminal with the secrets of which scope?'), {
        preferred: activeScope(ctx, v),
      });
  if (!named && !scope) return undefined;
  const request = scope ? { service: splitScope(scope).service ?? '', env: splitScope(scope).env } : req!;
  return startTerminal(ctx, processes, v, request, req?.files);
}

/** Starts a terminal with a scope's secrets (and file paths); Restart starts the same again. */
async function startTerminal(
  ctx: Ctx,
  processes: ProcessTrackers,
  v: VaultFolder,
  request: ScopeRequest,
  fileRequest: Record<string, string> | undefined,
): Promise<vscode.Terminal> {
  const loaded = await loadScope(
    ctx,
    v,
    request,
    v.folder.uri.fsPath,
    vscode.l10n.t('Terminal with secrets'),
    vscode.l10n.t('A new terminal'),
  );
  const name = `kagi: ${loaded.scope}`;
  const files = fileRequest
    ? await processes.fileSessions.start(v, loaded.scope, fileRequest, v.project.root)
    : undefined;
  const terminal = vscode.window.createTerminal({
    name,
    cwd: v.folder.uri,
    env: { ...loaded.secrets, ...files?.env },
    strictEnv: false,
    iconPath: new vscode.ThemeIcon('key'),
  });
  if (files) {
    // The file paths live as long as the terminal.
    const sub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      files.dispose();
      sub.dispose();
    });
    ctx.extension.subscriptions.push(sub);
  }
  terminal.show();
  const tracked = processes.stale.track(
    {
      vault: v,
      scope: loaded.scope,
      label: vscode.l10n.t('terminal "{0}"', name),
      restart: async () => {
        terminal.dispose();
        await ctx.guard('Restarting a terminal with secrets', () =>
          startTerminal(ctx, processes, v, request, fileRequest),
        );
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
    private readonly collectionOf: () => vscode.GlobalEnvironmentVariableCollection,
  ) {}

  private get collection(): vscode.GlobalEnvironmentVariableCollection {
    return this.collectionOf();
  }

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
      const loaded = await loadScope(
        this.ctx,
        v,
        service ? { service } : {},
        undefined,
        vscode.l10n.t('Terminal environment'),
      );
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
        vscode.l10n.t('Kagi: secrets of `{0}` ({1}) from the vault of {2}', loaded.scope, count, v.folder.name),
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

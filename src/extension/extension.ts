import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { kagiApi, type KagiApi } from './api';
import { registerTasks } from './tasks';
import { registerDebug } from './debug';
import { registerTerminals } from './terminals';
import { registerTree } from './views';
import { registerWatcher } from './watcher';
import { registerStatusBar } from './statusBar';
import { registerOnDemandCommands } from './onDemandCommands';
import { registerLanguageFeatures } from './language';
import { registerTeam } from './team';
import { FileViewer } from './fileViewer';
import { ProcessFileSessions } from './processFileSessions';
import { registerGitDocuments } from './gitDocuments';
import { StaleEnvironments } from './staleEnv';
import { registerPlaintextGuard } from './plaintextGuard';
import { registerLanguageModelTool } from './lmTool';
import { registerCompareView } from './compareView';
import { useTranslator } from './pureL10n';

export type { KagiApi } from './api';

// Each feature registers itself from its own module; activation does nothing else.
export function activate(context: vscode.ExtensionContext): KagiApi {
  // l10n-ignore: forwards the literal messages of the pure modules (src/extension/pureL10n.ts).
  useTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  const tree = registerTree(ctx);
  const onDidHandleVaultFiles = registerWatcher(ctx);
  registerStatusBar(ctx);
  // The open file views: the extension's API reads them, the file commands (on demand) fill them.
  const files = new FileViewer();
  context.subscriptions.push(files);
  // Registered now, their handlers loaded on first use (onDemandCommands.ts).
  registerOnDemandCommands(ctx, { viewer: files, git: registerGitDocuments(ctx) });
  registerLanguageFeatures(ctx);
  const plaintext = registerPlaintextGuard(ctx);
  registerLanguageModelTool(ctx);
  // Disposed with the extension's subscriptions on deactivate: every file path still open goes.
  const fileSessions = new ProcessFileSessions();
  // It reads the disk and loads the vault bundle: after activation returns.
  ctx.afterActivation(() => ProcessFileSessions.sweepStale(ctx.host()));
  const stale = new StaleEnvironments(ctx);
  context.subscriptions.push(fileSessions, stale);
  const processes = { fileSessions, stale };
  const tasks = registerTasks(ctx, processes);
  const debug = registerDebug(ctx, processes);
  const terminals = registerTerminals(ctx, processes);
  const team = registerTeam(ctx);
  const compare = registerCompareView(ctx);
  return kagiApi(ctx, {
    tree,
    onDidHandleVaultFiles,
    tasks,
    debug,
    terminals,
    team,
    files,
    fileSessions,
    stale,
    compare,
    plaintext,
  });
}

export function deactivate(): void {}

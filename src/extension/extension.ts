import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import { kagiApi, type KagiApi } from './api';
import { registerTasks } from './tasks';
import { registerDebug } from './debug';
import { registerTerminals } from './terminals';
import { registerTree } from './views';
import { registerWatcher } from './watcher';
import { registerStatusBar } from './statusBar';
import { registerSecretCommands } from './secretCommands';
import { registerGenerateCommand } from './generateCommand';
import { registerStatusCommand } from './statusCommand';
import { registerInitCommand } from './initCommand';
import { registerEnvCommands } from './envCommands';
import { registerDotenvCommands } from './dotenvCommands';
import { registerLanguageFeatures } from './language';
import { registerTeam } from './team';
import { StaleEnvironments } from './staleEnv';
import { registerPlaintextGuard } from './plaintextGuard';
import { registerLanguageModelTool } from './lmTool';
import { registerCompareView } from './compareView';

export type { KagiApi } from './api';

// Each feature registers itself from its own module; activation does nothing else.
export function activate(context: vscode.ExtensionContext): KagiApi {
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  const tree = registerTree(ctx);
  const onDidHandleVaultFiles = registerWatcher(ctx);
  registerStatusBar(ctx);
  registerSecretCommands(ctx);
  registerGenerateCommand(ctx);
  registerStatusCommand(ctx);
  registerInitCommand(ctx);
  registerEnvCommands(ctx);
  registerDotenvCommands(ctx);
  registerLanguageFeatures(ctx);
  registerPlaintextGuard(ctx);
  registerLanguageModelTool(ctx);
  const stale = new StaleEnvironments(ctx);
  context.subscriptions.push(stale);
  const tasks = registerTasks(ctx, stale);
  const debug = registerDebug(ctx, stale);
  const terminals = registerTerminals(ctx, stale);
  const team = registerTeam(ctx);
  const compare = registerCompareView(ctx);
  return kagiApi(ctx, { tree, onDidHandleVaultFiles, tasks, debug, terminals, team, stale, compare });
}

export function deactivate(): void {}

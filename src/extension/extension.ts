import * as vscode from 'vscode';
import { Ctx } from './ctx';
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

// Each feature registers itself from its own module; activation does nothing else.
export function activate(context: vscode.ExtensionContext): Ctx {
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  registerTree(ctx);
  registerWatcher(ctx);
  registerStatusBar(ctx);
  registerSecretCommands(ctx);
  registerGenerateCommand(ctx);
  registerStatusCommand(ctx);
  registerInitCommand(ctx);
  registerEnvCommands(ctx);
  registerDotenvCommands(ctx);
  registerLanguageFeatures(ctx);
  registerTasks(ctx);
  registerDebug(ctx);
  registerTerminals(ctx);
  registerTeam(ctx);
  return ctx;
}

export function deactivate(): void {}

// What the entry (onDemandCommands.ts) and the handlers it loads on first use
// (commandHandlers.ts) agree on: which commands load on demand, a handler's shape, and what the
// handlers are handed from activation. The handlers import only its types, so nothing of it is
// bundled twice.
import type { CommandId } from './commandTable';
import type { FileViewer } from './fileViewer';
import type { GitDocuments } from './gitDocuments';

export const ON_DEMAND_COMMANDS = [
  'kagi.setSecret',
  'kagi.reveal',
  'kagi.copyValue',
  'kagi.deleteSecret',
  'kagi.generateSecret',
  'kagi.showStatus',
  'kagi.init',
  'kagi.switchEnvironment',
  'kagi.addEnvironment',
  'kagi.renameEnvironment',
  'kagi.removeEnvironment',
  'kagi.removeScope',
  'kagi.importDotenv',
  'kagi.exportDotenv',
  'kagi.setUpGitIntegration',
  'kagi.openStoreChanges',
  'kagi.resolveConflict',
  'kagi.showHistory',
  'kagi.addFile',
  'kagi.openFile',
  'kagi.restoreFile',
  'kagi.removeFile',
] as const satisfies readonly CommandId[];

export type OnDemandCommandId = (typeof ON_DEMAND_COMMANDS)[number];

export type CommandHandler = (...args: unknown[]) => Promise<unknown>;

/** Handlers of some of the on-demand commands: a feature module's share. */
export type Handlers<K extends OnDemandCommandId> = Record<K, CommandHandler>;

/** What the handlers share with the parts that run from activation on. */
export interface OnDemandParts {
  /** the open file views (the extension's API reads them) */
  viewer: FileViewer;
  /** Git's history documents and the program Git's drivers run */
  git: GitDocuments;
}

import type * as vscode from 'vscode';
import type { Project } from '../vault';

/** A workspace folder that holds a kagi vault. */
export interface VaultFolder {
  folder: vscode.WorkspaceFolder;
  project: Project;
}

/**
 * An announcement that a vault changed: `vault` undefined means every vault (re-read all).
 * `fromDisk`: the `.kagi/` watcher saw it (the CLI, Git, a teammate), else a write of ours
 * or a change of the active environment.
 */
export interface VaultChange {
  vault?: VaultFolder;
  fromDisk: boolean;
}

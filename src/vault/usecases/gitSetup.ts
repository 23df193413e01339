// `kagi git setup` / `--remove`: the attribute lines (committed) and the driver config (this clone only).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { dataDir, type HostEnv } from '../device/dataDir';
import { addAttributes, hasAttributes, removeAttributes } from '../git/attributes';
import {
  hasDriverConfig,
  launcherPath,
  removeDriverConfig,
  writeDriverConfig,
  writeLauncher,
  type Program,
} from '../git/driverConfig';
import { gitTopLevel } from '../git/run';
import { kagiDirInRepo } from '../git/vaultPath';
import type { Project } from '../project/project';

export type { Program } from '../git/driverConfig';

export interface GitSetupReport {
  gitRoot: string;
  attributesFile: string;
  attributesChanged: boolean;
  configChanged: number;
  launcher?: string;
}

function requireGitRoot(project: Project): string {
  const root = gitTopLevel(project.root);
  if (root === undefined) {
    throw new KagiError(
      'git',
      `${project.root} is not inside a Git repository`,
      'run `git init` (or clone the repository) first',
    );
  }
  return root;
}

/**
 * Whether `init` should offer the setup: the vault is in a Git repository whose attribute
 * lines or driver config for it are missing. Asking is the front end's job; nothing is written.
 */
export function gitSetupOffered(project: Project): boolean {
  const gitRoot = gitTopLevel(project.root);
  if (gitRoot === undefined) return false;
  return !hasAttributes(gitRoot, kagiDirInRepo(gitRoot, project.kagiDir)) || !hasDriverConfig(gitRoot);
}

/** Idempotent: a second run changes nothing (but refreshes the launcher if the CLI moved). */
export function setUpGit(project: Project, program: Program): GitSetupReport {
  const gitRoot = requireGitRoot(project);
  const attributesChanged = addAttributes(gitRoot, kagiDirInRepo(gitRoot, project.kagiDir));
  const { file: launcher } = writeLauncher(dataDir(project.host), program);
  const configChanged = writeDriverConfig(gitRoot, launcher);
  return { gitRoot, attributesFile: path.join(gitRoot, '.gitattributes'), attributesChanged, configChanged, launcher };
}

/** Undoes setUpGit for this vault; the launcher stays (other clones may name it). */
export function removeGitSetup(project: Project): GitSetupReport {
  const gitRoot = requireGitRoot(project);
  const attributesChanged = removeAttributes(gitRoot, kagiDirInRepo(gitRoot, project.kagiDir));
  const configChanged = removeDriverConfig(gitRoot);
  return { gitRoot, attributesFile: path.join(gitRoot, '.gitattributes'), attributesChanged, configChanged };
}

/**
 * Points an existing launcher at this program (the extension calls it at activation, so an
 * update moves every configured clone along); creates nothing for a device never set up.
 */
export function refreshGitLauncher(host: HostEnv, program: Program): boolean {
  const data = dataDir(host);
  if (!fs.existsSync(launcherPath(data))) return false;
  return writeLauncher(data, program).changed;
}

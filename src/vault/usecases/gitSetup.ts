// `kagi git setup` / `--remove`: the attribute lines (committed) and the driver config (this clone only).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { dataDir } from '../device/dataDir';
import { addAttributes, removeAttributes } from '../git/attributes';
import { removeDriverConfig, writeDriverConfig, writeLauncher, type Program } from '../git/driverConfig';
import { gitTopLevel } from '../git/run';
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

/** The vault folder relative to the Git root, `/`-separated. */
function kagiDirIn(gitRoot: string, project: Project): string {
  const rel = path.relative(realpath(gitRoot), realpath(project.kagiDir)).split(path.sep).join('/');
  if (rel.startsWith('..'))
    throw new KagiError(
      'git',
      `${project.kagiDir} is outside the Git repository ${gitRoot}`,
      'run the setup from the repository that holds the vault',
    );
  return rel;
}

function realpath(p: string): string {
  // Git reports resolved paths (/private/tmp on macOS); compare like with like.
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Idempotent: a second run changes nothing (but refreshes the launcher if the CLI moved). */
export function setUpGit(project: Project, program: Program): GitSetupReport {
  const gitRoot = requireGitRoot(project);
  const attributesChanged = addAttributes(gitRoot, kagiDirIn(gitRoot, project));
  const { file: launcher } = writeLauncher(dataDir(project.host), program);
  const configChanged = writeDriverConfig(gitRoot, launcher);
  return { gitRoot, attributesFile: path.join(gitRoot, '.gitattributes'), attributesChanged, configChanged, launcher };
}

/** Undoes setUpGit for this vault; the launcher stays (other clones may name it). */
export function removeGitSetup(project: Project): GitSetupReport {
  const gitRoot = requireGitRoot(project);
  const attributesChanged = removeAttributes(gitRoot, kagiDirIn(gitRoot, project));
  const configChanged = removeDriverConfig(gitRoot);
  return { gitRoot, attributesFile: path.join(gitRoot, '.gitattributes'), attributesChanged, configChanged };
}

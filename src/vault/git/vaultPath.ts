// Where a vault sits in its repository: the one answer setup, the drivers and history share.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';

function realpath(p: string): string {
  // Git reports resolved paths (/private/tmp on macOS); compare like with like.
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The `.kagi` folder relative to the Git root, `/`-separated: `.kagi`, `apps/web/.kagi`. */
export function kagiDirInRepo(gitRoot: string, kagiDir: string): string {
  return pathInRepo(gitRoot, kagiDir);
}

/** A path under the Git root, relative and `/`-separated (the file itself may be gone: a deleted store). */
export function pathInRepo(gitRoot: string, p: string): string {
  const resolved = path.join(realpath(path.dirname(p)), path.basename(p));
  const rel = path.relative(realpath(gitRoot), resolved).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new KagiError(
      'git',
      `${p} is outside the Git repository ${gitRoot}`,
      'run this in the repository that holds the vault',
    );
  }
  return rel;
}

/** `apps/web/.kagi/secrets/api/dev.enc` → the vault folder and the scope its path implies. */
export function splitStorePath(p: string): { kagiDir: string; scope?: string } | undefined {
  const m = /^(?:(.*)\/)?\.kagi\/(.*)$/.exec(p);
  if (!m) return undefined;
  const kagiDir = m[1] ? `${m[1]}/.kagi` : '.kagi';
  const scope = /^secrets\/(.+)\.enc$/.exec(m[2]!)?.[1];
  return { kagiDir, scope };
}

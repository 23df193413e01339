// The two Git touches of `kagi file` (docs/format.md §4.6): refuse a file Git already tracks,
// and keep a restored plaintext out of Git with a line in .git/info/exclude (never the
// committed .gitignore).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError, ioError } from '../errors';

/** As Rust: only when the project root itself has `.git`, asking `git ls-files --error-unmatch`. */
export function rejectTrackedFile(projectRoot: string, restorePath: string): void {
  if (!fs.existsSync(path.join(projectRoot, '.git'))) return;
  const r = spawnSync('git', ['-C', projectRoot, 'ls-files', '--error-unmatch', '--', restorePath], {
    stdio: 'ignore',
    timeout: 10_000,
  });
  if (r.status === 0) {
    throw new KagiError(
      'conflict',
      `${restorePath} is tracked by Git, so its plaintext is already in the repository history`,
      `remove it from the index first: git rm --cached ${restorePath} (and rotate whatever it contains)`,
    );
  }
}

/** Appends `/<restorePath>` to `<root>/.git/info/exclude` unless a line already says it. */
export function ensureLocalGitExclude(projectRoot: string, restorePath: string): void {
  const info = path.join(projectRoot, '.git', 'info');
  if (!fs.lstatSync(info, { throwIfNoEntry: false })?.isDirectory()) return;
  const file = path.join(info, 'exclude');
  const line = `/${restorePath}`;
  try {
    const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (existing.split('\n').some((l) => l.trim() === line)) return;
    const sep = existing !== '' && !existing.endsWith('\n') ? '\n' : '';
    fs.appendFileSync(file, `${sep}${line}\n`);
  } catch (e) {
    throw ioError('update', file, e);
  }
}

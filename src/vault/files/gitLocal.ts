// The two Git touches of `kagi file` (docs/format.md §4.6): refuse a file Git already tracks,
// and keep a restored plaintext out of Git with a line in .git/info/exclude (never the
// committed .gitignore).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError, ioError } from '../errors';
import { addGitignoreLine } from '../git/ignore';

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
    appendWhole(file, `${sep}${line}\n`);
  } catch (e) {
    throw ioError('update', file, e);
  }
}

/** Appends all of `text` or none: a write failing part-way (a full disk, a size limit) is cut off again. */
function appendWhole(file: string, text: string): void {
  const fd = fs.openSync(file, 'a', 0o644);
  try {
    const size = fs.fstatSync(fd).size;
    try {
      fs.writeFileSync(fd, text);
    } catch (e) {
      fs.ftruncateSync(fd, size);
      throw e;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether Git tracks `file` (absolute), asked of the repository that contains it. */
export function isTrackedByGit(file: string): boolean {
  const r = spawnSync('git', ['ls-files', '--error-unmatch', '--', path.basename(file)], {
    cwd: path.dirname(file),
    stdio: 'ignore',
    timeout: 10_000,
  });
  return r.status === 0;
}

/** `git rm --cached`: Git stops tracking the file; the file on disk stays. */
export function untrackFile(file: string): void {
  const r = spawnSync('git', ['rm', '--cached', '--quiet', '--', path.basename(file)], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status !== 0) {
    throw new KagiError(
      'io',
      `git rm --cached ${file} failed`,
      (r.stderr || 'is Git installed?').trim().split('\n')[0],
    );
  }
}

/** Adds `/<path from the Git root>` to the Git root's .gitignore (the team's ignore rules). */
export function gitIgnoreFile(gitRoot: string, file: string): string {
  const rel = path.relative(gitRoot, file).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('..'))
    throw new KagiError('usage', `${file} is outside ${gitRoot}`, 'ignore it in its own repository');
  return addGitignoreLine(gitRoot, `/${rel}`);
}

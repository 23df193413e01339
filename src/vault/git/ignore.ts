// Git and ignore rules: the lines `init` keeps in .gitignore, and asking Git whether a file is ignored.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextIfExists, SMALL_FILE_BYTES, writeFileAtomic } from '../disk/files';

/** A `.gitignore` of a million lines is not one a person wrote. */
const MAX_GITIGNORE_BYTES = 4 * 1024 * 1024;

/** The lines `init` makes sure of: plaintext .env files stay out of Git, the template goes in. */
export const GITIGNORE_LINES = ['.env', '.env.*', '!.env.example'];

/** A Git root: `.git` is a folder with `HEAD` or `commondir`, or a `gitdir:` file (worktrees, submodules). */
export function isGitRoot(dir: string): boolean {
  const dotGit = path.join(dir, '.git');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dotGit);
  } catch {
    return false;
  }
  if (stat.isDirectory())
    return fs.existsSync(path.join(dotGit, 'HEAD')) || fs.existsSync(path.join(dotGit, 'commondir'));
  try {
    return stat.isFile() && (readTextIfExists(dotGit, { maxBytes: SMALL_FILE_BYTES }) ?? '').startsWith('gitdir:');
  } catch {
    return false;
  }
}

export function findGitRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (isGitRoot(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Lines that would keep the vault itself out of Git (which must be committed). */
function vaultIgnoreLines(relProject: string): Set<string> {
  const bases = ['.kagi', '.kagi/', '.kagi/*', '.kagi/**'];
  const forms = relProject === '' ? bases : [...bases, ...bases.map((b) => `${relProject}/${b}`)];
  return new Set([...forms, ...forms.map((f) => `/${f}`)]);
}

/** The new `.gitignore` text (docs/format.md §9.5): vault-ignoring lines dropped, the three lines appended once. */
export function updatedGitignoreText(existing: string | undefined, relProject: string): string {
  if (existing === undefined) return GITIGNORE_LINES.map((l) => `${l}\n`).join('');
  const lines = existing.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const drop = vaultIgnoreLines(relProject);
  const kept = lines.filter((l) => !drop.has(l.trim()));
  for (const wanted of GITIGNORE_LINES) if (!kept.some((l) => l.trim() === wanted)) kept.push(wanted);
  return kept.join('\n') + '\n';
}

/**
 * The `.gitignore` `init` would update and its current text. Read without following a link,
 * so a committed `.gitignore -> /proc/self/environ` is refused rather than read and written
 * back as a regular file; `init` asks this before it creates anything.
 */
export function gitignoreToUpdate(projectRoot: string): { file: string; existing: string | undefined } | undefined {
  const gitRoot = findGitRoot(projectRoot);
  if (gitRoot === undefined) return undefined;
  const file = path.join(gitRoot, '.gitignore');
  return { file, existing: readTextIfExists(file, { maxBytes: MAX_GITIGNORE_BYTES }) };
}

/** Returns the `.gitignore` written (or already right), or undefined when the project is not in Git. */
export function updateGitignore(projectRoot: string): string | undefined {
  const target = gitignoreToUpdate(projectRoot);
  if (target === undefined) return undefined;
  const { file, existing } = target;
  const gitRoot = path.dirname(file);
  const rel = path
    .relative(gitRoot, path.resolve(projectRoot))
    .split(path.sep)
    .filter((s) => s !== '')
    .join('/');
  const text = updatedGitignoreText(existing, rel);
  if (text !== existing) writeKeepingModes(file, text);
  return file;
}

/**
 * Adds `line` to the Git root's .gitignore unless a line already says it. Read and written as
 * `init` updates it: no link followed (a committed `.gitignore -> /proc/self/environ` is refused,
 * never read and written back), bounded, atomic, the committed mode kept.
 */
export function addGitignoreLine(gitRoot: string, line: string): string {
  const file = path.join(gitRoot, '.gitignore');
  const existing = readTextIfExists(file, { maxBytes: MAX_GITIGNORE_BYTES });
  if (existing?.split(/\r?\n/).some((l) => l.trim() === line)) return file;
  const before =
    existing === undefined || existing === '' || existing.endsWith('\n') ? (existing ?? '') : `${existing}\n`;
  writeKeepingModes(file, `${before}${line}\n`);
  return file;
}

/** A committed `.gitignore` keeps its mode (a new one gets the umask's); the Git root folder is not touched. */
function writeKeepingModes(file: string, text: string): void {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  const mode = st ? st.mode & 0o777 : 0o666 & ~process.umask();
  writeFileAtomic(file, text, { mode });
}

export type IgnoreState = 'ignored' | 'not-ignored' | 'unknown';

/**
 * Asks Git itself whether a path is ignored (`git check-ignore`, exit 0 = ignored,
 * 1 = not ignored), so every .gitignore, exclude file and global rule counts.
 * No Git, or not a repository: unknown.
 */
export function gitIgnoreState(file: string): Promise<IgnoreState> {
  return new Promise((resolve) => {
    execFile('git', ['check-ignore', '-q', '--', file], { cwd: path.dirname(file), timeout: 5000 }, (err) => {
      if (!err) return resolve('ignored');
      // execFile reports the exit status as a number in `code`; spawn failures carry a string (ENOENT).
      const code: unknown = (err as { code?: unknown }).code;
      resolve(code === 1 ? 'not-ignored' : 'unknown');
    });
  });
}

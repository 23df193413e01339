// Running `git` itself: bounded, never through a shell, errors as one line.
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';

/** Git output we read is a blob, a log or a config value: 64 MiB is far above any vault file. */
const MAX_OUTPUT = 64 * 1024 * 1024;

export interface GitResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git in `cwd`; a missing git or a timeout is a KagiError, a non-zero exit is the caller's to judge. */
export function gitRaw(cwd: string, args: string[], input?: string | Buffer): GitResult {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS, env: gitEnv() });
  if (r.error) throw cannotRun(args, (r.error as NodeJS.ErrnoException).code ?? r.error.name);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/**
 * gitRaw without blocking the thread, for a long read (a log): the caller does its own work
 * while Git walks the history, and an extension host stays responsive.
 */
export function gitRawAsync(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const opts = { cwd, maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS, env: gitEnv(), encoding: 'buffer' as const };
    execFile('git', args, opts, (err, stdout, stderr) => {
      const result = (status: number) => ({ status, stdout, stderr: stderr.toString('utf8') });
      if (!err) return resolve(result(0));
      // A number is Git's exit status; anything else means Git did not run to its end.
      if (typeof err.code === 'number') return resolve(result(err.code));
      reject(cannotRun(args, err.code ?? (err.killed ? 'ETIMEDOUT' : err.name)));
    });
  });
}

const TIMEOUT_MS = 60_000;

/** A pager or a prompt would hang a driver that Git itself is running. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
}

function cannotRun(args: string[], why: string): KagiError {
  return new KagiError('git', `could not run git ${args[0]} (${why})`, 'install Git and make sure `git` is on PATH');
}

/** Like gitRaw, but a non-zero exit is an error naming the command (Git's stderr is about refs, not values). */
export function git(cwd: string, args: string[], input?: string | Buffer): string {
  const r = gitRaw(cwd, args, input);
  if (r.status !== 0) {
    const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
    throw new KagiError('git', `git ${args[0]} failed: ${first.trim()}`, 'check that this folder is a Git repository');
  }
  return r.stdout.toString('utf8');
}

/** The working tree's top folder, or undefined outside a repository. */
export function gitTopLevel(cwd: string): string | undefined {
  const here = topLevelHere(cwd);
  if (here !== undefined) return here;
  const r = gitRaw(cwd, ['rev-parse', '--show-toplevel']);
  return r.status === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/**
 * `cwd` itself when it holds the repository (a `.git` folder with a HEAD, or a `.git` file
 * naming one): Git runs its drivers and textconv there, and a `git` process only to learn
 * that costs a driver more than its merge. Undefined (ask Git) whenever the environment
 * points Git elsewhere or `.git` looks like anything else.
 */
function topLevelHere(cwd: string): string | undefined {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return undefined;
  try {
    const dotGit = path.join(cwd, '.git');
    const stat = fs.lstatSync(dotGit);
    // Someone else's repository is Git's to judge (safe.directory): it may refuse it.
    if (process.getuid !== undefined && stat.uid !== process.getuid()) return undefined;
    const isRepo = stat.isDirectory()
      ? fs.lstatSync(path.join(dotGit, 'HEAD')).isFile()
      : stat.isFile() && stat.size < 4096 && fs.readFileSync(dotGit, 'utf8').startsWith('gitdir: ');
    // Git answers with the real path; so must we, for callers that compare paths.
    return isRepo ? fs.realpathSync(cwd) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<gitRoot>/.git` when it is a plain folder, whose files (`shallow`, `MERGE_HEAD`, …) can be
 * looked at without a Git process; undefined for anything else (a linked worktree's or a
 * submodule's `.git` file, no `.git`), where only Git knows.
 */
export function plainGitFolder(gitRoot: string): string | undefined {
  const dotGit = path.join(gitRoot, '.git');
  try {
    return fs.lstatSync(dotGit).isDirectory() ? dotGit : undefined;
  } catch {
    return undefined;
  }
}

/** The repository's .git folder (absolute), where per-clone state such as conflict records lives. */
export function gitDir(cwd: string): string {
  return git(cwd, ['rev-parse', '--absolute-git-dir']).trim();
}

/** A blob's bytes by id or `rev:path`; undefined when it does not exist in this clone. */
export function readBlob(cwd: string, spec: string): Buffer | undefined {
  const r = gitRaw(cwd, ['cat-file', 'blob', spec]);
  return r.status === 0 ? r.stdout : undefined;
}

/** Blobs asked for in one `git cat-file --batch`: bounded by the output buffer, not by count alone. */
const BATCH_BLOBS = 64;

/**
 * Many blobs by id, one Git process per 64 (a process per blob made `kagi log` of a long
 * history a few hundred processes). Ids Git lacks are absent from the answer; a batch whose
 * output would not fit the buffer is read blob by blob instead.
 */
export function readBlobs(cwd: string, ids: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let i = 0; i < ids.length; i += BATCH_BLOBS) {
    const chunk = ids.slice(i, i + BATCH_BLOBS).filter((id) => /^[0-9a-f]{40,64}$/.test(id));
    const r = spawnBatch(cwd, chunk);
    if (r) parseBatch(r, out);
    else for (const id of chunk) setIfPresent(out, id, readBlob(cwd, id));
  }
  return out;
}

function spawnBatch(cwd: string, ids: string[]): Buffer | undefined {
  if (ids.length === 0) return Buffer.alloc(0);
  try {
    const r = gitRaw(cwd, ['cat-file', '--batch'], ids.join('\n') + '\n');
    return r.status === 0 ? r.stdout : undefined;
  } catch {
    return undefined; // e.g. more output than the buffer holds
  }
}

/** `<id> blob <size>\n<bytes>\n` per blob, `<id> missing\n` (or another type) otherwise. */
function parseBatch(bytes: Buffer, out: Map<string, Buffer>): void {
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf(0x0a, at);
    if (eol < 0) return;
    const [id, type, size] = bytes.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    if (size === undefined || !/^\d+$/.test(size)) continue;
    const end = at + Number(size);
    if (type === 'blob' && id) out.set(id, bytes.subarray(at, end));
    at = end + 1;
  }
}

function setIfPresent(out: Map<string, Buffer>, id: string, bytes: Buffer | undefined): void {
  if (bytes) out.set(id, bytes);
}

/** The id Git gives these bytes (nothing is written to the object store). */
export function blobId(cwd: string, bytes: Buffer): string {
  return git(cwd, ['hash-object', '--stdin'], bytes).trim();
}

// Running `git` itself: bounded, synchronous, never through a shell, errors as one line.
import { spawnSync } from 'node:child_process';
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
  const r = spawnSync('git', args, {
    cwd,
    input,
    maxBuffer: MAX_OUTPUT,
    timeout: 60_000,
    // A pager or a prompt would hang a driver that Git itself is running.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
  });
  if (r.error) {
    throw new KagiError(
      'git',
      `could not run git ${args[0]} (${(r.error as NodeJS.ErrnoException).code ?? r.error.name})`,
      'install Git and make sure `git` is on PATH',
    );
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
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
  const r = gitRaw(cwd, ['rev-parse', '--show-toplevel']);
  return r.status === 0 ? r.stdout.toString('utf8').trim() : undefined;
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

/** The id Git gives these bytes (nothing is written to the object store). */
export function blobId(cwd: string, bytes: Buffer): string {
  return git(cwd, ['hash-object', '--stdin'], bytes).trim();
}

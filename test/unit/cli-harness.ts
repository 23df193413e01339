import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

let built = false;

/** Builds dist/cli.js once per test run, and only when a source file is newer. */
export function ensureCliBuilt(): void {
  if (built) return;
  const bundle = fs.existsSync(CLI) ? fs.statSync(CLI).mtimeMs : 0;
  if (newestMtime(path.join(REPO, 'src')) > bundle) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}${r.stdout}`);
  }
  built = true;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** the device's KAGI_HOME */
  home: string;
  user?: string;
  env?: Record<string, string>;
  input?: string;
}

/**
 * `node dist/cli.js …` as a real child process, with a clean environment: only
 * PATH, the device's KAGI_HOME and USER, plus what the test adds.
 */
export function kagi(args: string[], opts: CliOptions): CliResult {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KAGI_HOME: opts.home,
    USER: opts.user ?? 'tester',
    ...opts.env,
  };
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `kagi` on a pseudo-terminal (util-linux script(1)), so stdin and stdout are
 * TTYs and prompts are asked; `input` is what the person types. The prompt and
 * the program's output both arrive on stdout.
 */
export function kagiTty(args: string[], opts: CliOptions & { input: string }): CliResult {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KAGI_HOME: opts.home,
    USER: opts.user ?? 'tester',
    TERM: 'dumb',
    ...opts.env,
  };
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    cwd: opts.cwd,
    env,
    input: opts.input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const hasScript = () => fs.existsSync('/usr/bin/script');

/** Like `kagi`, but the command must succeed; the failure message shows stderr only. */
export function kagiOk(args: string[], opts: CliOptions): CliResult {
  const r = kagi(args, opts);
  if (r.code !== 0) throw new Error(`kagi ${args[0]} exited ${r.code}:\n${r.stderr}`);
  return r;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A `node -e` program that prints the SHA-256 of the named variables (JSON list,
 * unset ones as null), so tests compare values without printing them.
 */
export function hashEnvProgram(names: string[]): string[] {
  return [
    'node',
    '-e',
    `const v=${JSON.stringify(names)}.map(n=>process.env[n]??null);process.stdout.write(require('crypto').createHash('sha256').update(JSON.stringify(v)).digest('hex'))`,
  ];
}

export const hashOf = (values: (string | null)[]) => sha256(JSON.stringify(values));

/** No stack trace lines: user errors are message + hint only. */
export function assertNoStack(stderr: string): void {
  if (/^\s+at /m.test(stderr)) throw new Error(`stderr has a stack trace:\n${stderr}`);
}

/** The id in the `member list` table row of the member with this name and status. */
export function memberIdFromList(listOutput: string, name: string, status: string): string {
  for (const line of listOutput.split('\n')) {
    const cells = line.split('│').map((c) => c.trim());
    if (cells[2] === name && cells[4] === status) return cells[1]!.replace(' (you)', '');
  }
  throw new Error(`no ${status} member named ${name} in the member list`);
}

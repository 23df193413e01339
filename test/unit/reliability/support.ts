import * as assert from 'node:assert/strict';
import { spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../../../src/vault/errors';
import { ensureCliBuilt } from '../cli-harness';
import { tempDir } from '../helpers';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

/** The built CLI (rebuilt once per run when a source under src/ is newer; shared with the CLI suites). */
export function ensureCli(): string {
  ensureCliBuilt();
  return CLI;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs `node dist/cli.js …` with a clean environment (only what the test passes). */
export function runCli(
  args: string[],
  opts: { cwd: string; env: Record<string, string | undefined>; input?: string | Buffer; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [ensureCli(), ...args], {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    } satisfies SpawnOptions);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        timedOut,
        ms: Date.now() - started,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

/** PATH and the test's variables only: no KAGI_* leaking in from the developer's shell. */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Copies a folder tree (symlinks as symlinks) into a fresh temp folder. */
export function copyTree(src: string, prefix: string): string {
  const dst = tempDir(prefix);
  fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
  return dst;
}

export function rmTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Rejects if `p` does not settle within `ms` (a hang is a failure, not a slow pass). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every file under `dir` (recursively) whose bytes contain `needle`, skipping `skip(rel)`. */
export function filesContaining(dir: string, needle: string, skip: (rel: string) => boolean = () => false): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(bytes)) hits.push(rel);
    }
  };
  walk(dir);
  return hits;
}

/** The assertion every hostile case ends with: a KagiError of the right kind that says something useful. */
export function assertKagiError(
  e: unknown,
  codes: string[],
  message: RegExp,
  forbidden: string[] = [],
): asserts e is KagiError {
  if (!(e instanceof KagiError)) {
    assert.fail(
      `expected a KagiError (${codes.join('|')}), got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`,
    );
  }
  assert.ok(codes.includes(e.code), `expected code ${codes.join('|')}, got ${e.code}: ${e.message}`);
  assert.match(e.message, message, `message of ${e.code} does not match ${message}: ${e.message}`);
  assert.ok(e.message.length > 10 && e.message.length < 600, `message length ${e.message.length}: ${e.message}`);
  // Names come from files others wrote: no raw control character may reach a terminal.
  assert.doesNotMatch(e.describe(), CONTROL_CHARACTER, `raw control character in: ${JSON.stringify(e.describe())}`);
  for (const f of forbidden) {
    assert.ok(
      !e.message.includes(f) && !(e.hint ?? '').includes(f),
      `the error leaks ${JSON.stringify(f.slice(0, 20))}: ${e.describe()}`,
    );
  }
}

/** C0/C1 controls, DEL and bidi overrides: what escapeControls must have turned into `\\u…`. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Temp files of writeFileAtomic: `.<name>.<hex>.tmp`. */
export const TEMP_FILE = /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp$/;

/**
 * sha256 of every entry under `dir`, by lstat: files by content, symlinks by target,
 * folders as entries (so an added or removed empty folder counts as a change).
 */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = `symlink:${fs.readlinkSync(p)}`;
      else if (!st.isFile() && !st.isDirectory()) out[rel] = `special:${st.mode.toString(8)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(p);
      } else out[rel] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

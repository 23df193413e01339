import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Project, readScopes } from '../../src/vault';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import type { BenchVault } from '../fixtures';

const CLI = path.resolve('dist/cli.js');

/**
 * Warm-up runs of a case that starts the CLI: the code cache of each bundle is written by its
 * first CACHE_RUNS runs (scripts/bundle/code-cache.cjs), so the timed runs are the steady state
 * a user's commands run in, none of them paying a cache write.
 */
export const CLI_WARMUP: number = (
  createRequire(__filename)(path.resolve('scripts/bundle/code-cache.cjs')) as { CACHE_RUNS: number }
).CACHE_RUNS;
const DOTENVX = path.resolve('node_modules/@dotenvx/dotenvx/src/cli/dotenvx.js');
/** The child both sides start: it checks it got the secrets, so nothing is skipped. */
const CHILD = ['-e', 'if(!process.env.SECRET_000)process.exit(3)'];

function run(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): void {
  const r = spawnSync(process.execPath, args, { ...opts, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** `kagi <args>` in the vault's folder, as its device. */
export function cli(v: BenchVault, args: string[], extraEnv: NodeJS.ProcessEnv = {}): () => void {
  const env = { ...process.env, ...v.host.env, ...extraEnv };
  return () => run([CLI, ...args], { cwd: v.root, env });
}

export function cliRun(v: BenchVault, extraEnv: NodeJS.ProcessEnv = {}): () => void {
  return cli(v, ['run', 'svc000', 'development', '--', process.execPath, ...CHILD], extraEnv);
}

/** The floor: a node process that spawns the same child with the secrets already in hand. */
function bareNode(v: BenchVault, values: Record<string, string>): () => void {
  const script = `require('child_process').spawnSync(process.execPath, ${JSON.stringify(CHILD)}, {stdio:'inherit', env: {...process.env, ...${JSON.stringify(values)}}})`;
  return () => run(['-e', script], { cwd: v.root, env: process.env });
}

async function scopeValues(v: BenchVault): Promise<Record<string, string>> {
  const store = (await readScopes(Project.open(v.root, v.host), ['svc000/development'])).get('svc000/development')!;
  return Object.fromEntries([...store.secrets.values()].map((s) => [s.key, s.value]));
}

/**
 * 21 alternating pairs (9 until round 14): each side is ~0.1 s, and with 9 the median moved by
 * ±0.03 between two runs of the same code, as much as a change worth making here.
 */
const RUN_VS_FLOOR_RUNS = 21;

export async function benchRunVsFloor(v: BenchVault): Promise<BenchResult> {
  const r = await compare(cliRun(v), bareNode(v, await scopeValues(v)), {
    runs: RUN_VS_FLOOR_RUNS,
    warmup: CLI_WARMUP,
  });
  return ratioResult(
    'run_vs_floor',
    r.ratio,
    `bare node spawning the same child: ${r.baseline.medianMs.toFixed(1)} ms`,
    1.25,
    medians(r),
  );
}

/**
 * What the V8 code cache saves on the same run: the bundles loaded from the cache (warm after
 * the warm-up) against compiled at start (KAGI_NO_CODE_CACHE=1), alternating in one window,
 * so the gain is read apart from the machine's drift between bench runs.
 */
export async function benchRunCodeCache(v: BenchVault): Promise<BenchResult> {
  const r = await compare(cliRun(v), cliRun(v, { KAGI_NO_CODE_CACHE: '1' }), { runs: 15, warmup: CLI_WARMUP });
  return ratioResult(
    'run_code_cache_vs_none',
    r.ratio,
    `the same run compiling the bundles (KAGI_NO_CODE_CACHE=1): ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    medians(r),
  );
}

/** dotenvx with its fastest local settings: no cloud, no password-manager lookups. */
const DOTENVX_ENV = {
  DOTENVX_NO_ARMOR: 'true',
  DOTENVX_NO_BITWARDEN: 'true',
  DOTENVX_NO_1PASSWORD: 'true',
  DOTENVX_NO_NATIVE: 'true',
};

export async function benchRunVsDotenvx(v: BenchVault, dir: string): Promise<BenchResult> {
  const values = await scopeValues(v);
  const lines = Object.entries(values).map(([k, val]) => `${k}="${val}"`);
  fs.writeFileSync(path.join(dir, '.env'), lines.join('\n') + '\n');
  const env = { ...process.env, ...DOTENVX_ENV };
  run([DOTENVX, 'encrypt', '-q', '-f', '.env'], { cwd: dir, env });
  if (!fs.readFileSync(path.join(dir, '.env'), 'utf8').includes('encrypted:'))
    throw new Error('dotenvx did not encrypt');
  const dotenvx = () => run([DOTENVX, 'run', '-q', '-f', '.env', '--', process.execPath, ...CHILD], { cwd: dir, env });
  const r = await compare(cliRun(v), dotenvx, { runs: 5, warmup: CLI_WARMUP });
  return ratioResult(
    'run_vs_dotenvx',
    r.ratio,
    `dotenvx run of an encrypted .env with the same ${lines.length} values: ${r.baseline.medianMs.toFixed(1)} ms`,
    0.1,
    medians(r),
  );
}

/**
 * The Rust kagi's `run` of the same scope beside the same floor, as a reference only: measured
 * when KAGI_RUST names an installed binary (the bench never downloads or builds one).
 */
export async function benchRunRustReference(v: BenchVault): Promise<BenchResult> {
  const rust = process.env.KAGI_RUST;
  if (!rust) {
    return {
      id: 'run_rust_reference',
      value: -1,
      unit: 'ratio',
      baseline: 'not measured: set KAGI_RUST=/path/to/kagi (a Rust kagi binary) to report it',
      goal: 'report',
    };
  }
  const env = { ...process.env, ...v.host.env, KAGI_DISABLE_KEYRING: '1' };
  const rustRun = () => {
    const r = spawnSync(rust, ['run', 'svc000', 'development', '--', process.execPath, ...CHILD], {
      cwd: v.root,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 0) throw new Error(`${rust} run exited ${r.status}: ${r.stderr}`);
  };
  const r = await compare(rustRun, bareNode(v, await scopeValues(v)), { runs: 9 });
  return ratioResult(
    'run_rust_reference',
    r.ratio,
    `bare node spawning the same child: ${r.baseline.medianMs.toFixed(1)} ms (compare run_vs_floor)`,
    undefined,
    medians(r, { binary: rust }),
  );
}

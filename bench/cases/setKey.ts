import { Project, setSecrets } from '../../src/vault';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import type { BenchVault } from '../fixtures';
import { CLI_WARMUP, cli } from './cliRun';

/** A fresh handle each time, as a CLI run would: the key is unwrapped on both sides. */
async function setOne(v: BenchVault, scope: string, i: number): Promise<void> {
  await setSecrets(Project.open(v.root, v.host), scope, [{ key: 'BENCH_KEY', value: `value-${i}` }]);
}

export async function benchSet(big: BenchVault, small: BenchVault): Promise<BenchResult> {
  let i = 0;
  const r = await compare(
    () => setOne(big, big.scopes[big.scopes.length >> 1]!, i++),
    () => setOne(small, small.scopes[0]!, i++),
    // 25, not 9: a set is ~7 ms, most of it one fsync, and medians of 9 moved between 1.05 and
    // 1.59 within one hour on the team's machine.
    { runs: 25, warmup: 3 },
  );
  return ratioResult(
    'set_big_vs_small',
    r.ratio,
    `set one key in a one-scope vault: ${r.baseline.medianMs.toFixed(1)} ms`,
    1.1,
    medians(r),
  );
}

/**
 * The same comparison through `kagi set`, one process per set. A process parses kagi.json once
 * (only a long-lived process, the extension's, finds it parsed); start-up makes most of the time.
 */
export async function benchSetCli(big: BenchVault, small: BenchVault): Promise<BenchResult> {
  const set = (v: BenchVault, scope: string) => cli(v, ['set', ...scope.split('/'), 'BENCH_KEY', 'cli-value']);
  const r = await compare(set(big, big.scopes[big.scopes.length >> 1]!), set(small, small.scopes[0]!), {
    runs: 9,
    warmup: CLI_WARMUP,
  });
  return ratioResult(
    'set_cli_big_vs_small',
    r.ratio,
    `kagi set in a one-scope vault: ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    medians(r),
  );
}

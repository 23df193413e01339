import { spawnSync } from 'node:child_process';
import { ratioResult, type BenchResult } from '../result';
import type { BenchVault } from '../fixtures';

/** Peak RSS of a fresh process doing only the listing, each side in its own child. */
function peakRssMb(mode: 'vault' | 'plain', target: string, v: BenchVault): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/rssChild.ts', mode, target], {
    env: { ...process.env, ...v.host.env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`rss child failed: ${r.stderr}`);
  return Number(r.stdout.trim()) / 1024;
}

export function benchRss(v: BenchVault, plainDir: string): BenchResult {
  const runs = 3;
  const med = (mode: 'vault' | 'plain', target: string) =>
    Array.from({ length: runs }, () => peakRssMb(mode, target, v)).sort((a, b) => a - b)[1]!;
  const vault = med('vault', v.root);
  const plain = med('plain', plainDir);
  const r = ratioResult(
    'open_list_rss_vs_dotenv',
    vault / plain,
    `peak RSS of read + dotenv.parse of the plaintext files: ${plain.toFixed(1)} MB`,
    undefined,
    { subject_mb: vault, baseline_mb: plain },
  );
  return r;
}

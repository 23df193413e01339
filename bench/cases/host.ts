// Kagi in the real extension host (code-server), beside an empty extension: activation and the
// heap the Secrets tree keeps for the 30k vault. The host work runs in bench/host/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../src/vault';
import { listVault } from '../../src/vault/usecases/listing';
import { median } from '../measure';
import { ratioResult, type BenchResult } from '../result';
import { tempDir, type BenchVault } from '../fixtures';

interface HostRun {
  kagi_ms: number;
  empty_ms: number;
  activation_heap: Record<string, number>;
  /** the host process's CPU time during each activation (all its threads), by extension id */
  activation_cpu_ms?: Record<string, number>;
  /** dist/vault.js already loaded when activate() returned (it should load on first use) */
  vault_loaded_at_activation?: boolean;
  /** dist/commands.js (the command handlers, loaded on a command's first run) already loaded then */
  commands_loaded_at_activation?: boolean;
  heapBefore: number;
  heapListed: number;
  heapShown: number;
  heapAfter: number;
  /** V8's code and trusted spaces (compiled code, bytecode) before the listing and with the tree shown */
  codeBefore: number;
  codeShown: number;
  nodesShown: number;
  nodes: number;
  /** the code cache loader's events in that host (`extension.bundle hit`, …; bench/host/measure-host.mjs) */
  code_cache: string[];
}

/** The empty extension of bench/host/empty-extension/ (its package.json). */
const EMPTY_ID = 'kagi-vault.kagi-bench-empty';

/** publisher.name, as VS Code names the extension. */
const KAGI_ID = (() => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`;
})();

/**
 * Hosts per side (9 since round 14; 5 before): the empty extension's own activation moved
 * 7.6–71 ms across the 5 hosts of one run, and their median with it (bench/README.md, round 14).
 */
const RUNS = Number(process.env.KAGI_BENCH_HOST_RUNS ?? 9);

/** The bytes of every name the tree shows: scopes and keys, as UTF-8. */
async function namesBytes(v: BenchVault): Promise<number> {
  const listing = await listVault(Project.open(v.root, v.host), { decrypt: true });
  let bytes = 0;
  for (const scope of listing.scopes) {
    bytes += Buffer.byteLength(scope);
    for (const key of listing.keys?.get(scope)?.names() ?? []) bytes += Buffer.byteLength(key);
  }
  return bytes;
}

/** Warm runs (the code cache written by the earlier hosts) and cold runs (an empty cache folder). */
function measureInHost(v: BenchVault): { warm: HostRun[]; cold: HostRun[] } {
  const out = path.join(tempDir('host'), 'host.json');
  const r = spawnSync(process.execPath, ['bench/host/measure-host.mjs', v.root, v.host.home, String(RUNS), out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error('bench/host/measure-host.mjs failed (see above)');
  const { results, cold } = JSON.parse(fs.readFileSync(out, 'utf8')) as { results: HostRun[]; cold: HostRun[] };
  return { warm: results, cold };
}

/** How many of `runs` loaded the extension's bundle from the code cache. */
const cacheHits = (runs: HostRun[]) => runs.filter((r) => r.code_cache.includes('extension.bundle hit')).length;

/** Kagi's activation against the empty extension's in the same hosts. */
function activationRatio(id: string, runs: HostRun[], goalMax: number | undefined, what: string): BenchResult {
  const kagi = median(runs.map((r) => r.kagi_ms));
  const empty = median(runs.map((r) => r.empty_ms));
  // Beside the wall times: CPU time does not count the time other processes had the cores.
  const cpu = (id: string) => median(runs.map((r) => r.activation_cpu_ms?.[id] ?? Number.NaN));
  return ratioResult(id, kagi / empty, `an empty extension in the same host: ${empty.toFixed(1)} ms`, goalMax, {
    subject_ms: kagi,
    baseline_ms: empty,
    subject_cpu_ms: cpu(KAGI_ID),
    baseline_cpu_ms: cpu(EMPTY_ID),
    host_runs: runs.length,
    code_cache: what,
    runs_bundle_from_code_cache: cacheHits(runs),
    vault_loaded_at_activation: runs.some((r) => r.vault_loaded_at_activation === true) ? 'yes' : 'no',
    commands_loaded_at_activation: runs.some((r) => r.commands_loaded_at_activation === true) ? 'yes' : 'no',
  });
}

export async function benchHost(v: BenchVault): Promise<BenchResult[]> {
  const { warm: runs, cold } = measureInHost(v);
  const mb = (b: number) => Math.round(b / 1024 / 102.4) / 10;
  const med = (f: (r: HostRun) => number) => median(runs.map(f));
  const growth = med((r) => r.heapShown - r.heapBefore);
  // Code compiled on first use is part of the growth, but no per-key data: said apart.
  const code = (r: HostRun) => r.codeShown - r.codeBefore;
  const names = await namesBytes(v);
  return [
    activationRatio('activation_vs_empty', runs, 1.5, 'warm: written by the earlier hosts'),
    // The first window after an install or update: no cache yet. Kept as its own figure (report).
    activationRatio('activation_cold_vs_empty', cold, undefined, 'cold: an empty cache folder'),
    ratioResult(
      'host_heap_after_listing',
      growth / names,
      `the plaintext size of the names shown: ${mb(names)} MB`,
      2,
      {
        heap_growth_mb: mb(growth),
        names_mb: mb(names),
        listing_mb: mb(med((r) => r.heapListed - r.heapBefore)),
        shown_mb: mb(med((r) => r.heapShown - r.heapListed)),
        code_spaces_mb: mb(med(code)),
        besides_code_spaces_ratio: Math.round((med((r) => r.heapShown - r.heapBefore - code(r)) / names) * 100) / 100,
        nodes_shown: med((r) => r.nodesShown),
        every_env_expanded_mb: mb(med((r) => r.heapAfter - r.heapBefore)),
        nodes_every_env_expanded: med((r) => r.nodes),
        activation_heap_mb: mb(med((r) => r.activation_heap[KAGI_ID]!)),
      },
    ),
  ];
}

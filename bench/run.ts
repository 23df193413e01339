// `npm run bench`: every figure beside its baseline from the same run (bench/README.md).
import * as fs from 'node:fs';
import { makeVault, plaintextCopy, tempDir } from './fixtures';
import type { BenchResult } from './result';
import { benchOpenList, benchOpenListCold, scaleResult } from './cases/openList';
import { benchTree } from './cases/tree';
import { benchSet, benchSetCli } from './cases/setKey';
import { benchRotate } from './cases/rotate';
import { benchRunCodeCache, benchRunRustReference, benchRunVsDotenvx, benchRunVsFloor } from './cases/cliRun';
import { benchInject } from './cases/inject';
import { benchImport } from './cases/importEnv';
import { benchRss } from './cases/memory';
import { benchActivation, benchBundle, benchVsix } from './cases/sizes';
import { benchLog, benchMergeDriver, benchTextconv } from './cases/git';
import { benchMatrix, benchScan } from './cases/scan';
import { benchHost } from './cases/host';

const ENVS = ['development', 'staging', 'production'];

/** A case gives one figure, or several measured in one go (a subject against two baselines). */
type Outcome = BenchResult | BenchResult[];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (id: string) => only.length === 0 || only.some((o) => id.startsWith(o));
  const results: BenchResult[] = [];
  // A case that gives several figures is selected by any of their ids.
  const step = async (ids: string | string[], fn: () => Outcome | Promise<Outcome>) => {
    const id = [ids].flat()[0]!;
    if (![ids].flat().some(want)) return;
    process.stderr.write(`bench: ${id}…\n`);
    const out = await fn();
    for (const r of Array.isArray(out) ? out : [out]) {
      results.push(r);
      process.stderr.write(`bench: ${r.id} = ${r.value} ${r.unit} (goal ${r.goal})\n`);
    }
  };

  await step('bundle_kb', benchBundle);
  await step('vsix_kb', benchVsix);
  process.stderr.write('bench: building the 200 × 3 × 50 vault…\n');
  const big = await makeVault(200, ENVS, 50);
  const plain = await plaintextCopy(big);
  const small = await makeVault(1, [], 50);
  const thousand = await makeVault(1, [], 1000);

  let openList: BenchResult | undefined;
  await step('open_list_vs_dotenv', async () => (openList = await benchOpenList(big, plain)));
  await step('scale_open_list', async () => {
    openList ??= await benchOpenList(big, plain);
    // 3.3× the secrets and scopes: the cost per secret must not grow (ratio of the two ratios).
    process.stderr.write('bench: building the 667 × 3 × 50 vault…\n');
    const huge = await makeVault(667, ENVS, 50);
    const hugeList = await benchOpenList(huge, await plaintextCopy(huge));
    return scaleResult(openList, hugeList);
  });
  await step('open_list_cold_vs_dotenv', () => benchOpenListCold(big, plain));
  await step('open_list_rss_vs_dotenv', () => benchRss(big, plain));
  await step('tree_vs_open_list', () => benchTree(big));
  await step('set_big_vs_small', () => benchSet(big, small));
  await step('set_cli_big_vs_small', () => benchSetCli(big, small));
  await step('run_vs_floor', () => benchRunVsFloor(small));
  await step('run_code_cache_vs_none', () => benchRunCodeCache(small));
  await step('run_rust_reference', () => benchRunRustReference(small));
  await step('run_vs_dotenvx', () => benchRunVsDotenvx(small, tempDir('dotenvx')));
  await step('inject_vs_json_parse', () => benchInject(thousand));
  await step('import_vs_dotenv_parse', () => benchImport(small));
  await step('rotate_vs', () => benchRotate(big, plain));
  await step('textconv_vs_git_show', benchTextconv);
  await step(
    [
      'merge_driver_vs_merge_file',
      'merge_driver_code_cache_vs_none',
      'node_start_vs_merge_file',
      'merge_driver_vs_node_start',
    ],
    benchMergeDriver,
  );
  await step(['log_vs_git_log_p', 'log_git_phase_vs_git_log_p', 'log_code_cache_vs_none'], benchLog);
  await step('activation_ms', benchActivation);
  await step(['activation_vs_empty', 'activation_cold_vs_empty', 'host_heap_after_listing'], () => benchHost(big));
  await step('scan_vs_git_grep', benchScan);
  await step('matrix_vs_listing', benchMatrix);

  fs.writeFileSync('bench/results.json', JSON.stringify({ results }, null, 2) + '\n');
  fs.writeFileSync('bench/results.md', table(results));
  process.stdout.write(table(results));
}

function table(results: BenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.id} | ${r.value} ${r.unit === 'ratio' ? '×' : r.unit} | ${r.goal} | ${r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} | ${r.baseline} |`,
  );
  return ['| id | value | goal | met | baseline (same run) |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});

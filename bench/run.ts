// `npm run bench`: every figure beside its baseline from the same run (bench/README.md).
import * as fs from 'node:fs';
import { makeVault, plaintextCopy, tempDir } from './fixtures';
import type { BenchResult } from './result';
import { benchOpenList } from './cases/openList';
import { benchTree } from './cases/tree';
import { benchSet } from './cases/setKey';
import { benchRotate } from './cases/rotate';
import { benchRunVsDotenvx, benchRunVsFloor } from './cases/cliRun';
import { benchInject } from './cases/inject';
import { benchImport } from './cases/importEnv';
import { benchRss } from './cases/memory';
import { benchActivation, benchBundle, benchVsix } from './cases/sizes';
import { benchMatrix, benchScan } from './cases/scan';

const ENVS = ['development', 'staging', 'production'];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (id: string) => only.length === 0 || only.some((o) => id.startsWith(o));
  const results: BenchResult[] = [];
  const step = async (id: string, fn: () => BenchResult | Promise<BenchResult>) => {
    if (!want(id)) return;
    process.stderr.write(`bench: ${id}…\n`);
    const r = await fn();
    results.push(r);
    process.stderr.write(`bench: ${id} = ${r.value} ${r.unit} (goal ${r.goal})\n`);
  };

  await step('bundle_kb', benchBundle);
  await step('vsix_kb', benchVsix);
  process.stderr.write('bench: building the 200 × 3 × 50 vault…\n');
  const big = await makeVault(200, ENVS, 50);
  const plain = await plaintextCopy(big);
  const small = await makeVault(1, [], 50);
  const thousand = await makeVault(1, [], 1000);

  await step('open_list_vs_dotenv', () => benchOpenList(big, plain));
  await step('open_list_rss_vs_dotenv', () => benchRss(big, plain));
  await step('tree_vs_open_list', () => benchTree(big));
  await step('set_big_vs_small', () => benchSet(big, small));
  await step('run_vs_floor', () => benchRunVsFloor(small));
  await step('run_vs_dotenvx', () => benchRunVsDotenvx(small, tempDir('dotenvx')));
  await step('inject_vs_json_parse', () => benchInject(thousand));
  await step('import_vs_dotenv_parse', () => benchImport(small));
  await step('rotate_vs_plain_rewrite', () => benchRotate(big, plain));
  await step('activation_ms', benchActivation);
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

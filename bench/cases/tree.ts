import { Project } from '../../src/vault';
import { listVault } from '../../src/vault/listing';
import { buildTreeModel, walk } from '../../src/extension/treeModel';
import { compare } from '../measure';
import { ratioResult, type BenchResult } from '../result';
import { openAndList } from './openList';
import type { BenchVault } from '../fixtures';

/** The sidebar's code path: a listing (names only) and the pure tree model over it. */
export async function treeModel(v: BenchVault): Promise<number> {
  const listing = await listVault(Project.open(v.root, v.host), { decrypt: true });
  let nodes = 0;
  for (const _ of walk(buildTreeModel([{ folderName: 'bench', listing, activeEnv: listing.defaultEnv }]))) nodes++;
  return nodes;
}

export async function benchTree(v: BenchVault): Promise<BenchResult> {
  const nodes = await treeModel(v);
  if (nodes < 30_000) throw new Error(`tree model has ${nodes} nodes, expected every key`);
  const r = await compare(() => treeModel(v), () => openAndList(v), { runs: 7 });
  return ratioResult('tree_vs_open_list', r.ratio, `open_list on the same vault: ${r.baseline.medianMs.toFixed(1)} ms`, 1.2,
    { subject_ms: r.subject.medianMs, baseline_ms: r.baseline.medianMs, nodes });
}

import { Project } from '../../src/vault';
import { listVault } from '../../src/vault/usecases/listing';
import { buildTreeModel, walk, type TreeNode } from '../../src/extension/treeModel';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import { openAndList } from './openList';
import type { BenchVault } from '../fixtures';

/**
 * The sidebar's code path on a refresh: a listing (names only), the pure tree model
 * over it, and the nodes VS Code then asks for: the roots and the children of every
 * node shown expanded. Collapsed environments' keys are built when opened.
 */
export async function treeModel(v: BenchVault): Promise<TreeNode[]> {
  const listing = await listVault(Project.open(v.root, v.host), { decrypt: true });
  const roots = buildTreeModel([{ folderName: 'bench', listing, activeEnv: listing.defaultEnv }]);
  const shown: TreeNode[] = [];
  const render = (nodes: TreeNode[]) => {
    for (const n of nodes) {
      shown.push(n);
      if (n.collapsible === 'expanded') render(n.children);
    }
  };
  render(roots);
  return roots;
}

/** Untimed: the model holds every key, masked, so the timing is of a complete tree. */
function countNodes(roots: TreeNode[]): number {
  let nodes = 0;
  for (const _ of walk(roots)) nodes++;
  return nodes;
}

export async function benchTree(v: BenchVault): Promise<BenchResult> {
  const nodes = countNodes(await treeModel(v));
  if (nodes < 30_000) throw new Error(`tree model has ${nodes} nodes, expected every key`);
  const r = await compare(
    () => treeModel(v),
    () => openAndList(v),
    { runs: 7, collect: true },
  );
  return ratioResult(
    'tree_vs_open_list',
    r.ratio,
    `open_list on the same vault: ${r.baseline.medianMs.toFixed(1)} ms`,
    1.1,
    medians(r, { nodes }),
  );
}

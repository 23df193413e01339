// Walking the real Kagi tree provider (getChildren / getTreeItem), shared by the tree tests.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { kagiApi } from '../scriptedPrompter';
import type { TreeNode } from '../../../src/extension/treeModel';
import type { KagiApi } from '../../../src/extension/api';

type SecretsTree = KagiApi['tree'];

export interface TreeRow {
  node: TreeNode;
  item: vscode.TreeItem;
  depth: number;
}

/** Walks the real TreeDataProvider: getChildren from the root, getTreeItem for every node. */
export async function walkTree(tree: SecretsTree): Promise<TreeRow[]> {
  const out: TreeRow[] = [];
  const visit = async (nodes: TreeNode[], depth: number) => {
    for (const node of nodes) {
      out.push({ node, item: tree.getTreeItem(node), depth });
      await visit(await tree.getChildren(node), depth + 1);
    }
  };
  await visit(await tree.getChildren(), 0);
  return out;
}

/** Every text a tree item shows or carries: label, description, tooltip, id. */
export function itemTexts(item: vscode.TreeItem): string[] {
  const label = typeof item.label === 'string' ? item.label : item.label?.label;
  const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
  return [label, typeof item.description === 'string' ? item.description : '', tooltip, item.id].filter(
    (t): t is string => !!t,
  );
}

/** The Kagi tree provider the extension exposes on its API. */
export async function secretsTree(): Promise<SecretsTree> {
  const api = await kagiApi();
  assert.ok(api.tree, 'the Kagi tree provider is not exposed on the API');
  return api.tree;
}

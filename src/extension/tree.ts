import * as vscode from 'vscode';
import { buildTreeModel, type TreeNode } from './treeModel';
import type { Listing } from '../vault';
import type { VaultChange, VaultFolder } from './vaultFolder';

/** Tooltips worth a Git walk, computed only when a person hovers (resolveTreeItem). */
export interface LazyTooltips {
  tooltip(node: TreeNode): Promise<string | undefined>;
}

/** What the tree reads: the vaults, their cached listings and active environments. */
export interface TreeSource {
  vaults(): VaultFolder[];
  activeEnv(v: VaultFolder): string;
  readonly listings: { get(v: VaultFolder): Promise<Listing> };
  readonly onDidChangeVault: vscode.Event<VaultChange>;
}

/** Maps the pure tree model onto VS Code; ids are stable so expansion survives refreshes. */
export class SecretsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private model?: Promise<TreeNode[]>;
  /** Nodes are views over the listing (ids derived when asked): parents are kept by node, not id. */
  private parents = new WeakMap<TreeNode, TreeNode>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly source: TreeSource,
    private readonly lazyTooltips?: LazyTooltips,
  ) {
    this.subscription = source.onDidChangeVault(() => this.refresh());
  }

  refresh(): void {
    this.model = undefined;
    this.emitter.fire(undefined);
  }

  /** The whole model, built once per change. */
  roots(): Promise<TreeNode[]> {
    this.model ??= this.build();
    return this.model;
  }

  private async build(): Promise<TreeNode[]> {
    const inputs = await Promise.all(
      this.source.vaults().map(async (v) => ({
        folderName: v.folder.name,
        listing: await this.source.listings.get(v),
        activeEnv: this.source.activeEnv(v),
      })),
    );
    this.parents = new WeakMap();
    return buildTreeModel(inputs);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    for (const c of node.children) this.parents.set(c, node);
    return node.children;
  }

  /** Known for every node VS Code has been given, which is all it can ask about. */
  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    // Left undefined, a key's tooltip is asked for on hover, so listing never waits for Git.
    item.tooltip = this.lazyTooltips && node.kind === 'key' ? undefined : node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.command) item.command = { ...node.command, arguments: [node.ref] };
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    if (node.kind === 'key' && this.lazyTooltips) item.tooltip = await this.lazyTooltips.tooltip(node);
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
    this.subscription.dispose();
  }
}

const COLLAPSIBLE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

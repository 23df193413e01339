import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodeRef, TreeNode } from './treeModel';
import type { Ctx, VaultFolder } from './ctx';

/**
 * Commands run from the palette (no argument), a tree item (its TreeNode) or a
 * test (a NodeRef). This turns all three into a NodeRef.
 */
export function refOf(arg: unknown): NodeRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const node = arg as Partial<TreeNode>;
  if (node.ref && typeof node.ref.vault === 'string') return node.ref;
  const ref = arg as Partial<NodeRef>;
  return typeof ref.vault === 'string' ? (ref as NodeRef) : undefined;
}

/** The vault a command acts on: the node's, else the active editor's, else asked. */
export async function vaultOf(ctx: Ctx, ref: NodeRef | undefined, uri?: vscode.Uri): Promise<VaultFolder | undefined> {
  if (ref) return ctx.vaultAt(ref.vault);
  return ctx.pickVault(uri);
}

/** The folder of a local document, where service inference starts; undefined for other schemes. */
export function documentDir(uri: vscode.Uri | undefined): string | undefined {
  return uri?.scheme === 'file' ? path.dirname(uri.fsPath) : undefined;
}

/** A command's file or folder argument (Explorer context menus pass a Uri). */
export function uriOf(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : undefined;
}

import * as vscode from 'vscode';
import { listVault, type Listing } from '../vault/listing';
import type { Ctx, VaultFolder } from './ctx';

/**
 * Key names per vault, read once and reused by the tree, completions, hovers and
 * diagnostics until a vault changes. Holds no values (Listing has none).
 */
export class Listings implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<Listing>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.subscriptions.push(ctx.onDidChangeVault((v) => this.invalidate(v)));
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => ctx.fireChanged()));
  }

  get(v: VaultFolder): Promise<Listing> {
    const key = v.project.root;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.load(v);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private async load(v: VaultFolder): Promise<Listing> {
    const listing = await listVault(v.project, { decrypt: vscode.workspace.isTrusted });
    if (listing.recovered) {
      this.ctx.log.info(`${v.folder.name}: finished an interrupted key rotation (rotation journal replayed)`);
      void vscode.window.showInformationMessage(`Kagi: finished an interrupted key rotation in ${v.folder.name}. Commit the changed .kagi/ files.`);
    }
    if (listing.blocked) this.ctx.log.info(`${v.folder.name}: vault not decrypted (${listing.blocked.state})`);
    return listing;
  }

  invalidate(v?: VaultFolder): void {
    if (v) this.cache.delete(v.project.root);
    else this.cache.clear();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

import * as vscode from 'vscode';
import { KeyNameCache, type Listing, listVault } from '../vault';
import type { VaultChange, VaultFolder } from './vaultFolder';

/**
 * Key names per vault, read once and reused by the tree, completions, hovers and
 * diagnostics until a vault changes. Holds no values (Listing has none).
 */
export class Listings implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<Listing>>();
  /** Per vault: key names by store text, so a change decrypts only the stores it touched. */
  private readonly keyNames = new Map<string, KeyNameCache>();
  private readonly subscriptions: vscode.Disposable[] = [];

  /**
   * `onDidChangeVault`: what makes a listing stale. `note`: writes a line to the Kagi log.
   * `inform`: tells the person something they should act on (an interrupted rotation was finished).
   */
  constructor(
    onDidChangeVault: vscode.Event<VaultChange>,
    private readonly note: (message: string) => void,
    private readonly inform: (message: string) => void,
  ) {
    this.subscriptions.push(onDidChangeVault((c) => this.invalidate(c.vault)));
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
    const root = v.project.root;
    if (!this.keyNames.has(root)) this.keyNames.set(root, new KeyNameCache());
    const listing = await listVault(v.project, { decrypt: vscode.workspace.isTrusted, cache: this.keyNames.get(root) });
    if (listing.recovered) {
      this.note(`${v.folder.name}: finished an interrupted key rotation (rotation journal replayed)`);
      this.inform(`Kagi: finished an interrupted key rotation in ${v.folder.name}. Commit the changed .kagi/ files.`);
    }
    if (listing.blocked) this.note(`${v.folder.name}: vault not decrypted (${listing.blocked.state})`);
    return listing;
  }

  invalidate(v?: VaultFolder): void {
    if (v) this.cache.delete(v.project.root);
    else {
      this.cache.clear();
      this.keyNames.clear(); // folders may have gone: start over rather than keep their names
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

import * as vscode from 'vscode';
import * as path from 'node:path';
import { locate } from '../vault/scopes/inference';
import { joinScope, splitScope } from '../vault/scopes/names';
import type { Ctx, VaultFolder } from './ctx';

/**
 * The scope a question should offer first, and the one completions use: the
 * service inferred from the document's folder (monorepo mappings, nested
 * services, as the CLI infers it from the working folder) in the active environment.
 */
export async function preferredScope(
  ctx: Ctx,
  v: VaultFolder,
  uri = vscode.window.activeTextEditor?.document.uri,
): Promise<string | undefined> {
  const service = uri?.scheme === 'file' ? serviceAt(v, path.dirname(uri.fsPath)) : undefined;
  return joinScope(service, ctx.activeEnv(v));
}

/** The service inferred for a folder, if that folder belongs to this vault. */
export function serviceAt(v: VaultFolder, dir: string): string | undefined {
  try {
    const loc = locate(dir);
    return loc && path.resolve(loc.root) === v.project.root ? loc.service : undefined;
  } catch {
    // an unreadable kagi.json elsewhere up the tree: no inference
    return undefined;
  }
}

/**
 * The scopes code in a document reads in the active environment: the inferred
 * service's scope, or at the root of a vault without inference every scope of
 * the active env (root scope first), so a single-service repo still completes.
 */
export function activeScopes(ctx: Ctx, v: VaultFolder, scopes: string[], uri: vscode.Uri): string[] {
  const env = ctx.activeEnv(v);
  const service = uri.scheme === 'file' ? serviceAt(v, path.dirname(uri.fsPath)) : undefined;
  if (service) return [joinScope(service, env)];
  return scopes
    .filter((s) => splitScope(s).env === env)
    .sort((a, b) => (a === env ? -1 : b === env ? 1 : a.localeCompare(b)));
}

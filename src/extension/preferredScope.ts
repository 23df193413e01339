import * as vscode from 'vscode';
import * as path from 'node:path';
import { joinScope } from '../vault/scopes';
import type { Ctx, VaultFolder } from './ctx';

/**
 * The scope a question should offer first: the service of the active editor's
 * folder (monorepo mappings, nested services) in the active environment.
 */
export async function preferredScope(ctx: Ctx, v: VaultFolder, uri = vscode.window.activeTextEditor?.document.uri): Promise<string | undefined> {
  const env = ctx.activeEnv(v);
  const service = uri?.scheme === 'file' ? serviceAt(v, path.dirname(uri.fsPath)) : undefined;
  return joinScope(service, env);
}

/** The service inferred for a folder inside this vault, if any. */
export function serviceAt(v: VaultFolder, dir: string): string | undefined {
  const rel = path.relative(v.project.root, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return undefined;
}

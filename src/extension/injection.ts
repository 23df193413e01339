// Shared by tasks, debugging and terminals: the vault and scope a process gets (asked of the
// vault's one rule, vault/usecases/scope.ts), and loading it. Values are read from the vault at the moment a process starts, kept
// in memory only, and never logged (only scope names and counts are).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KagiError, readScopeEnv, resolveProcessScope, type ScopeRequest, type SecretEnv } from '../vault';
import type { Ctx, VaultFolder } from './ctx';
import { confirmInjection } from './injectionGuard';

export interface LoadedScope {
  vault: VaultFolder;
  scope: string;
  secrets: SecretEnv;
}

/** The vault for a folder/file, else the only vault; throws a KagiError naming what to do. */
export function vaultOrThrow(ctx: Ctx, uri?: vscode.Uri): VaultFolder {
  const v = ctx.vaultFor(uri);
  if (v) return v;
  const n = ctx.vaults().length;
  throw n === 0
    ? new KagiError(
        'not-a-project',
        'no kagi vault in this workspace',
        'run "Kagi: Initialize Vault" (or `kagi init`) in the folder first',
      )
    : new KagiError(
        'usage',
        'several folders of this workspace have a kagi vault and none was given',
        "run it from a folder of the workspace (set the task's or launch configuration's folder)",
      );
}

/**
 * The scope `req` means for a process that will run in `cwd` (the one rule:
 * resolveProcessScope). Restricted Mode refuses first, naming what was refused.
 */
export function scopeFor(ctx: Ctx, v: VaultFolder, req: ScopeRequest, cwd: string | undefined, action: string): string {
  if (!vscode.workspace.isTrusted) {
    throw new KagiError(
      'usage',
      `${action} is disabled in Restricted Mode`,
      'trust this workspace (Manage Workspace Trust) to decrypt or run secrets',
    );
  }
  return resolveProcessScope(v.project, req, { activeEnv: ctx.activeEnv(v), cwd: cwd ?? v.project.root });
}

/**
 * Resolves and decrypts a scope. Throws KagiError (no such scope, not a member, untrusted…).
 * With `program` (what will receive it, as people call it) the questions of injectionGuard.ts
 * are asked first: a protected environment, dangerous names this device did not write.
 */
export async function loadScope(
  ctx: Ctx,
  v: VaultFolder,
  req: ScopeRequest,
  cwd: string | undefined,
  action: string,
  program?: string,
): Promise<LoadedScope> {
  const scope = scopeFor(ctx, v, req, cwd, action);
  const secrets = await readScopeEnv(v.project, scope);
  if (program !== undefined) await confirmInjection(ctx, v, scope, secrets, program);
  ctx.log.info(`${action}: ${Object.keys(secrets).length} secret(s) from ${scope}`);
  return { vault: v, scope, secrets };
}

/** The folder's active scope (active env + the only or root service); undefined when ambiguous. */
export function activeScope(ctx: Ctx, v: VaultFolder): string | undefined {
  try {
    return scopeFor(ctx, v, {}, undefined, 'active scope');
  } catch {
    return undefined;
  }
}

/** A folder path for `cwd` relative to the workspace folder. */
export function resolveCwd(folder: vscode.WorkspaceFolder | undefined, cwd: string | undefined): string | undefined {
  if (!cwd) return folder?.uri.fsPath;
  if (path.isAbsolute(cwd)) return cwd;
  return folder ? path.join(folder.uri.fsPath, cwd) : undefined;
}

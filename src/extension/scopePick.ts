import * as vscode from 'vscode';
import { type Listing, splitScope, validateScope, writableScopes } from '../vault';
import { validator, type Choice } from './prompter';
import type { Ctx, VaultFolder } from './ctx';

export interface ScopeQuestion {
  /** offered first and marked "current" */
  preferred?: string;
  /** a write may create a scope: offer every configured env per service, and "Another scope…" */
  allowNew?: boolean;
}

/** Asks for a scope of the vault, the preferred one first. */
export async function pickScope(
  ctx: Ctx,
  v: VaultFolder,
  title: string,
  q: ScopeQuestion = {},
): Promise<string | undefined> {
  const listing = await ctx.listings.get(v);
  const existing = listing.scopes;
  // New scopes come after every existing one, marked: creating a scope is a deliberate pick,
  // never what Enter on the first item does (issue 18: junk root scopes).
  const fresh = q.allowNew ? writableScopes(existing, listing.envs).filter((s) => !existing.includes(s)) : [];
  if (existing.length + fresh.length === 0) {
    ctx.prompter.info(vscode.l10n.t('Kagi: this vault has no scopes yet. Add a secret first (Kagi: Set Secret…).'));
    return undefined;
  }
  const { preferred } = q;
  const ordered =
    preferred && existing.includes(preferred) ? [preferred, ...existing.filter((s) => s !== preferred)] : existing;
  const choices: Choice[] = [
    ...ordered.map((scope) => ({
      label: scope,
      id: scope,
      description: describeScope(listing, scope, scope === preferred),
    })),
    ...fresh.map((scope) => ({
      label: vscode.l10n.t('$(add) {0}', scope),
      id: scope,
      description: describeScope(listing, scope, false),
    })),
  ];
  if (q.allowNew)
    choices.push({
      label: vscode.l10n.t('$(add) Another scope…'),
      id: OTHER,
      description: vscode.l10n.t('a new service or environment'),
    });
  const picked = await ctx.prompter.pick(choices, { title, placeHolder: scopePlaceholder(ctx, v) });
  return picked === OTHER ? askScope(ctx, title) : picked;
}

/** In a multi-root workspace, the question names the folder whose vault it is about. */
function scopePlaceholder(ctx: Ctx, v: VaultFolder): string {
  return ctx.vaults().length > 1
    ? `Scope (service/environment) in folder ${v.folder.name}`
    : 'Scope (service/environment)';
}

/** Not a valid scope name, so it can never collide with a real scope. */
const OTHER = '/other';

async function askScope(ctx: Ctx, title: string): Promise<string | undefined> {
  const text = await ctx.prompter.input({
    title,
    prompt: vscode.l10n.t('Scope: service/environment, or a bare environment for a root scope'),
    placeHolder: vscode.l10n.t('api/production'),
    validate: validator((t) => validateScope(t.trim()), vscode.l10n.t('Invalid scope')),
  });
  return text?.trim() || undefined;
}

function describeScope(listing: Listing, scope: string, preferred: boolean): string {
  const keys = listing.keys?.get(scope);
  const parts = [
    keys ? `${keys.size} key${keys.size === 1 ? '' : 's'}` : listing.scopes.includes(scope) ? '' : 'new scope',
  ];
  if (splitScope(scope).env === listing.defaultEnv) parts.push('default env');
  if (preferred) parts.push('current');
  return parts.filter(Boolean).join(' · ');
}

/** Asks for one of a scope's keys. */
export async function pickKey(ctx: Ctx, v: VaultFolder, scope: string, title: string): Promise<string | undefined> {
  const keys = (await ctx.listings.get(v)).keys?.get(scope)?.infos() ?? [];
  if (keys.length === 0) {
    ctx.prompter.warn(vscode.l10n.t('Kagi: {0} has no secrets.', scope));
    return undefined;
  }
  return ctx.prompter.pick(
    keys.map((k) => ({ label: k.key, id: k.key, description: k.description })),
    { title, placeHolder: vscode.l10n.t('Secret') },
  );
}

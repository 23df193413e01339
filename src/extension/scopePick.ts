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
  const scopes = q.allowNew ? writableScopes(listing.scopes, listing.envs) : listing.scopes;
  if (scopes.length === 0) {
    ctx.prompter.info('Kagi: this vault has no scopes yet. Add a secret first (Kagi: Set Secret…).');
    return undefined;
  }
  const { preferred } = q;
  const ordered =
    preferred && (q.allowNew || scopes.includes(preferred))
      ? [preferred, ...scopes.filter((s) => s !== preferred)]
      : scopes;
  const choices: Choice[] = ordered.map((scope) => ({
    label: scope,
    id: scope,
    description: describeScope(listing, scope, scope === preferred),
  }));
  if (q.allowNew)
    choices.push({ label: '$(add) Another scope…', id: OTHER, description: 'a new service or environment' });
  const picked = await ctx.prompter.pick(choices, { title, placeHolder: 'Scope (service/environment)' });
  return picked === OTHER ? askScope(ctx, title) : picked;
}

/** Not a valid scope name, so it can never collide with a real scope. */
const OTHER = '/other';

async function askScope(ctx: Ctx, title: string): Promise<string | undefined> {
  const text = await ctx.prompter.input({
    title,
    prompt: 'Scope: service/environment, or a bare environment for a root scope',
    placeHolder: 'api/production',
    validate: validator((t) => validateScope(t.trim()), 'Invalid scope'),
  });
  return text?.trim() || undefined;
}

function describeScope(listing: Listing, scope: string, preferred: boolean): string {
  const keys = listing.keys?.get(scope);
  const parts = [
    keys ? `${keys.length} key${keys.length === 1 ? '' : 's'}` : listing.scopes.includes(scope) ? '' : 'new',
  ];
  if (splitScope(scope).env === listing.defaultEnv) parts.push('default env');
  if (preferred) parts.push('current');
  return parts.filter(Boolean).join(' · ');
}

/** Asks for one of a scope's keys. */
export async function pickKey(ctx: Ctx, v: VaultFolder, scope: string, title: string): Promise<string | undefined> {
  const keys = (await ctx.listings.get(v)).keys?.get(scope) ?? [];
  if (keys.length === 0) {
    ctx.prompter.warn(`Kagi: ${scope} has no secrets.`);
    return undefined;
  }
  return ctx.prompter.pick(
    keys.map((k) => ({ label: k.key, id: k.key, description: k.description })),
    { title, placeHolder: 'Secret' },
  );
}

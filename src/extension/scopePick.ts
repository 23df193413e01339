import { joinScope, servicesOf, splitScope } from '../vault/scopes';
import type { Listing } from '../vault/listing';
import type { Choice } from './prompter';
import type { Ctx, VaultFolder } from './ctx';

/** Every scope a secret can go to: existing ones plus each service's and the root's configured envs. */
export function candidateScopes(listing: Listing): string[] {
  const out = new Set(listing.scopes);
  for (const service of servicesOf(listing.scopes)) for (const env of listing.envs) out.add(joinScope(service, env));
  for (const env of listing.envs) out.add(env);
  return [...out].sort();
}

/** Asks for a scope, the preferred one first; a ref's scope skips the question. */
export async function pickScope(ctx: Ctx, v: VaultFolder, title: string, preferred?: string): Promise<string | undefined> {
  const listing = await ctx.listings.get(v);
  const scopes = candidateScopes(listing);
  const ordered = preferred ? [preferred, ...scopes.filter((s) => s !== preferred)] : scopes;
  const choices: Choice[] = ordered.map((scope) => ({
    label: scope, id: scope, description: describeScope(listing, scope, scope === preferred),
  }));
  return ctx.prompter.pick(choices, { title, placeHolder: 'Scope (service/environment)' });
}

function describeScope(listing: Listing, scope: string, preferred: boolean): string {
  const keys = listing.keys?.get(scope);
  const parts = [keys ? `${keys.length} key${keys.length === 1 ? '' : 's'}` : 'new'];
  if (splitScope(scope).env === listing.defaultEnv) parts.push('default env');
  if (preferred) parts.push('current');
  return parts.join(' · ');
}

/** Asks for one of a scope's keys. */
export async function pickKey(ctx: Ctx, v: VaultFolder, scope: string, title: string): Promise<string | undefined> {
  const keys = (await ctx.listings.get(v)).keys?.get(scope) ?? [];
  if (keys.length === 0) {
    ctx.prompter.warn(`Kagi: ${scope} has no secrets.`);
    return undefined;
  }
  return ctx.prompter.pick(keys.map((k) => ({ label: k.key, id: k.key, description: k.description })), { title, placeHolder: 'Secret' });
}

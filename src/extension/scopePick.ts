import { joinScope, servicesOf, splitScope, validateScope } from '../vault/scopes';
import { isKagiError } from '../vault/errors';
import type { Listing } from '../vault/listing';
import type { Choice } from './prompter';
import type { Ctx, VaultFolder } from './ctx';

/** Every scope a secret can go to: existing ones plus each service's and the root's configured envs. */
function candidateScopes(listing: Listing): string[] {
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
  choices.push({ label: '$(add) Another scope…', id: OTHER, description: 'a new service or environment' });
  const picked = await ctx.prompter.pick(choices, { title, placeHolder: 'Scope (service/environment)' });
  return picked === OTHER ? askScope(ctx, title) : picked;
}

/** Not a valid scope name, so it can never collide with a real scope. */
export const OTHER = '/other';

async function askScope(ctx: Ctx, title: string): Promise<string | undefined> {
  const text = await ctx.prompter.input({
    title, prompt: 'Scope: service/environment, or a bare environment for a root scope', placeHolder: 'api/production',
    validate: (t) => {
      try {
        validateScope(t.trim());
        return undefined;
      } catch (e) {
        return isKagiError(e) ? e.message : 'Invalid scope';
      }
    },
  });
  return text?.trim() || undefined;
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

import { KagiError } from '../../vault/errors';
import type { Store } from '../../vault/format/store';
import { resolveGetTarget, type GetTarget } from '../../vault/scopes/grammar';
import type { Project } from '../../vault/project/project';
import { normalizeKey, servicesOf, splitScope } from '../../vault/scopes/names';
import { readScopes } from '../../vault/usecases/secrets';
import { flag, parseOptions, str } from '../args';
import type { Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';
import { renderScope, renderScopes } from '../listing';

export const getCommand: Command = {
  name: 'get',
  summary: 'list secrets (masked) or reveal one value',
  help: `Usage: kagi get [--service S] [--show] [--yes] [service|env] [env] [KEY]

Lists secrets as tables with every value masked as ********:
  kagi get                 all scopes, grouped by service, root scopes under (root)
  kagi get api             every env of service api
  kagi get api production  one scope (or key production in api/<default env>)
  kagi get production      root scope production (a configured env)
  kagi get api production DB_URL   prints the bare value of one key
--show reveals the values of a listing. Revealing (--show or a single key) asks
y/N on a terminal; anywhere else it needs --yes.

Options:
  --service S   the service (overrides the one inferred from the folder)
  --show        reveal values in listings (empty values show as (empty))
  --yes         confirm the reveal without asking (needed off a terminal)
`,
  async run(ctx, args) {
    const p = parseOptions('get', args, {
      service: { type: 'string' },
      show: { type: 'boolean' },
      yes: { type: 'boolean' },
    });
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const target = resolveGetTarget(grammar, p.positionals);
    const reveals = target.kind === 'key' || flag(p, 'show');
    if (target.kind !== 'key') {
      const stores = await readTarget(project, target);
      if (reveals) await confirmYesNo(ctx.io, flag(p, 'yes'), 'Reveal secret values on screen?');
      ctx.io.out(
        target.kind === 'scope'
          ? renderScope(target.scope, stores.get(target.scope)!, reveals)
          : renderScopes(stores, reveals),
      );
      return 0;
    }
    const value = findSecret(
      (await readScopes(project, [target.scope])).get(target.scope)!,
      target.scope,
      target.key,
    ).value;
    await confirmYesNo(ctx.io, flag(p, 'yes'), `Reveal the value of ${target.key} in ${target.scope}?`);
    ctx.io.out(value + '\n');
    return 0;
  },
};

/** The scopes a listing covers; a service that has none is an error naming the ones that exist. */
export async function readTarget(
  project: Project,
  target: Exclude<GetTarget, { kind: 'key' }>,
): Promise<Map<string, Store>> {
  if (target.kind === 'all') return readScopes(project);
  if (target.kind === 'scope') return readScopes(project, [target.scope]);
  const scopes = project.scopes().filter((s) => splitScope(s).service === target.service);
  if (scopes.length === 0) {
    throw new KagiError(
      'scope-not-found',
      `service ${target.service} has no scopes`,
      `existing services: ${servicesOf(project.scopes()).join(', ') || '(none)'}; create one with \`kagi set ${target.service} KEY VALUE\``,
    );
  }
  return readScopes(project, scopes);
}

/** Exact key first; else the normalized form `set` would have stored it under. */
export function findSecret(store: Store, scope: string, key: string) {
  const secret = store.secrets.get(key) ?? store.secrets.get(normalizeKey(key));
  if (!secret) {
    throw new KagiError('key-not-found', `${key} is not set in ${scope}`, `list the keys with \`kagi get ${scope}\``);
  }
  return secret;
}

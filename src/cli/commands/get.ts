import { readSecret, readSelection, readSelectionKeys, resolveGetTarget, type Store } from '../../vault';
import { flag, parseOptions, str } from '../args';
import type { Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';
import { renderScope, renderScopes, type ListedSecret } from '../listing';

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
      // Masked, the listing keeps names only: no value is copied out of the decrypted text (readSelectionKeys).
      const listed = reveals ? rowsOf(await readSelection(project, target)) : await readSelectionKeys(project, target);
      if (reveals) await confirmYesNo(ctx.io, flag(p, 'yes'), 'Reveal secret values on screen?');
      ctx.io.out(
        target.kind === 'scope'
          ? renderScope(target.scope, listed.get(target.scope)!, reveals)
          : renderScopes(listed, reveals),
      );
      return 0;
    }
    const { value } = await readSecret(project, target.scope, target.key);
    await confirmYesNo(ctx.io, flag(p, 'yes'), `Reveal the value of ${target.key} in ${target.scope}?`);
    ctx.io.out(value + '\n');
    return 0;
  },
};

/** Each store's secrets, as listing rows. */
function rowsOf(stores: Map<string, Store>): Map<string, Iterable<ListedSecret>> {
  return new Map([...stores].map(([scope, store]) => [scope, store.secrets.values()]));
}

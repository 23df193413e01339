import { removeScope } from '../../vault';
import { expectPositionals, flag, parseOptions, usage } from '../args';
import type { Command } from '../command';
import { openProject } from '../context';

export const scopeCommand: Command = {
  name: 'scope',
  summary: 'remove one scope (e.g. an empty one created by mistake)',
  help: `Usage: kagi scope remove SCOPE [--force]

  remove   delete one scope: a root scope (ENV) or a service scope (SERVICE/ENV).
           A scope that still holds secrets is refused unless --force, which
           deletes it with its secrets. The environment stays configured.
           (\`kagi env remove\` deletes an environment from every service.)
`,
  async run(ctx, args) {
    const p = parseOptions('scope', args, { force: { type: 'boolean' } });
    const [sub, ...rest] = p.positionals;
    if (sub !== 'remove') {
      throw usage('scope', sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`);
    }
    const [scope] = expectPositionals('scope remove', { ...p, positionals: rest }, 1, 1);
    const { project } = await openProject(ctx, undefined, { recover: true });
    const deleted = await removeScope(project, scope!, { force: flag(p, 'force') });
    ctx.io.out(`removed scope ${scope}${deleted ? ` and its ${deleted} secret${deleted === 1 ? '' : 's'}` : ''}\n`);
    return 0;
  },
};

import { readSecret, resolveGetTarget, unsetSecrets } from '../../vault';
import { flag, parseOptions, str, usage } from '../args';
import type { Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';

export const unsetCommand: Command = {
  name: 'unset',
  summary: 'delete a secret',
  help: `Usage: kagi unset [--service S] [--yes] [service] [env] KEY

Deletes one key; the scope is chosen as for \`kagi get\` with a key. Asks y/N on
a terminal; anywhere else it needs --yes.
Unlike the Rust CLI, KEY is normalized as \`set\` does (db-url → DB_URL), so
what \`set\` stored is what \`unset\` removes; an exact match is tried first.

Options:
  --service S   the service (overrides the one inferred from the folder)
  --yes         confirm without asking (needed off a terminal)
`,
  async run(ctx, args) {
    const p = parseOptions('unset', args, { service: { type: 'string' }, yes: { type: 'boolean' } });
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const target = resolveGetTarget(grammar, p.positionals);
    if (target.kind !== 'key') throw usage('unset', 'name the KEY to delete');
    const { key } = await readSecret(project, target.scope, target.key);
    await confirmYesNo(ctx.io, flag(p, 'yes'), `Delete ${key} from ${target.scope}?`);
    await unsetSecrets(project, target.scope, [key]);
    ctx.io.out(`removed ${key} from ${target.scope}\n`);
    return 0;
  },
};

import { addEnv, removeEnv, renameEnv } from '../../vault';
import { expectPositionals, flag, parseOptions, usage } from '../args';
import type { Command } from '../command';
import { confirmTyped } from '../confirm';
import { openProject } from '../context';

export const envCommand: Command = {
  name: 'env',
  summary: 'add, rename or remove an environment',
  help: `Usage: kagi env add NAME
       kagi env rename OLD NEW
       kagi env remove NAME [--yes]

  add      configure a new environment and create an empty store for it in every service
  rename   rename an environment everywhere (stores are re-encrypted under the new scope)
  remove   delete an environment and EVERY store of it (root and per service);
           the default environment cannot be removed. Asks you to type NAME on a
           terminal; anywhere else needs --yes.
`,
  async run(ctx, args) {
    const p = parseOptions('env', args, { yes: { type: 'boolean' } });
    const [sub, ...rest] = p.positionals;
    const operands = (n: number) => expectPositionals(`env ${sub}`, { ...p, positionals: rest }, n, n);
    if (sub !== 'add' && sub !== 'rename' && sub !== 'remove') {
      throw usage('env', sub === undefined ? 'missing subcommand' : 'unknown subcommand');
    }
    const { project } = await openProject(ctx, undefined, { recover: true });
    if (sub === 'add') {
      const [name] = operands(1);
      const created = await addEnv(project, name!);
      ctx.io.out(`added environment ${name}${created.length ? `; created ${created.join(', ')}` : ''}\n`);
    } else if (sub === 'rename') {
      const [from, to] = operands(2);
      const moved = await renameEnv(project, from!, to!);
      ctx.io.out(
        `renamed environment ${from} to ${to}${moved.length ? `: ${moved.map((m) => `${m.from} → ${m.to}`).join(', ')}` : ''}\n`,
      );
    } else {
      const [name] = operands(1);
      await confirmTyped(ctx.io, flag(p, 'yes'), name!, 'environment name');
      const removed = await removeEnv(project, name!);
      ctx.io.out(`removed environment ${name}${removed.length ? `; deleted ${removed.join(', ')}` : ''}\n`);
    }
    return 0;
  },
};

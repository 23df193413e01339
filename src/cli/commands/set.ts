import { noteWrittenDangerous, dangerousWarning, normalizeKey, resolveSetScope, setSecrets } from '../../vault';
import { flag, parseOptions, str, usage } from '../args';
import type { Command } from '../command';
import { openProject } from '../context';

export const setCommand: Command = {
  name: 'set',
  summary: 'store a secret',
  help: `Usage: kagi set [--service S] [service] [env] KEY VALUE
       kagi set [--service S] [service] [env] KEY --stdin

Stores KEY in one scope. The scope comes from the positionals (docs/format.md §8.6):
  kagi set api KEY VALUE            → api/<default env>
  kagi set api production KEY VALUE → api/production
  kagi set production KEY VALUE     → root scope production (a configured env)
Inside a nested service folder (or with --service S): kagi set [env] KEY VALUE.

KEY is normalized to UPPER_SNAKE (db-url → DB_URL), as the Rust CLI does.
A VALUE that starts with - goes after --: kagi set api KEY -- -value.

Options:
  --service S       the service (overrides the one inferred from the folder)
  --stdin           read the value from stdin: multi-line values, and values that
                    must not land in shell history (one trailing newline is dropped)
  --description D   a description shown in listings and written as # D on export
`,
  async run(ctx, args) {
    const p = parseOptions('set', args, {
      service: { type: 'string' },
      stdin: { type: 'boolean' },
      description: { type: 'string' },
    });
    const fromStdin = flag(p, 'stdin');
    const tail = fromStdin ? 1 : 2;
    if (p.positionals.length < tail)
      throw usage('set', fromStdin ? 'missing KEY' : 'missing KEY and VALUE (or use --stdin for the value)');
    const rest = p.positionals.slice(0, -tail);
    const rawKey = p.positionals[p.positionals.length - tail]!;
    const value = fromStdin ? dropOneNewline(await ctx.io.readStdin()) : p.positionals[p.positionals.length - 1]!;
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const scope = resolveSetScope(grammar, rest);
    const key = normalizeKey(rawKey);
    const description = str(p, 'description');
    const r = await setSecrets(project, scope, [{ key, value, ...(description !== undefined ? { description } : {}) }]);
    if (key !== rawKey) ctx.io.err(`note: key ${rawKey} is stored as ${key}\n`);
    const risky = await noteWrittenDangerous(project, scope, { [key]: value });
    if (risky.length > 0) ctx.io.err(`kagi: warning: ${dangerousWarning(risky, scope)}\n`);
    ctx.io.out(`${r.added.length ? 'added' : 'updated'} ${key} in ${scope}\n`);
    return 0;
  },
};

function dropOneNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

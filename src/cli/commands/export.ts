import * as path from 'node:path';
import { exportText, KagiError, planExport, resolveExportTarget, writeExport } from '../../vault';
import { flag, parseOptions, str } from '../args';
import type { Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';

export const exportCommand: Command = {
  name: 'export',
  summary: 'print a scope as .env, or write .env.<env> files',
  help: `Usage: kagi export [--service S] [service] [env] [--out DIR] [--yes]

Prints one scope in .env format, or with --out writes DIR/.env.<env> (mode
0600, replacing an existing file) for one scope or every env of a service:
  kagi export api production          → stdout
  kagi export api --out .             → ./.env.development, ./.env.production, …
Exporting reveals values: it asks y/N on a terminal; anywhere else it needs --yes.

Options:
  --service S   the service (overrides the one inferred from the folder)
  --out DIR     write files into DIR instead of printing
  --yes         confirm without asking (needed off a terminal)
`,
  async run(ctx, args) {
    const p = parseOptions('export', args, {
      service: { type: 'string' },
      out: { type: 'string' },
      yes: { type: 'boolean' },
    });
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const target = resolveExportTarget(grammar, p.positionals);
    const outDir = str(p, 'out');
    if (outDir === undefined) {
      if (target.kind === 'service') {
        throw new KagiError(
          'usage',
          `exporting the whole service ${target.service} needs --out DIR`,
          `or name one env: \`kagi export ${target.service} ${grammar.defaultEnv}\``,
        );
      }
      const text = await exportText(project, target.scope);
      await confirmYesNo(ctx.io, flag(p, 'yes'), 'Print secret values?');
      ctx.io.out(text === '' || text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    }
    // One read of every scope (one key unwrap), and Git asked about each file, before anything is revealed.
    const files = await planExport(project, target, path.resolve(ctx.cwd, outDir));
    for (const f of files.filter((f) => f.gitignore === 'not-ignored')) {
      ctx.io.err(`warning: ${f.file} is not ignored by Git: add it to .gitignore before committing\n`);
    }
    await confirmYesNo(ctx.io, flag(p, 'yes'), `Write secret values to ${files.length} file(s) in ${outDir}?`);
    writeExport(files);
    for (const f of files) ctx.io.out(`wrote ${f.file}\n`);
    return 0;
  },
};

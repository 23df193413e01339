import * as path from 'node:path';
import { exportFileName, formatDotenv, writeDotenvFile } from '../../vault/dotenv';
import { KagiError } from '../../vault/errors';
import { resolveExportTarget } from '../../vault/scopes/grammar';
import { flag, parseOptions, str } from '../args';
import type { Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';
import { readTarget } from './get';

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
    if (target.kind === 'service' && outDir === undefined) {
      throw new KagiError(
        'usage',
        `exporting the whole service ${target.service} needs --out DIR`,
        `or name one env: \`kagi export ${target.service} ${grammar.defaultEnv}\``,
      );
    }
    // One read of every scope (one key unwrap), formatted before anything is revealed.
    const stores = await readTarget(project, target);
    const texts = [...stores].map(([scope, store]) => ({ scope, text: formatDotenv(store.secrets.values()) }));
    await confirmYesNo(
      ctx.io,
      flag(p, 'yes'),
      outDir === undefined ? 'Print secret values?' : `Write secret values to ${texts.length} file(s) in ${outDir}?`,
    );
    if (outDir === undefined) {
      const text = texts[0]!.text;
      ctx.io.out(text === '' || text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    }
    for (const { scope, text } of texts) {
      const file = path.resolve(ctx.cwd, outDir, exportFileName(scope));
      writeDotenvFile(file, text);
      ctx.io.out(`wrote ${file}\n`);
    }
    return 0;
  },
};

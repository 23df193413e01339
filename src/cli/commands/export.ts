import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportFileName, exportScope } from '../../vault/dotenv';
import { ioError, KagiError } from '../../vault/errors';
import { resolveExportTarget } from '../../vault/grammar';
import { splitScope } from '../../vault/scopes';
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
    const p = parseOptions('export', args, { service: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean' } });
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const target = resolveExportTarget(grammar, p.positionals);
    const outDir = str(p, 'out');
    const scopes = target.kind === 'scope' ? [target.scope] : project.scopes().filter((s) => splitScope(s).service === target.service);
    if (target.kind === 'service' && outDir === undefined) {
      throw new KagiError('usage', `exporting the whole service ${target.service} needs --out DIR`,
        `or name one env: \`kagi export ${target.service} ${grammar.defaultEnv}\``);
    }
    if (scopes.length === 0) throw new KagiError('scope-not-found', `service ${target.kind === 'service' ? target.service : ''} has no scopes`, 'list them with `kagi get`');
    const texts = await Promise.all(scopes.map(async (scope) => ({ scope, text: await exportScope(project, scope) })));
    await confirmYesNo(ctx.io, flag(p, 'yes'), outDir === undefined ? 'Print secret values?' : `Write secret values to ${texts.length} file(s) in ${outDir}?`);
    if (outDir === undefined) {
      ctx.io.out(withNewline(texts[0]!.text));
      return 0;
    }
    for (const { scope, text } of texts) {
      const file = path.resolve(ctx.cwd, outDir, exportFileName(scope));
      writePrivate(file, withNewline(text));
      ctx.io.out(`wrote ${file}\n`);
    }
    return 0;
  },
};

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : text + '\n';
}

/** 0600 even when replacing an older, more open file (the Rust CLI leaves the umask's mode). */
function writePrivate(file: string, text: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'w', 0o600);
    if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, text);
  } catch (e) {
    throw ioError('write', file, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

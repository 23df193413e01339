import * as path from 'node:path';
import { KagiError, readDotenvFile, syncFromTemplate } from '../../vault';
import { commaList, expectPositionals, parseOptions, str } from '../args';
import type { Command } from '../command';
import { openProject } from '../context';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'add the keys of .env.example (and other templates) to every env',
  help: `Usage: kagi sync [--service S] [--example F] [--sources a,b] [--envs a,b]

Adds every key of the template(s) that a scope lacks, never overwriting: a
commented key (# KEY=…) is added as "", a normal one with its template value.
Targets are S/<env> for the service (flag or inferred from the folder), else
the root scopes named by the envs.

Options:
  --service S     the service (overrides the one inferred from the folder)
  --example F     the template (default .env.example; a missing one is skipped)
  --sources a,b   more template files, later ones win for the same key
  --envs a,b      target envs (default development,test,staging,production)
`,
  async run(ctx, args) {
    const p = parseOptions('sync', args, {
      service: { type: 'string' },
      example: { type: 'string' },
      sources: { type: 'string' },
      envs: { type: 'string' },
    });
    expectPositionals('sync', p, 0, 0);
    const example = str(p, 'example') ?? '.env.example';
    const sources = [example, ...(commaList(str(p, 'sources')) ?? [])].flatMap((name) => {
      const text = readDotenvFile(path.resolve(ctx.cwd, name));
      if (text === undefined && name !== example)
        throw new KagiError('bad-dotenv', `${name} does not exist`, 'fix the --sources list');
      return text === undefined ? [] : [{ name, text }];
    });
    if (sources.length === 0)
      throw new KagiError(
        'bad-dotenv',
        `nothing to sync: ${example} does not exist`,
        'pass a template with --example or --sources',
      );
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const envs = commaList(str(p, 'envs'));
    const results = await syncFromTemplate(project, { service: grammar.service, sources, ...(envs ? { envs } : {}) });
    for (const r of results)
      ctx.io.out(`${r.scope}: ${r.added.length ? `added ${r.added.join(', ')}` : 'up to date'}\n`);
    return 0;
  },
};

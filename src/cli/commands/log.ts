import { keyHistory, resolveGetTarget, type LogEntry, type LogFilter } from '../../vault';
import { parseOptions, str, usage } from '../args';
import type { Command } from '../command';
import { openProject } from '../context';

export const logCommand: Command = {
  name: 'log',
  summary: 'the commits that changed keys: + added, ~ changed, - removed',
  help: `Usage: kagi log [--service S] [-n N] [service] [env] [KEY]

Walks Git history from HEAD, newest first: commit, author, date, and per scope
the keys added (+), changed (~) or removed (-). Values are never shown; a
revision this device cannot open is listed as such.

Options:
  --service S   the service (overrides the one inferred from the folder)
  -n N          look at most N commits back (default 1000)
`,
  async run(ctx, args) {
    const p = parseOptions('log', args, { service: { type: 'string' }, n: { type: 'string', short: 'n' } });
    const n = str(p, 'n');
    if (n !== undefined && !/^[1-9][0-9]{0,6}$/.test(n)) throw usage('log', '-n wants a positive number');
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const filter: LogFilter = n ? { maxCount: Number(n) } : {};
    if (p.positionals.length > 0) {
      const t = resolveGetTarget(grammar, p.positionals);
      if (t.kind === 'service') filter.service = t.service;
      if (t.kind === 'scope' || t.kind === 'key') filter.scope = t.scope;
      if (t.kind === 'key') filter.key = t.key;
    }
    const history = await keyHistory(project, filter);
    for (const e of history.entries) ctx.io.out(formatEntry(e));
    if (history.entries.length === 0) ctx.io.out('no commits changed these keys\n');
    if (history.shallow)
      ctx.io.out('(shallow clone: older history is not in this clone; `git fetch --unshallow` to see it)\n');
    return 0;
  },
};

function formatEntry(e: LogEntry): string {
  const lines = [`${e.commit.slice(0, 12)}  ${e.date}  ${e.author}`, `    ${e.subject}`];
  for (const s of e.scopes) {
    lines.push(`  ${s.scope}${s.unreadable ? `: (${s.unreadable})` : ''}`);
    for (const c of s.changes) lines.push(`    ${c.op} ${c.key}`);
  }
  return lines.join('\n') + '\n';
}

import { compareEnvironments, type EnvMatrix } from '../../vault';
import { expectPositionals, flag, parseOptions, str } from '../args';
import type { Command } from '../command';
import { openProject } from '../context';
import { boxTable } from '../table';

export const compareCommand: Command = {
  name: 'compare',
  summary: "compare a service's environments key by key (never a value)",
  help: `Usage: kagi compare [--service S] [--json] [service]

For every key of the service, which environments hold it and which of them hold
the same value: equal values within a key share a letter (A, B, …, assigned in
environment order), and "—" (null in JSON) means the key is missing there. No
value and no fingerprint of one is ever printed.
  kagi compare api           a table, with the number of keys per environment
  kagi compare api --json    {"service":"api","envs":[…],"keys":{"KEY":{"development":"A","production":"B","staging":null}}}

Options:
  --service S   the service (the default is the one inferred from the folder)
  --json        print JSON instead of a table
`,
  async run(ctx, args) {
    const p = parseOptions('compare', args, { service: { type: 'string' }, json: { type: 'boolean' } });
    const [named] = expectPositionals('compare', p, 0, 1);
    const { project, grammar } = await openProject(ctx, named ?? str(p, 'service'), { recover: true });
    const matrix = await compareEnvironments(project, grammar.service);
    if (flag(p, 'json')) {
      ctx.io.out(JSON.stringify({ service: matrix.service, envs: matrix.envs, keys: matrix.keys }) + '\n');
    } else ctx.io.out(renderMatrix(matrix));
    return 0;
  },
};

export function renderMatrix(m: EnvMatrix): string {
  const rows = Object.entries(m.keys).map(([key, row]) => [
    key,
    ...m.envs.map((e) => row[e] ?? '—'),
    differs(m.envs.map((e) => row[e] ?? null)),
  ]);
  const counts = ['(keys)', ...m.envs.map((e) => String(m.counts[e] ?? 0)), ''];
  return `${m.service}\n${boxTable(['KEY', ...m.envs, ''], [...rows, counts])}`;
}

/** A mark for rows worth a look: a gap, or values that differ. */
function differs(cells: (string | null)[]): string {
  if (cells.includes(null)) return 'missing';
  return new Set(cells).size > 1 ? 'differs' : '';
}

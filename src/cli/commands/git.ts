import {
  KagiError,
  listStoreConflicts,
  removeGitSetup,
  resolveStoreConflict,
  runMergeDriver,
  setUpGit,
  SIDES,
  textconvStore,
  type DriverKind,
  type GitSetupReport,
  type KeyConflict,
  type Side,
  type StoreConflict,
} from '../../vault';
import { expectPositionals, flag, parseOptions, str, usage } from '../args';
import type { CliContext, Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject } from '../context';

export const gitCommand: Command = {
  name: 'git',
  summary: 'Git integration: readable diffs, a per-key merge driver, conflict resolution',
  help: `Usage: kagi git setup [--remove]
       kagi git resolve [--take KEY=ours|theirs|base]... [--all ours|theirs|base]
       kagi git resolve --reveal [--yes]
       kagi git textconv FILE                                  (run by Git)
       kagi git merge-driver store|config|access O A B PATH    (run by Git)

setup     adds .gitattributes lines for .kagi/ (commit them: they are harmless
          to anyone without the drivers) and names the drivers in this clone's
          .git/config, through a launcher in the device's data folder.
          --remove undoes both. Running it again changes nothing.
resolve   for keys the merge driver could not merge: keep ours, theirs or
          base, per key (asked per key on a terminal; --take/--all anywhere).
          Values are masked (fingerprints); --reveal prints each side's value
          after a y/N question (--yes off a terminal) and changes nothing.

Details and the reasons for each choice: docs/git.md.
`,
  async run(ctx, args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'setup':
        return setup(ctx, rest);
      case 'resolve':
        return resolve(ctx, rest);
      case 'textconv': {
        const [file] = expectPositionals('git textconv', parseOptions('git', rest, {}), 1, 1);
        // Always exit 0: a failing textconv would make `git diff` fail.
        ctx.io.out(await textconvStore(file!, ctx.cwd, ctx.host));
        return 0;
      }
      case 'merge-driver':
        return mergeDriver(ctx, rest);
      default:
        throw usage('git', sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`);
    }
  },
};

async function setup(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('git setup', args, { remove: { type: 'boolean' } });
  expectPositionals('git setup', p, 0, 0);
  const { project } = await openProject(ctx, undefined, { recover: false });
  if (flag(p, 'remove')) {
    const r = removeGitSetup(project);
    ctx.io.out(
      `${r.attributesChanged ? `removed kagi lines from ${r.attributesFile}` : `no kagi lines in ${r.attributesFile}`}; ` +
        `${r.configChanged} driver section(s) removed from .git/config\n`,
    );
    return 0;
  }
  if (!ctx.program)
    throw new KagiError('usage', 'cannot tell where this kagi program lives', 'run it as `node dist/cli.js git setup`');
  reportSetup(ctx, setUpGit(project, ctx.program));
  return 0;
}

/** What `kagi git setup` (and `init`, when asked) changed. */
export function reportSetup(ctx: CliContext, r: GitSetupReport): void {
  ctx.io.out(
    `${r.attributesChanged ? `added kagi lines to ${r.attributesFile}` : `${r.attributesFile} already has the kagi lines`}; ` +
      `${r.configChanged} driver setting(s) written to .git/config; launcher ${r.launcher}\n`,
  );
  if (r.attributesChanged) ctx.io.out('next: commit .gitattributes\n');
}

async function mergeDriver(ctx: CliContext, args: string[]): Promise<number> {
  const [kind, base, ours, theirs, file] = expectPositionals('git merge-driver', parseOptions('git', args, {}), 5, 5);
  if (kind !== 'store' && kind !== 'config' && kind !== 'access')
    throw usage('git', `unknown driver ${JSON.stringify(kind)}`);
  const r = await runMergeDriver(
    kind as DriverKind,
    { base: base!, ours: ours!, theirs: theirs!, path: file! },
    ctx.cwd,
    ctx.host,
  );
  if (r.message) ctx.io.err(`${r.message}\n`);
  return r.code;
}

function parseChoices(p: { values: Record<string, unknown> }): { take: Map<string, Side>; all?: Side } {
  const isSide = (s: string): s is Side => (SIDES as string[]).includes(s);
  const take = new Map<string, Side>();
  for (const t of (p.values.take as string[] | undefined) ?? []) {
    const m = /^(.+)=(ours|theirs|base)$/.exec(t);
    if (!m) throw usage('git', `--take wants KEY=ours|theirs|base, got ${JSON.stringify(t)}`);
    take.set(m[1]!, m[2] as Side);
  }
  const all = str(p as never, 'all');
  if (all !== undefined && !isSide(all)) throw usage('git', `--all wants ours, theirs or base`);
  return { take, ...(all ? { all } : {}) };
}

async function resolve(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('git resolve', args, {
    take: { type: 'string', multiple: true },
    all: { type: 'string' },
    reveal: { type: 'boolean' },
    yes: { type: 'boolean' },
  });
  expectPositionals('git resolve', p, 0, 0);
  const { take, all } = parseChoices(p);
  const { project } = await openProject(ctx, undefined, { recover: true });
  const conflicts = await listStoreConflicts(project);
  if (conflicts.length === 0) {
    ctx.io.out('no recorded kagi conflicts in this vault\n');
    return 0;
  }
  if (flag(p, 'reveal')) return reveal(ctx, conflicts, flag(p, 'yes'));
  let left = 0;
  for (const c of conflicts) {
    const choices = new Map<string, Side>();
    for (const k of c.keys) {
      const side = take.get(k.key) ?? all ?? (ctx.io.interactive ? await ask(ctx, c, k) : undefined);
      if (side) choices.set(k.key, side);
    }
    const remaining = choices.size > 0 ? await resolveStoreConflict(project, c, choices) : c.keys.map((k) => k.key);
    left += remaining.length;
    ctx.io.out(
      remaining.length === 0
        ? `${c.scope}: resolved ${choices.size} key(s); next: git add ${c.path}\n`
        : `${c.scope}: ${remaining.length} key(s) still in conflict: ${remaining.join(', ')}\n`,
    );
  }
  return left === 0 ? 0 : 1;
}

function describeSide(k: KeyConflict, side: Side): string {
  const v = k.sides[side];
  if (v === undefined) return 'unknown';
  if (v.fingerprint === undefined) return '(absent)';
  return `fp:${v.fingerprint}${v.description ? `  # ${v.description}` : ''}`;
}

/** One question per key, sides masked; anything but o/t/b leaves the key for later. */
async function ask(ctx: CliContext, c: StoreConflict, k: KeyConflict): Promise<Side | undefined> {
  ctx.io.err(`\n${c.scope} ${k.key} changed on both sides:\n`);
  for (const side of SIDES) ctx.io.err(`  ${side.padEnd(6)} ${describeSide(k, side)}\n`);
  const a = (await ctx.io.ask('Keep [o]urs, [t]heirs or [b]ase (anything else: later)? ')).trim().toLowerCase();
  return a === 'o' || a === 't' || a === 'b' ? ({ o: 'ours', t: 'theirs', b: 'base' } as const)[a] : undefined;
}

/** Every side's value of every conflicting key, after the usual confirmation; nothing is changed. */
async function reveal(ctx: CliContext, conflicts: StoreConflict[], yes: boolean): Promise<number> {
  await confirmYesNo(ctx.io, yes, 'Show the conflicting values on this terminal?');
  for (const c of conflicts) {
    for (const k of c.keys) {
      ctx.io.out(`${c.scope} ${k.key}\n`);
      for (const side of SIDES) ctx.io.out(`  ${side.padEnd(6)} ${c.reveal(k.key, side) ?? '(absent)'}\n`);
    }
  }
  return 0;
}

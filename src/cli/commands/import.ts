import * as path from 'node:path';
import {
  applyImport,
  noteWrittenDangerous,
  dangerousWarning,
  type Project,
  type DotenvEntry,
  type ImportPlan,
  KagiError,
  normalizeKey,
  parseDotenv,
  planImport,
  readDotenvFile,
  resolveSetScope,
} from '../../vault';
import { flag, parseOptions, str } from '../args';
import type { CliContext, Command } from '../command';
import { askYesNo } from '../confirm';
import { openProject } from '../context';

export const importCommand: Command = {
  name: 'import',
  summary: 'import a .env file into a scope',
  help: `Usage: kagi import [--service S] [service] [env] [--file F] [--force] [--dry-run] [--upper-snake]

Reads F (default .env, relative to this folder) into one scope, chosen as for
\`kagi set\`. Prints which keys are new and which would be overwritten.
Overwriting existing keys asks y/N on a terminal; anywhere else kagi stops
without writing anything (exit 0) unless --force is given.

Options:
  --service S     the service (overrides the one inferred from the folder)
  --file F        the .env file to read (default .env)
  --force         overwrite existing keys without asking
  --dry-run       show the plan, write nothing
  --upper-snake   normalize keys to UPPER_SNAKE (db-url → DB_URL); kept verbatim otherwise
`,
  async run(ctx, args) {
    const p = parseOptions('import', args, {
      service: { type: 'string' },
      file: { type: 'string' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'upper-snake': { type: 'boolean' },
    });
    const named = str(p, 'file');
    const file = path.resolve(ctx.cwd, named ?? '.env');
    // A file the person named may be a link they made; the default .env is the repository's.
    const text = readDotenvFile(file, { followLinks: named !== undefined });
    if (text === undefined)
      throw new KagiError('bad-dotenv', `${file} does not exist`, 'pass the file to import with --file');
    let entries = parseDotenv(text, path.basename(file));
    if (flag(p, 'upper-snake')) entries = entries.map((e): DotenvEntry => ({ ...e, key: normalizeKey(e.key) }));
    const { project, grammar } = await openProject(ctx, str(p, 'service'), { recover: true });
    const plan = await planImport(project, resolveSetScope(grammar, p.positionals), entries);
    printPlan(ctx, plan);
    if (flag(p, 'dry-run')) return done(ctx, 'dry run: nothing was written');
    if (plan.overwritten.length > 0 && !flag(p, 'force') && !(await mayOverwrite(ctx, plan))) return 0;
    const applied = await applyImport(project, plan, { overwrite: true });
    await warnDangerous(ctx, project, plan);
    return done(ctx, `imported ${applied.added.length + applied.overwritten.length} key(s) into ${plan.scope}`);
  },
};

/** Imported dangerous names are warned about by name (noteWrittenDangerous approves them for this device). */
async function warnDangerous(ctx: CliContext, project: Project, plan: ImportPlan): Promise<void> {
  const written = new Set([...plan.added, ...plan.overwritten]);
  const values = Object.fromEntries(plan.entries.filter((e) => written.has(e.key)).map((e) => [e.key, e.value]));
  const risky = await noteWrittenDangerous(project, plan.scope, values);
  if (risky.length > 0) ctx.io.err(`kagi: warning: ${dangerousWarning(risky, plan.scope)}\n`);
}

function printPlan(ctx: CliContext, plan: ImportPlan): void {
  const list = (keys: string[]) => (keys.length ? keys.join(', ') : '(none)');
  ctx.io.out(`import into ${plan.scope}\n  new:       ${list(plan.added)}\n  overwrite: ${list(plan.overwritten)}\n`);
  if (plan.unchanged.length) ctx.io.out(`  unchanged: ${list(plan.unchanged)}\n`);
}

/** As in Rust: off a terminal without --force, an import that would overwrite stops cleanly. */
async function mayOverwrite(ctx: CliContext, plan: ImportPlan): Promise<boolean> {
  if (!ctx.io.interactive) {
    done(
      ctx,
      `not imported: ${plan.overwritten.length} key(s) already exist in ${plan.scope}; rerun with --force to overwrite`,
    );
    return false;
  }
  if (await askYesNo(ctx.io, `Overwrite ${plan.overwritten.length} existing key(s) in ${plan.scope}?`)) return true;
  done(ctx, 'cancelled: nothing was written');
  return false;
}

function done(ctx: CliContext, message: string): number {
  ctx.io.out(message + '\n');
  return 0;
}

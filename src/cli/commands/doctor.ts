import {
  type Check,
  diagnose,
  filesUnderOlderKey,
  leftoverTemps,
  openVault,
  type Project,
  recoverFilesFromHistory,
  removeLeftoverTemps,
  requireLocation,
} from '../../vault';
import { flag, expectPositionals, parseOptions } from '../args';
import type { CliContext, Command } from '../command';
import { confirmYesNo } from '../confirm';

const MARK: Record<Check['level'], string> = { ok: 'ok   ', warn: 'warn ', error: 'error' };

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the vault and this device; --fix finishes an interrupted rotation, removes temp files',
  help: `Usage: kagi doctor [--fix] [--yes]

Checks kagi.json, access.json, secrets/, a pending key rotation, temp files left
by an interrupted write, the project key, every scope and the files/ artifacts,
and says what to do about each problem.
Exit code 2 when something is broken, 1 for warnings, 0 when all is well.

Options:
  --fix   finish an interrupted key rotation from its journal, delete leftover
          temp files, and re-encrypt files/ that a key rotation by the Rust CLI
          left under the earlier key (found through this device's wrap in an
          earlier Git revision of access.json) (asks y/N; --yes in scripts)
  --yes   confirm --fix without asking
`,
  async run(ctx, args) {
    const p = parseOptions('doctor', args, { fix: { type: 'boolean' }, yes: { type: 'boolean' } });
    expectPositionals('doctor', p, 0, 0);
    const project = openVault(requireLocation(ctx.cwd).root, ctx.host);
    if (flag(p, 'fix')) await fix(ctx, project, flag(p, 'yes'));
    return report(ctx, await diagnose(project));
  },
};

async function fix(ctx: CliContext, project: Project, yes: boolean): Promise<void> {
  if (project.journal()) {
    await confirmYesNo(ctx.io, yes, 'Finish the interrupted key rotation now?');
    if (await project.recover()) ctx.io.out('finished the interrupted key rotation\n');
  }
  if (leftoverTemps(project).length > 0) {
    await confirmYesNo(ctx.io, yes, 'Delete the temp files left in .kagi/ by an interrupted write?');
    const removed = await removeLeftoverTemps(project);
    ctx.io.out(`deleted ${removed.length} temp file(s)\n`);
  }
  if (await filesUnderOlderKeyOrNo(project)) {
    await confirmYesNo(ctx.io, yes, 'Re-encrypt files/ under the current key, using the earlier key from Git history?');
    const { artifacts } = await recoverFilesFromHistory(project);
    ctx.io.out(`re-encrypted ${artifacts} file artifact(s) under the current project key\n`);
  }
}

/** Only a question for --fix: anything else wrong (no key at all) is the report's to say. */
async function filesUnderOlderKeyOrNo(project: Project): Promise<boolean> {
  try {
    return await filesUnderOlderKey(project);
  } catch {
    return false;
  }
}

function report(ctx: CliContext, checks: Check[]): number {
  for (const c of checks) {
    ctx.io.out(`${MARK[c.level]}  ${c.name.padEnd(12)}${c.detail}\n`);
    if (c.hint && c.level !== 'ok') ctx.io.out(`${' '.repeat(19)}hint: ${c.hint}\n`);
  }
  if (checks.some((c) => c.level === 'error')) return 2;
  return checks.some((c) => c.level === 'warn') ? 1 : 0;
}

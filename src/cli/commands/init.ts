import {
  type DiscoveredEnvFile,
  discoverEnvFiles,
  gitSetupOffered,
  importDiscovered,
  initProject,
  type Project,
  readDotenvFile,
  recordMonorepo,
  setUpGit,
  updateGitignore,
} from '../../vault';
import { reportSetup } from './git';
import type { CliContext } from '../command';
import { askYesNo } from '../confirm';
import * as path from 'node:path';
import { commaList, expectPositionals, flag, parseOptions, str } from '../args';
import type { Command } from '../command';

const DEFAULT_ENVS_FLAG = ['development', 'test', 'production'];

export const initCommand: Command = {
  name: 'init',
  summary: 'create a vault (.kagi/) in this folder, with this device as owner',
  help: `Usage: kagi init [--envs [a,b,…]] [--nested] [--force] [--name NAME] [--no-migrate]

Creates .kagi/ in the current folder with this device as its only owner and
adds .env lines to the Git root's .gitignore. Then it looks for .env files up to
4 folders deep: with --nested, sub-folders become services (apps/api → apps-api);
on a terminal it offers to import them (y/N), templates (.env.example) filling
only missing keys. Nothing is imported without that answer.

Options:
  --envs [a,b]   configured environments; bare --envs means development,test,production;
                 development is prepended when missing (default: development)
  --nested       infer the service from the sub-folder you run kagi in
  --force        replace an existing .kagi/ (deletes every secret in it)
  --name NAME    your member name (default: $USER)
  --no-migrate   do not look for .env files
`,
  async run(ctx, args) {
    const p = parseOptions('init', bareEnvsFlag(args), {
      envs: { type: 'string' },
      nested: { type: 'boolean' },
      force: { type: 'boolean' },
      name: { type: 'string' },
      'no-migrate': { type: 'boolean' },
    });
    expectPositionals('init', p, 0, 0);
    const envsText = str(p, 'envs');
    const envs = envsText === BARE ? DEFAULT_ENVS_FLAG : commaList(envsText);
    const { project, owner } = await initProject(ctx.cwd, ctx.host, {
      envs,
      nested: flag(p, 'nested'),
      force: flag(p, 'force'),
      name: str(p, 'name'),
    });
    const cfg = project.config();
    ctx.io.out(`initialized vault ${cfg.projectId} in ${project.kagiDir}\n`);
    ctx.io.out(`environments: ${cfg.settings.envs.join(', ')}\n`);
    ctx.io.out(`you are owner ${owner.memberId} (${owner.name})\n`);
    const gitignore = updateGitignore(project.root);
    if (gitignore) ctx.io.out(`updated ${gitignore}\n`);
    if (gitSetupOffered(project)) await offerGitSetup(ctx, project);
    if (!flag(p, 'no-migrate')) await migrate(ctx, project);
    ctx.io.out('next: kagi set <service> KEY VALUE, then commit .kagi/\n');
    return 0;
  },
};

const BARE = '\0bare';

/** In a Git repository: the integration on a y, never behind the person's back; off a terminal, how to. */
async function offerGitSetup(ctx: CliContext, project: Project): Promise<void> {
  const how = 'git: run `kagi git setup` for readable diffs, per-key merges and `kagi log` of .kagi/\n';
  if (!ctx.io.interactive || !ctx.program) return ctx.io.out(how);
  const question = 'Set up Git integration (readable diffs and per-key merges of .kagi/, never values)?';
  if (await askYesNo(ctx.io, question)) reportSetup(ctx, setUpGit(project, ctx.program));
  else ctx.io.out(how);
}

/** `--envs` takes an optional value, which parseArgs cannot express: mark a bare one. */
function bareEnvsFlag(args: string[]): string[] {
  return args.map((a, i) =>
    a === '--envs' && (args[i + 1] === undefined || args[i + 1]!.startsWith('-')) ? `--envs=${BARE}` : a,
  );
}

/** docs/format.md §9.4: map sub-folders to services, then import the .env files found only on a y. */
async function migrate(ctx: CliContext, project: Project): Promise<void> {
  const { files, monorepo } = discoverEnvFiles(project.root, project.config());
  if (monorepo && monorepo.services.length > 0) {
    await recordMonorepo(project, monorepo);
    ctx.io.out(`services by folder: ${monorepo.services.map((m) => `${m.path} → ${m.service}`).join(', ')}\n`);
  }
  if (files.length === 0) return;
  ctx.io.out(`found ${files.length} .env file(s):\n${files.map((f) => `  ${describe(project, f)}`).join('\n')}\n`);
  if (!ctx.io.interactive) {
    ctx.io.out('not imported (no terminal to ask): use `kagi import --file F <service> <env>` for each\n');
    return;
  }
  if (!(await askYesNo(ctx.io, 'Import them into the vault?'))) return;
  const results = await importDiscovered(project, files, (file) => readDotenvFile(file) ?? '');
  for (const r of results) ctx.io.out(`imported ${r.added.length + r.overwritten.length} key(s) into ${r.scope}\n`);
}

function describe(project: Project, f: DiscoveredEnvFile): string {
  return `${path.relative(project.root, f.file)} → ${f.scope}${f.template ? ' (template: missing keys only)' : ''}`;
}

import { initProject } from '../../vault/init';
import { updateGitignore } from '../../vault/gitignore';
import { commaList, expectPositionals, flag, parseOptions, str } from '../args';
import type { Command } from '../command';

const DEFAULT_ENVS_FLAG = ['development', 'test', 'production'];

export const initCommand: Command = {
  name: 'init',
  summary: 'create a vault (.kagi/) in this folder, with this device as owner',
  help: `Usage: kagi init [--envs [a,b,…]] [--nested] [--force] [--name NAME]

Creates .kagi/ in the current folder with this device as its only owner and
adds .env lines to the Git root's .gitignore. No secret is stored yet.

Options:
  --envs [a,b]   configured environments; bare --envs means development,test,production;
                 development is prepended when missing (default: development)
  --nested       infer the service from the sub-folder you run kagi in
  --force        replace an existing .kagi/ (deletes every secret in it)
  --name NAME    your member name (default: $USER)
`,
  async run(ctx, args) {
    const p = parseOptions('init', bareEnvsFlag(args), { envs: { type: 'string' }, nested: { type: 'boolean' }, force: { type: 'boolean' }, name: { type: 'string' } });
    expectPositionals('init', p, 0, 0);
    const envsText = str(p, 'envs');
    const envs = envsText === BARE ? DEFAULT_ENVS_FLAG : commaList(envsText);
    const { project, owner } = await initProject(ctx.cwd, ctx.host, { envs, nested: flag(p, 'nested'), force: flag(p, 'force'), name: str(p, 'name') });
    const cfg = project.config();
    ctx.io.out(`initialized vault ${cfg.projectId} in ${project.kagiDir}\n`);
    ctx.io.out(`environments: ${cfg.settings.envs.join(', ')}\n`);
    ctx.io.out(`you are owner ${owner.memberId} (${owner.name})\n`);
    const gitignore = updateGitignore(project.root);
    if (gitignore) ctx.io.out(`updated ${gitignore}\n`);
    ctx.io.out('next: kagi set <service> KEY VALUE, then commit .kagi/\n');
    return 0;
  },
};

const BARE = '\0bare';

/** `--envs` takes an optional value, which parseArgs cannot express: mark a bare one. */
function bareEnvsFlag(args: string[]): string[] {
  return args.map((a, i) => (a === '--envs' && (args[i + 1] === undefined || args[i + 1]!.startsWith('-')) ? `--envs=${BARE}` : a));
}

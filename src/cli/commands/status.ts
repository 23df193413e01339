import {
  failingScopes,
  KagiError,
  listMembers,
  type Member,
  openVault,
  type Project,
  type ProjectConfig,
  requireLocation,
} from '../../vault';
import { expectPositionals, parseOptions } from '../args';
import type { Command } from '../command';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the project, the key in use and whether it decrypts',
  help: `Usage: kagi status

Shows the vault for this folder: project id, inferred service, where the
project key comes from (KAGI_PROJECT_KEY, KAGI_PROJECT_KEY_FILE, the device
identity or a key cache), whether every scope decrypts, which member this
device is, and whether an interrupted key rotation is pending. Read-only: it
does not finish a pending rotation (any other command that opens a store does).
Exits 1 when the stores cannot be decrypted.
`,
  async run(ctx, args) {
    expectPositionals('status', parseOptions('status', args, {}), 0, 0);
    const location = requireLocation(ctx.cwd);
    const project = openVault(location.root, ctx.host);
    const cfg = project.config();
    const line = (label: string, text: string) => ctx.io.out(`${label.padEnd(10)}${text}\n`);
    line('project', `${cfg.projectId} (${project.root})`);
    line('service', location.service ? `${location.service} (inferred from this folder)` : '(none)');
    line('envs', `${cfg.settings.envs.join(', ')} (default ${cfg.settings.defaultEnv})`);
    const journal = project.journal();
    line(
      'rotation',
      journal ? 'interrupted rotation pending (the next command that opens a store finishes it)' : 'none pending',
    );
    const { decrypts, member } = await describeKey(project, cfg, line);
    // The identity's unwrap already named this device's member; otherwise look it up.
    const me = member ?? (await listMembers(project)).me;
    line('member', me ? `${me.memberId} ${me.name} (${me.role}, ${me.status})` : 'this device is not in access.json');
    return decrypts ? 0 : 1;
  },
};

async function describeKey(
  project: Project,
  cfg: ProjectConfig,
  line: (label: string, text: string) => void,
): Promise<{ decrypts: boolean; member?: Member }> {
  try {
    const { key, source, member } = await project.key(cfg);
    line('key', source);
    const scopes = project.scopes(cfg);
    const failed = [...failingScopes(project, cfg, key).keys()];
    line(
      'decrypts',
      failed.length === 0
        ? `yes (${scopes.length} scope${scopes.length === 1 ? '' : 's'})`
        : `no: ${failed.join(', ')}`,
    );
    return { decrypts: failed.length === 0, ...(member ? { member } : {}) };
  } catch (e) {
    if (!(e instanceof KagiError)) throw e;
    line('key', `unavailable: ${e.describe()}`);
    line('decrypts', 'no');
    return { decrypts: false };
  }
}

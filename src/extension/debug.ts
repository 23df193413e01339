// Debugging with secrets: a wrapper configuration that validates in launch.json
//   {"type": "kagi", "request": "launch", "name": "API", "configuration": "API (plain)", "service": "api"}
//   (or "launch": {an embedded configuration}; docs/injection.md), or any launch configuration with
//   "kagi": {"service": "api", "env": "production"}   (or "kagi": "api/production")
//   "kagi": true                                       (the folder's active scope)
// gets the scope's secrets merged into the debugger's own shape (src/vault/inject.ts):
// an `env` object (node, pwa-node, python, debugpy, go, codelldb, php…), an `environment`
// name/value list (cppdbg, cppvsdbg) or an `env` list of "K=V" (lldb-dap, lldb-vscode).
// Variables the configuration sets itself win over secrets; `envFile` values lose to `env`
// in every debugger that supports both, so secrets also win over an envFile.
//
// The provider is registered for '*' and works in
// resolveDebugConfigurationWithSubstitutedVariables, i.e. after ${...} substitution and after
// the debugger's own resolveDebugConfiguration. It returns a modified copy: nothing is written
// to launch.json. The `kagi` property is removed from the copy, so a configuration is never
// injected twice (and debuggers that validate their properties never see it). The resolved
// configuration lives in the debug session (in memory; visible to extensions through
// DebugSession.configuration, and to the debug adapter, which may echo it in its own trace logs
// if you turn those on).
//
// Errors (no such scope, not a member, Restricted Mode, an `attach` request) stop the launch:
// the provider shows what to do and returns undefined (undefined aborts; null would open
// launch.json instead).
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError, serviceAt, splitScope } from '../vault';
import { injectIntoLaunchConfig, parseKagiProperty, unwrapKagiLaunch, WRAPPER_TYPE } from './launchConfig';
import { parseFilesProperty } from './processFileSessions';
import type { ProcessTrackers } from './processTrackers';
import type { Ctx, VaultFolder } from './ctx';
import { activeScope, loadScope, resolveCwd, vaultOrThrow } from './injection';
import { pickScope } from './scopePick';
import { registerGuarded } from './commandKit';
import { uriOf } from './target';
import type { SecretEnv } from '../vault';

/** A launch resolved with secrets, waiting for its session to start (to be tracked for staleness). */
interface PendingLaunch {
  name: string;
  type: string;
  folder: vscode.WorkspaceFolder | undefined;
  original: vscode.DebugConfiguration;
  vault: VaultFolder;
  scope: string;
  secrets: SecretEnv;
}

export class KagiDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  private pending: PendingLaunch[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly processes: ProcessTrackers,
  ) {
    ctx.extension.subscriptions.push(vscode.debug.onDidStartDebugSession((s) => this.started(s)));
  }

  /** Sessions are matched to their launch by name and type: the copy carries no marker of ours. */
  private started(session: vscode.DebugSession): void {
    const i = this.pending.findIndex((p) => p.name === session.configuration.name && p.type === session.type);
    if (i === -1) return;
    const [p] = this.pending.splice(i, 1);
    const tracked = this.processes.stale.track(
      {
        vault: p!.vault,
        scope: p!.scope,
        label: vscode.l10n.t('debug session "{0}"', p!.name),
        restart: async () => {
          await vscode.debug.stopDebugging(session);
          await vscode.debug.startDebugging(p!.folder, p!.original);
        },
      },
      p!.secrets,
    );
    const ended = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.id !== session.id) return;
      tracked.dispose();
      ended.dispose();
    });
    this.ctx.extension.subscriptions.push(ended);
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (config.kagi === undefined || config.kagi === false || config.kagi === null) return config;
    const action = `Debugging "${config.name ?? config.type}" with secrets`;
    if (!this.ctx.requireTrust(action)) return undefined;
    // On failure the launch stops (undefined; null would open launch.json) with what to do.
    return this.ctx.guard(
      action,
      async () => {
        const req = parseKagiProperty(config.kagi)!;
        if (config.request === 'attach') {
          throw new KagiError(
            'usage',
            `"${config.name}" attaches to a running process, which cannot receive secrets`,
            'remove "kagi" from it, or start the process with a kagi task or `kagi run`',
          );
        }
        const v = vaultOrThrow(this.ctx, folder?.uri);
        const files = parseFilesProperty((config.kagi as { files?: unknown } | undefined)?.files);
        const program = vscode.l10n.t('Debug launch "{0}"', config.name ?? config.type);
        const where = inferenceFolder(v, folder, config);
        const { scope, secrets } = await loadScope(this.ctx, v, req, where, action, program);
        const cwd = typeof config.cwd === 'string' ? resolveCwd(folder, config.cwd) : folder?.uri.fsPath;
        // File paths: a private folder that goes when the session ends (registerDebug) or on deactivate.
        const paths = files
          ? (await this.processes.fileSessions.start(v, scope, files, cwd ?? v.project.root)).env
          : {};
        const r = injectIntoLaunchConfig(config, { ...secrets, ...paths });
        // only the latest resolution of a name waits for its session (tracked by the scope's values alone)
        this.pending = this.pending.filter((p) => p.name !== config.name).slice(-20);
        this.pending.push({
          name: String(config.name),
          type: String(config.type),
          folder,
          original: config,
          vault: v,
          scope,
          secrets,
        });
        this.ctx.log.info(
          `${action}: ${r.injected.length} from ${scope} into ${shapeName(r.shape)}` +
            (r.shadowed.length ? `; kept the configuration's own ${r.shadowed.join(', ')}` : ''),
        );
        return r.config;
      },
      { title: vscode.l10n.t('Open launch.json'), command: 'workbench.action.debug.configure' },
    );
  }
}

/**
 * `"type": "kagi"`: becomes the configuration it names or embeds, with `kagi` set. VS Code then
 * resolves it again as that debugger's (a resolver may change the type), and the `*` provider
 * above injects after variable substitution.
 */
export class KagiWrapperProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: Ctx) {}

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const action = `Debugging "${config.name ?? WRAPPER_TYPE}" with secrets`;
    return this.ctx.guard(
      action,
      async () => {
        const all = vscode.workspace.getConfiguration('launch', folder?.uri).get<unknown[]>('configurations') ?? [];
        return unwrapKagiLaunch(config, Array.isArray(all) ? all : []) as vscode.DebugConfiguration;
      },
      { title: vscode.l10n.t('Open launch.json'), command: 'workbench.action.debug.configure' },
    );
  }
}

/**
 * The folder the service is inferred from: the launch's `cwd`, else (when `cwd` names no
 * service, e.g. the `${workspaceFolder}` debuggers fill in) the folder of its `program` (or
 * `program` itself when it is a folder, as Go's).
 */
export function inferenceFolder(
  v: VaultFolder,
  folder: vscode.WorkspaceFolder | undefined,
  config: vscode.DebugConfiguration,
): string | undefined {
  const cwd = typeof config.cwd === 'string' ? resolveCwd(folder, config.cwd) : folder?.uri.fsPath;
  if (cwd !== undefined && serviceAt(v.project, cwd) !== undefined) return cwd;
  const program = typeof config.program === 'string' ? resolveCwd(folder, config.program) : undefined;
  if (program === undefined) return cwd;
  const dir = isFolder(program) ? program : path.dirname(program);
  return serviceAt(v.project, dir) !== undefined ? dir : cwd;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function shapeName(shape: string): string {
  return shape === 'object' ? 'env' : shape === 'nameValueList' ? 'environment' : 'env (K=V list)';
}

export function registerDebug(ctx: Ctx, processes: ProcessTrackers): KagiDebugConfigurationProvider {
  const provider = new KagiDebugConfigurationProvider(ctx, processes);
  ctx.extension.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider('*', provider),
    vscode.debug.registerDebugConfigurationProvider(WRAPPER_TYPE, new KagiWrapperProvider(ctx)),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (processes.fileSessions.endMentionedIn(JSON.stringify(s.configuration)) > 0)
        ctx.log.info(`debug session "${s.name}" ended: removed its file paths`);
    }),
  );
  registerGuarded(ctx, 'kagi.runLaunchWithSecrets', (arg) => runLaunch(ctx, false, uriOf(arg)));
  registerGuarded(ctx, 'kagi.runLaunchWithSecretsNoDebug', (arg) => runLaunch(ctx, true, uriOf(arg)));
  return provider;
}

async function runLaunch(ctx: Ctx, noDebug: boolean, uri?: vscode.Uri): Promise<boolean> {
  const v = await ctx.pickVault(uri);
  if (!v) return false;
  const configs = (
    vscode.workspace.getConfiguration('launch', v.folder.uri).get<vscode.DebugConfiguration[]>('configurations') ?? []
  ).filter((c) => c && typeof c === 'object' && typeof c.type === 'string' && c.request !== 'attach');
  if (configs.length === 0) {
    ctx.prompter.info(
      vscode.l10n.t(
        'Kagi: {0} has no launch configuration to run. Add one in .vscode/launch.json (Run > Add Configuration…).',
        v.folder.name,
      ),
    );
    return false;
  }
  const picked = await ctx.prompter.pick(
    configs.map((c, i) => ({ label: String(c.name ?? c.type), id: i, description: c.type })),
    {
      title: noDebug
        ? vscode.l10n.t('Run which launch configuration (without debugging)?')
        : vscode.l10n.t('Debug which launch configuration?'),
    },
  );
  if (picked === undefined) return false;
  const scope = await pickScope(ctx, v, vscode.l10n.t('With the secrets of which scope?'), {
    preferred: activeScope(ctx, v),
  });
  if (!scope) return false;
  const { service = '', env } = splitScope(scope);
  const kagi = { service, env };
  return vscode.debug.startDebugging(v.folder, { ...configs[picked]!, kagi }, { noDebug });
}

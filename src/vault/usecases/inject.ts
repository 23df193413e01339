// Secrets into processes, as pure functions: which scope a task or launch configuration asks
// for, and how a scope's secrets merge into a child environment or a debugger's launch
// configuration. Nothing here touches `vscode`, the disk or the console; no function mutates
// its input, and no error message ever contains a value.
import { KagiError } from '../errors';
import { isPlainObject } from '../format/encoding';
import type { Store } from '../format/store';
import { joinScope, servicesOf, splitScope } from '../scopes/names';

/** Key → value of one scope, in the order of the store. */
export type SecretEnv = Record<string, string>;

export function secretsOf(store: Store): SecretEnv {
  const out: SecretEnv = {};
  for (const [key, s] of store.secrets) out[key] = s.value;
  return out;
}

export interface MergeOptions {
  /** Windows environment names are case-insensitive: a secret `PATH` replaces a parent `Path`. */
  caseInsensitive?: boolean;
}

const defaultCaseInsensitive = () => process.platform === 'win32';

/**
 * The environment of a child process: the parent's plus the scope's, the secrets winning (as
 * `kagi run` does). Undefined parent entries (as in `process.env`) are dropped.
 */
export function mergeEnv(
  parent: Record<string, string | undefined>,
  secrets: SecretEnv,
  opts: MergeOptions = {},
): Record<string, string> {
  const ci = opts.caseInsensitive ?? defaultCaseInsensitive();
  const upper = ci ? new Set(Object.keys(secrets).map((k) => k.toUpperCase())) : undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) {
    if (v === undefined) continue;
    if (upper?.has(k.toUpperCase())) continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(secrets)) out[k] = v;
  return out;
}

/** How a debugger takes its environment. */
export type LaunchEnvShape =
  /** `env: {K: V}`: node, pwa-node, python, debugpy, go, codelldb (`lldb`), php, java, … */
  | 'object'
  /** `environment: [{name, value}]`: cppdbg, cppvsdbg. */
  | 'nameValueList'
  /** `env: ["K=V"]`: lldb-dap, lldb-vscode. */
  | 'stringList';

const NAME_VALUE_TYPES = new Set(['cppdbg', 'cppvsdbg']);
const STRING_LIST_TYPES = new Set(['lldb-dap', 'lldb-vscode']);

/**
 * The shape the configuration already uses wins (a list `env` or an `environment` list), then
 * the debugger type, then the common `env` object.
 */
export function launchEnvShape(config: { type?: unknown; env?: unknown; environment?: unknown }): LaunchEnvShape {
  if (Array.isArray(config.environment)) return 'nameValueList';
  if (Array.isArray(config.env)) return config.env.every((e) => typeof e === 'string') ? 'stringList' : 'nameValueList';
  const type = typeof config.type === 'string' ? config.type : '';
  if (NAME_VALUE_TYPES.has(type)) return 'nameValueList';
  if (STRING_LIST_TYPES.has(type)) return 'stringList';
  return 'object';
}

export interface InjectResult<C> {
  /** A copy of the configuration with the secrets merged in; the input is left untouched. */
  config: C;
  shape: LaunchEnvShape;
  /** Secret keys that were added. */
  injected: string[];
  /** Secret keys the configuration already set (its value was kept). */
  shadowed: string[];
}

/**
 * Merges secrets into a launch configuration in the debugger's own shape. Variables the
 * configuration sets itself win over secrets (including `null`, which some debuggers read as
 * "unset"). The `kagi` property is removed from the copy: debuggers would ignore it, but the
 * resolved configuration must not ask for injection twice.
 */
export function injectIntoLaunchConfig<C extends Record<string, unknown>>(
  config: C,
  secrets: SecretEnv,
  opts: MergeOptions = {},
): InjectResult<C> {
  const ci = opts.caseInsensitive ?? defaultCaseInsensitive();
  const norm = (k: string) => (ci ? k.toUpperCase() : k);
  const shape = launchEnvShape(config);
  const copy: Record<string, unknown> = { ...config };
  delete copy.kagi;
  const injected: string[] = [];
  const shadowed: string[] = [];
  const split = (taken: Set<string>) => {
    for (const k of Object.keys(secrets)) (taken.has(norm(k)) ? shadowed : injected).push(k);
  };

  if (shape === 'object') {
    const own = isPlainObject(config.env) ? config.env : {};
    split(new Set(Object.keys(own).map(norm)));
    const env: Record<string, unknown> = {};
    for (const k of injected) env[k] = secrets[k];
    Object.assign(env, own);
    copy.env = env;
  } else if (shape === 'nameValueList') {
    const field = Array.isArray(config.environment) || !Array.isArray(config.env) ? 'environment' : 'env';
    const own = (Array.isArray(config[field]) ? (config[field] as unknown[]) : []).map((e) =>
      isPlainObject(e) ? { ...e } : e,
    );
    split(new Set(own.flatMap((e) => (isPlainObject(e) && typeof e.name === 'string' ? [norm(e.name)] : []))));
    copy[field] = [...injected.map((k) => ({ name: k, value: secrets[k] })), ...own];
  } else {
    const own = Array.isArray(config.env) ? config.env.map(String) : [];
    split(new Set(own.map((e) => norm(e.includes('=') ? e.slice(0, e.indexOf('=')) : e))));
    copy.env = [...injected.map((k) => `${k}=${secrets[k]}`), ...own];
  }
  return { config: copy as C, shape, injected, shadowed };
}

/** What a task or launch configuration asks for: `true`, `"api/production"` or `{service, env}`. */
export interface InjectionRequest {
  service?: string;
  env?: string;
}

/**
 * Reads the `kagi` property of a launch configuration. undefined/false: no injection.
 * Throws a KagiError for a malformed value.
 */
export function parseKagiProperty(value: unknown): InjectionRequest | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return {};
  if (typeof value === 'string') {
    const { service, env } = splitScope(value);
    return { ...(service !== undefined ? { service } : {}), env };
  }
  if (isPlainObject(value)) {
    const out: InjectionRequest = {};
    for (const field of ['service', 'env'] as const) {
      const v = value[field];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        throw new KagiError(
          'usage',
          `"kagi.${field}" must be a string`,
          'write "kagi": {"service": "api", "env": "development"}, or "kagi": true for the active scope',
        );
      }
      out[field] = v;
    }
    return out;
  }
  throw new KagiError(
    'usage',
    '"kagi" must be true, a scope like "api/production", or {"service", "env"}',
    'write "kagi": {"service": "api", "env": "development"}, or "kagi": true for the active scope',
  );
}

export interface ScopeContext {
  /** Restricted Mode: false refuses everything. */
  trusted: boolean;
  /** Every scope of the vault (kagi.json). */
  scopes: string[];
  /** The workspace's active environment (default for tasks and debugging). */
  activeEnv: string;
  /** The service inferred from the working folder, if any. */
  inferredService?: string;
  /** What is being done, for messages ("Running task X"). */
  action?: string;
}

/**
 * Picks the scope a request means. The service: the explicit one (`""` = the root scope),
 * else the one inferred from the folder, else the vault's only service, else the root scope
 * when it exists for that env. The env: the explicit one, else the active one.
 */
export function resolveScope(req: InjectionRequest, c: ScopeContext): string {
  if (!c.trusted) {
    throw new KagiError(
      'usage',
      `${c.action ?? 'injecting secrets'} is disabled in Restricted Mode`,
      'trust this workspace (Manage Workspace Trust) to decrypt or run secrets',
    );
  }
  const env = req.env || c.activeEnv;
  let service = req.service;
  if (service === undefined) {
    const services = servicesOf(c.scopes);
    if (c.inferredService !== undefined && services.includes(c.inferredService)) service = c.inferredService;
    else if (services.length === 1) service = services[0];
    else if (c.scopes.includes(env)) service = '';
    else if (services.length === 0) {
      throw new KagiError(
        'scope-not-found',
        `the vault has no scope for environment ${env}`,
        `existing scopes: ${c.scopes.join(', ') || '(none)'}`,
      );
    } else {
      throw new KagiError(
        'usage',
        `the vault has several services (${services.join(', ')}) and none was given`,
        'say which one, e.g. "kagi": {"service": "' + services[0] + '"} (or "service" in the task)',
      );
    }
  }
  const scope = joinScope(service || undefined, env);
  if (!c.scopes.includes(scope)) {
    throw new KagiError(
      'scope-not-found',
      `scope ${scope} does not exist`,
      `existing scopes: ${c.scopes.join(', ') || '(none)'}; create it with \`kagi set ${service ? service + ' ' : ''}${env} KEY VALUE\``,
    );
  }
  return scope;
}

// How a `kagi` task starts its program: directly unless it needs a shell.
const SHELL_SYNTAX = /[\s|&;<>()$`\\"'*?[\]#~=%!{}]/;

/** Whether a task needs a shell: `shell` when given; else a command line without `args`
 * (spaces or shell syntax); else on Windows anything but .exe/.com (.cmd/.bat need cmd.exe). */
export function needsShell(
  def: { command: string; args?: string[]; shell?: boolean },
  platform = process.platform,
): boolean {
  if (typeof def.shell === 'boolean') return def.shell;
  if (def.args === undefined && SHELL_SYNTAX.test(def.command)) return true;
  if (platform === 'win32' && !/\.(exe|com)$/i.test(def.command)) return true;
  return false;
}

/**
 * Quotes an argument for the shell spawn() uses: sh -c on POSIX (exact); cmd.exe on Windows
 * (double quotes, `\"` inside; cmd may still expand %VAR% in an argument: use "shell": false
 * with an .exe for arguments that must pass untouched).
 */
export function shellQuote(arg: string, platform = process.platform): string {
  if (platform === 'win32')
    return /^[\w@+=:,./\\-]+$/.test(arg) ? arg : `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

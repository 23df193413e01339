// The `kagi` property of a launch configuration and the debugger's own environment shape:
// editor-only knowledge (the CLI has no launch configurations). Pure, so it is unit-tested in
// plain Node; no function mutates its input, and no error message ever contains a value.
import {
  defaultCaseInsensitive,
  isPlainObject,
  KagiError,
  splitScope,
  type MergeOptions,
  type ScopeRequest,
  type SecretEnv,
} from '../vault';

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

/**
 * Reads the `kagi` property of a launch configuration. undefined/false: no injection.
 * Throws a KagiError for a malformed value.
 */
export function parseKagiProperty(value: unknown): ScopeRequest | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return {};
  if (typeof value === 'string') {
    const { service, env } = splitScope(value);
    return { ...(service !== undefined ? { service } : {}), env };
  }
  if (isPlainObject(value)) {
    const out: ScopeRequest = {};
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

/** Reads a `"files"` property: an object of VARIABLE → selector (name, `repo:<path>`, `home:<path>`). */
export function parseFilesProperty(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const hint = 'write "files": {"GOOGLE_APPLICATION_CREDENTIALS": "repo:sa.json"}';
  if (!isPlainObject(value)) throw new KagiError('usage', '"files" must be an object of VARIABLE: file name', hint);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' || v === '') throw new KagiError('usage', `"files.${k}" must be a file name`, hint);
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The wrapper debug type: `"type": "kagi"` names or embeds the configuration to run with secrets. */
export const WRAPPER_TYPE = 'kagi';

const WRAPPER_HINT =
  'write "configuration": "<name of another launch configuration>", or "launch": {"type": "node", …}';

/**
 * A `"type": "kagi"` configuration as the one it wraps, asking for injection. Every debugger
 * validates launch.json against its own schema, and no extension can add a property to all of
 * them, so `"kagi": …` inside a node configuration is flagged "Property kagi is not allowed".
 * The wrapper type is ours: its schema (package.json `debuggers`) declares `configuration`,
 * `launch`, `service` and `env`, so it validates. It returns the wrapped configuration under the
 * wrapper's name with `kagi: {service?, env?}`; VS Code then resolves it as that debugger's,
 * and the `*` provider injects as for the inline `"kagi"` form (which keeps working).
 */
export function unwrapKagiLaunch(
  wrapper: Record<string, unknown>,
  configurations: unknown[],
): Record<string, unknown> & { type: string } {
  const named = wrapper.configuration;
  const embedded = wrapper.launch;
  if ((named === undefined) === (embedded === undefined)) {
    throw new KagiError(
      'usage',
      `"${String(wrapper.name)}": give exactly one of "configuration" or "launch"`,
      WRAPPER_HINT,
    );
  }
  let target: unknown = embedded;
  if (named !== undefined) {
    if (typeof named !== 'string') throw new KagiError('usage', '"configuration" must be a name', WRAPPER_HINT);
    target = configurations.find((c) => isPlainObject(c) && c.name === named && c.type !== WRAPPER_TYPE);
    if (target === undefined) {
      throw new KagiError(
        'usage',
        `no launch configuration named "${named}" to run with secrets`,
        'name one of the other configurations of this launch.json',
      );
    }
  }
  if (!isPlainObject(target) || typeof target.type !== 'string' || target.type === WRAPPER_TYPE) {
    throw new KagiError('usage', '"launch" must be a configuration of another debugger, with its "type"', WRAPPER_HINT);
  }
  const kagi = {
    ...parseKagiProperty({ service: wrapper.service, env: wrapper.env })!,
    // files as paths ride along; the `*` provider reads them from `kagi.files` as for the inline form
    ...(wrapper.files !== undefined ? { files: wrapper.files } : {}),
  };
  return { ...target, type: target.type, name: wrapper.name ?? target.name, kagi };
}

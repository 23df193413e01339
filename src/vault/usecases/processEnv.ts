// Secrets into processes: a scope's secrets as an environment, merged over a parent's (as
// `kagi run`, tasks and terminals do). Pure; no function mutates its input, and no error message
// ever contains a value. How a debugger wants them (launch shapes) is the editor's business:
// src/extension/launchConfig.ts.

/** Key → value of one scope, in the order of the store. */
export type SecretEnv = Record<string, string>;

/** The environment `fill` hands its names and values to (a store's text read without building one: `readScopeEnv`). */
export function secretEnv(fill: (add: (key: string, value: string) => void) => void): SecretEnv {
  const out: SecretEnv = {};
  fill((key, value) => setOwn(out, key, value));
  return out;
}

/**
 * `env.__proto__ = v` would set a prototype and lose the variable; a defined property is a
 * variable. `__proto__` is Object.prototype's only accessor, so every other name is assigned:
 * defining each property instead took a fifth of a launch's injection (bench `inject_vs_json_parse`).
 */
function setOwn(env: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
  else env[key] = value;
}

export interface MergeOptions {
  /** Windows environment names are case-insensitive: a secret `PATH` replaces a parent `Path`. */
  caseInsensitive?: boolean;
}

export const defaultCaseInsensitive = () => process.platform === 'win32';

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
    setOwn(out, k, v);
  }
  for (const [k, v] of Object.entries(secrets)) setOwn(out, k, v);
  return out;
}

import { KagiError } from '../errors';
import type { ProjectConfig } from '../format/projectConfig';
import { joinScope, validateScope } from './names';

/**
 * The positional grammar of docs/format.md §8.6: how `set api production K V`,
 * `get api K` or `run api node x` name a scope. Pure: the caller supplies
 * the configured envs and the scopes that exist.
 */
export interface GrammarContext {
  envs: string[];
  defaultEnv: string;
  scopes: string[];
  /** `--service` or the inferred service */
  service?: string;
  /** true when `service` came from inference only (no `--service`) */
  inferred?: boolean;
}

export function grammarContext(cfg: ProjectConfig, service?: string, inferred?: boolean): GrammarContext {
  const ctx: GrammarContext = {
    envs: [...cfg.settings.envs],
    defaultEnv: cfg.settings.defaultEnv,
    scopes: Object.keys(cfg.services).sort(),
  };
  if (service !== undefined) ctx.service = service;
  if (inferred) ctx.inferred = true;
  return ctx;
}

/** "x is an env": configured, or the scope `service/x` (root `x` without service) exists. */
export function isEnvOf(ctx: GrammarContext, x: string, service?: string): boolean {
  return ctx.envs.includes(x) || ctx.scopes.includes(joinScope(service, x));
}

function exists(ctx: GrammarContext, scope: string): boolean {
  return ctx.scopes.includes(scope);
}

function usage(message: string, hint: string): KagiError {
  return new KagiError('usage', message, hint);
}

function tooMany(command: string, expected: string): KagiError {
  return usage(`too many arguments for ${command}`, `expected ${expected}`);
}

/** `set` and `import`: where the values go. */
export function resolveSetScope(ctx: GrammarContext, positionals: string[]): string {
  const S = ctx.service;
  if (S !== undefined) {
    if (positionals.length > 1) throw tooMany('set', '[env] KEY VALUE when a service is given or inferred');
    return validateScope(joinScope(S, positionals[0] ?? ctx.defaultEnv));
  }
  const [a, b] = positionals;
  if (positionals.length > 2) throw tooMany('set', '[service] [env] KEY VALUE');
  if (a === undefined) {
    // No root default on purpose (as Rust): a bare `set K V` at the root is ambiguous.
    throw usage(
      'no scope given: outside a service folder, name the service or environment',
      `e.g. \`set api K V\` (api/${ctx.defaultEnv}) or \`set ${ctx.envs[0] ?? ctx.defaultEnv} K V\` (root scope)`,
    );
  }
  if (b !== undefined) return validateScope(joinScope(a, b));
  return validateScope(ctx.envs.includes(a) ? a : joinScope(a, ctx.defaultEnv));
}

export type GetTarget =
  | { kind: 'all' }
  | { kind: 'service'; service: string }
  | { kind: 'scope'; scope: string }
  | { kind: 'key'; scope: string; key: string };

/** `get` and `unset`. */
export function resolveGetTarget(ctx: GrammarContext, positionals: string[]): GetTarget {
  const S = ctx.service;
  return S !== undefined ? getWithService(ctx, S, positionals) : getAtRoot(ctx, positionals);
}

function getWithService(ctx: GrammarContext, S: string, pos: string[]): GetTarget {
  const [x, k] = pos;
  if (pos.length > 2) throw tooMany('get', '[env] [KEY] when a service is given or inferred');
  if (x === undefined) return { kind: 'service', service: S };
  if (k === undefined) {
    return isEnvOf(ctx, x, S)
      ? { kind: 'scope', scope: joinScope(S, x) }
      : { kind: 'key', scope: joinScope(S, ctx.defaultEnv), key: x };
  }
  if (ctx.inferred && !isEnvOf(ctx, x, S)) {
    // With an inferred service, `get a b` must not silently read service "a": say so.
    throw usage(
      `${x} is not an environment of service ${S}`,
      `configured environments: ${ctx.envs.join(', ') || '(none)'}; use --service to name another service`,
    );
  }
  return { kind: 'key', scope: joinScope(S, x), key: k };
}

function getAtRoot(ctx: GrammarContext, pos: string[]): GetTarget {
  const [x, y, k] = pos;
  if (pos.length > 3) throw tooMany('get', '[service] [env] [KEY]');
  if (x === undefined) return { kind: 'all' };
  if (y === undefined) return isEnvOf(ctx, x) ? { kind: 'scope', scope: x } : { kind: 'service', service: x };
  if (k !== undefined) return { kind: 'key', scope: joinScope(x, y), key: k };
  if (isEnvOf(ctx, x)) return { kind: 'key', scope: x, key: y };
  if (isEnvOf(ctx, y, x)) return { kind: 'scope', scope: joinScope(x, y) };
  return { kind: 'key', scope: joinScope(x, ctx.defaultEnv), key: y };
}

export type ExportTarget = { kind: 'scope'; scope: string } | { kind: 'service'; service: string };

export function resolveExportTarget(ctx: GrammarContext, positionals: string[]): ExportTarget {
  const S = ctx.service;
  const [a, b] = positionals;
  if (S !== undefined) {
    if (positionals.length > 1) throw tooMany('export', '[env] when a service is given or inferred');
    return a === undefined ? { kind: 'service', service: S } : { kind: 'scope', scope: joinScope(S, a) };
  }
  if (positionals.length > 2) throw tooMany('export', '[service] [env]');
  if (a === undefined) {
    throw usage(
      'no scope given to export',
      'name a service (`export api`), a scope (`export api production`) or a root environment',
    );
  }
  if (b !== undefined) return { kind: 'scope', scope: joinScope(a, b) };
  return ctx.envs.includes(a) ? { kind: 'scope', scope: a } : { kind: 'service', service: a };
}

export interface RunTarget {
  scope?: string;
  argv: string[];
  /** set when the program runs without secrets */
  notice?: string;
}

/**
 * `run`: `args` is everything after `run` and its flags. A literal `--` among the
 * first three arguments ends the scope part explicitly (`run api production -- node x`);
 * a later one belongs to the program (`run api node x.js -- --flag`). Without it the
 * scope part is guessed from which scopes exist, as Rust does.
 */
export function resolveRunTarget(ctx: GrammarContext, args: string[]): RunTarget {
  const dash = args.indexOf('--');
  const explicit = dash >= 0 && dash <= MAX_SCOPE_PART;
  const target = explicit ? explicitRunScope(ctx, args.slice(0, dash), args.slice(dash + 1)) : guessRunScope(ctx, args);
  if (target.argv.length === 0) {
    throw usage('no program to run', 'e.g. `run api production -- node server.js`');
  }
  return target;
}

/** `[service] [env]`: the scope part never has more than two words. */
const MAX_SCOPE_PART = 2;

function explicitRunScope(ctx: GrammarContext, part: string[], argv: string[]): RunTarget {
  const S = ctx.service;
  if (S !== undefined) {
    if (part.length > 1) throw tooMany('run', '[env] -- PROGRAM when a service is given or inferred');
    const scope = joinScope(S, part[0] ?? ctx.defaultEnv);
    if (part.length === 0 && ctx.inferred && !exists(ctx, scope)) return withoutSecrets(argv, scope);
    return { scope: validateScope(scope), argv };
  }
  const [a, b] = part;
  if (part.length > 2) throw tooMany('run', '[service] [env] -- PROGRAM');
  if (a === undefined) return withoutSecrets(argv);
  if (b !== undefined) return { scope: validateScope(joinScope(a, b)), argv };
  const scope = exists(ctx, a) || ctx.envs.includes(a) ? a : joinScope(a, ctx.defaultEnv);
  return { scope: validateScope(scope), argv };
}

function guessRunScope(ctx: GrammarContext, args: string[]): RunTarget {
  const S = ctx.service;
  const [a0, a1] = args;
  if (S !== undefined) {
    if (a0 !== undefined && isEnvOf(ctx, a0, S)) return { scope: joinScope(S, a0), argv: args.slice(1) };
    const scope = joinScope(S, ctx.defaultEnv);
    if (ctx.inferred && !exists(ctx, scope)) return withoutSecrets(args, scope);
    return { scope, argv: args };
  }
  if (a0 === undefined) return withoutSecrets(args);
  if (exists(ctx, a0)) return { scope: a0, argv: args.slice(1) };
  if (a1 !== undefined && (exists(ctx, joinScope(a0, a1)) || ctx.envs.includes(a1))) {
    return { scope: joinScope(a0, a1), argv: args.slice(2) };
  }
  const fallback = joinScope(a0, ctx.defaultEnv);
  if (exists(ctx, fallback)) return { scope: fallback, argv: args.slice(1) };
  return withoutSecrets(args);
}

function withoutSecrets(argv: string[], missing?: string): RunTarget {
  const notice = missing
    ? `scope ${missing} does not exist: running without secrets`
    : 'no scope matches these arguments: running without secrets (use `run <service> [env] -- <program>`)';
  return { argv, notice };
}

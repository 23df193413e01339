// "Which scope does this request mean?" — the one answer, for every front end.
//
// - CLI arguments: the positional grammar (scopes/grammar.ts, docs/format.md §8.6) over the
//   service given with --service or inferred from the working folder.
// - A task, a launch configuration or a terminal: `{service?, env?}` plus the folder the
//   process runs in (resolveProcessScope).
// - The editor: the service inferred from the active document's folder in the active
//   environment (preferredScope, activeScopes), and what a write may create (writableScopes).
// Inference is always scopes/inference.ts (monorepo mappings, nested services, docs/format.md §8.5).
import * as path from 'node:path';
import { KagiError } from '../errors';
import type { Project } from '../project/project';
import { grammarContext, type GrammarContext } from '../scopes/grammar';
import { locate, type Location } from '../scopes/inference';
import { joinScope, servicesOf, splitScope, validateName } from '../scopes/names';

export {
  resolveExportTarget,
  resolveGetTarget,
  resolveRunTarget,
  resolveSetScope,
  type ExportTarget,
  type GetTarget,
  type GrammarContext,
  type RunTarget,
} from '../scopes/grammar';
export { locate, type Location } from '../scopes/inference';

/** Finds the vault for a working folder; a clear error when there is none. */
export function requireLocation(cwd: string): Location {
  const location = locate(cwd);
  if (!location) {
    throw new KagiError(
      'not-a-project',
      `no kagi vault in ${cwd} or any folder above it`,
      'run `kagi init` in your project root, or cd into a project that has a .kagi/ folder',
    );
  }
  return location;
}

/** The grammar for CLI positionals: `--service` wins over the service inferred from the folder. */
export function argumentGrammar(project: Project, location: Location, serviceFlag?: string): GrammarContext {
  if (serviceFlag !== undefined) validateName(serviceFlag, 'service');
  const service = serviceFlag ?? location.service;
  const inferred = serviceFlag === undefined && location.service !== undefined;
  return grammarContext(project.config(), service, inferred);
}

/** The service inferred for a folder, if that folder belongs to this vault. */
export function serviceAt(project: Project, dir: string): string | undefined {
  try {
    const loc = locate(dir);
    return loc && path.resolve(loc.root) === project.root ? loc.service : undefined;
  } catch {
    // an unreadable kagi.json elsewhere up the tree: no inference
    return undefined;
  }
}

/** What a task, launch configuration or terminal asks for: `true` = `{}`, `"api/production"`, `{service, env}`. */
export interface ScopeRequest {
  /** `""` is the root scope */
  service?: string;
  env?: string;
}

export interface ProcessContext {
  /** The environment used when the request names none (the editor's active one). */
  activeEnv: string;
  /** Where the process runs: its service is inferred from this folder. */
  cwd?: string;
}

/**
 * The scope a process request means. The service: the explicit one (`""` = the root scope),
 * else the one inferred from the folder, else the vault's only service, else the root scope
 * when it exists for that env. The env: the explicit one, else the active one.
 */
export function resolveProcessScope(project: Project, req: ScopeRequest, c: ProcessContext): string {
  const scopes = project.scopes();
  const env = req.env || c.activeEnv;
  const service = req.service ?? impliedService(project, scopes, env, c.cwd);
  const scope = joinScope(service || undefined, env);
  if (!scopes.includes(scope)) {
    throw new KagiError(
      'scope-not-found',
      `scope ${scope} does not exist`,
      `existing scopes: ${scopes.join(', ') || '(none)'}; create it with \`kagi set ${service ? service + ' ' : ''}${env} KEY VALUE\``,
    );
  }
  return scope;
}

function impliedService(project: Project, scopes: string[], env: string, cwd: string | undefined): string {
  const services = servicesOf(scopes);
  const inferred = serviceAt(project, cwd ?? project.root);
  if (inferred !== undefined && services.includes(inferred)) return inferred;
  if (services.length === 1) return services[0]!;
  if (scopes.includes(env)) return '';
  if (services.length === 0) {
    throw new KagiError(
      'scope-not-found',
      `the vault has no scope for environment ${env}`,
      `existing scopes: ${scopes.join(', ') || '(none)'}`,
    );
  }
  throw new KagiError(
    'usage',
    `the vault has several services (${services.join(', ')}) and none was given`,
    `say which one, e.g. "kagi": {"service": "${services[0]}"} (or "service" in the task)`,
  );
}

/** The folder's active scope (the active env of the only or inferred service); undefined when ambiguous. */
export function activeScope(project: Project, c: ProcessContext): string | undefined {
  try {
    return resolveProcessScope(project, {}, c);
  } catch {
    return undefined;
  }
}

/**
 * The scope a question offers first, always an existing one (so Enter never creates a scope):
 * the service of the document's folder in the active env, else the folder's active scope
 * (the only service, or the root scope), else the first scope of the active env, else the first.
 */
export function preferredScope(project: Project, activeEnv: string, dir: string | undefined): string | undefined {
  const scopes = project.scopes();
  const inferred = joinScope(dir === undefined ? undefined : serviceAt(project, dir), activeEnv);
  if (scopes.includes(inferred)) return inferred;
  return (
    activeScope(project, { activeEnv, cwd: dir }) ?? scopes.find((s) => splitScope(s).env === activeEnv) ?? scopes[0]
  );
}

/**
 * The scopes code in a document reads in the active environment: the inferred service's
 * scope, or at the root of a vault without inference every scope of the active env (root
 * scope first), so a single-service repo still completes.
 */
export function activeScopes(project: Project, scopes: string[], activeEnv: string, dir: string | undefined): string[] {
  const service = dir === undefined ? undefined : serviceAt(project, dir);
  if (service) return [joinScope(service, activeEnv)];
  return scopes
    .filter((s) => splitScope(s).env === activeEnv)
    .sort((a, b) => (a === activeEnv ? -1 : b === activeEnv ? 1 : a.localeCompare(b)));
}

/** Every scope a secret can go to: existing ones plus each service's and the root's configured envs. */
export function writableScopes(scopes: string[], envs: string[]): string[] {
  const out = new Set(scopes);
  for (const service of servicesOf(scopes)) for (const env of envs) out.add(joinScope(service, env));
  for (const env of envs) out.add(env);
  return [...out].sort();
}

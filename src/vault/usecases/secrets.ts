import { KagiError } from '../errors';
import { isWellFormedText } from '../format/encoding';
import { emptyStore, INVALID_SECRET_NAME, type Secret, type Store } from '../format/store';
import type { Project } from '../project/project';
import type { ProjectConfig } from '../format/projectConfig';
import type { Transaction } from '../project/transaction';
import { joinScope, normalizeKey, servicesOf, splitScope } from '../scopes/names';
import type { ScopeKeys } from './scopeKeys';
import { readKeyNames } from './keyNames';
import { secretEnv, type SecretEnv } from './processEnv';

export interface SecretInput {
  key: string;
  value: string;
  /** undefined keeps the current description; null removes it */
  description?: string | null;
}

export interface SetResult {
  scope: string;
  added: string[];
  updated: string[];
}

/** Keys end up as environment variable names: refuse what no process could receive. */
export function validateSecretKey(key: string): string {
  if (INVALID_SECRET_NAME.test(key)) {
    throw new KagiError(
      'bad-name',
      `invalid secret name ${JSON.stringify(key)}`,
      'use a name without "=", NUL or line breaks, e.g. DATABASE_URL',
    );
  }
  return key;
}

/** Values are text: refuse what would come back changed from any file or process. */
export function validateSecretValue(key: string, value: string): string {
  if (value.includes('\0')) {
    // An environment variable ends at NUL: `run` could not pass it, nor a .env file hold it.
    throw new KagiError(
      'bad-value',
      `the value of ${key} holds a NUL character, which no environment variable can carry`,
      'set it again without it; binary data belongs in base64',
    );
  }
  if (!isWellFormedText(value)) {
    throw new KagiError(
      'bad-value',
      `the value of ${key} is not valid Unicode text (it holds a lone surrogate)`,
      'set it again from its source; binary data belongs in base64',
    );
  }
  return value;
}

export async function setSecrets(project: Project, scope: string, inputs: SecretInput[]): Promise<SetResult> {
  inputs.forEach((i) => validateSecretValue(validateSecretKey(i.key), i.value));
  return project.mutate(async (tx) => {
    const store = await tx.readOrEmpty(scope);
    const result = applyInputs(store, inputs);
    await precreateServiceEnvs(tx, scope);
    await tx.write(scope, store);
    return { scope, ...result };
  });
}

function applyInputs(store: Store, inputs: SecretInput[]): { added: string[]; updated: string[] } {
  const added: string[] = [];
  const updated: string[] = [];
  for (const input of inputs) {
    const existing = store.secrets.get(input.key);
    (existing ? updated : added).push(input.key);
    const description = input.description === undefined ? existing?.description : (input.description ?? undefined);
    store.secrets.set(input.key, {
      key: input.key,
      value: input.value,
      extra: existing?.extra ?? {},
      ...(description !== undefined ? { description } : {}),
    });
  }
  return { added, updated };
}

/** Removes keys; returns those that existed. Nothing is written when none did. */
export async function unsetSecrets(project: Project, scope: string, keys: string[]): Promise<string[]> {
  return project.mutate(async (tx) => {
    const store = await tx.read(scope);
    const removed = keys.filter((k) => store.secrets.delete(k));
    if (removed.length > 0) await tx.write(scope, store);
    return removed;
  });
}

/**
 * Before writing `service/env`, Rust makes sure `service/<e>` exists for every
 * configured env, so listings agree between the two tools.
 */
export async function precreateServiceEnvs(tx: Transaction, scope: string): Promise<void> {
  const { service } = splitScope(scope);
  if (service === undefined) return;
  for (const env of tx.config.settings.envs) {
    const s = joinScope(service, env);
    if (s !== scope && !tx.config.services[s]) await tx.write(s, emptyStore(s));
  }
}

/** Decrypts every scope (or the given ones); the first failure aborts with its file named. */
export async function readScopes(project: Project, only?: string[]): Promise<Map<string, Store>> {
  return mapScopes(project, only, (cfg, scope, key) => project.readScope(cfg, scope, key));
}

/**
 * One scope's secrets as a process's environment (`kagi run`, tasks, launches, terminals),
 * read straight from the decrypted text: no store is built, so a launch pays for the names and
 * values only (bench `inject_vs_json_parse`).
 */
export async function readScopeEnv(project: Project, scope: string): Promise<SecretEnv> {
  const envs = await mapScopes(project, [scope], (cfg, s, key) =>
    secretEnv((add) => project.visitScopeValues(s, key, project.sealedScope(cfg, s), add)),
  );
  return envs.get(scope)!;
}

/** kagi.json and the project key, after any interrupted rotation is finished. */
async function unlock(project: Project): Promise<{ cfg: ProjectConfig; key: Uint8Array }> {
  await project.recover();
  const cfg = project.config();
  return { cfg, key: (await project.key(cfg)).key };
}

/** `read` of each scope (all when `only` is undefined), after any interrupted rotation is finished. */
async function mapScopes<T>(
  project: Project,
  only: string[] | undefined,
  read: (cfg: ProjectConfig, scope: string, key: Uint8Array) => T,
): Promise<Map<string, T>> {
  const { cfg, key } = await unlock(project);
  const out = new Map<string, T>();
  for (const scope of only ?? project.scopes(cfg)) out.set(scope, read(cfg, scope, key));
  return out;
}

/** How every front end shows a value it doesn't reveal (CLI tables, tree, team view). */
export const MASK = '********';

/**
 * The secret a person means by `key` in a store: the exact name first, else the UPPER_SNAKE
 * form `set` would have stored it under (`db-url` finds `DB_URL`). One rule for get, unset,
 * reveal and copy, in the CLI and the editor alike.
 */
export function findSecret(store: Store, scope: string, key: string): Secret {
  const secret = store.secrets.get(key) ?? store.secrets.get(normalizeKey(key));
  if (!secret) {
    throw new KagiError(
      'key-not-found',
      `${key} is not set in ${scope}`,
      `list the keys (\`kagi get ${scope}\` or the Kagi view); someone may have removed it`,
    );
  }
  return secret;
}

/**
 * One secret, for an explicit, confirmed reveal or copy. Callers hand the value straight to
 * the person; it is never cached, logged or put in an error.
 */
export async function readSecret(
  project: Project,
  scope: string,
  key: string,
): Promise<{ key: string; value: string }> {
  const store = (await readScopes(project, [scope])).get(scope)!;
  const { key: name, value } = findSecret(store, scope, key);
  return { key: name, value };
}

/** What a listing or export covers: everything, one service's scopes, or one scope. */
export type ScopeSelection = { kind: 'all' } | { kind: 'service'; service: string } | { kind: 'scope'; scope: string };

/** Decrypts the selected scopes; a service that has none is an error naming the ones that exist. */
export async function readSelection(project: Project, target: ScopeSelection): Promise<Map<string, Store>> {
  return readScopes(project, selectedScopes(project, target));
}

/**
 * The key names (and descriptions) of the selected scopes, checked as `readSelection` checks
 * them, without building the stores: no value is copied out of the decrypted text. What a
 * masked listing (`kagi get`) needs.
 */
export async function readSelectionKeys(project: Project, target: ScopeSelection): Promise<Map<string, ScopeKeys>> {
  const scopes = selectedScopes(project, target);
  const { cfg, key } = await unlock(project);
  return readKeyNames(project, cfg, key, { scopes });
}

/** The scopes a selection names (`undefined`: all); a service that has none is an error naming the ones that exist. */
function selectedScopes(project: Project, target: ScopeSelection): string[] | undefined {
  if (target.kind === 'all') return undefined;
  if (target.kind === 'scope') return [target.scope];
  const scopes = project.scopes().filter((s) => splitScope(s).service === target.service);
  if (scopes.length === 0) {
    throw new KagiError(
      'scope-not-found',
      `service ${target.service} has no scopes`,
      `existing services: ${servicesOf(project.scopes()).join(', ') || '(none)'}; create one with \`kagi set ${target.service} KEY VALUE\``,
    );
  }
  return scopes;
}

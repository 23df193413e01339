import { KagiError } from '../errors';
import { isWellFormedText } from '../format/encoding';
import { emptyStore, type Store } from '../format/store';
import type { Project } from '../project/project';
import type { Transaction } from '../project/transaction';
import { joinScope, splitScope } from '../scopes/names';

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
  if (key === '' || /[=\0\r\n]/.test(key)) {
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
  for (const env of tx.cfg.settings.envs) {
    const s = joinScope(service, env);
    if (s !== scope && !tx.cfg.services[s]) await tx.write(s, emptyStore(s));
  }
}

/** Decrypts every scope (or the given ones); the first failure aborts with its file named. */
export async function readScopes(project: Project, only?: string[]): Promise<Map<string, Store>> {
  await project.recover();
  const cfg = project.config();
  const { key } = await project.key(cfg);
  const out = new Map<string, Store>();
  for (const scope of only ?? project.scopes(cfg)) out.set(scope, project.readScope(cfg, scope, key));
  return out;
}

export const MASK = '********';

import { KagiError } from '../errors';
import { isPlainObject, parseJsonFile, type JsonDepth } from './encoding';
import { pickExtra } from './projectConfig';

/** The decrypted content of one scope. */
export interface Store {
  name: string;
  secrets: Map<string, Secret>;
  extra: Record<string, unknown>;
}

export interface Secret {
  key: string;
  value: string;
  description?: string;
  extra: Record<string, unknown>;
}

/**
 * Names no process could receive: `A=B` would reach a child as `A` = `B=…`, NUL ends the
 * variable, a line break splits a .env line. Refused by `set` and in stores others wrote.
 */
export const INVALID_SECRET_NAME = /^$|[=\0\r\n]/;

export function emptyStore(scope: string): Store {
  return { name: scope, secrets: new Map(), extra: {} };
}

/** Errors here describe shape only: the text is decrypted and must never be quoted. */
export function parseStore(text: string, file: string): Store {
  const secrets = new Map<string, Secret>();
  const raw = visitStore(text, file, 'limited', (mapKey, s) => {
    // Lookups use the map key; a writer that let secret.key drift is repaired here.
    const secret: Secret = {
      key: mapKey,
      value: s.value as string,
      extra: pickExtra(s, ['key', 'value', 'description']),
    };
    if (typeof s.description === 'string') secret.description = s.description;
    secrets.set(mapKey, secret);
  });
  return { name: raw.name as string, secrets, extra: pickExtra(raw, ['name', 'secrets']) };
}

/**
 * Each secret's name and description, checked as `parseStore` checks them, without building
 * the store: a listing of names (the tree, `kagi get`'s masked table) never holds a value
 * object or a map of secrets (bench `tree_vs_open_list`). Unknown fields are dropped, so their
 * depth is not limited (`JsonDepth`): a store `set` would refuse still lists.
 */
export function visitStoreKeys(text: string, file: string, visit: (key: string, description?: string) => void): void {
  visitStore(text, file, 'any', (mapKey, s) =>
    visit(mapKey, typeof s.description === 'string' ? s.description : undefined),
  );
}

/**
 * Each secret's name and value, checked as `parseStore` checks them, without building the
 * store: what a process's environment needs (bench `inject_vs_json_parse`). Depth as in
 * `visitStoreKeys`.
 */
export function visitStoreValues(text: string, file: string, visit: (key: string, value: string) => void): void {
  visitStore(text, file, 'any', (mapKey, s) => visit(mapKey, s.value as string));
}

/** Parses and checks a decrypted store, handing each secret to `visit`; returns the top-level object. */
function visitStore(
  text: string,
  file: string,
  depth: JsonDepth,
  visit: (mapKey: string, secret: Record<string, unknown>) => void,
): Record<string, unknown> {
  const bad = (message: string) =>
    new KagiError('bad-store', `${file}: decrypted content ${message}`, 'restore the file from Git');
  const raw = parseJsonFile(text, file, 'bad-store', depth);
  if (!isPlainObject(raw)) throw bad('is not an object');
  if (typeof raw.name !== 'string') throw bad('has no "name"');
  if (!isPlainObject(raw.secrets)) throw bad('has no "secrets" object');
  // Keys, not entries: no pair array per secret (bench `inject_vs_json_parse`).
  for (const mapKey of Object.keys(raw.secrets)) {
    const s = raw.secrets[mapKey];
    if (INVALID_SECRET_NAME.test(mapKey)) {
      throw bad(
        `has a secret named ${JSON.stringify(mapKey)}, which no process can receive (empty, "=", NUL or a line break)`,
      );
    }
    if (!isPlainObject(s) || typeof s.value !== 'string') throw bad(`has a non-string value for ${mapKey}`);
    if (s.description !== undefined && s.description !== null && typeof s.description !== 'string') {
      throw bad(`has a non-string description for ${mapKey}`);
    }
    visit(mapKey, s);
  }
  return raw;
}

/** Compact JSON, keys sorted, `name` always the scope being written. */
export function serializeStore(scope: string, store: Store): string {
  // No prototype: a secret named `__proto__` is written like any other, not swallowed.
  const secrets: Record<string, unknown> = Object.create(null);
  for (const key of [...store.secrets.keys()].sort()) {
    const s = store.secrets.get(key)!;
    const out: Record<string, unknown> = { key, value: s.value };
    if (s.description !== undefined) out.description = s.description;
    secrets[key] = { ...out, ...s.extra };
  }
  return JSON.stringify({ name: scope, secrets, ...store.extra });
}

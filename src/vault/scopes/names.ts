import { KagiError } from '../errors';

/** A scope is `service/env` or a bare root `env`. The service is the text before the first `/`. */
export interface ScopeParts {
  service?: string;
  env: string;
}

export function splitScope(scope: string): ScopeParts {
  const i = scope.indexOf('/');
  return i < 0 ? { env: scope } : { service: scope.slice(0, i), env: scope.slice(i + 1) };
}

export function joinScope(service: string | undefined, env: string): string {
  return service ? `${service}/${env}` : env;
}

/** Service and env names: stricter than Rust, which lets `/` create ambiguous scopes. */
export function validateName(name: string, what: 'service' | 'environment'): string {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name) || /[\0-\x1f]/.test(name)) {
    throw new KagiError(
      'bad-name',
      `invalid ${what} name ${JSON.stringify(name)}`,
      `use a ${what} name without "/" or "\\" that is not empty, "." or ".."`,
    );
  }
  return name;
}

export function validateScope(scope: string): string {
  const parts = scope.split('/');
  if (parts.length > 2) {
    throw new KagiError(
      'bad-name',
      `invalid scope ${JSON.stringify(scope)}`,
      'a scope is "service/env" or a bare "env"',
    );
  }
  if (parts.length === 2) validateName(parts[0]!, 'service');
  validateName(parts[parts.length - 1]!, 'environment');
  return scope;
}

/** Store paths from kagi.json are read only if they stay inside `secrets/`. */
export function isSafeSecretsPath(file: string): boolean {
  if (!file.startsWith('secrets/') || file.includes('\\')) return false;
  return file.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export function storeFileFor(scope: string): string {
  return `secrets/${scope}.enc`;
}

const UPPER_SNAKE = /^[A-Z_][A-Z0-9_]*$/;

/** `set`/`get` key normalization of the Rust CLI: `abc-d` → `ABC_D`, `__x` → `X`. */
export function normalizeKey(key: string): string {
  if (UPPER_SNAKE.test(key)) return key;
  const snake = key
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return snake === '' ? key : snake;
}

/** Services are derived from scopes that contain a `/`. */
export function servicesOf(scopes: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const s of scopes) {
    const { service } = splitScope(s);
    if (service !== undefined) set.add(service);
  }
  return [...set].sort();
}

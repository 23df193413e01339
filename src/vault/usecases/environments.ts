import { KagiError } from '../errors';
import type { ProjectConfig } from '../format/projectConfig';
import { emptyStore } from '../format/store';
import type { Project } from '../project/project';
import { joinScope, servicesOf, splitScope, validateName, validateScope } from '../scopes/names';

/** `env add E`: configures E and gives every existing service an empty `S/E` (docs/format.md §8.4). */
export async function addEnv(project: Project, name: string): Promise<string[]> {
  validateName(name, 'environment');
  return project.mutate(async (tx) => {
    const cfg = tx.editConfig();
    const services = servicesOf(project.scopes(cfg));
    if (services.includes(name)) {
      throw new KagiError(
        'conflict',
        `${name} is already the name of a service`,
        'pick another environment name: positional arguments could not tell the two apart',
      );
    }
    const missing = services.map((s) => joinScope(s, name)).filter((scope) => !cfg.services[scope]);
    for (const scope of missing) await tx.write(scope, emptyStore(scope));
    if (!cfg.settings.envs.includes(name)) cfg.settings.envs.push(name);
    return missing;
  });
}

/** Scopes that belong to env `env`: the root scope `env` and every `S/env`. */
export function scopesOfEnv(cfg: ProjectConfig, env: string): string[] {
  return Object.keys(cfg.services)
    .filter((scope) => splitScope(scope).env === env)
    .sort();
}

function requireConfigured(cfg: ProjectConfig, env: string): void {
  if (!cfg.settings.envs.includes(env)) {
    throw new KagiError(
      'usage',
      `environment ${env} is not configured`,
      `configured environments: ${cfg.settings.envs.join(', ') || '(none)'}`,
    );
  }
}

/**
 * `env rename OLD NEW`. The AAD binds each store to its scope name, so every
 * store is decrypted and sealed again under the new name; old files go last,
 * after kagi.json points at the new ones.
 */
export async function renameEnv(project: Project, from: string, to: string): Promise<{ from: string; to: string }[]> {
  validateName(from, 'environment');
  validateName(to, 'environment');
  if (from === to) return [];
  return project.mutate(async (tx) => {
    const cfg = tx.editConfig();
    requireConfigured(cfg, from);
    if (cfg.settings.envs.includes(to)) {
      throw new KagiError('conflict', `environment ${to} already exists`, 'remove it first, or choose another name');
    }
    const moves = scopesOfEnv(cfg, from).map((scope) => ({
      from: scope,
      to: joinScope(splitScope(scope).service, to),
    }));
    const taken = moves.filter((m) => cfg.services[m.to]).map((m) => m.to);
    if (taken.length > 0) {
      throw new KagiError(
        'conflict',
        `cannot rename ${from} to ${to}: ${taken.join(', ')} already exist`,
        'move or remove those scopes first',
      );
    }
    // Every store is read before any is written: a store that doesn't open stops the rename untouched.
    const stores = await Promise.all(moves.map((m) => tx.read(m.from)));
    for (const [i, m] of moves.entries()) await tx.write(m.to, stores[i]!);
    for (const m of moves) tx.remove(m.from);
    cfg.settings.envs = cfg.settings.envs.map((e) => (e === from ? to : e));
    if (cfg.settings.defaultEnv === from) cfg.settings.defaultEnv = to;
    return moves;
  });
}

/** `env remove E`: deletes root `E` and every `S/E`; the default env cannot go. */
export async function removeEnv(project: Project, name: string): Promise<string[]> {
  validateName(name, 'environment');
  return project.mutate(async (tx) => {
    const cfg = tx.editConfig();
    if (cfg.settings.defaultEnv === name) {
      throw new KagiError(
        'conflict',
        `${name} is the default environment`,
        'rename another environment to be the default first, or keep this one',
      );
    }
    requireConfigured(cfg, name);
    const doomed = scopesOfEnv(cfg, name);
    for (const scope of doomed) tx.remove(scope);
    cfg.settings.envs = cfg.settings.envs.filter((e) => e !== name);
    return doomed;
  });
}

/**
 * `scope remove SCOPE`: deletes one scope (a root `E` or a `S/E`), e.g. one created by mistake.
 * A scope that still holds secrets is refused unless `force`: removing it deletes them, and
 * that should be a decision, not a slip. The env stays configured (other scopes may use it).
 */
export async function removeScope(project: Project, scope: string, opts: { force?: boolean } = {}): Promise<number> {
  validateScope(scope);
  return project.mutate(async (tx) => {
    if (!tx.config.services[scope]) {
      throw new KagiError(
        'scope-not-found',
        `scope ${scope} does not exist`,
        `existing scopes: ${project.scopes(tx.config).join(', ') || '(none)'}`,
      );
    }
    const count = (await tx.read(scope)).secrets.size;
    if (count > 0 && !opts.force) {
      throw new KagiError(
        'conflict',
        `scope ${scope} still holds ${count} secret${count === 1 ? '' : 's'}`,
        'delete them first (`kagi unset`), or pass --force to delete the scope with its secrets',
      );
    }
    tx.remove(scope);
    return count;
  });
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKagiError, KagiError } from './errors';
import { readArtifact, readArtifactIndex } from './project/artifacts';
import { removeFile, TEMP_NAME } from './disk/files';
import type { ProjectConfig } from './format/projectConfig';
import type { Project } from './project/project';
import { listMembers } from './members';
import { describeChange, reviewContext, reviewMembership } from './team/review';

export type CheckLevel = 'ok' | 'warn' | 'error';

/** One line of `kagi doctor`: what was checked, how it went, what to do. Never a value. */
export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  hint?: string;
}

const ok = (name: string, detail: string): Check => ({ name, level: 'ok', detail });

function failed(name: string, e: unknown, level: CheckLevel = 'error'): Check {
  if (!isKagiError(e)) throw e;
  return { name, level, detail: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

/**
 * The Rust CLI's `doctor` checks (docs/format.md §11.1), read-only: kagi.json, access.json,
 * secrets/, a pending rotation, the key, every scope and the files/ artifacts;
 * and ours: temp files a killed write left in .kagi/.
 */
export async function diagnose(project: Project): Promise<Check[]> {
  let cfg: ProjectConfig;
  try {
    cfg = project.config();
  } catch (e) {
    return [failed('kagi.json', e)];
  }
  const checks = [
    ok('kagi.json', `version ${cfg.version}, ${project.scopes(cfg).length} scope(s)`),
    accessCheck(project),
    secretsDirCheck(project, cfg),
    journalCheck(project),
    tempsCheck(project),
  ];
  let key: Uint8Array;
  try {
    const resolved = await project.key(cfg);
    key = resolved.key;
    checks.push(ok('key', `from ${resolved.source}`));
  } catch (e) {
    return [...checks, failed('key', e)];
  }
  return [
    ...checks,
    await membershipCheck(project, cfg, key),
    storesCheck(project, cfg, key),
    artifactsCheck(project, cfg, key),
  ];
}

function accessCheck(project: Project): Check {
  try {
    const { members } = project.access();
    const count = (s: string) => members.filter((m) => m.status === s).length;
    return ok('access.json', `${count('active')} active, ${count('pending')} pending, ${count('removed')} removed`);
  } catch (e) {
    return failed('access.json', e);
  }
}

/**
 * Active entries that nothing this device wrote, approved or confirmed accounts
 * for (team/review.ts): a warning, since another owner's approval looks the same
 * as a forged entry until someone checks.
 */
async function membershipCheck(project: Project, cfg: ProjectConfig, key: Uint8Array): Promise<Check> {
  const name = 'members';
  try {
    const review = reviewMembership(await reviewContext(project, cfg.projectId, key), project.access());
    const n = review.changes.length;
    // Only an owner's device wraps the key for others; elsewhere this is information.
    if (n > 0 && !(await listMembers(project)).canManage)
      return ok(
        name,
        `${n} active entr${n === 1 ? 'y' : 'ies'} not verified on this device (not an owner here; owners check them)`,
      );
    if (n === 0)
      return ok(
        name,
        review.firstUse ? 'only this device is active' : 'every active entry was approved or confirmed on this device',
      );
    const lines = review.changes.map((c) => describeChange(c)).join('; ');
    return {
      name,
      level: 'warn',
      detail: review.firstUse
        ? `no record of this project's members on this device; ${n} active entr${n === 1 ? 'y' : 'ies'} never verified here: ${lines}`
        : `${n} active entr${n === 1 ? 'y' : 'ies'} that no approval on this device accounts for: ${lines}`,
      hint: review.firstUse
        ? 'compare each fingerprint with its member through another channel; your next approve or remove asks you to trust them (trust on first use)'
        : 'check `git log -p .kagi/` for who added or changed them; a legitimate one (approved by another owner) is confirmed at your next approve or remove',
    };
  } catch (e) {
    return failed(name, e, 'warn');
  }
}

function secretsDirCheck(project: Project, cfg: ProjectConfig): Check {
  if (fs.existsSync(project.file('secrets'))) return ok('secrets/', 'present');
  if (project.scopes(cfg).length === 0)
    return {
      name: 'secrets/',
      level: 'warn',
      detail: 'missing (no scope yet)',
      hint: 'the first `kagi set` creates it',
    };
  return {
    name: 'secrets/',
    level: 'error',
    detail: 'missing although kagi.json lists scopes',
    hint: 'restore .kagi/secrets/ from Git',
  };
}

function journalCheck(project: Project): Check {
  try {
    if (!project.journal()) return ok('rotation', 'none pending');
    return {
      name: 'rotation',
      level: 'error',
      detail: 'an interrupted key rotation is pending',
      hint: 'run `kagi doctor --fix` to finish it',
    };
  } catch (e) {
    return failed('rotation', e);
  }
}

/** Deeper than any store or artifact path (secrets/<service>/<env>.enc, nested services). */
const MAX_DEPTH = 16;

/**
 * Temp files under .kagi/ (relative, `/`-separated), left by a write that was
 * killed (or, for a moment, one in progress). Never scopes, but `git add .kagi`
 * would commit them.
 */
export function leftoverTemps(project: Project): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      // Links are never followed: a committed link could point anywhere, or at itself.
      if (e.isDirectory() && depth < MAX_DEPTH) walk(path.join(dir, e.name), child, depth + 1);
      else if (e.isFile() && TEMP_NAME.test(e.name)) out.push(child);
    }
  };
  walk(project.kagiDir, '', 0);
  return out.sort();
}

/** Deletes the leftover temps inside the project lock, so no live writer's temp goes. */
export function removeLeftoverTemps(project: Project): Promise<string[]> {
  return project.mutate(async () => {
    const temps = leftoverTemps(project);
    for (const rel of temps) removeFile(project.file(rel));
    return temps;
  });
}

function tempsCheck(project: Project): Check {
  const temps = leftoverTemps(project);
  if (temps.length === 0) return ok('temp files', 'none');
  const shown =
    temps
      .slice(0, 3)
      .map((t) => `.kagi/${t}`)
      .join(', ') + (temps.length > 3 ? ', …' : '');
  return {
    name: 'temp files',
    level: 'warn',
    detail: `${temps.length} left by an interrupted write: ${shown}`,
    hint: 'run `kagi doctor --fix` to delete them; do not commit them',
  };
}

/** Scopes that do not open with `key`, each with why. */
export function failingScopes(project: Project, cfg: ProjectConfig, key: Uint8Array): Map<string, KagiError> {
  const out = new Map<string, KagiError>();
  for (const scope of project.scopes(cfg)) {
    try {
      project.readScope(cfg, scope, key);
    } catch (e) {
      if (!isKagiError(e)) throw e;
      out.set(scope, e);
    }
  }
  return out;
}

function storesCheck(project: Project, cfg: ProjectConfig, key: Uint8Array): Check {
  const failing = failingScopes(project, cfg, key);
  if (failing.size === 0) return ok('stores', `all ${project.scopes(cfg).length} scope(s) decrypt`);
  const [first] = failing.values();
  return {
    name: 'stores',
    level: 'error',
    detail: `${failing.size} scope(s) do not decrypt: ${[...failing.keys()].join(', ')} (${first!.message})`,
    ...(first!.hint ? { hint: first!.hint } : {}),
  };
}

function artifactsCheck(project: Project, cfg: ProjectConfig, key: Uint8Array): Check {
  try {
    const index = readArtifactIndex(project, cfg, key);
    if (!index) return ok('files/', 'none');
    for (const entry of index) readArtifact(project, cfg, key, entry.id);
    return ok('files/', `${index.length} artifact(s) decrypt`);
  } catch (e) {
    return failed('files/', e);
  }
}

import { KagiError } from '../errors';
import { isPlainObject, parseJsonFile } from './encoding';

/** `.kagi/kagi.json`, typed, with every field we don't know kept for the next write. */
export interface ProjectConfig {
  version: string;
  projectId: string;
  /** scope → store file, relative to `.kagi/` */
  services: Record<string, ServiceEntry>;
  settings: Settings;
  extra: Record<string, unknown>;
}

export interface ServiceEntry {
  file: string;
  extra: Record<string, unknown>;
}

export interface Settings {
  nested: boolean | string[];
  envs: string[];
  defaultEnv: string;
  /** opaque; preserved verbatim */
  sync?: unknown;
  monorepo?: Monorepo;
  extra: Record<string, unknown>;
}

export interface Monorepo {
  maxDepth: number;
  services: { path: string; service: string }[];
}

const FILE = 'kagi.json';

/**
 * Bounds on what a committed kagi.json may ask of every command (docs/security.md, "Bounds and
 * special files"): each scope is a store some commands open, each environment a store every
 * `set` in a service writes, each mapping a path compared on every inference.
 */
export const MAX_SCOPES = 10_000;
export const MAX_ENVS = 100;
export const MAX_MONOREPO_MAPPINGS = 10_000;
const SUPPORTED_VERSIONS = ['2', '3'];
const KNOWN_TOP = ['version', 'project_id', 'services', 'settings'];
const KNOWN_SETTINGS = ['nested', 'envs', 'default_env', 'sync', 'monorepo'];
const FILE_ONLY = ['file'];

function bad(message: string): KagiError {
  return new KagiError('bad-config', `kagi.json: ${message}`, 'fix .kagi/kagi.json or restore it from Git');
}

export function parseProjectConfig(text: string): ProjectConfig {
  const raw = parseJsonFile(text, FILE, 'bad-config');
  if (!isPlainObject(raw)) throw bad('the top level must be an object');
  const version = raw.version;
  if (typeof version !== 'string' || !SUPPORTED_VERSIONS.includes(version)) {
    throw bad(`unsupported version ${JSON.stringify(version)} (expected "2" or "3")`);
  }
  return {
    version,
    projectId: parseProjectId(raw.project_id),
    services: parseServices(raw.services),
    settings: parseSettings(raw.settings),
    extra: pickExtra(raw, KNOWN_TOP),
  };
}

function parseProjectId(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw bad('project_id is missing or empty');
  // Ids are spliced into local file names: refuse anything that could walk a path.
  if (!/^kgp_[A-Za-z0-9_-]+$/.test(v)) throw bad(`project_id ${JSON.stringify(v)} is not a kagi project id`);
  return v;
}

function parseServices(v: unknown): Record<string, ServiceEntry> {
  if (!isPlainObject(v)) throw bad('services must be an object');
  // Keys, not entries, and each file case-folded once: every command parses kagi.json, and a
  // 600-scope one is most of what a `set` in a big vault costs above a small one (bench
  // `set_big_vs_small`).
  const scopes = Object.keys(v);
  assertAtMost(scopes.length, MAX_SCOPES, 'scopes in services');
  // No prototype: scopes named `constructor`, `toString` or `__proto__` are ordinary keys.
  const out: Record<string, ServiceEntry> = Object.create(null);
  const owners = new Map<string, string>();
  for (const scope of scopes) {
    const entry = v[scope];
    if (!isPlainObject(entry) || typeof entry.file !== 'string') {
      throw bad(`services[${JSON.stringify(scope)}] must be an object with a "file" string`);
    }
    // Two scopes on one file: removing either would delete the other's store. Compared
    // case-folded, as a case-insensitive disk (macOS, Windows) would see them.
    const folded = entry.file.toLowerCase();
    const same = owners.get(folded);
    if (same !== undefined) {
      throw bad(
        `scopes ${JSON.stringify(same)} and ${JSON.stringify(scope)} both name the file ${JSON.stringify(entry.file)}`,
      );
    }
    owners.set(folded, scope);
    out[scope] = { file: entry.file, extra: pickExtra(entry, FILE_ONLY) };
  }
  return out;
}

function parseSettings(v: unknown): Settings {
  if (v === undefined || v === null) {
    // Rust leaves default_env empty here and then builds invalid scopes; we don't.
    return { nested: false, envs: [], defaultEnv: 'development', extra: {} };
  }
  if (!isPlainObject(v)) throw bad('settings must be an object');
  const settings: Settings = {
    nested: parseNested(v.nested),
    envs: parseStringList(v.envs, 'settings.envs', MAX_ENVS),
    defaultEnv: v.default_env === undefined ? 'development' : parseString(v.default_env, 'settings.default_env'),
    extra: pickExtra(v, KNOWN_SETTINGS),
  };
  if (v.sync !== undefined && v.sync !== null) settings.sync = v.sync;
  if (v.monorepo !== undefined && v.monorepo !== null) settings.monorepo = parseMonorepo(v.monorepo);
  return settings;
}

function parseNested(v: unknown): boolean | string[] {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  return parseStringList(v, 'settings.nested');
}

function parseMonorepo(v: unknown): Monorepo {
  if (!isPlainObject(v)) throw bad('settings.monorepo must be an object');
  const maxDepth = v.max_depth;
  if (typeof maxDepth !== 'number' || !Number.isInteger(maxDepth) || maxDepth < 0) {
    throw bad('settings.monorepo.max_depth must be a whole number');
  }
  if (!Array.isArray(v.services)) throw bad('settings.monorepo.services must be a list');
  assertAtMost(v.services.length, MAX_MONOREPO_MAPPINGS, 'entries in settings.monorepo.services');
  const services = v.services.map((s, i) => {
    if (!isPlainObject(s) || typeof s.path !== 'string' || typeof s.service !== 'string') {
      throw bad(`settings.monorepo.services[${i}] needs "path" and "service" strings`);
    }
    // A mapping names a folder of the workspace: exports land there, so it must not leave it.
    if (!isInsideRelPath(s.path)) {
      throw bad(`settings.monorepo.services[${i}].path ${JSON.stringify(s.path)} leaves the project folder`);
    }
    return { path: s.path, service: s.service };
  });
  return { maxDepth, services };
}

function parseString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw bad(`${what} must be a string`);
  return v;
}

function parseStringList(v: unknown, what: string, max = MAX_SCOPES): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(`${what} must be a list of strings`);
  assertAtMost(v.length, max, `entries in ${what}`);
  return [...v];
}

function assertAtMost(count: number, max: number, what: string): void {
  if (count > max) throw bad(`${count} ${what}, more than the limit of ${max}`);
}

/**
 * Never above the project folder: no `..` segment. A leading `/` is fine: mappings are
 * relative to the project folder however they are written (Rust trims it, docs/format.md §8.5).
 */
function isInsideRelPath(p: string): boolean {
  return p.split(/[\\/]/).every((seg) => seg !== '..');
}

/** The fields a reader doesn't know, kept for the next write. Hot on big stores: no allocation when none. */
export function pickExtra(obj: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  let extra: Record<string, unknown> | undefined;
  for (const k in obj) {
    if (known.includes(k)) continue;
    // Defined, not assigned: a field named `__proto__` stays a field instead of becoming a prototype.
    Object.defineProperty((extra ??= {}), k, { value: obj[k], enumerable: true, writable: true, configurable: true });
  }
  return extra ?? NO_EXTRA;
}

/** Shared and frozen, so a writer that mutates `extra` by mistake fails loudly. */
const NO_EXTRA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** serde_json-pretty bytes, Rust's field order, scopes sorted, unknown fields kept last. */
export function serializeProjectConfig(cfg: ProjectConfig): string {
  const services: Record<string, unknown> = Object.create(null);
  for (const scope of Object.keys(cfg.services).sort()) {
    const entry = cfg.services[scope]!;
    services[scope] = { file: entry.file, ...entry.extra };
  }
  const s = cfg.settings;
  const settings: Record<string, unknown> = { nested: s.nested, envs: s.envs, default_env: s.defaultEnv };
  if (s.sync !== undefined) settings.sync = s.sync;
  if (s.monorepo) {
    settings.monorepo = {
      max_depth: s.monorepo.maxDepth,
      services: s.monorepo.services.map((m) => ({ path: m.path, service: m.service })),
    };
  }
  Object.assign(settings, s.extra);
  return JSON.stringify({ version: cfg.version, project_id: cfg.projectId, services, settings, ...cfg.extra }, null, 2);
}

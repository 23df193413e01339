import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Monorepo, ProjectConfig } from '../format/projectConfig';
import { normalizeRelPath } from '../scopes/inference';
import { joinScope } from '../scopes/names';

/** A `.env*` file `init` offers to import (docs/format.md §9.4). `file` is absolute. */
export interface DiscoveredEnvFile {
  file: string;
  scope: string;
  /** `.env.example` and friends: lowest priority, only fill missing keys */
  template: boolean;
}

/** Entry depth as Rust's `WalkDir::max_depth(4)`: a root file has depth 1. */
export const DISCOVERY_MAX_DEPTH = 4;
const SKIPPED = new Set(['node_modules', '.git', 'target', 'dist', 'build', '.next', 'out', 'vendor']);
const TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);
const ENV_SUFFIX = /^[A-Za-z0-9_-]+$/;

/** The env a file name stands for, or undefined when it is not a `.env*` file we import. */
export function envForFileName(name: string, cfg: ProjectConfig): { env: string; template: boolean } | undefined {
  if (name === '.env') return { env: 'development', template: false };
  if (TEMPLATES.has(name)) return { env: 'development', template: true };
  if (!name.startsWith('.env.')) return undefined;
  const suffix = name.slice('.env.'.length);
  return cfg.settings.envs.includes(suffix) || ENV_SUFFIX.test(suffix) ? { env: suffix, template: false } : undefined;
}

export function discoverEnvFiles(
  root: string,
  cfg: ProjectConfig,
): { files: DiscoveredEnvFile[]; monorepo?: Monorepo } {
  const found: { rel: string; name: string; env: string; template: boolean }[] = [];
  walk(path.resolve(root), '', 1, (rel, name) => {
    const hit = envForFileName(name, cfg);
    if (hit) found.push({ rel, name, ...hit });
  });
  const folders = [...new Set(found.map((f) => f.rel).filter((r) => r !== ''))].sort();
  const names = serviceNames(folders, cfg);
  const files = found
    .map((f) => ({
      file: path.join(path.resolve(root), ...f.rel.split('/').filter((s) => s !== ''), f.name),
      scope: joinScope(f.rel === '' ? undefined : names.get(f.rel), f.env),
      template: f.template,
    }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (cfg.settings.nested !== true) return { files };
  const monorepo: Monorepo = {
    maxDepth: DISCOVERY_MAX_DEPTH,
    services: folders.map((p) => ({ path: p, service: names.get(p)! })),
  };
  return { files, monorepo };
}

function walk(dir: string, rel: string, depth: number, onFile: (rel: string, name: string) => void): void {
  if (depth > DISCOVERY_MAX_DEPTH) return;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folders are skipped, as Rust's walker does
  }
  for (const e of entries) {
    if (SKIPPED.has(e.name)) continue;
    if (e.isDirectory()) walk(path.join(dir, e.name), rel === '' ? e.name : `${rel}/${e.name}`, depth + 1, onFile);
    else if (e.isFile()) onFile(rel, e.name);
  }
}

/**
 * Folder → service: an existing monorepo mapping wins; otherwise the segments
 * joined by `-` (`apps/api` → `apps-api`), and names that collide each get
 * a `-<6 hex>` suffix from the path so the mapping stays stable.
 */
function serviceNames(folders: string[], cfg: ProjectConfig): Map<string, string> {
  const mapped = new Map((cfg.settings.monorepo?.services ?? []).map((m) => [normalizeRelPath(m.path), m.service]));
  const base = new Map(folders.map((f) => [f, mapped.get(f) ?? f.split('/').join('-')]));
  const counts = new Map<string, number>();
  for (const name of base.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const [folder, name] of base) {
    const collides = (counts.get(name) ?? 0) > 1 && !mapped.has(folder);
    out.set(folder, collides ? `${name}-${pathSuffix(folder)}` : name);
  }
  return out;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/** FNV-1a-64 over the path (UTF-8, `\` → `/`), low 24 bits as `%06x`, as Rust names colliding services. */
export function pathSuffix(relPath: string): string {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(relPath.replace(/\\/g, '/'), 'utf8')) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK_64;
  }
  return (h & 0xffffffn).toString(16).padStart(6, '0');
}

import * as path from 'node:path';
import { isKagiError } from '../errors';
import { MAX_CONFIG_BYTES, readTextIfExists } from '../disk/files';
import type { ProjectConfig } from '../format/projectConfig';
import { findProjectRoot, KAGI_DIR } from '../project/project';
import { sharedConfig } from '../project/sharedConfig';

/** Where a command runs: the project root and, if the folder implies one, a service (docs/format.md §8.5). */
export interface Location {
  root: string;
  service?: string;
}

export function locate(cwd: string): Location | undefined {
  const start = path.resolve(cwd);
  const root = findProjectRoot(start);
  if (root === undefined) return undefined;
  if (root === start) return { root };
  const cfg = readConfigQuietly(root);
  const service = cfg ? inferService(cfg, relativeSegments(root, start)) : undefined;
  return service === undefined ? { root } : { root, service };
}

/** A broken kagi.json must not stop a command from finding its project; the command reports it later. */
function readConfigQuietly(root: string): ProjectConfig | undefined {
  try {
    // The command's own read of kagi.json then finds this parse, if the text is the same.
    const file = path.join(root, KAGI_DIR, 'kagi.json');
    const text = readTextIfExists(file, { maxBytes: MAX_CONFIG_BYTES });
    return text === undefined ? undefined : sharedConfig(file, text);
  } catch (e) {
    if (isKagiError(e)) return undefined;
    throw e;
  }
}

function relativeSegments(root: string, dir: string): string {
  return path
    .relative(root, dir)
    .split(path.sep)
    .filter((s) => s !== '')
    .join('/');
}

/** `rel` is the working folder relative to the root, `/`-separated. */
export function inferService(cfg: ProjectConfig, rel: string): string | undefined {
  if (rel === '') return undefined;
  return mappedService(cfg, rel) ?? nestedService(cfg.settings.nested, rel);
}

export function normalizeRelPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
}

function isUnder(rel: string, prefix: string): boolean {
  return rel === prefix || rel.startsWith(prefix + '/');
}

/** Monorepo mappings: the most specific path wins; ties go to the last one, as Rust's `max_by_key`. */
function mappedService(cfg: ProjectConfig, rel: string): string | undefined {
  let best: { segments: number; service: string } | undefined;
  for (const m of cfg.settings.monorepo?.services ?? []) {
    const p = normalizeRelPath(m.path);
    if (p === '' || !isUnder(rel, p)) continue;
    const segments = p.split('/').length;
    if (!best || segments >= best.segments) best = { segments, service: m.service };
  }
  return best?.service;
}

function nestedService(nested: boolean | string[], rel: string): string | undefined {
  const allowed =
    nested === true ||
    (Array.isArray(nested) &&
      nested.some((n) => {
        const p = normalizeRelPath(n);
        return p !== '' && isUnder(rel, p);
      }));
  return allowed ? rel.split('/')[0] : undefined;
}

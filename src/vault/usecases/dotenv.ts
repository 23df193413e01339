import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { writeDotenvFile } from '../dotenv/file';
import { gitIgnoreState, type IgnoreState } from '../git/ignore';
import type { Store } from '../format/store';
import type { Project } from '../project/project';
import { splitScope, validateScope } from '../scopes/names';
import {
  precreateServiceEnvs,
  readScopes,
  readSelection,
  validateSecretKey,
  validateSecretValue,
  type ScopeSelection,
} from './secrets';
import { formatDotenv } from '../dotenv/format';
import type { DotenvEntry } from '../dotenv/parse';

/* Moving .env content into and out of a scope: export, and import as plan then apply. */

/** `.env.<env>` for `--out` (docs/format.md §9.2): the env is the part after the first `/`. */
export function exportFileName(scope: string): string {
  const { env } = splitScope(scope);
  if (env.includes('/')) {
    throw new KagiError(
      'bad-name',
      `scope ${scope} has no single environment name to use in a file name`,
      'export it to stdout instead',
    );
  }
  return `.env.${env}`;
}

/** One `.env` file an export would write, prepared before anything is revealed or written. */
export interface ExportFile {
  scope: string;
  file: string;
  /** the plaintext: held in memory until written, never logged */
  text: string;
  /** an existing file would be replaced */
  replaces: boolean;
  /** asked of Git before writing, so the confirmation can say it */
  gitignore: IgnoreState;
}

/** A scope's secrets as `.env` text (for stdout, or a file). */
export async function exportText(project: Project, scope: string): Promise<string> {
  const store = (await readScopes(project, [scope])).get(scope)!;
  return formatDotenv(store.secrets.values());
}

/**
 * `.env.<env>` files in `dir` for the selected scopes: decrypted and formatted in one read (one
 * key unwrap), with whether Git would ignore each target, so both front ends can warn before
 * writing rather than after.
 */
export async function planExport(project: Project, selection: ScopeSelection, dir: string): Promise<ExportFile[]> {
  const stores = await readSelection(project, selection);
  const out: ExportFile[] = [];
  for (const [scope, store] of stores) {
    const file = path.resolve(dir, exportFileName(scope));
    const text = formatDotenv(store.secrets.values());
    out.push({ scope, file, text, replaces: fs.existsSync(file), gitignore: await gitIgnoreState(file) });
  }
  return out;
}

/** Writes planned exports (0600, atomically; see writeDotenvFile). */
export function writeExport(files: ExportFile[]): void {
  for (const f of files) writeDotenvFile(f.file, f.text);
}

export interface ImportPlan {
  scope: string;
  added: string[];
  overwritten: string[];
  unchanged: string[];
  entries: DotenvEntry[];
}

/** Compares the entries with what the scope holds now; writes nothing. */
export async function planImport(project: Project, scope: string, entries: DotenvEntry[]): Promise<ImportPlan> {
  validateScope(scope);
  const unique = dedupe(entries);
  unique.forEach((e) => validateSecretValue(validateSecretKey(e.key), e.value));
  const cfg = project.config();
  const current = cfg.services[scope] ? project.readScope(cfg, scope, (await project.key(cfg)).key) : undefined;
  return compare(scope, unique, current);
}

function dedupe(entries: DotenvEntry[]): DotenvEntry[] {
  const m = new Map<string, DotenvEntry>();
  for (const e of entries) {
    m.delete(e.key);
    m.set(e.key, e);
  }
  return [...m.values()];
}

function compare(scope: string, entries: DotenvEntry[], store: Store | undefined): ImportPlan {
  const plan: ImportPlan = { scope, added: [], overwritten: [], unchanged: [], entries };
  for (const e of entries) {
    const existing = store?.secrets.get(e.key);
    if (!existing) plan.added.push(e.key);
    else if (existing.value === e.value && existing.description === e.description) plan.unchanged.push(e.key);
    else plan.overwritten.push(e.key);
  }
  return plan;
}

/**
 * Applies a plan against the scope as it is now (re-read under the lock), so a
 * change made since the preview is never overwritten unasked.
 */
export async function applyImport(
  project: Project,
  plan: Pick<ImportPlan, 'scope' | 'entries'>,
  opts: { overwrite: boolean },
): Promise<ImportPlan> {
  validateScope(plan.scope);
  const entries = dedupe(plan.entries);
  entries.forEach((e) => validateSecretValue(validateSecretKey(e.key), e.value));
  return project.mutate(async (tx) => {
    const cfg = tx.config;
    const store = await tx.readOrEmpty(plan.scope);
    const now = compare(plan.scope, entries, cfg.services[plan.scope] ? store : undefined);
    if (!opts.overwrite && now.overwritten.length > 0) {
      throw new KagiError(
        'conflict',
        `importing into ${plan.scope} would overwrite ${now.overwritten.join(', ')}`,
        'review the differences, then import with --force (overwrite) to replace them',
      );
    }
    if (cfg.services[plan.scope] && now.added.length === 0 && now.overwritten.length === 0) return now;
    for (const e of entries) {
      const extra = store.secrets.get(e.key)?.extra ?? {};
      // As Rust: the description comes from the file, or is removed.
      store.secrets.set(e.key, {
        key: e.key,
        value: e.value,
        extra,
        ...(e.description !== undefined ? { description: e.description } : {}),
      });
    }
    await precreateServiceEnvs(tx, plan.scope);
    await tx.write(plan.scope, store);
    return now;
  });
}

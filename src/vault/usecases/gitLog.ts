// `kagi log`: which keys changed in which commit, by whom. Names and fingerprints only.
import { isShallow } from '../git/history';
import { gitTopLevel } from '../git/run';
import { printable } from '../git/sealed';
import { StoreDigests, type KeyChange } from '../git/storeDigests';
import { WalkCache } from '../git/walkCache';
import type { Head } from '../git/head';
import { kagiDirInRepo, pathInRepo, splitStorePath } from '../git/vaultPath';
import type { Project } from '../project/project';
import { KagiError } from '../errors';

export type { KeyChange } from '../git/storeDigests';

/** Commits whose store revisions are read from Git in one go (see keyHistory). */
const PREFETCH_COMMITS = 32;

export interface ScopeChange {
  scope: string;
  changes: KeyChange[];
  /** why a side could not be read (then `changes` is empty) */
  unreadable?: string;
}

export interface LogEntry {
  commit: string;
  author: string;
  date: string;
  subject: string;
  scopes: ScopeChange[];
}

export interface KeyHistory {
  entries: LogEntry[];
  shallow: boolean;
}

export interface LogFilter {
  scope?: string;
  /** a service: every scope under it */
  service?: string;
  key?: string;
  /** one store file (absolute path), as the editor names it */
  file?: string;
  maxCount?: number;
}

/**
 * Newest first. Blobs are opened once per run and kept as digests (names and keyed
 * fingerprints) by blob id; values are dropped as soon as a blob is digested. `known`: what
 * the caller has already read (its digest reader, HEAD), so it is not read twice.
 */
export async function keyHistory(
  project: Project,
  filter: LogFilter = {},
  known: { reader?: StoreDigests; head?: Head } = {},
): Promise<KeyHistory> {
  const gitRoot = requireGitRoot(project);
  const kagiDir = kagiDirInRepo(gitRoot, project.kagiDir);
  // Git walks the history (unless this device made the same walk before: walkCache.ts) while
  // this process unwraps the key and reads the digest cache.
  const walks = new WalkCache(project.dataDir, project.projectId());
  const pathspec = pathspecOf(gitRoot, kagiDir, filter);
  const walk = walks.storeCommits(gitRoot, pathspec, filter.maxCount ?? 1000, known.head);
  walk.catch(() => undefined); // its error is thrown below, unless opening the digests fails first
  const digests = known.reader ?? (await StoreDigests.open(gitRoot, project));
  const commits = await walk;
  const entries: LogEntry[] = [];
  for (const [i, c] of commits.entries()) {
    // Blobs are read ahead a window of commits at a time: one Git process per window, and at
    // most a window's stores in memory (a store may be megabytes; a history, a thousand commits).
    if (i % PREFETCH_COMMITS === 0) digests.prefetch(commits.slice(i, i + PREFETCH_COMMITS).flatMap((t) => t.touches));
    const scopes: ScopeChange[] = [];
    for (const t of c.touches) {
      const scope = splitStorePath(t.path)?.scope;
      if (!scope) continue;
      const change = scopeChange(scope, await digests.changes(t.before, t.after, scope), filter.key);
      if (change) scopes.push(change);
    }
    if (scopes.length > 0)
      entries.push({
        commit: c.commit,
        author: printable(c.author, 100),
        date: c.date,
        subject: printable(c.subject),
        scopes,
      });
  }
  digests.save();
  walks.save();
  return { entries, shallow: walks.shallow ?? isShallow(gitRoot) };
}

function requireGitRoot(project: Project): string {
  const gitRoot = gitTopLevel(project.root);
  if (!gitRoot)
    throw new KagiError(
      'git',
      `${project.root} is not inside a Git repository`,
      'kagi log reads Git history: commit the vault first',
    );
  return gitRoot;
}

function pathspecOf(gitRoot: string, kagiDir: string, filter: LogFilter): string {
  if (filter.file) return pathInRepo(gitRoot, filter.file);
  if (filter.scope) return `${kagiDir}/secrets/${filter.scope}.enc`;
  return filter.service ? `${kagiDir}/secrets/${filter.service}` : `${kagiDir}/secrets`;
}

function scopeChange(scope: string, all: KeyChange[] | string, onlyKey?: string): ScopeChange | undefined {
  if (typeof all === 'string') return { scope, changes: [], unreadable: all };
  const changes = all.filter((c) => onlyKey === undefined || c.key === onlyKey);
  return changes.length > 0 ? { scope, changes } : undefined;
}

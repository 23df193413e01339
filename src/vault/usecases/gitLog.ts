// `kagi log`: which keys changed in which commit, by whom. Names and fingerprints only.
import { DigestCache, type Digest } from '../git/digestCache';
import { fingerprint, fingerprintKey } from '../git/fingerprint';
import { isShallow, storeCommits } from '../git/history';
import { KeyRing } from '../git/keyRing';
import { canonicalJson } from '../git/render';
import { gitTopLevel, readBlob } from '../git/run';
import { classifySealed, printable } from '../git/sealed';
import { kagiDirInRepo, splitStorePath } from '../git/vaultPath';
import type { Project } from '../project/project';
import { KagiError } from '../errors';

export interface KeyChange {
  op: '+' | '~' | '-';
  key: string;
}

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
  maxCount?: number;
}

/**
 * Newest first. Blobs are opened once per run and kept as digests (names and keyed
 * fingerprints) by blob id; values are dropped as soon as a blob is digested.
 */
export async function keyHistory(project: Project, filter: LogFilter = {}): Promise<KeyHistory> {
  const gitRoot = gitTopLevel(project.root);
  if (!gitRoot)
    throw new KagiError(
      'git',
      `${project.root} is not inside a Git repository`,
      'kagi log reads Git history: commit the vault first',
    );
  const kagiDir = kagiDirInRepo(gitRoot, project.kagiDir);
  const pathspec = filter.scope
    ? `${kagiDir}/secrets/${filter.scope}.enc`
    : filter.service
      ? `${kagiDir}/secrets/${filter.service}`
      : `${kagiDir}/secrets`;
  const ring = new KeyRing({ gitRoot, kagiDirs: [kagiDir], host: project.host, revisions: ['HEAD'] });
  const newest = await ring.newest();
  const fpKey = newest ? fingerprintKey(newest) : undefined;
  const cache = fpKey ? new DigestCache(project.dataDir, project.projectId(), fpKey) : undefined;
  const unreadable = new Map<string, string>();
  const digestOf = async (id: string, scope: string | undefined): Promise<Digest | string> => {
    const known = cache?.get(id) ?? unreadable.get(id);
    if (known !== undefined) return known;
    const result = await digest(id, scope);
    // Only what opened is kept on disk: a revision may open tomorrow (after a membership change).
    if (typeof result === 'string') unreadable.set(id, result);
    else cache?.set(id, result);
    return result;
  };
  const digest = async (id: string, scope: string | undefined): Promise<Digest | string> => {
    const bytes = readBlob(gitRoot, id);
    if (!bytes) return 'this revision is not in this clone';
    const blob = classifySealed(bytes);
    if (blob.kind !== 'store') return blob.kind === 'artifact' ? 'not a store' : blob.why;
    const opened = fpKey ? await ring.open(blob.envelope, [scope, blob.storedScope]) : undefined;
    if (!opened) return 'this device cannot open this revision';
    const d: Digest = new Map();
    for (const [k, s] of opened.store.secrets)
      d.set(k, fingerprint(fpKey!, canonicalJson([s.value, s.description ?? null, s.extra])));
    return d;
  };
  const entries: LogEntry[] = [];
  for (const c of storeCommits(gitRoot, pathspec, filter.maxCount ?? 1000)) {
    const scopes: ScopeChange[] = [];
    for (const t of c.touches) {
      const scope = splitStorePath(t.path)?.scope;
      if (!scope) continue;
      const before = t.before ? await digestOf(t.before, scope) : new Map<string, string>();
      const after = t.after ? await digestOf(t.after, scope) : new Map<string, string>();
      const change = compare(scope, before, after, filter.key);
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
  cache?.save();
  return { entries, shallow: isShallow(gitRoot) };
}

function compare(
  scope: string,
  before: Digest | string,
  after: Digest | string,
  onlyKey?: string,
): ScopeChange | undefined {
  if (typeof before === 'string' || typeof after === 'string') {
    return { scope, changes: [], unreadable: typeof after === 'string' ? after : (before as string) };
  }
  const changes: KeyChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    if (onlyKey !== undefined && key !== onlyKey) continue;
    const b = before.get(key);
    const a = after.get(key);
    if (b === a) continue;
    changes.push({ op: b === undefined ? '+' : a === undefined ? '-' : '~', key });
  }
  return changes.length > 0 ? { scope, changes } : undefined;
}

// "When did this key last change, and who changed it?" per key of one scope: the commits come
// from `kagi log`'s use case (the same digests, cached by blob id: names and fingerprints only).
import { headCommit } from '../git/head';
import { blobIdLike } from '../git/objectId';
import { compareDigests, StoreDigests, type Digest } from '../git/storeDigests';
import { pathInRepo } from '../git/vaultPath';
import { readFileBounded } from '../disk/files';
import { MAX_STORE_BYTES } from '../git/sealed';
import { blobId, gitRaw, gitTopLevel } from '../git/run';
import type { Project } from '../project/project';
import { keyHistory, type LogEntry } from './gitLog';

/**
 * Enough to answer for the keys people touch; older keys say "not within the last N". The
 * editor asks on hover, so the walk stays short even in a vault with years of history.
 */
export const LAST_CHANGE_DEPTH = 30;

export type KeyLastChange =
  | { kind: 'commit'; commit: string; author: string; date: string; subject: string }
  /** the working tree differs from HEAD for this key (or HEAD does not have it) */
  | { kind: 'worktree' }
  /** not within the last `depth` commits that touched the store */
  | { kind: 'older'; depth: number }
  /** this device cannot open a revision on the way (e.g. sealed under a key it never held) */
  | { kind: 'unreadable'; commit: string };

export interface ScopeLastChanges {
  /** why there is no answer at all: the vault is not in Git, or the scope has no store */
  unavailable?: 'not-in-git' | 'no-store';
  keys: Map<string, KeyLastChange>;
  shallow: boolean;
}

/** Answers by (scope, HEAD, working-tree blob): a hover after a commit or a write asks again. */
export type LastChangeMemo = Map<string, ScopeLastChanges>;
const MEMO_ENTRIES = 200;

export async function keyLastChanges(
  project: Project,
  scope: string,
  opts: { depth?: number; memo?: LastChangeMemo } = {},
): Promise<ScopeLastChanges> {
  const gitRoot = gitTopLevel(project.root);
  if (!gitRoot) return { unavailable: 'not-in-git', keys: new Map(), shallow: false };
  const entry = project.config().services[scope];
  const file = entry ? project.file(entry.file) : undefined;
  const bytes = file ? readFileBounded(file, { maxBytes: MAX_STORE_BYTES }) : undefined;
  if (!file || !bytes) return { unavailable: 'no-store', keys: new Map(), shallow: false };
  const rel = pathInRepo(gitRoot, file);
  // From the clone's files when it can (git/head.ts), and the blob id hashed here in HEAD's
  // object format (an empty repository asks Git): a hover asks both every time.
  const headNow = headCommit(gitRoot);
  const head = headNow?.commit;
  const worktreeId = head ? blobIdLike(head, bytes) : blobId(gitRoot, bytes);
  const depth = opts.depth ?? LAST_CHANGE_DEPTH;
  const memoKey = [scope, head ?? '', worktreeId, depth].join('\0');
  const known = opts.memo?.get(memoKey);
  if (known) return known;

  const digests = await StoreDigests.open(gitRoot, project);
  const worktree = await digests.of(worktreeId, scope, bytes);
  if (typeof worktree === 'string') return { unavailable: 'no-store', keys: new Map(), shallow: false };
  const headId = head ? revParse(gitRoot, `${head}:${rel}`) : undefined;
  const committed = headId ? await digests.of(headId, scope) : new Map<string, string>();
  const keys = new Map<string, KeyLastChange>();
  // Keys whose HEAD digest cannot be read are left to the history walk below.
  if (typeof committed !== 'string')
    for (const c of compareDigests(committed, worktree)) if (c.op !== '-') keys.set(c.key, { kind: 'worktree' });
  // keyHistory saves the reader's cache (the working tree's digest stays in it: the next commit is that blob).
  // It walks from the HEAD read above: the answer is remembered under that commit.
  const history = head
    ? await keyHistory(project, { file, maxCount: depth }, { reader: digests, head: headNow })
    : { entries: [], shallow: false };
  attribute(keys, worktree, history.entries, depth);
  const answer = { keys, shallow: history.shallow };
  remember(opts.memo, memoKey, answer);
  return answer;
}

/** Newest first: a key's last change is the newest entry that added or changed it. */
function attribute(keys: Map<string, KeyLastChange>, worktree: Digest, entries: LogEntry[], depth: number): void {
  const open = () => [...worktree.keys()].filter((k) => !keys.has(k));
  for (const e of entries) {
    const changes = e.scopes[0];
    if (!changes) continue;
    if (changes.unreadable) {
      for (const k of open()) keys.set(k, { kind: 'unreadable', commit: e.commit });
      return;
    }
    for (const c of changes.changes)
      if (c.op !== '-' && worktree.has(c.key) && !keys.has(c.key))
        keys.set(c.key, { kind: 'commit', commit: e.commit, author: e.author, date: e.date, subject: e.subject });
  }
  for (const k of open()) keys.set(k, { kind: 'older', depth });
}

function remember(memo: LastChangeMemo | undefined, key: string, answer: ScopeLastChanges): void {
  if (!memo) return;
  if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(key, answer);
}

/** An object id, or undefined when the revision (or the path in it) does not exist. */
function revParse(gitRoot: string, spec: string): string | undefined {
  const r = gitRaw(gitRoot, ['rev-parse', '--verify', '--quiet', spec]);
  return r.status === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

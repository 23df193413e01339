// The commits that touched a vault's stores, read from `git log --raw` (merges as combined diffs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitRaw, gitRawAsync, plainGitFolder } from './run';

export interface StoreTouch {
  path: string;
  /** blob before (first parent), undefined when the store was added */
  before?: string;
  /** blob after, undefined when the store was deleted */
  after?: string;
}

export interface CommitTouches {
  commit: string;
  author: string;
  date: string;
  subject: string;
  touches: StoreTouch[];
}

const RS = '\x1e';
const US = '\x1f';

/**
 * Newest first, from `from` (HEAD by default; a detached HEAD works the same); `pathspec` is a
 * store file or the secrets folder. walkCache.ts remembers walks by the commit they start from.
 */
export async function storeCommits(
  gitRoot: string,
  pathspec: string,
  maxCount: number,
  from = 'HEAD',
): Promise<CommitTouches[]> {
  const r = await gitRawAsync(gitRoot, [
    // History as committed: a local replace ref cannot rewrite who changed what.
    '--no-replace-objects',
    'log',
    `--max-count=${maxCount}`,
    `--format=${RS}%H${US}%an${US}%aI${US}%s`,
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--diff-merges=dense-combined',
    from,
    '--',
    pathspec,
  ]);
  // An empty repository (no HEAD yet) has no history: not an error.
  if (r.status !== 0) return [];
  return r.stdout
    .toString('utf8')
    .split(RS)
    .filter((chunk) => chunk.trim() !== '')
    .map(parseCommit);
}

function parseCommit(chunk: string): CommitTouches {
  const [head, ...rest] = chunk.split('\n');
  const [commit, author, date, subject] = head!.split(US);
  const touches: StoreTouch[] = [];
  for (const line of rest) {
    const t = parseRawLine(line);
    if (t) touches.push(t);
  }
  return { commit: commit!, author: author ?? '', date: date ?? '', subject: subject ?? '', touches };
}

/** `:m m a b M\tpath` or, for a merge, `::m m m a b c MM\tpath`: first parent's blob against the result. */
function parseRawLine(line: string): StoreTouch | undefined {
  const m = /^(:+)([^\t]*)\t(.*)$/.exec(line);
  if (!m) return undefined;
  const parents = m[1]!.length;
  const fields = m[2]!.trim().split(' ');
  const ids = fields.slice(parents + 1, parents * 2 + 2);
  const present = (id: string | undefined) => (id && !/^0+$/.test(id) ? id : undefined);
  const before = present(ids[0]);
  const after = present(ids[parents]);
  return { path: m[3]!, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

export function isShallow(gitRoot: string): boolean {
  // A clone's own .git folder says it without a Git process: a shallow one has a `shallow` file.
  const dotGit = plainGitFolder(gitRoot);
  if (dotGit) return fs.existsSync(path.join(dotGit, 'shallow'));
  const r = gitRaw(gitRoot, ['rev-parse', '--is-shallow-repository']);
  return r.status === 0 && r.stdout.toString('utf8').trim() === 'true';
}

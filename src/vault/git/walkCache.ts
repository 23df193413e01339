// `kagi log`'s walks of the history, in the device's data folder, one file per walk. A
// commit id names its whole history, so a walk from the same commit, of the same pathspec and
// depth, finds the same commits: a repeated `kagi log`, or the editor's "last changed" asking
// again, needs of Git only which commit HEAD is. What could change a walk without changing its
// start is in the key too: the clone's shallow boundary (a deepened clone walks further) and
// grafts. Replace refs are not followed by the walk at all (history.ts). Commit ids, authors,
// subjects and blob ids: what Git holds in the clear; never a value. One file per walk, named
// by its key: a run reads only the walk it needs, and a commit (a new HEAD, a new walk) adds one
// file instead of rewriting every walk kept. That new walk is mostly the kept walk of its parent:
// `extend` walks only the commits since (docs/git.md § 4).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextIfExists, removeFile, writeFileAtomic } from '../disk/files';
import { isPlainObject } from '../format/encoding';
import { storeCommits, type CommitTouches, type StoreTouch } from './history';
import { OBJECT_ID } from './objectId';
import { headCommit, type Head } from './head';
import { gitRaw } from './run';

/** Walks kept per project: the newest, for a few branches, pathspecs and depths. */
const MAX_WALKS = 32;
/** A kept walk of MAX_KEPT_COMMITS commits is well under this. */
const MAX_WALK_BYTES = 4 * 1024 * 1024;
const WALK_FILE = /^[0-9a-f]{64}\.json$/;
/** Commits since a kept walk that extend it (a pull of more walks everything again). */
const MAX_EXTENDED = 64;
/** A longer walk (a log asked for more than its default 1,000 commits) is not kept. */
const MAX_KEPT_COMMITS = 1_000;
/** A shallow file lists one commit per line: this is a million of them. */
const MAX_BOUNDARY_BYTES = 64 * 1024 * 1024;
/** Variables that move the shallow boundary or the grafts where the files cannot tell. */
const BOUNDARY_VARIABLES = ['GIT_SHALLOW_FILE', 'GIT_GRAFT_FILE'];

interface WalkStart {
  /** the commit HEAD named when the walk started */
  head: string;
  pathspec: string;
  maxCount: number;
  /** the bytes of the clone's `shallow` and `info/grafts` files ('' when absent) */
  boundary: string;
  /** the clone has a `shallow` file: Git's own test of a shallow repository */
  shallow: boolean;
}

export class WalkCache {
  private readonly dir: string;
  /** the walk this run made, written by save() */
  private made?: { id: string; commits: CommitTouches[] };
  /**
   * Whether the clone is shallow, as its files said when storeCommits read them; undefined when
   * it could not tell. Saves `kagi log` a `git rev-parse` outside a plain clone (isShallow).
   */
  shallow?: boolean;

  constructor(dataDir: string, projectId: string) {
    this.dir = path.join(dataDir, 'git-log', `${projectId}.walks`);
  }

  /**
   * storeCommits from HEAD: from this cache when the same walk is known, else the walk of a
   * recent ancestor extended by the commits since (extend), else all of it from Git.
   */
  async storeCommits(
    gitRoot: string,
    pathspec: string,
    maxCount: number,
    head = headCommit(gitRoot),
  ): Promise<CommitTouches[]> {
    const start = walkStart(pathspec, maxCount, head);
    if (!start) return storeCommits(gitRoot, pathspec, maxCount);
    this.shallow = start.shallow;
    const id = walkId(start);
    const known = this.read(id);
    if (known) return known;
    // From the commit the id names, not HEAD again: a commit made meanwhile is not in this walk.
    const commits =
      (await this.extend(gitRoot, start)) ?? (await storeCommits(gitRoot, pathspec, maxCount, start.head));
    if (commits.length <= MAX_KEPT_COMMITS) this.made = { id, commits };
    return commits;
  }

  /**
   * The walk from HEAD built on a kept walk from an ancestor C, when every commit after C has
   * one parent: Git's walk from HEAD then passes those commits one at a time and reaches C with
   * nothing else queued, so from C on it is the walk from C, order and all. Only the commits
   * after C are walked (`C..HEAD`). No kept walk among the last MAX_EXTENDED commits before a
   * merge (after a rebase, a merge, a long pull): undefined, and the caller walks everything.
   * The usual case is a commit or a pull since the last log: a few commits, not the history.
   */
  private async extend(gitRoot: string, start: WalkStart): Promise<CommitTouches[] | undefined> {
    if (!this.keepsAny()) return undefined;
    const r = gitRaw(gitRoot, [
      '--no-replace-objects',
      'rev-list',
      '--parents',
      `--max-count=${MAX_EXTENDED + 1}`,
      start.head,
    ]);
    if (r.status !== 0) return undefined;
    const chain = r.stdout
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '));
    for (let i = 0; i + 1 < chain.length; i++) {
      const [, ...parents] = chain[i]!;
      const parent = chain[i + 1]![0]!;
      if (parents.length !== 1 || parents[0] !== parent) return undefined;
      const base = this.read(walkId({ ...start, head: parent }));
      if (!base) continue;
      const newer = await storeCommits(gitRoot, start.pathspec, start.maxCount, `${parent}..${start.head}`);
      return [...newer, ...base].slice(0, start.maxCount);
    }
    return undefined;
  }

  private keepsAny(): boolean {
    try {
      return fs.readdirSync(this.dir).some((f) => WALK_FILE.test(f));
    } catch {
      return false;
    }
  }

  /**
   * Keeps the walk this run made, and drops the oldest beyond MAX_WALKS. A walk that cannot be
   * written is not an error of the log: the next run walks again.
   */
  save(): void {
    const made = this.made;
    this.made = undefined;
    if (!made) return;
    try {
      writeFileAtomic(path.join(this.dir, `${made.id}.json`), JSON.stringify(made.commits));
      this.prune();
    } catch {
      // only a slower next run
    }
  }

  /** Down to MAX_WALKS × 3/4 once past MAX_WALKS: a stat of every walk once every eight new ones. */
  private prune(): void {
    const names = fs.readdirSync(this.dir).filter((f) => WALK_FILE.test(f));
    if (names.length <= MAX_WALKS) return;
    const walks = names
      .map((f) => path.join(this.dir, f))
      .map((file) => ({ file, mtime: fs.lstatSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((x, y) => y.mtime - x.mtime);
    for (const w of walks.slice((MAX_WALKS * 3) / 4)) removeFile(w.file);
  }

  /** A walk kept earlier; a file that is missing, damaged, too big or a link is none. */
  private read(id: string): CommitTouches[] | undefined {
    try {
      const text = readTextIfExists(path.join(this.dir, `${id}.json`), { maxBytes: MAX_WALK_BYTES });
      return text === undefined ? undefined : parseWalk(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
}

/**
 * HEAD's commit and the clone's boundary files; undefined (walk uncached) where they cannot
 * be read: no HEAD yet, an old Git, a boundary file that is not a file. Synchronous on purpose:
 * the walk, when one is needed, starts at once instead of waiting for this thread to finish
 * unwrapping the key (~40 ms).
 */
function walkStart(pathspec: string, maxCount: number, head: Head | undefined): WalkStart | undefined {
  if (BOUNDARY_VARIABLES.some((v) => process.env[v] !== undefined)) return undefined;
  if (!head) return undefined;
  const { commit, commonDir } = head;
  try {
    const read = (...parts: string[]) =>
      readTextIfExists(path.join(commonDir, ...parts), { maxBytes: MAX_BOUNDARY_BYTES });
    const shallow = read('shallow');
    const boundary = `${shallow ?? ''}\0${read('info', 'grafts') ?? ''}`;
    return { head: commit, pathspec, maxCount, boundary, shallow: shallow !== undefined };
  } catch {
    return undefined;
  }
}

/** The boundary goes last: neither a commit id nor a pathspec holds a NUL, so nothing is ambiguous. */
function walkId(s: WalkStart): string {
  return createHash('sha256').update(`${s.head}\0${s.pathspec}\0${s.maxCount}\0`).update(s.boundary).digest('hex');
}

const isString = (v: unknown): v is string => typeof v === 'string';

function parseTouch(raw: unknown): StoreTouch | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { path: p, before, after } = raw;
  const side = (id: unknown) => id === undefined || (isString(id) && OBJECT_ID.test(id));
  if (!isString(p) || !side(before) || !side(after)) return undefined;
  return { path: p, ...(before ? { before: before as string } : {}), ...(after ? { after: after as string } : {}) };
}

function parseCommit(raw: unknown): CommitTouches | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { commit, author, date, subject, touches } = raw;
  if (!isString(commit) || !OBJECT_ID.test(commit) || !isString(author) || !isString(date) || !isString(subject))
    return undefined;
  if (!Array.isArray(touches)) return undefined;
  const parsed = touches.map(parseTouch);
  if (parsed.some((t) => t === undefined)) return undefined;
  return { commit, author, date, subject, touches: parsed as StoreTouch[] };
}

/** A walk is kept whole or not at all: one bad commit in it and it is walked again. */
function parseWalk(raw: unknown): CommitTouches[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_KEPT_COMMITS) return undefined;
  const commits = raw.map(parseCommit);
  return commits.some((c) => c === undefined) ? undefined : (commits as CommitTouches[]);
}

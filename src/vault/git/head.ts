// Which commit HEAD names, and the folder holding the clone's shared state (its common dir).
// A plain clone is read from its files (HEAD, then the branch's loose ref): a Git process
// costs ~15 ms of a command that may need nothing else from Git (walkCache.ts). Anything else
// (a worktree, a packed or reftable ref, GIT_DIR and its kin, an id that is not one) asks Git.
import * as path from 'node:path';
import { readTextIfExists } from '../disk/files';
import { OBJECT_ID } from './objectId';
import { gitRaw, plainGitFolder } from './run';

export interface Head {
  /** the commit id */
  commit: string;
  /** absolute: where `shallow` and `info/grafts` live */
  commonDir: string;
}

/** Variables that make a folder's files say something else than Git would. */
const REDIRECTS = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_OBJECT_DIRECTORY', 'GIT_REF_PARANOIA'];
/** HEAD and a loose ref are one line; anything longer is not one. */
const MAX_REF_BYTES = 4096;

/** undefined when HEAD names no commit yet (an empty repository) or Git cannot say. */
export function headCommit(gitRoot: string): Head | undefined {
  return fromFiles(gitRoot) ?? fromGit(gitRoot);
}

function fromFiles(gitRoot: string): Head | undefined {
  const dotGit = plainGitFolder(gitRoot);
  if (!dotGit || REDIRECTS.some((v) => process.env[v] !== undefined)) return undefined;
  try {
    const read = (rel: string) => readTextIfExists(path.join(dotGit, rel), { maxBytes: MAX_REF_BYTES })?.trim();
    const head = read('HEAD');
    const ref = head?.startsWith('ref: ') ? head.slice(5) : undefined;
    const commit = ref ? (looseBranch(ref) ? read(ref) : undefined) : head;
    return commit && OBJECT_ID.test(commit) ? { commit, commonDir: dotGit } : undefined;
  } catch {
    return undefined; // a link, a folder where a ref should be: Git answers
  }
}

/**
 * A branch name that can only be a file under `refs/heads/` (Git refuses a backslash, `..` and control
 * characters in ref names: one here was not written by Git). A packed ref or a reftable
 * placeholder has no such file: Git answers.
 */
const looseBranch = (ref: string) =>
  /^refs\/heads\/[^\x00-\x1f\x7f\\]+$/.test(ref) &&
  !ref.split('/').some((part) => part === '..' || part === '.' || part === '');

function fromGit(gitRoot: string): Head | undefined {
  const r = gitRaw(gitRoot, [
    'rev-parse',
    '--path-format=absolute',
    '--git-common-dir',
    '--verify',
    '-q',
    'HEAD^{commit}',
  ]);
  const [commonDir, commit] = r.stdout.toString('utf8').split('\n');
  if (r.status !== 0 || !commonDir || !path.isAbsolute(commonDir) || !commit || !OBJECT_ID.test(commit))
    return undefined;
  return { commit, commonDir };
}

// Git's merge drivers for a vault: stores (per key), kagi.json (union), access.json (member union).
// A driver writes only the file Git gave it (%A) and, for a conflict, a record under .git/kagi/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, KagiError } from '../errors';
import { writeFileAtomic } from '../disk/files';
import { dataDir, type HostEnv } from '../device/dataDir';
import { loadSecretKey } from '../device/identity';
import { findMyMembership } from '../device/projectKey';
import { serializeAccessList } from '../format/access';
import { hasConflictMarkers } from '../format/encoding';
import { parseProjectConfig, serializeProjectConfig } from '../format/projectConfig';
import { sealStore } from '../crypto/seal';
import { mergeAccessTexts } from '../git/accessMerge';
import { mergeProjectConfigs } from '../git/configMerge';
import { removeConflict, writeConflict } from '../git/conflicts';
import { KeyRing, type OpenedStore } from '../git/keyRing';
import { gitDir, gitRaw, gitTopLevel, plainGitFolder, readBlob } from '../git/run';
import { classifySealed, MAX_STORE_BYTES, printable } from '../git/sealed';
import { mergeStores } from '../git/storeMerge';
import { splitStorePath } from '../git/vaultPath';

export type DriverKind = 'store' | 'config' | 'access';

/** The arguments Git gives a merge driver: %O %A %B (temporary files) and %P (the path in the tree). */
export interface DriverFiles {
  base: string;
  ours: string;
  theirs: string;
  path: string;
}

export interface DriverOutcome {
  /** 0: merged; 1: conflict left for a person (Git marks the path unmerged) */
  code: number;
  /** one line for stderr, never a value */
  message?: string;
}

/** Runs one driver; any failure falls back to Git's own line merge of the three files, marked conflicted. */
export async function runMergeDriver(
  kind: DriverKind,
  files: DriverFiles,
  cwd: string,
  host: HostEnv,
): Promise<DriverOutcome> {
  const gitRoot = gitTopLevel(cwd) ?? cwd;
  try {
    if (kind === 'store') return await mergeStoreFiles(files, gitRoot, host);
    if (kind === 'config') return mergeConfigFiles(files);
    return mergeAccessFiles(files);
  } catch (e) {
    return gitDefaultConflict(files, gitRoot, describeError(e));
  }
}

/**
 * What Git would have done without us: its line merge of the three files in %A, exit
 * non-zero, and why. The merge is computed aside (`--stdout`) and written like our own
 * result, so %A is never left half-written; if even that cannot be written, %A keeps our
 * side as Git gave it, which Git marks conflicted all the same.
 */
function gitDefaultConflict(files: DriverFiles, gitRoot: string, why: string): DriverOutcome {
  const where = `kagi: ${printable(files.path)}`;
  const r = gitRaw(gitRoot, [
    'merge-file',
    '--stdout',
    '-L',
    'ours',
    '-L',
    'base',
    '-L',
    'theirs',
    '--',
    files.ours,
    files.base,
    files.theirs,
  ]);
  // merge-file exits with the number of conflicts (at most 127), or negative (255) on an error.
  if (r.status > 127) return { code: 1, message: `${where}: left our side unmerged: ${why}; git merge-file failed` };
  try {
    writeResult(files.ours, r.stdout);
  } catch (e) {
    const also = describeError(e) === why ? '' : `; ${describeError(e)}`;
    return { code: 1, message: `${where}: left our side unmerged: ${why}${also}` };
  }
  return { code: 1, message: `${where}: left Git's line conflict: ${why}` };
}

class DriverRefusal extends KagiError {}
const refuse = (message: string) =>
  new DriverRefusal('conflict', message, 'resolve by hand, or run `kagi git resolve`');

function readSide(file: string, side: string, optional = false): Buffer | undefined {
  const stat = fs.lstatSync(file);
  if (!stat.isFile()) throw refuse(`the ${side} side is not a regular file`);
  if (stat.size > MAX_STORE_BYTES) throw refuse(`the ${side} side is too large for a kagi file`);
  const bytes = fs.readFileSync(file);
  return optional && bytes.length === 0 ? undefined : bytes;
}

/**
 * Only ever the file Git named as %A, and only if it is still a regular file; atomically (a
 * temp beside it, renamed over it), so a write that fails part-way (a full disk, a file size
 * limit) leaves Git's file as it was, never a prefix of the result that Git would then commit.
 */
function writeResult(file: string, text: string | Uint8Array): void {
  if (!fs.lstatSync(file).isFile()) throw refuse('the result file Git gave is not a regular file');
  writeFileAtomic(file, text, { mode: 0o600 });
}

function mergeConfigFiles(files: DriverFiles): DriverOutcome {
  const parse = (bytes: Buffer | undefined, side: string) => {
    if (bytes === undefined) return undefined;
    const text = bytes.toString('utf8');
    if (hasConflictMarkers(text)) throw refuse(`the ${side} side of kagi.json has conflict markers`);
    return parseProjectConfig(text);
  };
  const merged = mergeProjectConfigs(
    parse(readSide(files.base, 'base', true), 'base'),
    parse(readSide(files.ours, 'ours'), 'ours')!,
    parse(readSide(files.theirs, 'theirs'), 'theirs')!,
  );
  writeResult(files.ours, serializeProjectConfig(merged));
  return { code: 0 };
}

function mergeAccessFiles(files: DriverFiles): DriverOutcome {
  const text = (file: string, side: string, optional = false) => readSide(file, side, optional)?.toString('utf8');
  const merged = mergeAccessTexts(
    text(files.base, 'base', true),
    text(files.ours, 'ours')!,
    text(files.theirs, 'theirs')!,
  );
  writeResult(files.ours, serializeAccessList(merged));
  return { code: 0 };
}

const SEQUENCER_HEADS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REBASE_HEAD', 'REVERT_HEAD'];

/**
 * False only when Git's files ref store plainly holds none of the heads: the driver run
 * outside a merge (by hand, by a tool) then starts no `git` at all. Any doubt (a linked
 * worktree, the reftable store, an unreadable folder) asks Git.
 */
function mayHaveSequencerHead(gitRoot: string): boolean {
  const dotGit = plainGitFolder(gitRoot);
  if (!dotGit || fs.existsSync(path.join(dotGit, 'reftable'))) return true;
  return SEQUENCER_HEADS.some((ref) => fs.existsSync(path.join(dotGit, ref)));
}

/** The commit being merged in: `git merge` names it in GITHEAD_<id>; a pick or rebase in its *_HEAD ref. */
function theirsRevision(gitRoot: string, env: Record<string, string | undefined>): string | undefined {
  for (const name of Object.keys(env)) {
    const m = /^GITHEAD_([0-9a-f]{40}|[0-9a-f]{64})$/.exec(name);
    if (m) return m[1];
  }
  if (!mayHaveSequencerHead(gitRoot)) return undefined;
  // One `git cat-file` asks for all four in order: a Git process each cost more than the merge.
  const refs = SEQUENCER_HEADS.map((ref) => `${ref}^{commit}\n`);
  const r = gitRaw(gitRoot, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], refs.join(''));
  if (r.status !== 0) return undefined;
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) commit$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

interface Sides {
  base?: OpenedStore;
  ours: OpenedStore;
  theirs: OpenedStore;
}

async function openSides(files: DriverFiles, ring: KeyRing, scope: string | undefined): Promise<Sides> {
  const open = async (file: string, side: string, optional: boolean) => {
    const bytes = readSide(file, side, optional);
    if (bytes === undefined) return undefined;
    const blob = classifySealed(bytes);
    if (blob.kind !== 'store')
      throw refuse(`the ${side} side: ${blob.kind === 'artifact' ? 'a file artifact, not a store' : blob.why}`);
    const opened = await ring.open(blob.envelope, [scope, blob.storedScope]);
    if (!opened) throw refuse(`this device holds no project key that opens the ${side} side`);
    return opened;
  };
  const base = await open(files.base, 'base', true);
  return {
    ...(base ? { base } : {}),
    ours: (await open(files.ours, 'ours', false))!,
    theirs: (await open(files.theirs, 'theirs', false))!,
  };
}

/** The key the merged access.json gives this device (each side's access.json read at its commit). */
async function resealKey(
  gitRoot: string,
  kagiDir: string,
  theirs: string | undefined,
  host: HostEnv,
  sides: Sides,
): Promise<Uint8Array> {
  const secretKey = loadSecretKey(dataDir(host));
  if (theirs === undefined || secretKey === undefined) {
    // No way to read the merged access.json: only safe when both sides agree on the key.
    if (Buffer.compare(Buffer.from(sides.ours.key), Buffer.from(sides.theirs.key)) === 0) return sides.ours.key;
    throw refuse('the sides use different project keys and the merged access.json cannot be read here');
  }
  const at = (rev: string) => readBlob(gitRoot, `${rev}:${kagiDir}/access.json`)?.toString('utf8');
  const baseRev = gitRaw(gitRoot, ['merge-base', 'HEAD', theirs]).stdout.toString('utf8').trim();
  const ours = at('HEAD');
  const theirsText = at(theirs);
  if (ours === undefined || theirsText === undefined)
    throw refuse(`access.json is missing in ${ours === undefined ? 'HEAD' : 'the merged commit'}`);
  const merged = mergeAccessTexts(baseRev ? at(baseRev) : undefined, ours, theirsText);
  const mine = await findMyMembership(merged, { secretKey });
  if (!mine) throw refuse('this device is not an active member in the merged access.json');
  return mine.key;
}

async function mergeStoreFiles(files: DriverFiles, gitRoot: string, host: HostEnv): Promise<DriverOutcome> {
  const where = splitStorePath(files.path);
  if (!where) throw refuse('the path is not inside a .kagi/ folder');
  const theirs = theirsRevision(gitRoot, host.env);
  const ring = new KeyRing({
    gitRoot,
    kagiDirs: [where.kagiDir],
    host,
    revisions: ['HEAD', ...(theirs ? [theirs] : [])],
  });
  const sides = await openSides(files, ring, where.scope);
  const scope = sides.ours.scope;
  const merged = mergeStores(scope, sides.base?.store, sides.ours.store, sides.theirs.store);
  const key = await resealKey(gitRoot, where.kagiDir, theirs, host, sides);
  // Every side's ciphertext stays reachable by id until resolved (nothing is ever lost).
  const ids = merged.conflicts.length > 0 ? storeSides(gitRoot, files) : undefined;
  // The record before the result: should it fail, %A still holds our side for Git's line merge.
  const record = ids && writeConflict(gitDir(gitRoot), { path: files.path, scope, ...ids, keys: merged.conflicts });
  try {
    writeResult(files.ours, sealStore(scope, merged.store, key));
  } catch (e) {
    if (record) removeConflict(gitDir(gitRoot), files.path);
    throw e;
  }
  const renamed = sides.theirs.scope !== scope || (sides.base && sides.base.scope !== scope);
  const note = renamed ? ` (a side was sealed for another scope; merged as ${scope})` : '';
  if (!ids) return { code: 0, ...(note ? { message: `kagi: ${printable(files.path)}${note}` } : {}) };
  const names = merged.conflicts.map((k) => printable(k, 60)).join(', ');
  return {
    code: 1,
    message: `kagi: ${printable(files.path)}: ${merged.conflicts.length} key(s) changed on both sides (ours kept for now): ${names}${note}; run \`kagi git resolve\``,
  };
}

/** Writes the three sides as Git objects (ciphertext, as committed) and returns their ids. */
function storeSides(gitRoot: string, files: DriverFiles): { base?: string; ours: string; theirs: string } {
  const write = (f: string) => gitRawOk(gitRoot, ['hash-object', '-w', '--', f]);
  const base = fs.statSync(files.base).size > 0 ? write(files.base) : undefined;
  return { ...(base ? { base } : {}), ours: write(files.ours), theirs: write(files.theirs) };
}

function gitRawOk(gitRoot: string, args: string[]): string {
  const r = gitRaw(gitRoot, args);
  if (r.status !== 0) throw refuse(`git ${args[0]} failed`);
  return r.stdout.toString('utf8').trim();
}

// `kagi file`: small whole files (keys, certificates, service-account JSON) encrypted in
// .kagi/files/ and attached to a scope, with the Rust CLI's names, AADs, index and rules
// (docs/format.md §4). The editor and the CLI both come through here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import type { Project } from '../project/project';
import type { Location } from '../scopes/inference';
import { joinScope, validateName, validateScope } from '../scopes/names';
import { newArtifactId } from '../crypto/ids';
import {
  displayName,
  readArtifact,
  readArtifactIndex,
  removeArtifactBlob,
  sortEntries,
  writeArtifactIndex,
  writeArtifactWithIndex,
  type ArtifactEntry,
} from '../project/artifacts';
import { locatorOf, validateLogicalName, validateRestorePath, type ArtifactLocation } from '../format/artifactPaths';
import { findGitRoot, gitIgnoreState, type IgnoreState } from '../git/ignore';
import { canonicalRoots, rejectLinkComponents, relativeInside, resolveUserPath, type Roots } from '../files/localPaths';
import { readInputFile } from '../files/input';
import {
  ensureLocalGitExclude,
  gitIgnoreFile,
  isTrackedByGit,
  rejectTrackedFile,
  untrackFile,
} from '../files/gitLocal';
import { selectEntry } from '../files/select';
import { applyRestore, planRestore, restoreTarget, sha256Hex, type RestorePlan } from '../files/restore';
import type { ProjectConfig } from '../format/projectConfig';

export type { ArtifactEntry } from '../project/artifacts';
export type { ArtifactLocation } from '../format/artifactPaths';
export type { RestorePlan, RestoreStatus } from '../files/restore';
export { displayName, locatorOf };
export { MAX_FILE_BYTES, LARGE_MAX_FILE_BYTES } from '../format/artifactPaths';

/**
 * The scope of a `kagi file` command (docs/format.md §4.6): at most two scope words; with a
 * service (`--service` or inferred) only an env; with neither and no word, the root scope of
 * the default env (unlike `set`).
 */
export function resolveFileScope(
  project: Project,
  location: Location,
  serviceFlag: string | undefined,
  words: string[],
): string {
  const cfg = project.config();
  if (serviceFlag !== undefined) validateName(serviceFlag, 'service');
  const service = serviceFlag ?? location.service;
  if (words.length > 2) {
    throw new KagiError(
      'usage',
      'too many scope arguments',
      'use [service] [env] <item>, or [env] <item> when the service is given or inferred',
    );
  }
  const [a, b] = words;
  if (service !== undefined) {
    if (b !== undefined) {
      throw new KagiError(
        'usage',
        `no environment specified: ${a} ${b} after service ${service}`,
        'with --service or a service folder, give only [env] before the item',
      );
    }
    return validateScope(joinScope(service, a ?? cfg.settings.defaultEnv));
  }
  if (a === undefined) return validateScope(cfg.settings.defaultEnv);
  if (b !== undefined) return validateScope(joinScope(a, b));
  return validateScope(cfg.settings.envs.includes(a) ? a : joinScope(a, cfg.settings.defaultEnv));
}

/** `file list` / `restore --all`: every scope when `all`, or with no service and no scope word. */
export function resolveFileListScope(
  project: Project,
  location: Location,
  serviceFlag: string | undefined,
  words: string[],
  all: boolean,
): string | undefined {
  if (all || (serviceFlag === undefined && location.service === undefined && words.length === 0)) return undefined;
  return resolveFileScope(project, location, serviceFlag, words);
}

async function opened(project: Project): Promise<{ cfg: ProjectConfig; key: Uint8Array; entries: ArtifactEntry[] }> {
  const cfg = project.config();
  const { key } = await project.key(cfg);
  return { cfg, key, entries: readArtifactIndex(project, cfg, key) ?? [] };
}

/** Entries of one scope (or all), in Rust's order. Names and sizes only, never content. */
export async function listFiles(project: Project, scope?: string): Promise<ArtifactEntry[]> {
  const { entries } = await opened(project);
  return sortEntries(scope === undefined ? entries : entries.filter((e) => e.scope === scope));
}

export interface AddFileRequest {
  scope: string;
  /** as typed: `~` is the home folder, a relative path is relative to `cwd` */
  path: string;
  cwd: string;
  alias?: string;
  force?: boolean;
  allowLarge?: boolean;
  /** `--external`: a file under the home folder, restored there */
  location?: ArtifactLocation;
}

export interface AddedFile {
  entry: ArtifactEntry;
  replaced: boolean;
  /** the plaintext's path on disk */
  source: string;
  /** whether Git would ignore the plaintext now ('unknown' outside Git) */
  ignore: IgnoreState;
}

/** The restore path of the file being added, checked for its location (docs/format.md §4.6 step 3). */
function restorePathOf(input: string, canonical: string, roots: Roots, location: ArtifactLocation): string {
  rejectLinkComponents(input, roots[location]);
  const rel = relativeInside(roots[location], canonical);
  if (rel === undefined) {
    throw new KagiError(
      'bad-name',
      `${input} is not inside the ${location === 'repo' ? 'repository' : 'home folder'} (${roots[location]})`,
      location === 'repo'
        ? 'add a file of this project, or use --external for one under your home folder'
        : 'add a file under your home folder',
    );
  }
  validateRestorePath(location, rel);
  if (location === 'repo') rejectTrackedFile(roots.repo, rel);
  return rel;
}

function aliasOf(alias: string | undefined): string | undefined {
  if (alias === undefined) return undefined;
  const trimmed = alias.trim();
  if (trimmed === '')
    throw new KagiError('bad-name', 'file name cannot be empty', 'give --name a non-empty name, or leave it out');
  return validateLogicalName(trimmed);
}

/** Rust-compatible timestamps: RFC 3339 UTC, fractional seconds only when not zero. */
const now = () => new Date().toISOString().replace('.000Z', 'Z');

/**
 * Encrypts a file into the scope: the blob first, then the index, under the project lock.
 * Every check (kind of file, size, path, names, duplicates) runs before the first write.
 */
export async function addFile(project: Project, req: AddFileRequest): Promise<AddedFile> {
  const location = req.location ?? 'repo';
  validateScope(req.scope);
  const roots = canonicalRoots(project.root, project.host);
  const input = resolveUserPath(req.path, req.cwd, roots.home);
  const bytes = readInputFile(input, req.allowLarge ?? false);
  const canonical = fs.realpathSync.native(input);
  const restorePath = restorePathOf(input, canonical, roots, location);
  const alias = aliasOf(req.alias);
  const name = validateLogicalName(alias ?? path.basename(canonical));
  const result = await project.mutate(async (tx) => {
    const key = await tx.key();
    const entries = readArtifactIndex(project, tx.config, key) ?? [];
    const at = entries.findIndex(
      (e) => e.scope === req.scope && e.location === location && e.restore_path === restorePath,
    );
    const locator = locatorOf(location, restorePath);
    if (at >= 0 && !req.force) {
      throw new KagiError('conflict', `file already exists in ${req.scope}: ${locator}`, 'pass --force to replace it');
    }
    const clash = entries.find((e, i) => i !== at && e.scope === req.scope && displayName(e) === name);
    if (clash) {
      throw new KagiError(
        'conflict',
        `file name already exists in ${req.scope}: ${name} (${locatorOf(clash.location, clash.restore_path)})`,
        'choose a different --name, so the name selects one file',
      );
    }
    const previous = at >= 0 ? entries[at] : undefined;
    const stamp = now();
    const entry: ArtifactEntry = {
      ...(previous ?? {}),
      id: previous?.id ?? freshId(project, entries),
      scope: req.scope,
      name,
      location,
      restore_path: restorePath,
      size: bytes.length,
      sha256: sha256Hex(bytes),
      created_at: previous?.created_at ?? stamp,
      updated_at: stamp,
    };
    if (alias === undefined) delete entry.alias;
    else entry.alias = alias;
    // The exclude line first: should the vault write fail, it only keeps a plaintext out of
    // Git; the other way round a failure would leave the file in the vault, its plaintext
    // committable, and a retry refused as a duplicate.
    if (location === 'repo') ensureLocalGitExclude(roots.repo, restorePath);
    const next = at >= 0 ? entries.map((e, i) => (i === at ? entry : e)) : [...entries, entry];
    await writeArtifactWithIndex(project, tx.config, key, entry.id, bytes, next);
    return { entry, replaced: previous !== undefined };
  });
  return { ...result, source: canonical, ignore: location === 'repo' ? await gitIgnoreState(canonical) : 'unknown' };
}

/** A new id whose blob name is free (an unindexed blob from Git is never overwritten). */
function freshId(project: Project, entries: ArtifactEntry[]): string {
  for (;;) {
    const id = newArtifactId();
    if (!entries.some((e) => e.id === id) && !fs.existsSync(project.file(`files/${id}.enc`))) return id;
  }
}

/** One artifact's entry and plaintext; the blob must exist and open under its own AAD. */
export async function readFileArtifact(
  project: Project,
  scope: string,
  selector: string,
  cwd: string,
): Promise<{ entry: ArtifactEntry; bytes: Uint8Array }> {
  const { cfg, key, entries } = await opened(project);
  const entry = entries[selectEntry(entries, scope, selector, canonicalRoots(project.root, project.host), cwd)]!;
  return { entry, bytes: readArtifact(project, cfg, key, entry.id) };
}

export interface RestoreRequest {
  scope: string;
  selector: string;
  cwd: string;
  out?: string;
  force?: boolean;
}

export interface RestoredFile extends RestorePlan {
  /** whether Git would ignore the written plaintext ('unknown' outside Git) */
  ignore: IgnoreState;
}

/** Plans a restore of one artifact without writing anything (the target is checked here). */
export async function planFileRestore(project: Project, req: RestoreRequest): Promise<RestorePlan> {
  const { entries } = await opened(project);
  const roots = canonicalRoots(project.root, project.host);
  const entry = entries[selectEntry(entries, req.scope, req.selector, roots, req.cwd)]!;
  return planRestore(entry, restoreTarget(entry, roots, req.cwd, req.out), req.force ?? false);
}

/** Plans every artifact of a scope (or all): `file restore --all`. */
export async function planRestoreAll(
  project: Project,
  scope: string | undefined,
  force: boolean,
): Promise<RestorePlan[]> {
  const roots = canonicalRoots(project.root, project.host);
  return (await listFiles(project, scope)).map((e) => planRestore(e, restoreTarget(e, roots, project.root), force));
}

/**
 * Writes planned restores: every blob is decrypted before the first file is written, so a
 * missing or tampered blob writes nothing. Blocked plans refuse the whole set.
 */
export async function applyFileRestores(project: Project, plans: RestorePlan[]): Promise<RestoredFile[]> {
  const { cfg, key } = await opened(project);
  const roots = canonicalRoots(project.root, project.host);
  const blocked = plans.find((p) => p.status === 'blocked');
  if (blocked) {
    throw new KagiError(
      'conflict',
      `output file already exists with different content: ${blocked.target}`,
      'pass --force to overwrite it, or restore elsewhere with --out',
    );
  }
  const contents = plans.map((p) => (p.status === 'same' ? undefined : readArtifact(project, cfg, key, p.entry.id)));
  const out: RestoredFile[] = [];
  for (const [i, plan] of plans.entries()) {
    const bytes = contents[i];
    if (bytes) applyRestore(plan, bytes);
    const rel = plan.entry.location === 'repo' ? relativeInside(roots.repo, plan.target) : undefined;
    if (bytes && rel !== undefined) ensureLocalGitExclude(roots.repo, rel);
    out.push({ ...plan, ignore: await gitIgnoreState(plan.target) });
  }
  return out;
}

/** `file restore`: plan, then write (0600; Git exclude line for repo files). */
export async function restoreFile(project: Project, req: RestoreRequest): Promise<RestoredFile> {
  const [restored] = await applyFileRestores(project, [await planFileRestore(project, req)]);
  return restored!;
}

/** Removes an artifact: the index without it first, then its blob (a crash leaves an unlisted blob, never a dangling entry). */
export async function removeFileArtifact(
  project: Project,
  scope: string,
  selector: string,
  cwd: string,
): Promise<ArtifactEntry> {
  const roots = canonicalRoots(project.root, project.host);
  return project.mutate(async (tx) => {
    const key = await tx.key();
    const entries = readArtifactIndex(project, tx.config, key) ?? [];
    const at = selectEntry(entries, scope, selector, roots, cwd);
    const entry = entries[at]!;
    writeArtifactIndex(
      project,
      tx.config,
      key,
      entries.filter((_, i) => i !== at),
    );
    removeArtifactBlob(project, entry.id);
    return entry;
  });
}

/** Git's view of a plaintext file the editor is about to add or has restored. */
export async function plaintextGitState(file: string): Promise<{ tracked: boolean; ignore: IgnoreState }> {
  return { tracked: isTrackedByGit(file), ignore: await gitIgnoreState(file) };
}

/** Stops Git tracking a plaintext file (`git rm --cached`), so `kagi file add` accepts it. */
export function untrackPlaintext(file: string): void {
  untrackFile(file);
}

/** Adds the plaintext file to its repository's .gitignore; returns that .gitignore. */
export function gitIgnorePlaintext(file: string): string {
  const root = findGitRoot(path.dirname(file));
  if (root === undefined) throw new KagiError('usage', `${file} is not in a Git repository`, 'nothing to ignore');
  return gitIgnoreFile(root, file);
}

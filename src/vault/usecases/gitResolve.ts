// `kagi git resolve`: the keys the store merge driver could not merge, offered per side.
// Values are opened in memory from the recorded blob ids; only a confirmed reveal shows one.
import { KagiError } from '../errors';
import type { Secret, Store } from '../format/store';
import { readConflicts, removeConflict, writeConflict, type ConflictRecord } from '../git/conflicts';
import { fingerprint, fingerprintKey } from '../git/fingerprint';
import { KeyRing } from '../git/keyRing';
import { gitDir, gitTopLevel, readBlob } from '../git/run';
import { classifySealed } from '../git/sealed';
import { kagiDirInRepo } from '../git/vaultPath';
import type { Project } from '../project/project';

export type Side = 'ours' | 'theirs' | 'base';
export const SIDES: Side[] = ['ours', 'theirs', 'base'];

export interface SideView {
  /** undefined: the key does not exist on that side */
  fingerprint?: string;
  description?: string;
}

export interface KeyConflict {
  key: string;
  sides: Record<Side, SideView | undefined>;
}

export interface StoreConflict {
  path: string;
  scope: string;
  keys: KeyConflict[];
  /** a side's value, for a reveal the person confirmed; undefined when the key is absent there */
  reveal(key: string, side: Side): string | undefined;
  /** internal: every side's secret, in memory only */
  readonly secrets: (key: string, side: Side) => Secret | undefined;
}

/** The recorded conflicts of this vault, opened with every key this device holds (values stay in memory). */
export async function listStoreConflicts(project: Project): Promise<StoreConflict[]> {
  const gitRoot = gitTopLevel(project.root);
  if (!gitRoot) return [];
  const kagiDir = kagiDirInRepo(gitRoot, project.kagiDir);
  const records = readConflicts(gitDir(gitRoot)).filter((r) => r.path.startsWith(`${kagiDir}/`));
  if (records.length === 0) return [];
  const ring = new KeyRing({ gitRoot, kagiDirs: [kagiDir], host: project.host, revisions: ['HEAD', 'MERGE_HEAD'] });
  const fpKey = fingerprintKey((await ring.newest()) ?? new Uint8Array(32));
  const out: StoreConflict[] = [];
  for (const r of records) out.push(await openRecord(r, gitRoot, ring, fpKey));
  return out;
}

async function openRecord(r: ConflictRecord, gitRoot: string, ring: KeyRing, fpKey: Buffer): Promise<StoreConflict> {
  const stores: Partial<Record<Side, Store>> = {};
  for (const side of SIDES) {
    const id = r[side];
    if (!id) continue;
    const bytes = readBlob(gitRoot, id);
    const blob = bytes ? classifySealed(bytes) : undefined;
    if (!blob || blob.kind !== 'store')
      throw new KagiError(
        'conflict',
        `the ${side} side of ${r.path} (blob ${id}) is no longer readable`,
        'resolve the file by hand',
      );
    const opened = await ring.open(blob.envelope, [r.scope, blob.storedScope]);
    if (!opened)
      throw new KagiError(
        'not-a-member',
        `this device cannot open the ${side} side of ${r.path}`,
        'ask a member who can to resolve it',
      );
    stores[side] = opened.store;
  }
  const secrets = (key: string, side: Side) => stores[side]?.secrets.get(key);
  const view = (s: Secret | undefined, has: boolean): SideView | undefined =>
    !has
      ? undefined
      : s
        ? { fingerprint: fingerprint(fpKey, s.value), ...(s.description ? { description: s.description } : {}) }
        : {};
  const keys = r.keys.map((key) => ({
    key,
    sides: Object.fromEntries(
      SIDES.map((side) => [side, view(secrets(key, side), stores[side] !== undefined)]),
    ) as Record<Side, SideView | undefined>,
  }));
  return { path: r.path, scope: r.scope, keys, secrets, reveal: (key, side) => secrets(key, side)?.value };
}

/**
 * Applies the chosen side per key to the working tree's store (through the vault's transaction,
 * sealed with the current key); the record goes once every key is chosen.
 */
export async function resolveStoreConflict(
  project: Project,
  conflict: StoreConflict,
  choices: Map<string, Side>,
): Promise<string[]> {
  const remaining = conflict.keys.map((k) => k.key).filter((k) => !choices.has(k));
  await project.mutate(async (tx) => {
    const store = await tx.read(conflict.scope);
    for (const [key, side] of choices) {
      const s = conflict.secrets(key, side);
      if (s) store.secrets.set(key, s);
      else store.secrets.delete(key);
    }
    await tx.write(conflict.scope, store);
  });
  const gitRoot = gitTopLevel(project.root)!;
  if (remaining.length === 0) removeConflict(gitDir(gitRoot), conflict.path);
  else writeConflictKeys(gitRoot, conflict, remaining);
  return remaining;
}

function writeConflictKeys(gitRoot: string, conflict: StoreConflict, keys: string[]): void {
  const record = readConflicts(gitDir(gitRoot)).find((r) => r.path === conflict.path);
  if (record) writeConflict(gitDir(gitRoot), { ...record, keys });
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPlainObject } from '../format/encoding';
import { readTextIfExists, writeFileAtomic } from '../disk/files';
import type { AccessList, Role } from '../format/access';
import { sha256Hex } from './fingerprint';

/**
 * The membership record: per device and per project, the active members this
 * device last wrote, approved or confirmed (docs/security.md, "Trust model").
 * Nothing from Git ever writes it; it is what a rotation or an approval compares
 * access.json with before wrapping the project key for anyone.
 *
 * It lives outside the repository in `DATA/membership/`, under three names at
 * once, so that editing kagi.json's `project_id` does not make "no record" look
 * like a fresh clone: by project id, by the vault's folder on this device, and by
 * a one-way identity of the project key. The Rust CLI's own snapshot
 * (`projects/<id>.access.json`) is not used: Rust rewrites it on every write of
 * whatever access.json it read, so it would bless an edited file.
 */
export interface RecordedMember {
  memberId: string;
  name: string;
  recipient: string;
  role: Role;
}

export interface MembershipRecord {
  projectId: string;
  /** the vault folder (holding .kagi/) this record was written from */
  root: string;
  /** milliseconds since the epoch: the newest of several found records wins */
  updatedAt: number;
  members: RecordedMember[];
  /** ids this device removed: a later active entry with one of them is a resurrection */
  removed: string[];
}

/** Where to look for, and write, one project's record. */
export interface RecordKeys {
  projectId: string;
  root: string;
  /** the project key currently in use, when this device has it */
  key?: Uint8Array;
}

export type RecordSource = 'project id' | 'vault folder' | 'project key';

const VERSION = 1;

export const membershipDir = (dataDir: string) => path.join(dataDir, 'membership');

/** A one-way name for a project key: it identifies the key without revealing it. */
export function keyIdentity(key: Uint8Array): string {
  return sha256Hex(Buffer.concat([Buffer.from('kagi membership record v1\0'), key])).slice(0, 32);
}

/** The folder as the OS resolves it, so a symlinked path finds the same record. */
export function rootIdentity(root: string): string {
  let real = path.resolve(root);
  try {
    real = fs.realpathSync.native(real);
  } catch {
    // A folder that cannot be resolved is named as given.
  }
  return sha256Hex(real).slice(0, 32);
}

function recordFiles(dataDir: string, keys: RecordKeys): [RecordSource, string][] {
  const dir = membershipDir(dataDir);
  const out: [RecordSource, string][] = [
    ['vault folder', path.join(dir, `root-${rootIdentity(keys.root)}.json`)],
    ['project id', path.join(dir, `project-${keys.projectId}.json`)],
  ];
  if (keys.key) out.push(['project key', path.join(dir, `key-${keyIdentity(keys.key)}.json`)]);
  return out;
}

/** Every record found under any of the keys, each once, with where it was found. */
export function findRecords(dataDir: string, keys: RecordKeys): { record: MembershipRecord; via: RecordSource }[] {
  const out: { record: MembershipRecord; via: RecordSource }[] = [];
  for (const [via, file] of recordFiles(dataDir, keys)) {
    const record = parseRecord(readTextIfExists(file));
    if (record) out.push({ record, via });
  }
  return out;
}

/** Writes the record under every name it is looked up by. */
export function writeRecord(dataDir: string, keys: RecordKeys, members: RecordedMember[], removed: string[]): void {
  const record: MembershipRecord = {
    projectId: keys.projectId,
    root: path.resolve(keys.root),
    updatedAt: Date.now(),
    members,
    removed: [...new Set(removed)].sort(),
  };
  const text = JSON.stringify({ version: VERSION, ...record }, null, 2);
  for (const [, file] of recordFiles(dataDir, keys)) writeFileAtomic(file, text);
}

export function activeMembers(access: AccessList): RecordedMember[] {
  return access.members
    .filter((m) => m.status === 'active')
    .map((m) => ({ memberId: m.memberId, name: m.name, recipient: m.recipient, role: m.role }));
}

/** A damaged record is no evidence either way: it reads as absent (and then trust on first use asks). */
function parseRecord(text: string | undefined): MembershipRecord | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(raw) || raw.version !== VERSION) return undefined;
  const { projectId, root, updatedAt, members, removed } = raw;
  if (typeof projectId !== 'string' || typeof root !== 'string' || typeof updatedAt !== 'number') return undefined;
  if (!Array.isArray(members) || !Array.isArray(removed)) return undefined;
  if (!removed.every((x): x is string => typeof x === 'string')) return undefined;
  const parsed = members.map(parseRecordedMember);
  if (parsed.some((m) => m === undefined)) return undefined;
  return { projectId, root, updatedAt, members: parsed as RecordedMember[], removed };
}

function parseRecordedMember(v: unknown): RecordedMember | undefined {
  if (!isPlainObject(v)) return undefined;
  const { memberId, name, recipient, role } = v;
  if (typeof memberId !== 'string' || typeof name !== 'string' || typeof recipient !== 'string') return undefined;
  if (role !== 'owner' && role !== 'member') return undefined;
  return { memberId, name, recipient, role };
}

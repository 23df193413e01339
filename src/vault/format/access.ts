import { KagiError } from '../errors';
import { isPlainObject, parseJsonFile } from './encoding';
import { pickExtra } from './projectConfig';

export type Role = 'owner' | 'member';
export type MemberStatus = 'pending' | 'active' | 'removed';

export interface Member {
  memberId: string;
  name: string;
  recipient: string;
  role: Role;
  status: MemberStatus;
  wrappedKey?: string;
  wrappedToken?: string;
  signingPublicKey?: string;
  /** fields of newer or server-mode writers, kept verbatim */
  extra: Record<string, unknown>;
}

export interface AccessList {
  version: string;
  members: Member[];
  extra: Record<string, unknown>;
}

const FILE = 'access.json';

/**
 * Finding this device's key tries an X25519 unwrap per active entry: a committed list of
 * 100,000 entries would cost minutes per command (docs/security.md, "Bounds and special files").
 */
export const MAX_MEMBERS = 1_000;
const MEMBER_FIELDS = [
  'member_id',
  'name',
  'recipient',
  'role',
  'status',
  'wrapped_key',
  'wrapped_token',
  'signing_public_key',
];

function bad(message: string): KagiError {
  return new KagiError('bad-access', `access.json: ${message}`, 'fix .kagi/access.json or restore it from Git');
}

export function emptyAccessList(): AccessList {
  return { version: '2', members: [], extra: {} };
}

export function parseAccessList(text: string): AccessList {
  const raw = parseJsonFile(text, FILE, 'bad-access');
  if (!isPlainObject(raw)) throw bad('the top level must be an object');
  if (typeof raw.version !== 'string') throw bad('version must be a string');
  if (!Array.isArray(raw.members)) throw bad('members must be a list');
  if (raw.members.length > MAX_MEMBERS) {
    throw bad(`${raw.members.length} entries in members, more than the limit of ${MAX_MEMBERS}`);
  }
  const members = raw.members.map(parseMember);
  // Rust sorts by member_id after every parse; the key search walks this order.
  members.sort((a, b) => compareBytes(a.memberId, b.memberId));
  const list: AccessList = { version: raw.version, members, extra: pickExtra(raw, ['version', 'members']) };
  validateAccessList(list);
  return list;
}

function parseMember(v: unknown, i: number): Member {
  if (!isPlainObject(v)) throw bad(`members[${i}] must be an object`);
  const str = (field: string, required: boolean): string | undefined => {
    const x = v[field];
    if (x === undefined || (x === null && !required)) {
      if (required) throw bad(`members[${i}] is missing "${field}"`);
      return undefined;
    }
    if (typeof x !== 'string') throw bad(`members[${i}].${field} must be a string`);
    return x;
  };
  const member: Member = {
    memberId: str('member_id', true)!,
    name: str('name', true)!,
    recipient: str('recipient', true)!,
    role: str('role', true) as Role,
    status: str('status', true) as MemberStatus,
    extra: pickExtra(v, MEMBER_FIELDS),
  };
  const wrappedKey = str('wrapped_key', false);
  const wrappedToken = str('wrapped_token', false);
  const signingPublicKey = str('signing_public_key', false);
  if (wrappedKey !== undefined) member.wrappedKey = wrappedKey;
  if (wrappedToken !== undefined) member.wrappedToken = wrappedToken;
  if (signingPublicKey !== undefined) member.signingPublicKey = signingPublicKey;
  return member;
}

/** The rules Rust applies on every read and before every write. */
export function validateAccessList(list: AccessList): void {
  for (const m of list.members) {
    const who = `member ${m.memberId} (${m.name})`;
    if (m.role !== 'owner' && m.role !== 'member') throw bad(`${who} has unknown role ${JSON.stringify(m.role)}`);
    if (!['pending', 'active', 'removed'].includes(m.status))
      throw bad(`${who} has unknown status ${JSON.stringify(m.status)}`);
    if (m.status === 'active' && !m.wrappedKey) throw bad(`${who} is active but has no wrapped_key`);
    if (m.status === 'pending' && m.wrappedKey) throw bad(`${who} is pending but has a wrapped_key`);
  }
  if (list.members.length > 0 && !list.members.some(isActiveOwner)) {
    throw bad('no active owner is left');
  }
}

export function isActiveOwner(m: Member): boolean {
  return m.status === 'active' && m.role === 'owner';
}

export function serializeAccessList(list: AccessList): string {
  const members = [...list.members]
    .sort((a, b) => compareBytes(a.memberId, b.memberId))
    .map((m) => {
      const out: Record<string, unknown> = {
        member_id: m.memberId,
        name: m.name,
        recipient: m.recipient,
        role: m.role,
        status: m.status,
      };
      if (m.wrappedKey !== undefined) out.wrapped_key = m.wrappedKey;
      if (m.wrappedToken !== undefined) out.wrapped_token = m.wrappedToken;
      if (m.signingPublicKey !== undefined) out.signing_public_key = m.signingPublicKey;
      return { ...out, ...m.extra };
    });
  return JSON.stringify({ version: list.version, members, ...list.extra }, null, 2);
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

import { KagiError } from '../errors';
import { loadIdentity } from '../device/identity';
import type { AccessList, Member, Role } from '../format/access';
import type { Project } from '../project/project';
import { recipientFingerprint, shownDigest } from './fingerprint';
import {
  activeMembers,
  findRecords,
  writeRecord,
  type MembershipRecord,
  type RecordKeys,
  type RecordSource,
} from './record';

/**
 * Comparing access.json's active members with this device's membership record
 * (./record.ts) before the project key is wrapped for anyone. Every difference
 * is named, with the recipient it would hand the key to, and must be confirmed
 * one by one; with no record at all (a fresh clone), every active entry is shown
 * once: trust on first use.
 */

export type ChangeKind = 'first-use' | 'added' | 'resurrected' | 'recipient' | 'role' | 'project-id';

export interface MembershipChange {
  /** the member id, or `project-id` */
  id: string;
  kinds: ChangeKind[];
  /** what changed, for people, e.g. `role changed from member to owner` */
  what: string[];
  name?: string;
  role?: Role;
  recipient?: string;
  fingerprint?: string;
  /** `id@digest` of what is shown: accepts exactly this difference, nothing edited later */
  token: string;
}

export interface MembershipReview {
  /** no record of this project on this device: every active entry is new to it */
  firstUse: boolean;
  changes: MembershipChange[];
  /** where the record compared with was found */
  via?: RecordSource;
}

export interface ReviewContext extends RecordKeys {
  dataDir: string;
  /** this device's recipient: an entry holding it wraps the key for this device, which is no risk */
  myRecipient?: string;
}

export const PROJECT_ID_CHANGE = 'project-id';
export const FIRST_USE = 'first-use';

/** What a vault needs to be reviewed: its record keys and this device's recipient. */
export async function reviewContext(project: Project, projectId: string, key?: Uint8Array): Promise<ReviewContext> {
  const identity = await loadIdentity(project.dataDir);
  return {
    dataDir: project.dataDir,
    root: project.root,
    projectId,
    ...(key ? { key } : {}),
    ...(identity ? { myRecipient: identity.recipient } : {}),
  };
}

export function reviewMembership(ctx: ReviewContext, access: Pick<AccessList, 'members'>): MembershipReview {
  const found = findRecords(ctx.dataDir, ctx);
  const others = access.members.filter((m) => m.status === 'active' && m.recipient !== ctx.myRecipient);
  if (found.length === 0) return { firstUse: true, changes: others.map((m) => entryChange(m, ['first-use'], ctx)) };
  const changes = projectIdChanges(found, ctx);
  const same = found.filter((f) => f.record.projectId === ctx.projectId);
  const base = newest(same.length > 0 ? same : found);
  const known = new Map(base.record.members.map((m) => [m.memberId, m]));
  for (const m of others) {
    const before = known.get(m.memberId);
    if (!before) {
      const kind = base.record.removed.includes(m.memberId) ? 'resurrected' : 'added';
      changes.push(entryChange(m, [kind], ctx));
      continue;
    }
    const kinds: ChangeKind[] = [];
    const what: string[] = [];
    if (before.recipient !== m.recipient) {
      kinds.push('recipient');
      what.push(
        `recipient changed (was fingerprint ${recipientFingerprint(before.recipient)}, now ${recipientFingerprint(m.recipient)})`,
      );
    }
    if (before.role !== m.role) {
      kinds.push('role');
      what.push(`role changed from ${before.role} to ${m.role}`);
    }
    if (kinds.length > 0) changes.push(entryChange(m, kinds, ctx, what));
  }
  return { firstUse: false, changes, via: base.via };
}

function newest<T extends { record: MembershipRecord }>(found: T[]): T {
  return found.reduce((a, b) => (b.record.updatedAt > a.record.updatedAt ? b : a));
}

/** kagi.json's project_id differs from a record found by folder or by key: one change, named once. */
function projectIdChanges(found: { record: MembershipRecord; via: RecordSource }[], ctx: ReviewContext) {
  const other = found.find((f) => f.record.projectId !== ctx.projectId);
  if (!other) return [];
  const what = `kagi.json's project_id changed from ${other.record.projectId} to ${ctx.projectId} since this device last wrote the members (record found by ${other.via})`;
  const change: MembershipChange = {
    id: PROJECT_ID_CHANGE,
    kinds: ['project-id'],
    what: [what],
    token: `${PROJECT_ID_CHANGE}@${shownDigest(['project-id', other.record.projectId, ctx.projectId])}`,
  };
  return [change];
}

const KIND_TEXT: Record<'first-use' | 'added' | 'resurrected', (role: Role) => string> = {
  'first-use': (role) => `active ${role}, not yet verified on this device (trust on first use)`,
  added: (role) => `new active ${role} entry that this device never approved`,
  resurrected: (role) => `active ${role} again after this device removed it`,
};

function entryChange(m: Member, kinds: ChangeKind[], ctx: ReviewContext, what?: string[]): MembershipChange {
  const text = what ?? [KIND_TEXT[kinds[0] as keyof typeof KIND_TEXT](m.role)];
  return {
    id: m.memberId,
    kinds,
    what: text,
    name: m.name,
    role: m.role,
    recipient: m.recipient,
    fingerprint: recipientFingerprint(m.recipient),
    token: `${m.memberId}@${shownDigest([...kinds, m.memberId, m.name, m.recipient, m.role, ctx.projectId])}`,
  };
}

/** One line per difference: who, what changed, and whom the key would be wrapped for. */
export function describeChange(c: MembershipChange): string {
  const who = c.name !== undefined ? `${c.id} (${JSON.stringify(c.name)})` : c.id;
  const key = c.recipient ? `; recipient ${c.recipient}, fingerprint ${c.fingerprint}` : '';
  return `${who}: ${c.what.join('; ')}${key}`;
}

/**
 * `accept` holds what the person confirmed: a change's token (bound to what was
 * shown), a bare member id or `project-id` (the CLI's --accept-change), or
 * `first-use` (trust every entry of a fresh clone at once).
 */
export function isAccepted(c: MembershipChange, review: MembershipReview, accept: readonly string[]): boolean {
  if (accept.includes(c.token) || accept.includes(c.id)) return true;
  return review.firstUse && accept.includes(FIRST_USE);
}

/** Throws, naming every difference that was not confirmed. */
export function assertAccepted(review: MembershipReview, accept: readonly string[] = []): void {
  const open = review.changes.filter((c) => !isAccepted(c, review, accept));
  if (open.length === 0) return;
  // The token binds the confirmation to this exact difference; a bare id accepts the entry's difference, whatever it is.
  const lines = open.map((c) => `  ${describeChange(c)}\n    to confirm: --accept-change ${c.token}`).join('\n');
  if (review.firstUse) {
    throw new KagiError(
      'membership-changed',
      `this device has no record of who is in this project (a fresh clone or a new device); the project key would be wrapped for ${open.length} active entr${open.length === 1 ? 'y' : 'ies'} it has never verified (trust on first use):\n${lines}`,
      'compare each fingerprint with its member through another channel, then confirm once on a terminal or pass --trust-first-use (the team view asks the same)',
    );
  }
  throw new KagiError(
    'membership-changed',
    `the members of this project differ from what this device last wrote or approved; refusing to wrap the project key:\n${lines}`,
    'check `git log -p .kagi/` for who changed them; if each difference is legitimate (say, another owner approved someone), confirm each on a terminal or pass --accept-change ID for each; otherwise restore .kagi/access.json and kagi.json from Git',
  );
}

/** Reviews `access` and throws unless every difference was confirmed. */
export function guardMembership(ctx: ReviewContext, access: AccessList, accept?: readonly string[]): void {
  assertAccepted(reviewMembership(ctx, access), accept);
}

/**
 * After a guarded write: the record becomes the active set just written, which
 * this device has now verified entry by entry. `removed` adds ids it removed.
 */
export function recordMembership(ctx: ReviewContext, access: AccessList, removed: string[] = []): void {
  const before = findRecords(ctx.dataDir, ctx).filter((f) => f.record.projectId === ctx.projectId);
  const active = new Set(access.members.filter((m) => m.status === 'active').map((m) => m.memberId));
  const all = [...before.flatMap((f) => f.record.removed), ...removed].filter((id) => !active.has(id));
  writeRecord(ctx.dataDir, ctx, activeMembers(access), all);
}

/**
 * After a role change this device made itself: the newest record follows it, so the
 * device's own promote or demote is not a difference later. An entry the record does
 * not hold stays unverified.
 */
export function recordRole(ctx: ReviewContext, memberId: string, role: Role): void {
  const same = findRecords(ctx.dataDir, ctx).filter((f) => f.record.projectId === ctx.projectId);
  if (same.length === 0) return;
  const { record } = newest(same);
  if (!record.members.some((m) => m.memberId === memberId)) return;
  const members = record.members.map((m) => (m.memberId === memberId ? { ...m, role } : m));
  writeRecord(ctx.dataDir, ctx, members, record.removed);
}

/** Ids of the active entries an approve or remove on this device would ask to confirm (what doctor reports). */
export async function unverifiedMembers(project: Project, access: Pick<AccessList, 'members'>): Promise<Set<string>> {
  const review = reviewMembership(await reviewContext(project, project.projectId()), access);
  return new Set(review.changes.map((c) => c.id));
}

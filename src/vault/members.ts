import { KagiError } from './errors';
import { decodeBase64Strict, hasConflictMarkers } from './format/encoding';
import { writeFileAtomic } from './disk/files';
import { defaultMemberName, signingKeyPath } from './device/dataDir';
import { loadIdentity, loadOrCreateIdentity, loadSecretKey } from './device/identity';
import { newMemberId, newSigningKey } from './crypto/ids';
import { unwrapProjectKey, wrapProjectKey } from './crypto/wrap';
import { findMyMembership } from './device/projectKey';
import {
  isActiveOwner,
  parseAccessList,
  serializeAccessList,
  validateAccessList,
  type AccessList,
  type Member,
  type MemberStatus,
  type Role,
} from './format/access';
import type { Project } from './project/project';
import { recipientFingerprint, shownDigest } from './team/fingerprint';
import {
  guardMembership,
  recordMembership,
  recordRole,
  reviewContext,
  reviewMembership,
  type MembershipReview,
} from './team/review';

export { recipientFingerprint } from './team/fingerprint';

export interface Membership {
  members: Member[];
  /** first active member whose wrap this device's identity opens; else a pending/removed entry with my recipient */
  me?: Member;
  myRecipient?: string;
  /** this device passes the owner check (docs/format.md §7: it opens some active owner's wrap) */
  canManage: boolean;
}

const NOT_AN_OWNER_HINT = 'ask an owner of this project to do it, or to promote you (`kagi member promote <your id>`)';

/** Who is in the project and what this device may do. Read-only: no lock, no journal replay (as in Rust). */
export async function listMembers(project: Project): Promise<Membership> {
  const access = project.access();
  const identity = await loadIdentity(project.dataDir);
  if (!identity) return { members: access.members, canManage: false };
  let me: Member | undefined;
  try {
    me = (await findMyMembership(access, identity))?.member;
  } catch {
    // A broken wrap of someone else must not hide the member list.
  }
  // Not active: a waiting request says more than an old removal (a removed device may ask again).
  const mine = (status: MemberStatus) =>
    access.members.find((m) => m.status === status && m.recipient === identity.recipient);
  me ??= mine('pending') ?? mine('removed');
  // One unwrap fewer when the entry found is an owner's; else another entry may still be.
  const canManage =
    (me !== undefined && isActiveOwner(me)) || (await openOwnerWrap(access, identity, false)) !== undefined;
  return { members: access.members, me, myRecipient: identity.recipient, canManage };
}

/**
 * The owner check of docs/format.md §7: this identity opens the wrap of some active owner.
 * Returns the key it found, or undefined. With `strict`, bad base64 is an error.
 */
async function openOwnerWrap(
  access: AccessList,
  identity: { secretKey: string },
  strict: boolean,
): Promise<Uint8Array | undefined> {
  for (const m of access.members) {
    if (!isActiveOwner(m) || !m.wrappedKey) continue;
    const wrapped = decodeBase64Strict(m.wrappedKey);
    if (!wrapped) {
      if (!strict) continue;
      throw new KagiError(
        'bad-access',
        `access.json: wrapped_key of member ${m.memberId} is not valid base64`,
        'restore .kagi/access.json from Git',
      );
    }
    const key = await unwrapProjectKey(wrapped, identity.secretKey);
    if (key) return key;
  }
  return undefined;
}

/** Throws unless this device is an active owner. */
export async function requireOwner(project: Project, access: AccessList): Promise<void> {
  const secretKey = loadSecretKey(project.dataDir);
  if (!secretKey || !(await openOwnerWrap(access, { secretKey }, true))) {
    throw new KagiError('not-an-owner', 'only an owner can manage project members', NOT_AN_OWNER_HINT);
  }
}

/** docs/format.md §7.2: adds a pending entry for this device. Any number may coexist; nothing is deduplicated. */
export async function requestAccess(project: Project, opts: { name?: string } = {}): Promise<Member> {
  const name = memberName(opts.name, project);
  return project.mutate(async () => {
    const access = project.access();
    if (!access.members.some(isActiveOwner)) {
      throw new KagiError(
        'bad-access',
        'access.json has no active owner who could approve a request',
        'pull the latest .kagi/access.json, or run `kagi init` if this project has no vault yet',
      );
    }
    const identity = await loadOrCreateIdentity(project.dataDir);
    const signing = newSigningKey();
    const member: Member = {
      memberId: newMemberId(),
      name,
      recipient: identity.recipient,
      role: 'member',
      status: 'pending',
      signingPublicKey: signing.publicKeyBase64,
      extra: {},
    };
    // `access` was read under the lock, so appending is the merge by member_id.
    const next: AccessList = { ...access, members: [...access.members, member] };
    validateAccessList(next);
    writeFileAtomic(signingKeyPath(project.dataDir, member.memberId), signing.seedBase64);
    project.writeAccess(next);
    return member;
  });
}

function memberName(requested: string | undefined, project: Project): string {
  const name = requested?.trim() || defaultMemberName(project.host);
  if (/[\0-\x1f\x7f]/.test(name)) {
    throw new KagiError(
      'bad-name',
      'member names cannot contain control characters or line breaks',
      'pick a plain name, e.g. your user name',
    );
  }
  return name;
}

export function findMember(access: AccessList, memberId: string): Member {
  const member = access.members.find((m) => m.memberId === memberId);
  if (!member) {
    throw new KagiError(
      'member-not-found',
      `member ${memberId} does not exist in this project`,
      'check the id with `kagi member list` and pull the latest .kagi/access.json',
    );
  }
  return member;
}

/** Loads access under the lock, checks ownership, finds the member, lets `change` edit it, writes. */
async function changeMember(
  project: Project,
  memberId: string,
  change: (m: Member, access: AccessList) => Promise<Member | undefined>,
): Promise<Member | undefined> {
  return project.mutate(async () => {
    const access = project.access();
    await requireOwner(project, access);
    const target = findMember(access, memberId);
    const changed = await change(target, access);
    if (changed) project.writeAccess(access);
    return changed ?? target;
  });
}

function requireStatus(m: Member, status: MemberStatus, hint: string): void {
  if (m.status !== status) {
    throw new KagiError(
      'member-not-found',
      `member request ${m.memberId} not found: ${m.name} is ${m.status}, not ${status}`,
      hint,
    );
  }
}

/** What an approval shows, and the digest that binds the write to it. */
export interface ApprovalReview {
  request: Member;
  /** shownDigest of the request entry as shown; approveMember refuses an entry that no longer matches */
  digest: string;
  fingerprint: string;
  /** active entries that differ from this device's record (see team/review.ts) */
  membership: MembershipReview;
}

export interface ApproveOptions {
  /** the role granted; a request's own `role` field is ignored (anyone can edit it in Git) */
  role?: Role;
  /** ApprovalReview.digest of what the person was shown */
  expect?: string;
  /** confirmed membership differences (team/review.ts isAccepted) */
  accept?: readonly string[];
}

/** Everything that identifies a request: any edit changes the digest. */
export function requestDigest(m: Member): string {
  return shownDigest([m.memberId, m.name, m.recipient, m.role, m.status, m.signingPublicKey ?? null]);
}

/** Read-only: the pending request and the membership differences an approval would have to confirm. */
export async function reviewApproval(project: Project, memberId: string): Promise<ApprovalReview> {
  const cfg = project.config();
  const access = project.access();
  await requireOwner(project, access);
  const request = findMember(access, memberId);
  requireStatus(request, 'pending', 'only pending requests can be approved; list them with `kagi member list`');
  const { key } = await project.key(cfg);
  const membership = reviewMembership(await reviewContext(project, cfg.projectId, key), access);
  return { request, digest: requestDigest(request), fingerprint: recipientFingerprint(request.recipient), membership };
}

/**
 * docs/format.md §7.4: pending → active with a wrap of the project key, as a member unless
 * `role` says owner. Under the lock, the request must still be what was shown
 * (`expect`) and the other active entries what this device recorded or confirmed.
 */
export async function approveMember(project: Project, memberId: string, opts: ApproveOptions = {}): Promise<Member> {
  const role = opts.role ?? 'member';
  assertRole(role);
  return project.mutate(async () => {
    const cfg = project.config();
    const access = project.access();
    await requireOwner(project, access);
    const m = findMember(access, memberId);
    requireStatus(m, 'pending', 'only pending requests can be approved; list them with `kagi member list`');
    if (opts.expect !== undefined && requestDigest(m) !== opts.expect) {
      throw new KagiError(
        'membership-changed',
        `request ${m.memberId} changed after it was shown (name, recipient or role edited in .kagi/access.json); nothing was approved`,
        'review the request again (`kagi member list`, `git log -p .kagi/access.json`) and approve only what you verified',
      );
    }
    const { key } = await project.key(cfg);
    const ctx = await reviewContext(project, cfg.projectId, key);
    guardMembership(ctx, access, opts.accept);
    m.wrappedKey = await wrapProjectKey(key, m.recipient);
    m.status = 'active';
    m.role = role;
    project.writeAccess(access);
    recordMembership(ctx, access);
    return m;
  });
}

/** Deletes a pending request. It never had the key, so no rotation is needed. */
export async function rejectRequest(project: Project, memberId: string): Promise<void> {
  await changeMember(project, memberId, async (m, access) => {
    requireStatus(m, 'pending', 'to revoke an active member, remove them (this rotates the key)');
    access.members = access.members.filter((x) => x !== m);
    return m;
  });
}

/** Promote (member → owner) or demote (owner → member) an active member; the last active owner stays. */
export async function setRole(project: Project, memberId: string, role: Role): Promise<Member> {
  assertRole(role);
  const changed = await changeMember(project, memberId, async (m, access) => {
    requireStatus(m, 'active', 'approve the request first');
    if (m.role === role) return undefined;
    if (role === 'member' && access.members.filter(isActiveOwner).length === 1) {
      throw new KagiError(
        'last-owner',
        `${m.name} (${m.memberId}) is the last active owner`,
        'promote another member to owner first',
      );
    }
    m.role = role;
    return m;
  });
  recordRole(await reviewContext(project, project.projectId()), memberId, role);
  return changed!;
}

function assertRole(role: string): asserts role is Role {
  if (role !== 'owner' && role !== 'member') {
    throw new KagiError('usage', `unknown role ${JSON.stringify(role)}`, 'use "owner" or "member"');
  }
}

// ---------------------------------------------------------------------------
// Git conflicts in access.json

const STATUS_RANK: Record<string, number> = { pending: 0, active: 1, removed: 2 };

/** Splits a file with Git conflict markers into the two whole-file versions. */
export function conflictSides(text: string): { ours: string; theirs: string } {
  const ours: string[] = [];
  const theirs: string[] = [];
  let state: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  for (const line of text.split(/(?<=\n)/)) {
    const marker = /^(<{7}|\|{7}|={7}|>{7})(?: |\r?\n|$)/.exec(line)?.[1]?.[0];
    if (marker === '<' && state === 'both') state = 'ours';
    else if (marker === '|' && state === 'ours') state = 'base';
    else if (marker === '=' && (state === 'ours' || state === 'base')) state = 'theirs';
    else if (marker === '>' && state === 'theirs') state = 'both';
    else {
      if (state !== 'theirs' && state !== 'base') ours.push(line);
      if (state !== 'ours' && state !== 'base') theirs.push(line);
    }
  }
  if (state !== 'both') {
    throw new KagiError(
      'conflict',
      'access.json has an unterminated Git conflict block',
      'resolve the conflict by hand (keep every member of both sides), or restore access.json from Git',
    );
  }
  return { ours: ours.join(''), theirs: theirs.join('') };
}

function parseSide(text: string, side: 'ours' | 'theirs'): AccessList {
  try {
    return parseAccessList(text);
  } catch (e) {
    const why = e instanceof KagiError ? e.message : 'unreadable';
    throw new KagiError(
      'conflict',
      `access.json: the "${side}" side of the Git conflict is not a valid access list (${why})`,
      `resolve the conflict by hand: keep every member of both sides, then run \`git add .kagi/access.json\``,
    );
  }
}

/** Which of two versions of the same member survives the merge. */
function pickMember(a: Member, b: Member): Member {
  const rank = (m: Member) => STATUS_RANK[m.status] ?? -1;
  let win = a;
  let lose = b;
  if (rank(b) > rank(a) || (rank(b) === rank(a) && !a.wrappedKey && b.wrappedKey)) [win, lose] = [b, a];
  const merged: Member = { ...win, extra: { ...lose.extra, ...win.extra } };
  if (merged.signingPublicKey === undefined && lose.signingPublicKey !== undefined)
    merged.signingPublicKey = lose.signingPublicKey;
  return merged;
}

/**
 * Resolves a conflicted access.json as docs/format.md §7.3 demands: the union of both
 * sides by member_id. Same id on both sides: removed > active > pending, then
 * the side with a wrapped_key, then ours. Unknown fields of both sides are kept.
 */
export function mergeAccessConflict(text: string): AccessList {
  const sides = conflictSides(text);
  const ours = parseSide(sides.ours, 'ours');
  const theirs = parseSide(sides.theirs, 'theirs');
  const byId = new Map<string, Member>();
  for (const m of ours.members) byId.set(m.memberId, m);
  for (const m of theirs.members) {
    const mine = byId.get(m.memberId);
    byId.set(m.memberId, mine ? pickMember(mine, m) : m);
  }
  const merged: AccessList = {
    version: ours.version,
    members: [...byId.values()],
    extra: { ...theirs.extra, ...ours.extra },
  };
  try {
    // A round trip validates and puts members in Rust's stored order (sorted by id).
    return parseAccessList(serializeAccessList(merged));
  } catch (e) {
    throw new KagiError(
      'conflict',
      `the merged access.json is invalid: ${(e as Error).message}`,
      'resolve the conflict by hand, keeping at least one active owner',
    );
  }
}

/** Read-only: the merge a conflicted access.json would get, and the differences it would have to confirm. */
export async function reviewConflictMerge(
  project: Project,
): Promise<{ merged: AccessList; membership: MembershipReview } | undefined> {
  const text = project.accessText();
  if (text === undefined || !hasConflictMarkers(text)) return undefined;
  const merged = mergeAccessConflict(text);
  const ctx = await reviewContext(project, project.projectId());
  return { merged, membership: reviewMembership(ctx, merged) };
}

/**
 * Reads the conflicted access.json, merges both sides and writes the result
 * (nothing is written on failure). The union may bring active entries from the
 * other branch: each must match this device's record or be confirmed in `accept`.
 */
export async function resolveAccessConflict(
  project: Project,
  opts: { accept?: readonly string[] } = {},
): Promise<AccessList> {
  return project.mutate(async () => {
    const text = project.accessText();
    // Nothing to resolve: report the file as it is, write nothing.
    if (text === undefined || !hasConflictMarkers(text)) return project.access();
    const merged = mergeAccessConflict(text);
    const ctx = await reviewContext(project, project.projectId());
    guardMembership(ctx, merged, opts.accept);
    project.writeAccess(merged);
    recordMembership({ ...ctx, ...(await keyIfMember(project)) }, merged);
    return merged;
  });
}

/** The key after a write, for the record's key index; a device that cannot open it records without. */
async function keyIfMember(project: Project): Promise<{ key?: Uint8Array }> {
  try {
    return { key: (await project.key()).key };
  } catch {
    return {};
  }
}

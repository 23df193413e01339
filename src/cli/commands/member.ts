import {
  approveMember,
  assertAccepted,
  describeChange,
  FIRST_USE,
  isAccepted,
  KagiError,
  listMembers,
  type Member,
  type MembershipReview,
  openVault,
  type Project,
  recipientFingerprint,
  rejectRequest,
  removeMember,
  requestAccess,
  requireLocation,
  reviewApproval,
  reviewRemoval,
  type Role,
  type RotationProgress,
  setRole,
} from '../../vault';
import { expectPositionals, flag, parseOptions, str, usage, type ParsedArgs } from '../args';
import type { CliContext, Command } from '../command';
import { askYesNo, confirmTyped } from '../confirm';
import { boxTable } from '../table';

export const memberCommand: Command = {
  name: 'member',
  summary: 'request, list, approve, reject, promote, demote or remove members',
  help: `Usage: kagi member request [--name NAME]
       kagi member list
       kagi member approve ID [--role member|owner] [--fingerprint FPR] [--yes]
       kagi member reject|promote|demote ID
       kagi member remove ID [--yes]

  request   ask for access from this device: adds a pending entry to
            .kagi/access.json; commit it and ask an owner to approve
  list      everyone in access.json, with a fingerprint of each device key
            (compare it with the requester before approving)
  approve   give a pending member the project key (owners only). Shows the
            name, full recipient, fingerprint and the role granted: member,
            whatever the request says, unless you pass --role owner. On a
            terminal it asks y/N; --fingerprint makes it refuse a request whose
            fingerprint is not the one the requester sent you.
  reject    drop a pending request (owners only)
  promote   make an active member an owner; demote does the reverse
  remove    remove a member AND rotate the project key: every store is
            re-encrypted under a new key that the removed device cannot open.
            Shows the member's name and fingerprint and asks you to type the
            member ID on a terminal; anywhere else needs --yes.
            Values the member already saw stay in Git history: rotate them too.

Approve and remove wrap the project key for every active member. Each active
entry must match what this device last wrote or approved (its membership
record); any difference (a new or re-activated entry, a changed recipient,
role or project id) is refused unless you confirm it:
  --accept-change ID    confirm the shown difference of member ID (or
                        "project-id"); repeat for each. On a terminal you are
                        asked y/N for each difference instead.
  --trust-first-use     a device with no record yet (a fresh clone): trust
                        every active entry shown, once. Compare fingerprints first.
`,
  async run(ctx, args) {
    const p = parseOptions('member', args, {
      name: { type: 'string' },
      yes: { type: 'boolean' },
      role: { type: 'string' },
      fingerprint: { type: 'string' },
      'accept-change': { type: 'string', multiple: true },
      'trust-first-use': { type: 'boolean' },
    });
    const [sub, ...rest] = p.positionals;
    const project = openVault(requireLocation(ctx.cwd).root, ctx.host);
    const id = () => expectPositionals(`member ${sub}`, { ...p, positionals: rest }, 1, 1)[0]!;
    switch (sub) {
      case 'request':
        return request(ctx, project, str(p, 'name'));
      case 'list':
        return list(ctx, project);
      case 'approve':
        return approve(ctx, project, id(), p);
      case 'reject': {
        const m = id();
        await rejectRequest(project, m);
        ctx.io.out(`rejected request ${m}\n`);
        return 0;
      }
      case 'promote':
        return report(ctx, 'promoted to owner:', await setRole(project, id(), 'owner'));
      case 'demote':
        return report(ctx, 'demoted to member:', await setRole(project, id(), 'member'));
      case 'remove':
        return remove(ctx, project, id(), p);
      default:
        throw usage('member', sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`);
    }
  },
};

async function request(ctx: CliContext, project: Project, name?: string): Promise<number> {
  const m = await requestAccess(project, name !== undefined ? { name } : {});
  ctx.io.out(`requested access as ${m.memberId} (${m.name}), fingerprint ${recipientFingerprint(m.recipient)}\n`);
  ctx.io.out(`next: commit .kagi/access.json and ask an owner to run \`kagi member approve ${m.memberId}\`\n`);
  return 0;
}

async function list(ctx: CliContext, project: Project): Promise<number> {
  const { members, me } = await listMembers(project);
  if (members.length === 0) {
    ctx.io.out('no members\n');
    return 0;
  }
  const rows = members.map((m) => [
    m.memberId + (m.memberId === me?.memberId ? ' (you)' : ''),
    m.name,
    m.role,
    m.status,
    recipientFingerprint(m.recipient),
  ]);
  ctx.io.out(boxTable(['Id', 'Name', 'Role', 'Status', 'Fingerprint'], rows));
  return 0;
}

function report(ctx: CliContext, verb: string, m: Member): number {
  ctx.io.out(`${verb} ${m.memberId} (${m.name}) as ${m.role}; commit .kagi/access.json\n`);
  return 0;
}

function roleOption(p: ParsedArgs): Role {
  const role = str(p, 'role') ?? 'member';
  if (role !== 'member' && role !== 'owner')
    throw usage('member', `--role must be "member" or "owner", not ${JSON.stringify(role)}`);
  return role;
}

/** Shows the request as it will be approved, then approves exactly that (the digest binds it). */
async function approve(ctx: CliContext, project: Project, id: string, p: ParsedArgs): Promise<number> {
  const role = roleOption(p);
  const r = await reviewApproval(project, id);
  const asked =
    r.request.role !== role
      ? ` (the request asks for ${r.request.role}; ${role === 'member' ? 'pass --role owner to grant that' : 'granted by --role'})`
      : '';
  ctx.io.out(
    `request ${r.request.memberId}\n` +
      `  name         ${JSON.stringify(r.request.name)}\n` +
      `  recipient    ${r.request.recipient}\n` +
      `  fingerprint  ${r.fingerprint}\n` +
      `  role         ${role}${asked}\n`,
  );
  const expected = str(p, 'fingerprint');
  if (expected !== undefined && expected.trim().toLowerCase() !== r.fingerprint) {
    throw new KagiError(
      'membership-changed',
      `the fingerprint of request ${id} is ${r.fingerprint}, not ${expected.trim()}; nothing was approved`,
      'someone may have edited the request: ask the requester for their fingerprint again through another channel',
    );
  }
  const accept = await confirmChanges(ctx, r.membership, p);
  if (ctx.io.interactive && !flag(p, 'yes')) {
    const question = `Approve ${JSON.stringify(r.request.name)} as ${role}? Only if the fingerprint matches what they sent you through another channel.`;
    if (!(await askYesNo(ctx.io, question))) throw cancelled();
  }
  const m = await approveMember(project, id, { role, expect: r.digest, accept });
  return report(ctx, 'approved', m);
}

async function remove(ctx: CliContext, project: Project, id: string, p: ParsedArgs): Promise<number> {
  // Off a terminal without --yes nothing can be confirmed: say so before reading anything.
  if (!ctx.io.interactive) await confirmTyped(ctx.io, flag(p, 'yes'), id, 'member id');
  const r = await reviewRemoval(project, id);
  ctx.io.out(
    `removing ${r.target.memberId} (${JSON.stringify(r.target.name)}, ${r.target.role}, ${r.target.status}), fingerprint ${r.fingerprint}; this rotates the project key\n`,
  );
  const accept = await confirmChanges(ctx, r.membership, p);
  // Names are not unique: the id is what the person confirms.
  await confirmTyped(ctx.io, flag(p, 'yes'), id, 'member id');
  const done = await removeMember(project, id, progress(ctx), { accept });
  ctx.io.out(
    `removed ${done.removed.memberId} (${done.removed.name}); rotated the project key: ${done.scopes} scope${done.scopes === 1 ? '' : 's'}` +
      `${done.artifacts ? ` and ${done.artifacts} file artifact${done.artifacts === 1 ? '' : 's'}` : ''} re-encrypted, ${done.remaining.length} active member${done.remaining.length === 1 ? '' : 's'} left\n`,
  );
  ctx.io.out('next: commit .kagi/ now, and change the values the removed member has seen\n');
  return 0;
}

/**
 * The membership differences an approve or remove must confirm: by flag, or on a
 * terminal one y/N per difference (trust on first use: the whole list, once).
 * Off a terminal, an unconfirmed difference is refused with every one named.
 */
async function confirmChanges(ctx: CliContext, review: MembershipReview, p: ParsedArgs): Promise<string[]> {
  const accept = [...((p.values['accept-change'] as string[] | undefined) ?? [])];
  if (flag(p, 'trust-first-use')) accept.push(FIRST_USE);
  const open = review.changes.filter((c) => !isAccepted(c, review, accept));
  if (review.firstUse && review.changes.length > 0 && open.length === 0) {
    ctx.io.err(`kagi: trusting on first use (no membership record on this device):\n${lines(review)}`);
  }
  if (open.length === 0) return accept;
  if (!ctx.io.interactive) assertAccepted(review, accept);
  if (review.firstUse) {
    ctx.io.err(
      'kagi: this device has no record of who is in this project (a fresh clone or a new device).\n' +
        `Trust on first use: the project key will be wrapped for these active entries:\n${lines(review)}`,
    );
    if (!(await askYesNo(ctx.io, 'Trust all of them? Compare each fingerprint with its member first.')))
      throw cancelled();
    return [...accept, ...open.map((c) => c.token)];
  }
  ctx.io.err('kagi: the members differ from what this device last wrote or approved:\n');
  for (const c of open) {
    ctx.io.err(`  ${describeChange(c)}\n`);
    if (!(await askYesNo(ctx.io, 'Accept this difference?'))) throw cancelled();
    accept.push(c.token);
  }
  return accept;
}

const lines = (review: MembershipReview) => review.changes.map((c) => `  ${describeChange(c)}\n`).join('');

function cancelled(): KagiError {
  return new KagiError('usage', 'cancelled: nothing was changed', 'rerun and confirm once you have checked');
}

function progress(ctx: CliContext): (p: RotationProgress) => void {
  return (p) => {
    if (p.step !== 'done' && p.done === p.total) ctx.io.err(`kagi: rotation: ${p.step} ${p.done}/${p.total}\n`);
  };
}

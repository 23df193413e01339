import {
  approveMember,
  listMembers,
  type Member,
  openVault,
  type Project,
  recipientFingerprint,
  requireLocation,
  rejectRequest,
  removeMember,
  requestAccess,
  type RotationProgress,
  setRole,
} from '../../vault';
import { expectPositionals, flag, parseOptions, str, usage } from '../args';
import type { CliContext, Command } from '../command';
import { confirmTyped } from '../confirm';
import { boxTable } from '../table';

export const memberCommand: Command = {
  name: 'member',
  summary: 'request, list, approve, reject, promote, demote or remove members',
  help: `Usage: kagi member request [--name NAME]
       kagi member list
       kagi member approve|reject|promote|demote ID
       kagi member remove ID [--yes]

  request   ask for access from this device: adds a pending entry to
            .kagi/access.json; commit it and ask an owner to approve
  list      everyone in access.json, with a fingerprint of each device key
            (compare it with the requester before approving)
  approve   give a pending member the project key (owners only)
  reject    drop a pending request (owners only)
  promote   make an active member an owner; demote does the reverse
  remove    remove a member AND rotate the project key: every store is
            re-encrypted under a new key that the removed device cannot open.
            Asks you to type the ID on a terminal; anywhere else needs --yes.
            Values the member already saw stay in Git history: rotate them too.
`,
  async run(ctx, args) {
    const p = parseOptions('member', args, { name: { type: 'string' }, yes: { type: 'boolean' } });
    const [sub, ...rest] = p.positionals;
    const project = openVault(requireLocation(ctx.cwd).root, ctx.host);
    const id = () => expectPositionals(`member ${sub}`, { ...p, positionals: rest }, 1, 1)[0]!;
    switch (sub) {
      case 'request':
        return request(ctx, project, str(p, 'name'));
      case 'list':
        return list(ctx, project);
      case 'approve':
        return report(ctx, 'approved', await approveMember(project, id()));
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
        return remove(ctx, project, id(), flag(p, 'yes'));
      default:
        throw usage('member', sub === undefined ? 'missing subcommand' : 'unknown subcommand');
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
  ctx.io.out(`${verb} ${m.memberId} (${m.name}); commit .kagi/access.json\n`);
  return 0;
}

async function remove(ctx: CliContext, project: Project, id: string, yes: boolean): Promise<number> {
  await confirmTyped(ctx.io, yes, id, 'member id');
  const r = await removeMember(project, id, progress(ctx));
  ctx.io.out(
    `removed ${r.removed.memberId} (${r.removed.name}); rotated the project key: ${r.scopes} scope${r.scopes === 1 ? '' : 's'}` +
      `${r.artifacts ? ` and ${r.artifacts} file artifact${r.artifacts === 1 ? '' : 's'}` : ''} re-encrypted, ${r.remaining.length} active member${r.remaining.length === 1 ? '' : 's'} left\n`,
  );
  ctx.io.out('next: commit .kagi/ now, and change the values the removed member has seen\n');
  return 0;
}

function progress(ctx: CliContext): (p: RotationProgress) => void {
  return (p) => {
    if (p.step !== 'done' && p.done === p.total) ctx.io.err(`kagi: rotation: ${p.step} ${p.done}/${p.total}\n`);
  };
}

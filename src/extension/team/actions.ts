import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from '../ctx';
import {
  approveMember,
  defaultMemberName,
  KagiError,
  listMembers,
  type Member,
  recipientFingerprint,
  rejectRequest,
  removeMember,
  requestAccess,
  resolveAccessConflict,
  reviewApproval,
  reviewConflictMerge,
  reviewRemoval,
  describeChange,
  type MembershipReview,
  type RotationProgress,
  setRole,
} from '../../vault';
import type { TeamRole } from '../../protocol';
import type { Prompter } from '../prompter';

const COPY_RECIPIENT = 'Copy recipient';

/**
 * A notification offering to copy a recipient; callers don't wait for it. Never rejects: a
 * failed clipboard write is reported by error type only (the error's text is not ours).
 */
export async function offerCopy(
  p: Prompter,
  log: { warn(message: string): void },
  message: string,
  recipient: string,
): Promise<void> {
  const choice = await p.offer(message, [COPY_RECIPIENT]).then(
    (c) => c,
    () => undefined,
  );
  if (choice !== COPY_RECIPIENT) return;
  try {
    await p.copy(recipient);
  } catch (e) {
    log.warn(`team: copying the recipient failed (${e instanceof Error ? e.name : typeof e})`);
    p.warn(
      'Kagi: could not copy the recipient to the clipboard. Run "Kagi: Copy My Recipient (Public Key)" to try again.',
    );
  }
}

/**
 * The team flows, shared by the webview and the palette commands. Each asks
 * what it must through the prompter, then calls the vault; errors propagate
 * (the caller runs them under ctx.guard). Returns true when something changed.
 */
export class TeamActions {
  /**
   * `recoverInterrupted`: state.ts's, handed in because this class loads on first use in its
   * own bundle (commandHandlers.ts) and state.ts lives in the entry's.
   */
  constructor(
    private readonly ctx: Ctx,
    private readonly recoverInterrupted: (ctx: Ctx, v: VaultFolder) => Promise<boolean>,
  ) {}

  /** Finding an entry needs access.json only, not the key unwraps listMembers does. */
  private member(v: VaultFolder, memberId: string): Member {
    const m = v.project.access().members.find((x) => x.memberId === memberId);
    if (!m) {
      throw new KagiError(
        'member-not-found',
        `member ${memberId} does not exist in this project`,
        'refresh the team view and pull the latest .kagi/access.json',
      );
    }
    return m;
  }

  /**
   * Shows the request exactly as it will be approved (name, role granted, full recipient,
   * fingerprint); the write is bound to what was shown and refused if the entry changed.
   * The request's own role is never granted by itself: "Approve" makes a member.
   */
  async approve(v: VaultFolder, memberId: string, p: Prompter): Promise<boolean> {
    const r = await reviewApproval(v.project, memberId);
    const m = r.request;
    const asks =
      m.role === 'owner' ? ' (the request asks for owner: choose "Approve as owner" only if you mean it)' : '';
    const choice = await p.confirm(
      `Approve ${m.name}'s request for access to ${v.folder.name}?`,
      [
        `Name: ${m.name}`,
        `Member id: ${m.memberId}`,
        `Role: member${asks}`,
        `Recipient (the device key the project key will be encrypted for):`,
        m.recipient,
        `Fingerprint: ${r.fingerprint}`,
        '',
        `Compare this with the recipient ${m.name} sent you through another channel (a call, chat or in person). ` +
          'Approve only if it matches exactly: whoever holds this key will be able to read every secret in this vault.',
      ].join('\n'),
      ['Approve', 'Approve as owner'],
    );
    if (choice === undefined) return false;
    const accept = await confirmMembership(v, r.membership, p);
    if (!accept) return false;
    const role = choice === 'Approve as owner' ? 'owner' : 'member';
    const done = await approveMember(v.project, memberId, { role, expect: r.digest, accept });
    this.ctx.log.info(`team: approved ${done.memberId} as ${done.role}`);
    p.info(
      `Kagi: approved ${done.name} as ${done.role}. Commit .kagi/access.json and push it so they can pull and open the vault.`,
    );
    return true;
  }

  async reject(v: VaultFolder, memberId: string, p: Prompter): Promise<boolean> {
    const m = await this.member(v, memberId);
    const choice = await p.confirm(
      `Reject ${m.name}'s request?`,
      `The pending entry ${m.memberId} is deleted from .kagi/access.json. They never had the key, so nothing is rotated.`,
      ['Reject'],
    );
    if (choice !== 'Reject') return false;
    await rejectRequest(v.project, memberId);
    this.ctx.log.info(`team: rejected ${memberId}`);
    return true;
  }

  async setRole(v: VaultFolder, memberId: string, role: TeamRole, p: Prompter): Promise<boolean> {
    const m = await this.member(v, memberId);
    if (role === 'owner') {
      const choice = await p.confirm(
        `Make ${m.name} an owner of ${v.folder.name}?`,
        'Owners can approve requests, remove members (rotating the key) and change roles.',
        ['Make owner'],
      );
      if (choice !== 'Make owner') return false;
    }
    await setRole(v.project, memberId, role);
    this.ctx.log.info(`team: ${memberId} is now ${role}`);
    return true;
  }

  /** Names are not unique: the person types the member id, after seeing name and fingerprint. */
  async remove(v: VaultFolder, memberId: string, p: Prompter): Promise<boolean> {
    const r = await reviewRemoval(v.project, memberId);
    const m = r.target;
    const expected = m.memberId;
    const accept = await confirmMembership(v, r.membership, p);
    if (!accept) return false;
    const typed = await p.input({
      title: vscode.l10n.t('Remove {0} ({1}) and rotate the project key', m.name, m.memberId),
      prompt: vscode.l10n.t(
        '{0}, {1}, fingerprint {2}. Every secret in {3} is re-encrypted under a new key that their device cannot open. Values they already saw stay in Git history: change those secrets too. Type the member id "{4}" to confirm.',
        m.name,
        m.role,
        r.fingerprint,
        v.folder.name,
        expected,
      ),
      placeHolder: expected,
      validate: (s) => (s.trim() === expected ? undefined : vscode.l10n.t('Type the member id exactly: {0}', expected)),
    });
    if (typed === undefined || typed.trim() !== expected) return false;
    const report = await p.progress(`Kagi: removing ${m.name}`, async (step) => {
      let last = 0;
      const onProgress = (e: RotationProgress) => {
        const pct = progressPercent(e);
        step(progressText(e), pct > last ? pct - last : undefined);
        last = Math.max(last, pct);
      };
      return removeMember(v.project, memberId, onProgress, { accept });
    });
    this.ctx.log.info(
      `team: removed ${report.removed.memberId}; re-encrypted ${report.scopes} scope(s), ${report.artifacts} file(s)`,
    );
    p.info(
      `Kagi: removed ${report.removed.name}; the key was rotated (${report.scopes} scope(s) and ${report.artifacts} file(s) ` +
        `re-encrypted, ${report.remaining.length} member(s) keep access). Commit .kagi/ and push; change the secrets they saw.`,
    );
    return true;
  }

  async requestAccess(v: VaultFolder, p: Prompter): Promise<boolean> {
    const ms = await listMembers(v.project);
    if (ms.me?.status === 'active') {
      p.info(`Kagi: this device is already a member of ${v.folder.name}.`);
      return false;
    }
    const mine = ms.members.find((m) => m.status === 'pending' && m.recipient === ms.myRecipient);
    if (mine) {
      this.offerCopy(
        p,
        `Kagi: this device already has a pending request in ${v.folder.name} (fingerprint ${recipientFingerprint(mine.recipient)}). ` +
          'Make sure .kagi/access.json is committed in a pull request, and send your recipient to an owner.',
        mine.recipient,
      );
      return false;
    }
    const name = await p.input({
      title: vscode.l10n.t('Request access to {0}', v.folder.name),
      prompt: vscode.l10n.t('Your name as the owners will see it in .kagi/access.json'),
      value: defaultMemberName(v.project.host),
      validate: (s) =>
        /[\0-\x1f\x7f]/.test(s) ? vscode.l10n.t('Names cannot contain control characters or line breaks') : undefined,
    });
    if (name === undefined) return false;
    const m = await requestAccess(v.project, { name });
    this.ctx.log.info(`team: requested access as ${m.memberId}`);
    this.offerCopy(
      p,
      `Kagi: access requested as ${m.name} (fingerprint ${recipientFingerprint(m.recipient)}). ` +
        'Commit .kagi/access.json and open a pull request, then send your recipient to an owner through another channel so they can compare it before approving.',
      m.recipient,
    );
    return true;
  }

  private offerCopy(p: Prompter, message: string, recipient: string): void {
    void offerCopy(p, this.ctx.log, message, recipient);
  }

  async copyRecipient(v: VaultFolder, memberId: string | undefined, p: Prompter): Promise<boolean> {
    let recipient: string | undefined;
    let whose: string;
    if (memberId) {
      const m = await this.member(v, memberId);
      recipient = m.recipient;
      whose = `${m.name}'s`;
    } else {
      recipient = (await listMembers(v.project)).myRecipient;
      whose = 'your';
      if (!recipient) {
        p.info('Kagi: this device has no identity yet. "Request access" creates one.');
        return false;
      }
    }
    await p.copy(recipient);
    p.info(
      `Kagi: copied ${whose} recipient (fingerprint ${recipientFingerprint(recipient)}). It is a public key, safe to send.`,
    );
    return false;
  }

  async resolveConflict(v: VaultFolder, p: Prompter): Promise<boolean> {
    await this.recoverInterrupted(this.ctx, v);
    const review = await reviewConflictMerge(v.project);
    const accept = review ? await confirmMembership(v, review.membership, p) : [];
    if (!accept) return false;
    const merged = await resolveAccessConflict(v.project, { accept });
    this.ctx.log.info(`team: merged access.json as a union (${merged.members.length} member(s))`);
    p.info(
      `Kagi: merged .kagi/access.json as the union of both sides (${merged.members.length} entries). ` +
        'Review it, then `git add .kagi/access.json` and commit the merge.',
    );
    return true;
  }
}

/**
 * The membership differences a key wrap must confirm (vault/team/review.ts), one modal
 * per difference; a fresh clone's entries in one "trust on first use" modal. Returns the
 * tokens of what was shown and confirmed, or undefined when the person declined.
 */
async function confirmMembership(v: VaultFolder, review: MembershipReview, p: Prompter): Promise<string[] | undefined> {
  if (review.changes.length === 0) return [];
  if (review.firstUse) {
    const choice = await p.confirm(
      `Trust the members of ${v.folder.name} on first use?`,
      [
        'This device has no record of who is in this project (a fresh clone or a new device). ' +
          'The project key will be encrypted for each of these active entries:',
        '',
        ...review.changes.map(describeChange),
        '',
        'Compare each fingerprint with its member through another channel before you trust them. This is asked once.',
      ].join('\n'),
      ['Trust all'],
    );
    return choice === 'Trust all' ? review.changes.map((c) => c.token) : undefined;
  }
  const accepted: string[] = [];
  for (const c of review.changes) {
    const choice = await p.confirm(
      `The members of ${v.folder.name} changed since this device last wrote or approved them`,
      [
        describeChange(c),
        '',
        'Someone edited .kagi/ (check `git log -p .kagi/`). Accept only if you know this change is legitimate, ' +
          'e.g. another owner approved this member: the project key will be encrypted for this entry.',
      ].join('\n'),
      ['Accept this change'],
    );
    if (choice !== 'Accept this change') return undefined;
    accepted.push(c.token);
  }
  return accepted;
}

const STEP_SPAN: Record<RotationProgress['step'], [number, number]> = {
  stores: [0, 70],
  access: [70, 90],
  journal: [90, 95],
  done: [100, 100],
};

function progressPercent(r: RotationProgress): number {
  const [from, to] = STEP_SPAN[r.step];
  return Math.round(from + (to - from) * (r.total > 0 ? r.done / r.total : 1));
}

function progressText(r: RotationProgress): string {
  switch (r.step) {
    case 'stores':
      return `re-encrypting scopes (${r.done}/${r.total})`;
    case 'access':
      return `wrapping the new key for members (${r.done}/${r.total})`;
    case 'journal':
      return 'writing the new files';
    case 'done':
      return 'done';
  }
}

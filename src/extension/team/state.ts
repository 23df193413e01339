import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from '../ctx';
import {
  describeError,
  hasConflictMarkers,
  isKagiError,
  KagiError,
  listMembers,
  type Member,
  type Membership,
  recipientFingerprint,
  unverifiedMembers,
} from '../../vault';
import type { TeamMemberView, TeamState, TeamVaultRef } from '../../protocol';

export const vaultKey = (v: VaultFolder): string => v.folder.uri.toString();

function isConflictError(e: unknown): boolean {
  return isKagiError(e) && (e.code === 'conflict' || (e.code === 'bad-access' && /conflict markers/i.test(e.message)));
}

const CONFLICT_MESSAGE =
  'Two branches changed the member list and Git left conflict markers in .kagi/access.json. ' +
  'Until it is merged nobody can approve, remove or change members here.';

/**
 * Finishes a member removal that was interrupted (its journal is still in the
 * device's data folder), as every vault-opening command does first. Returns
 * true when one was finished; throws a KagiError saying what to do otherwise.
 */
export async function recoverInterrupted(ctx: Ctx, v: VaultFolder): Promise<boolean> {
  let pending: boolean;
  try {
    pending = v.project.journal() !== undefined;
  } catch (e) {
    throw journalError(e);
  }
  if (!pending) return false;
  try {
    const done = await v.project.recover();
    if (done) {
      ctx.log.info(`team: finished an interrupted member removal in ${v.folder.name}`);
      ctx.prompter.info(
        vscode.l10n.t(
          'Kagi: finished an interrupted member removal in {0} (key rotation). Commit the changes in .kagi/ and push them.',
          v.folder.name,
        ),
      );
      ctx.fireChanged(v);
    }
    return done;
  } catch (e) {
    throw journalError(e);
  }
}

function journalError(e: unknown): KagiError {
  const why = describeError(e);
  return new KagiError(
    'journal',
    `an interrupted member removal (key rotation) could not be finished: ${why}`,
    'run `kagi doctor --fix` in this folder, or restore .kagi/ from Git and remove the member again',
  );
}

function memberView(m: Member, ms: Membership, unverified: Set<string>): TeamMemberView {
  const isMe =
    m === ms.me ||
    (ms.me !== undefined && m.memberId === ms.me.memberId) ||
    (m.status === 'pending' && ms.myRecipient !== undefined && m.recipient === ms.myRecipient);
  return {
    id: m.memberId,
    name: m.name,
    role: m.role,
    status: m.status,
    fingerprint: recipientFingerprint(m.recipient),
    recipient: m.recipient,
    isMe,
    ...(unverified.has(m.memberId) ? { unverified: true } : {}),
  };
}

const STATUS_ORDER = { pending: 0, active: 1, removed: 2 } as const;
const ROLE_ORDER = { owner: 0, member: 1 } as const;

/** Builds what the webview shows: public member data and UI flags only. */
export async function buildTeamState(
  ctx: Ctx,
  selected: string | undefined,
): Promise<{ state: TeamState; vault?: VaultFolder }> {
  if (!vscode.workspace.isTrusted) return { state: { kind: 'untrusted' } };
  const all = ctx.vaults();
  if (all.length === 0) return { state: { kind: 'no-vault' } };
  const v = all.find((x) => vaultKey(x) === selected) ?? all[0]!;
  const vaults: TeamVaultRef[] = all.map((x) => ({ key: vaultKey(x), name: x.folder.name }));
  const base = { vaults, vault: vaultKey(v) };
  try {
    await recoverInterrupted(ctx, v);
    const text = v.project.accessText();
    if (text !== undefined && hasConflictMarkers(text))
      return { vault: v, state: { ...base, kind: 'conflict', message: CONFLICT_MESSAGE } };
    const ms = await listMembers(v.project);
    const unverified = ms.canManage ? await unverifiedMembers(v.project, ms) : new Set<string>();
    const members = ms.members
      .map((m) => memberView(m, ms, unverified))
      .sort(
        (a, b) =>
          STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
          ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
          a.name.localeCompare(b.name) ||
          a.id.localeCompare(b.id),
      );
    const myFingerprint = ms.myRecipient ? recipientFingerprint(ms.myRecipient) : undefined;
    return {
      vault: v,
      state: {
        ...base,
        kind: 'ready',
        members,
        canManage: ms.canManage,
        ...(myFingerprint ? { myFingerprint } : {}),
        isMember: ms.me?.status === 'active',
        hasPendingRequest: members.some((m) => m.isMe && m.status === 'pending'),
      },
    };
  } catch (e) {
    if (isConflictError(e)) return { vault: v, state: { ...base, kind: 'conflict', message: CONFLICT_MESSAGE } };
    if (isKagiError(e)) {
      ctx.log.warn(`team: ${e.code}: ${e.describe()}`);
      return { vault: v, state: { ...base, kind: 'error', message: e.describe() } };
    }
    const name = e instanceof Error ? e.name : typeof e;
    ctx.log.error(`team: reading members failed unexpectedly (${name})`);
    return {
      vault: v,
      state: {
        ...base,
        kind: 'error',
        message: vscode.l10n.t('Reading the member list failed unexpectedly ({0}). See the Kagi output.', name),
      },
    };
  }
}

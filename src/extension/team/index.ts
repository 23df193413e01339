import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from '../ctx';
import { isMemberId } from '../../protocol';
import { type Member, recipientFingerprint } from '../../vault';
import { TeamViewProvider, TEAM_VIEW_ID } from './provider';
import { recoverInterrupted } from './state';
import { registerGuarded } from '../commandKit';
import { uriOf } from '../target';
import type { CommandId } from '../commandTable';

export { TeamViewProvider, TEAM_VIEW_ID } from './provider';

/** A member id from a command argument: 'kgm_…', { memberId } or { id } (tree items, links). */
function memberIdArg(arg: unknown): string | undefined {
  if (isMemberId(arg)) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { memberId?: unknown; id?: unknown };
    if (isMemberId(o.memberId)) return o.memberId;
    if (isMemberId(o.id)) return o.id;
  }
  return undefined;
}

export function registerTeam(ctx: Ctx): TeamViewProvider {
  const provider = new TeamViewProvider(ctx);
  const subs = ctx.extension.subscriptions;
  subs.push(provider);
  // A view shown before this runs is resolved once it does: the workbench waits for its provider.
  ctx.registerAfterActivation(() => vscode.window.registerWebviewViewProvider(TEAM_VIEW_ID, provider));

  /** A team command: runs the flow on the vault as the webview does; the view shows the outcome, a failed one too. */
  const teamCommand = (id: CommandId, fn: (v: VaultFolder, arg: unknown) => Promise<boolean>) =>
    registerGuarded(ctx, id, async (arg) => {
      const v = await ctx.pickVault(uriOf(arg));
      if (!v) return;
      let changed = false;
      try {
        await recoverInterrupted(ctx, v);
        changed = await fn(v, arg);
      } finally {
        await provider.afterAction(v, changed);
      }
    });

  const pickMember = async (
    v: VaultFolder,
    arg: unknown,
    title: string,
    filter: (m: Member) => boolean,
  ): Promise<string | undefined> => {
    const given = memberIdArg(arg);
    if (given) return given;
    const candidates = v.project.access().members.filter(filter);
    if (candidates.length === 0) {
      ctx.prompter.info(vscode.l10n.t('Kagi: nobody to choose in {0}.', v.folder.name));
      return undefined;
    }
    return ctx.prompter.pick(
      candidates.map((m) => ({
        label: m.name || m.memberId,
        description: `${m.role} · ${m.status}`,
        detail: `${m.memberId} · ${recipientFingerprint(m.recipient)}`,
        id: m.memberId,
      })),
      { title, placeHolder: vscode.l10n.t('Which member?') },
    );
  };

  const p = () => ctx.prompter;
  registerGuarded(ctx, 'kagi.openTeam', () => Promise.resolve(vscode.commands.executeCommand(`${TEAM_VIEW_ID}.focus`)));
  teamCommand('kagi.requestAccess', (v) => provider.actions.requestAccess(v, p()));
  teamCommand('kagi.approveMember', async (v, arg) => {
    const id = await pickMember(v, arg, 'Approve a request', (m) => m.status === 'pending');
    return id ? provider.actions.approve(v, id, p()) : false;
  });
  teamCommand('kagi.removeMember', async (v, arg) => {
    const id = await pickMember(v, arg, 'Remove a member (rotates the key)', (m) => m.status === 'active');
    return id ? provider.actions.remove(v, id, p()) : false;
  });
  teamCommand('kagi.copyRecipient', (v, arg) => provider.actions.copyRecipient(v, memberIdArg(arg), p()));
  teamCommand('kagi.resolveAccessConflict', (v) => provider.actions.resolveConflict(v, p()));

  // An interrupted member removal is finished as soon as the vault is opened: right after
  // activation returns (it loads the vault bundle and reads the disk).
  ctx.afterActivation(() => {
    if (!vscode.workspace.isTrusted) return;
    for (const v of ctx.vaults())
      void ctx.guard('team: finishing an interrupted removal', () => recoverInterrupted(ctx, v));
  });
  return provider;
}

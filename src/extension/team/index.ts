import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from '../ctx';
import { isMemberId } from '../../protocol';
import type { Member } from '../../vault/format/access';
import { recipientFingerprint } from '../../vault/members';
import { TeamViewProvider, TEAM_VIEW_ID } from './provider';
import type { Prompter } from '../prompter';
import { recoverInterrupted } from './state';

export { TeamViewProvider, TEAM_VIEW_ID } from './provider';

/** What the integration tests reach through the `kagi.team._testApi` command (test runs only). */
export interface TeamTestApi {
  provider: TeamViewProvider;
  handleMessage(raw: unknown, prompter?: Prompter): Promise<void>;
}

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

function uriArg(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : undefined;
}

export function registerTeam(ctx: Ctx): TeamViewProvider {
  const provider = new TeamViewProvider(ctx);
  const subs = ctx.extension.subscriptions;
  subs.push(provider, vscode.window.registerWebviewViewProvider(TEAM_VIEW_ID, provider));

  /** Picks the vault, checks trust, runs the flow like the webview does (guarded, refreshes). */
  const withVault = (what: string, fn: (v: VaultFolder) => Promise<boolean>) => async (arg?: unknown) => {
    if (!ctx.requireTrust(what)) return;
    const v = await ctx.pickVault(uriArg(arg));
    if (!v) return;
    const changed = await ctx.guard(what, async () => {
      await recoverInterrupted(ctx, v);
      return fn(v);
    });
    if (changed) ctx.fireChanged(v);
    await provider.refresh();
  };

  const pickMember = async (v: VaultFolder, arg: unknown, title: string, filter: (m: Member) => boolean): Promise<string | undefined> => {
    const given = memberIdArg(arg);
    if (given) return given;
    const candidates = v.project.access().members.filter(filter);
    if (candidates.length === 0) {
      ctx.prompter.info(`Kagi: nobody to choose in ${v.folder.name}.`);
      return undefined;
    }
    return ctx.prompter.pick(candidates.map((m) => ({
      label: m.name || m.memberId,
      description: `${m.role} · ${m.status}`,
      detail: `${m.memberId} · ${recipientFingerprint(m.recipient)}`,
      id: m.memberId,
    })), { title, placeHolder: 'Which member?' });
  };

  const p = () => ctx.prompter;
  subs.push(
    vscode.commands.registerCommand('kagi.openTeam', async () => {
      await vscode.commands.executeCommand(`${TEAM_VIEW_ID}.focus`);
    }),
    vscode.commands.registerCommand('kagi.requestAccess',
      withVault('Requesting access', (v) => provider.actions.requestAccess(v, p()))),
    vscode.commands.registerCommand('kagi.approveMember', (arg?: unknown) => withVault('Approving a member', async (v) => {
      const id = await pickMember(v, arg, 'Approve a request', (m) => m.status === 'pending');
      return id ? provider.actions.approve(v, id, p()) : false;
    })()),
    vscode.commands.registerCommand('kagi.removeMember', (arg?: unknown) => withVault('Removing a member', async (v) => {
      const id = await pickMember(v, arg, 'Remove a member (rotates the key)', (m) => m.status === 'active');
      return id ? provider.actions.remove(v, id, p()) : false;
    })()),
    vscode.commands.registerCommand('kagi.copyRecipient', (arg?: unknown) => withVault('Copying a recipient',
      (v) => provider.actions.copyRecipient(v, memberIdArg(arg), p()))()),
    vscode.commands.registerCommand('kagi.resolveAccessConflict',
      withVault('Merging access.json', (v) => provider.actions.resolveConflict(v, p()))),
  );

  // Integration tests drive the host's message handler with scripted prompts.
  if (ctx.extension.extensionMode === vscode.ExtensionMode.Test || process.env.KAGI_IT_RESULTS) {
    subs.push(vscode.commands.registerCommand('kagi.team._testApi', (): TeamTestApi => ({
      provider,
      handleMessage: (raw, prompter) => provider.handleMessage(raw, prompter),
    })));
  }

  // An interrupted member removal is finished as soon as the vault is opened.
  if (vscode.workspace.isTrusted) {
    for (const v of ctx.vaults()) void ctx.guard('team: finishing an interrupted removal', () => recoverInterrupted(ctx, v));
  }
  return provider;
}

import * as vscode from 'vscode';
import type { Handlers } from './onDemand';
import { type Listing } from '../vault';
import type { Ctx, VaultFolder } from './ctx';

/** Which key this device uses, whether it decrypts, who it is, and any unfinished rotation. */
export function statusCommand(ctx: Ctx): Handlers<'kagi.showStatus'> {
  return { 'kagi.showStatus': () => showStatus(ctx) };
}

async function showStatus(ctx: Ctx): Promise<string | undefined> {
  const vaults = ctx.vaults();
  if (vaults.length === 0) {
    ctx.prompter.info(vscode.l10n.t('Kagi: no vault in this workspace. Run "Kagi: Initialize Vault" to create one.'));
    return undefined;
  }
  ctx.listings.invalidate();
  const reports = await Promise.all(vaults.map(async (v) => report(ctx, v, await ctx.listings.get(v))));
  const text = reports.join('\n\n');
  ctx.log.info(`status:\n${text}`);
  await ctx.prompter.report(vscode.l10n.t('Kagi status'), text);
  return text;
}

function report(ctx: Ctx, v: VaultFolder, l: Listing): string {
  const lines = [`${v.folder.name} — ${l.projectId ?? vscode.l10n.t('unreadable kagi.json')}`];
  if (l.blocked) {
    lines.push(vscode.l10n.t('Decrypts: no ({0})', l.blocked.state), `  ${l.blocked.message}`);
    if (l.blocked.hint) lines.push(`  ${vscode.l10n.t('What to do: {0}', l.blocked.hint)}`);
  } else {
    lines.push(
      vscode.l10n.t('Decrypts: yes'),
      vscode.l10n.t('Key source: {0}', l.keySource ?? vscode.l10n.t('unknown')),
    );
  }
  if (l.member)
    lines.push(vscode.l10n.t('This device: {0} ({1}, {2})', l.member.name, l.member.memberId, l.member.role));
  else if (l.keySource && l.keySource !== 'device identity')
    lines.push(vscode.l10n.t('This device: not identified (the key comes from outside the access list)'));
  lines.push(
    vscode.l10n.t(
      'Environments: {0}; default {1}; active {2}',
      l.envs.join(', ') || vscode.l10n.t('(none)'),
      l.defaultEnv,
      ctx.activeEnv(v),
    ),
  );
  lines.push(vscode.l10n.t('Scopes: {0}', l.scopes.length));
  lines.push(journalLine(v, l));
  return lines.join('\n');
}

function journalLine(v: VaultFolder, l: Listing): string {
  if (l.recovered) return vscode.l10n.t('Rotation journal: an interrupted rotation was just finished; commit .kagi/');
  try {
    const j = v.project.journal();
    return j
      ? vscode.l10n.t('Rotation journal: pending — run "Kagi: Refresh" on a trusted workspace to finish it')
      : vscode.l10n.t('Rotation journal: none');
  } catch {
    return vscode.l10n.t('Rotation journal: unreadable — see `kagi status` in a terminal');
  }
}

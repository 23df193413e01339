import { registerGuarded } from './commandKit';
import { type Listing } from '../vault';
import type { Ctx, VaultFolder } from './ctx';

/** Which key this device uses, whether it decrypts, who it is, and any unfinished rotation. */
export function registerStatusCommand(ctx: Ctx): void {
  registerGuarded(ctx, 'kagi.showStatus', async () => {
    const vaults = ctx.vaults();
    if (vaults.length === 0) {
      ctx.prompter.info('Kagi: no vault in this workspace. Run "Kagi: Initialize Vault" to create one.');
      return undefined;
    }
    ctx.listings.invalidate();
    const reports = await Promise.all(vaults.map(async (v) => report(ctx, v, await ctx.listings.get(v))));
    const text = reports.join('\n\n');
    ctx.log.info(`status:\n${text}`);
    await ctx.prompter.report('Kagi status', text);
    return text;
  });
}

function report(ctx: Ctx, v: VaultFolder, l: Listing): string {
  const lines = [`${v.folder.name} — ${l.projectId ?? 'unreadable kagi.json'}`];
  if (l.blocked) {
    lines.push(`Decrypts: no (${l.blocked.state})`, `  ${l.blocked.message}`);
    if (l.blocked.hint) lines.push(`  What to do: ${l.blocked.hint}`);
  } else {
    lines.push('Decrypts: yes', `Key source: ${l.keySource ?? 'unknown'}`);
  }
  if (l.member) lines.push(`This device: ${l.member.name} (${l.member.memberId}, ${l.member.role})`);
  else if (l.keySource && l.keySource !== 'device identity')
    lines.push('This device: not identified (the key comes from outside the access list)');
  lines.push(`Environments: ${l.envs.join(', ') || '(none)'}; default ${l.defaultEnv}; active ${ctx.activeEnv(v)}`);
  lines.push(`Scopes: ${l.scopes.length}`);
  lines.push(journalLine(v, l));
  return lines.join('\n');
}

function journalLine(v: VaultFolder, l: Listing): string {
  if (l.recovered) return 'Rotation journal: an interrupted rotation was just finished; commit .kagi/';
  try {
    const j = v.project.journal();
    return j
      ? 'Rotation journal: pending — run "Kagi: Refresh" on a trusted workspace to finish it'
      : 'Rotation journal: none';
  } catch {
    return 'Rotation journal: unreadable — see `kagi status` in a terminal';
  }
}

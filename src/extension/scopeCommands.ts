import * as vscode from 'vscode';
import { removeScope } from '../vault';
import type { Handlers } from './onDemand';
import { pickScope } from './scopePick';
import { refOf, vaultOf } from './target';
import type { Ctx } from './ctx';

export function scopeCommands(ctx: Ctx): Handlers<'kagi.removeScope'> {
  return { 'kagi.removeScope': (arg) => remove(ctx, arg) };
}

/**
 * Removes one empty scope (e.g. one created by mistake). A scope that still holds secrets is
 * refused with the way out: delete them first, or the CLI's `kagi scope remove --force`.
 */
async function remove(ctx: Ctx, arg: unknown): Promise<boolean> {
  const ref = refOf(arg);
  const v = await vaultOf(ctx, ref);
  if (!v) return false;
  const scope = ref?.scope ?? (await pickScope(ctx, v, vscode.l10n.t('Kagi: Remove Scope')));
  if (!scope) return false;
  const count = (await ctx.listings.get(v)).keys?.get(scope)?.size ?? 0;
  if (count > 0) {
    ctx.prompter.warn(
      count === 1
        ? vscode.l10n.t(
            'Kagi: {0} still holds 1 secret. Delete it first, or run `kagi scope remove {0} --force` to delete the scope with it.',
            scope,
          )
        : vscode.l10n.t(
            'Kagi: {0} still holds {1} secrets. Delete them first, or run `kagi scope remove {0} --force` to delete the scope with them.',
            scope,
            count,
          ),
    );
    return false;
  }
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Remove the empty scope {0}?', scope),
    vscode.l10n.t('Its file under .kagi/secrets/ is deleted; the environment stays configured.'),
    [vscode.l10n.t('Remove')],
  );
  if (ok !== vscode.l10n.t('Remove')) return false;
  await removeScope(v.project, scope);
  ctx.fireChanged(v);
  ctx.log.info(`removed scope ${scope}`);
  return true;
}

import * as vscode from 'vscode';
import { normalizeKey, preferredScope, readSecret, setSecrets, unsetSecrets, validateSecretKey } from '../vault';
import { ClipboardGuard } from './clipboard';
import { SecretPanels } from './secretPanel';
import type { Handlers } from './onDemand';
import { documentDir, refOf, vaultOf } from './target';
import { pickKey, pickScope } from './scopePick';
import { validator } from './prompter';
import type { Ctx, VaultFolder } from './ctx';
import { warnDangerous } from './injectionGuard';

/** A secret addressed fully: which vault, scope and key. */
export interface SecretTarget {
  v: VaultFolder;
  scope: string;
  key: string;
}

/**
 * Fills in whatever the argument didn't say by asking. `forWriting`: the key may be new
 * (typed, and the scope may be new too); otherwise it is picked from the scope's keys.
 */
export async function secretTarget(
  ctx: Ctx,
  arg: unknown,
  title: string,
  forWriting = false,
): Promise<SecretTarget | undefined> {
  const ref = refOf(arg);
  const v = await vaultOf(ctx, ref);
  if (!v) return undefined;
  const scope =
    ref?.scope ??
    (await pickScope(ctx, v, title, {
      preferred: preferredScope(v.project, ctx.activeEnv(v), documentDir(vscode.window.activeTextEditor?.document.uri)),
      allowNew: forWriting,
    }));
  if (!scope) return undefined;
  const key = ref?.key ?? (await (forWriting ? askKeyName(ctx, title) : pickKey(ctx, v, scope, title)));
  return key ? { v, scope, key } : undefined;
}

export function secretCommands(
  ctx: Ctx,
): Handlers<'kagi.setSecret' | 'kagi.reveal' | 'kagi.copyValue' | 'kagi.deleteSecret'> {
  // The log is reached on use: the output channel is made on first use.
  const clipboard = new ClipboardGuard({ info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) });
  const panels = new SecretPanels();
  ctx.extension.subscriptions.push(clipboard, panels);
  return {
    'kagi.setSecret': (arg) => setSecret(ctx, arg),
    'kagi.reveal': (arg) => reveal(ctx, panels, arg),
    'kagi.copyValue': (arg) => copyValue(ctx, clipboard, arg),
    'kagi.deleteSecret': (arg) => deleteSecret(ctx, arg),
  };
}

async function setSecret(ctx: Ctx, arg: unknown): Promise<boolean> {
  const t = await secretTarget(ctx, arg, vscode.l10n.t('Kagi: Set Secret'), true);
  if (!t) return false;
  const { v, scope, key } = t;
  const value = await askValue(ctx, key, scope);
  if (value === undefined) return false;
  const r = await setSecrets(v.project, scope, [{ key, value }]);
  await warnDangerous(ctx, v, scope, { [key]: value });
  ctx.fireChanged(v);
  ctx.log.info(`set ${key} in ${scope} (${r.added.length ? 'added' : 'updated'})`);
  return true;
}

/** Asks for a key name and shows the Rust CLI's normalization (abc-d → ABC_D) before using it. */
const validKey = validator((text) => validateSecretKey(normalizeKey(text.trim())), vscode.l10n.t('Invalid name'));

async function askKeyName(ctx: Ctx, title: string): Promise<string | undefined> {
  const raw = await ctx.prompter.input({
    title,
    prompt: vscode.l10n.t('Secret name (normalized to UPPER_SNAKE like the kagi CLI)'),
    placeHolder: vscode.l10n.t('DATABASE_URL'),
    validate: (text) => (text.trim() === '' ? vscode.l10n.t('Enter a name') : validKey(text)),
  });
  return raw === undefined ? undefined : normalizeKey(raw.trim());
}

type ValueSource = 'type' | 'clipboard';

/**
 * Single-line values are typed into a password box. Multi-line values (PEM keys,
 * JSON) come from the clipboard: an untitled editor would be backed up to disk by
 * hot exit, and escape sequences in a password box are easy to get wrong.
 */
async function askValue(ctx: Ctx, key: string, scope: string): Promise<string | undefined> {
  const source = await ctx.prompter.pick<ValueSource>(
    [
      {
        label: vscode.l10n.t('$(lock) Type the value'),
        id: 'type',
        description: vscode.l10n.t('hidden input, single line'),
      },
      {
        label: vscode.l10n.t('$(clippy) Paste from clipboard'),
        id: 'clipboard',
        description: vscode.l10n.t('any value, including multi-line; the clipboard is then cleared'),
      },
    ],
    { title: vscode.l10n.t('Kagi: value of {0} in {1}', key, scope) },
  );
  if (source === 'type') {
    return ctx.prompter.input({
      title: vscode.l10n.t('Kagi: value of {0} in {1}', key, scope),
      prompt: vscode.l10n.t('The value is encrypted and never shown'),
      password: true,
    });
  }
  if (source === 'clipboard') return fromClipboard(ctx, key);
  return undefined;
}

async function fromClipboard(ctx: Ctx, key: string): Promise<string | undefined> {
  const value = await vscode.env.clipboard.readText();
  if (value === '') {
    ctx.prompter.warn(vscode.l10n.t('Kagi: the clipboard is empty.'));
    return undefined;
  }
  const lines = value.split(/\r?\n/).length;
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Store the clipboard as {0}?', key),
    lines === 1
      ? vscode.l10n.t('1 line, {0} characters. The clipboard is cleared afterwards.', value.length)
      : vscode.l10n.t('{0} lines, {1} characters. The clipboard is cleared afterwards.', lines, value.length),
    [vscode.l10n.t('Store')],
  );
  if (ok !== vscode.l10n.t('Store')) return undefined;
  await vscode.env.clipboard.writeText('');
  return value;
}

async function reveal(ctx: Ctx, panels: SecretPanels, arg: unknown): Promise<boolean> {
  const t = await secretTarget(ctx, arg, vscode.l10n.t('Kagi: Reveal Secret'));
  if (!t) return false;
  const where = await ctx.prompter.confirm(
    vscode.l10n.t('Reveal the value of {0}?', t.key),
    vscode.l10n.t(
      'Scope {0}. The value will be visible on screen. The editor tab has no save path: the value is never written to disk.',
      t.scope,
    ),
    [vscode.l10n.t('Show in Editor'), vscode.l10n.t('Show in Dialog')],
  );
  if (!where) return false;
  const { value } = await readSecret(t.v.project, t.scope, t.key);
  ctx.log.info(`revealed ${t.key} in ${t.scope}`);
  if (where === vscode.l10n.t('Show in Editor')) panels.show(t.scope, t.key, value);
  else await ctx.prompter.showValue(`${t.key} (${t.scope})`, value);
  return true;
}

async function copyValue(ctx: Ctx, clipboard: ClipboardGuard, arg: unknown): Promise<boolean> {
  const t = await secretTarget(ctx, arg, vscode.l10n.t('Kagi: Copy Value'));
  if (!t) return false;
  const seconds = ctx.config().clipboardClearSeconds;
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Copy the value of {0} to the clipboard?', t.key),
    vscode.l10n.t(
      'Scope {0}. Other applications can read the clipboard. It is cleared after {1} seconds if it still holds this value.',
      t.scope,
      seconds,
    ),
    [vscode.l10n.t('Copy')],
  );
  if (ok !== vscode.l10n.t('Copy')) return false;
  await clipboard.copy((await readSecret(t.v.project, t.scope, t.key)).value, seconds);
  ctx.log.info(`copied ${t.key} from ${t.scope}; clearing in ${seconds}s`);
  vscode.window.setStatusBarMessage(
    `$(clippy) ${vscode.l10n.t('Kagi: {0} copied; clipboard clears in {1}s', t.key, seconds)}`,
    seconds * 1000,
  );
  return true;
}

async function deleteSecret(ctx: Ctx, arg: unknown): Promise<boolean> {
  const t = await secretTarget(ctx, arg, vscode.l10n.t('Kagi: Delete Secret'));
  if (!t) return false;
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Delete {0} from {1}?', t.key, t.scope),
    vscode.l10n.t('Teammates lose it after you commit .kagi/. Git history keeps the old encrypted file.'),
    [vscode.l10n.t('Delete')],
  );
  if (ok !== vscode.l10n.t('Delete')) return false;
  await unsetSecrets(t.v.project, t.scope, [t.key]);
  ctx.fireChanged(t.v);
  ctx.log.info(`deleted ${t.key} from ${t.scope}`);
  return true;
}

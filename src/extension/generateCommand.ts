import * as vscode from 'vscode';
import { entropyBits, generateSecret, MAX_LENGTH, MIN_LENGTH, type SecretFormat, setSecrets } from '../vault';
import type { Handlers } from './onDemand';
import { secretTarget } from './secretCommands';
import type { Ctx, VaultFolder } from './ctx';
import { warnDangerous } from './injectionGuard';

const DEFAULT_LENGTH: Record<SecretFormat, number> = { hex: 64, base64url: 43, alphanumeric: 32 };

/** Generates a random secret and stores it without ever showing it (Reveal or Copy show it on request). */
export function generateCommand(ctx: Ctx): Handlers<'kagi.generateSecret'> {
  return { 'kagi.generateSecret': (arg) => generate(ctx, arg) };
}

async function generate(ctx: Ctx, arg: unknown): Promise<boolean> {
  const title = vscode.l10n.t('Kagi: Generate Secret');
  const t = await secretTarget(ctx, arg, title, true);
  if (!t) return false;
  const { v, scope, key } = t;
  const format = await ctx.prompter.pick<SecretFormat>(
    [
      { label: vscode.l10n.t('Hex'), id: 'hex', description: vscode.l10n.t('0-9a-f, 4 bits per character') },
      {
        label: vscode.l10n.t('Base64url'),
        id: 'base64url',
        description: vscode.l10n.t('A-Z a-z 0-9 - _, 6 bits per character'),
      },
      {
        label: vscode.l10n.t('Alphanumeric'),
        id: 'alphanumeric',
        description: vscode.l10n.t('A-Z a-z 0-9, ~5.95 bits per character'),
      },
    ],
    { title, placeHolder: vscode.l10n.t('Format') },
  );
  if (!format) return false;
  const length = await askLength(ctx, title, format);
  if (length === undefined) return false;
  if (!(await confirmOverwrite(ctx, v, scope, key))) return false;
  const value = generateSecret(format, length);
  await setSecrets(v.project, scope, [{ key, value }]);
  await warnDangerous(ctx, v, scope, { [key]: value });
  ctx.fireChanged(v);
  ctx.log.info(`generated ${key} in ${scope} (${format}, ${length} characters)`);
  ctx.prompter.info(
    vscode.l10n.t(
      'Kagi: generated {0} in {1} ({2} bits). Use Reveal or Copy to see it.',
      key,
      scope,
      entropyBits(format, length),
    ),
  );
  return true;
}

async function askLength(ctx: Ctx, title: string, format: SecretFormat): Promise<number | undefined> {
  const text = await ctx.prompter.input({
    title,
    prompt: vscode.l10n.t('Length in characters ({0}-{1})', MIN_LENGTH, MAX_LENGTH),
    value: String(DEFAULT_LENGTH[format]),
    validate: (t) => {
      const n = Number(t);
      return Number.isInteger(n) && n >= MIN_LENGTH && n <= MAX_LENGTH
        ? undefined
        : vscode.l10n.t('Enter a whole number from {0} to {1}', MIN_LENGTH, MAX_LENGTH);
    },
  });
  return text === undefined ? undefined : Number(text);
}

async function confirmOverwrite(ctx: Ctx, v: VaultFolder, scope: string, key: string): Promise<boolean> {
  const exists = (await ctx.listings.get(v)).keys?.get(scope)?.has(key);
  if (!exists) return true;
  return (
    (await ctx.prompter.confirm(
      vscode.l10n.t('Replace {0} in {1}?', key, scope),
      vscode.l10n.t('The current value is overwritten by a new random one.'),
      [vscode.l10n.t('Replace')],
    )) === vscode.l10n.t('Replace')
  );
}

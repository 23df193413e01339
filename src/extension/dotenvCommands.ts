import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  normalizeKey,
  applyImport,
  envForFileName,
  type IgnoreState,
  type ImportPlan,
  KagiError,
  parseDotenv,
  planExport,
  planImport,
  preferredScope,
  readDotenvFile,
  splitScope,
  writeExport,
} from '../vault';
import type { Handlers } from './onDemand';
import type { GitDocuments } from './gitDocuments';
import { refOf, uriOf } from './target';
import { pickScope } from './scopePick';
import { initVault } from './initCommand';
import type { Ctx, VaultFolder } from './ctx';
import type { Choice } from './prompter';
import { warnDangerous } from './injectionGuard';

export function dotenvCommands(ctx: Ctx, git: GitDocuments): Handlers<'kagi.importDotenv' | 'kagi.exportDotenv'> {
  return {
    'kagi.importDotenv': (arg) => importDotenv(ctx, git, arg),
    'kagi.exportDotenv': (arg) => exportDotenv(ctx, arg),
  };
}

/**
 * `.env.<suffix>` → that env, as `kagi init` maps files (docs/format.md §9.4). A plain `.env` or a
 * template names no environment here: it goes to the one the person works in.
 */
function envOfFile(v: VaultFolder, name: string, activeEnv: string): string {
  const hit = name === '.env' ? undefined : envForFileName(name, v.project.config());
  return hit && !hit.template ? hit.env : activeEnv;
}

async function importDotenv(ctx: Ctx, git: GitDocuments, arg: unknown): Promise<ImportPlan | undefined> {
  const uri =
    uriOf(arg) ??
    (await ctx.prompter.pickFile({
      title: vscode.l10n.t('Kagi: Import a .env File'),
      openLabel: vscode.l10n.t('Import'),
    }));
  if (!uri) return undefined;
  const v = ctx.vaultFor(uri) ?? (await vaultToImportInto(ctx, git, uri));
  if (!v) return undefined;
  const text = readDotenvFile(uri.fsPath);
  if (text === undefined) throw new KagiError('bad-dotenv', `${uri.fsPath} does not exist`);
  const entries = parseDotenv(text, path.basename(uri.fsPath));
  const preferred = preferredScope(
    v.project,
    envOfFile(v, path.basename(uri.fsPath), ctx.activeEnv(v)),
    path.dirname(uri.fsPath),
  );
  const scope = await pickScope(ctx, v, vscode.l10n.t('Kagi: Import {0}', path.basename(uri.fsPath)), {
    preferred,
    allowNew: true,
  });
  if (!scope) return undefined;
  const plan = await planImport(v.project, scope, entries);
  const overwrite = await previewImport(ctx, plan);
  if (overwrite === undefined) return undefined;
  const applied = await applyImport(v.project, overwrite ? plan : onlyNew(plan), { overwrite });
  const written = new Set([...applied.added, ...applied.overwritten]);
  await warnDangerous(
    ctx,
    v,
    scope,
    Object.fromEntries(entries.filter((e) => written.has(e.key)).map((e) => [e.key, e.value])),
  );
  ctx.fireChanged(v);
  const count = applied.added.length + applied.overwritten.length;
  ctx.log.info(`imported ${count} key(s) from ${path.basename(uri.fsPath)} into ${scope}`);
  ctx.prompter.info(
    count === 1
      ? vscode.l10n.t('Kagi: imported 1 key into {0}.', scope)
      : vscode.l10n.t('Kagi: imported {0} keys into {1}.', count, scope),
  );
  return applied;
}

/** With no vault yet (the welcome view's "Import a .env File"), offer to create one first. */
async function vaultToImportInto(ctx: Ctx, git: GitDocuments, uri: vscode.Uri): Promise<VaultFolder | undefined> {
  if (ctx.vaults().length > 0) return ctx.pickVault(uri);
  const go = await ctx.prompter.confirm(
    vscode.l10n.t('No kagi vault in this workspace yet'),
    vscode.l10n.t('Create one, then import {0} into it?', path.basename(uri.fsPath)),
    [vscode.l10n.t('Initialize and Import')],
  );
  if (go !== vscode.l10n.t('Initialize and Import') || !(await initVault(ctx, git, uri))) return undefined;
  return ctx.vaultFor(uri);
}

/** The plan without the keys that would overwrite (applyImport refuses those without overwrite). */
function onlyNew(plan: ImportPlan): ImportPlan {
  const keep = new Set([...plan.added, ...plan.unchanged]);
  return { ...plan, overwritten: [], entries: plan.entries.filter((e) => keep.has(e.key)) };
}

const names = (keys: string[]) => (keys.length ? keys.join(', ') : 'none');

/**
 * Shows key names only (never values): which are new, which would be overwritten.
 * Resolves to whether to overwrite, or undefined when cancelled.
 */
/**
 * Import keeps a .env's names as written (the program reads them so; `kagi import` does the
 * same), while Set Secret normalizes a typed name to UPPER_SNAKE: the preview says which names
 * that difference concerns, so neither behaviour is a surprise.
 */
function keptAsWritten(keys: string[]): string[] {
  const odd = keys.filter((k) => normalizeKey(k) !== k);
  return odd.length ? [vscode.l10n.t('Kept as written (Set Secret would normalize): {0}', names(odd))] : [];
}

async function previewImport(ctx: Ctx, plan: ImportPlan): Promise<boolean | undefined> {
  if (plan.added.length === 0 && plan.overwritten.length === 0) {
    ctx.prompter.info(vscode.l10n.t('Kagi: nothing to import; {0} already has these values.', plan.scope));
    return undefined;
  }
  const detail = [
    `New: ${names(plan.added)}`,
    `Overwrite: ${names(plan.overwritten)}`,
    `Unchanged: ${names(plan.unchanged)}`,
    ...keptAsWritten([...plan.added, ...plan.overwritten]),
  ].join(' · ');
  const choices: Choice<'all' | 'new'>[] = [
    {
      label: vscode.l10n.t('$(check) Import {0} new, overwrite {1}', plan.added.length, plan.overwritten.length),
      id: 'all',
      detail,
    },
  ];
  if (plan.overwritten.length > 0)
    choices.push({
      label: vscode.l10n.t('$(add) Import only the {0} new keys', plan.added.length),
      id: 'new',
      detail: vscode.l10n.t('Keep: {0}', names(plan.overwritten)),
    });
  const choice = await ctx.prompter.pick(choices, {
    title: vscode.l10n.t('Kagi: Import into {0}', plan.scope),
    placeHolder: detail,
  });
  if (!choice) return undefined;
  if (choice === 'new' || plan.overwritten.length === 0) return false;
  const ok = await ctx.prompter.confirm(
    plan.overwritten.length === 1
      ? vscode.l10n.t('Overwrite 1 existing key in {0}?', plan.scope)
      : vscode.l10n.t('Overwrite {0} existing keys in {1}?', plan.overwritten.length, plan.scope),
    vscode.l10n.t(
      'Replaced: {0}. The current values are lost (Git history keeps the old encrypted file).',
      names(plan.overwritten),
    ),
    [vscode.l10n.t('Overwrite')],
  );
  return ok === vscode.l10n.t('Overwrite') ? true : undefined;
}

export interface ExportResult {
  file: string;
  gitignore: IgnoreState;
}

async function exportDotenv(ctx: Ctx, arg: unknown): Promise<ExportResult | undefined> {
  const target = await exportTarget(ctx, arg);
  if (!target) return undefined;
  const { v, scope, dir } = target;
  // Decrypted and formatted in memory, and Git asked, before the question: the modal can say it all.
  const [plan] = await planExport(v.project, { kind: 'scope', scope }, dir);
  const { file, gitignore } = plan!;
  const rel = vscode.workspace.asRelativePath(file);
  const notes = [vscode.l10n.t('Anyone who can read this file sees the values. It is written with mode 0600.')];
  if (plan!.replaces) notes.push(vscode.l10n.t('It replaces the existing file.'));
  if (gitignore === 'not-ignored')
    notes.push('WARNING: Git does not ignore this file: add it to .gitignore before committing.');
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Write the secrets of {0} in plaintext to {1}?', scope, rel),
    notes.join(' '),
    [vscode.l10n.t('Export')],
  );
  if (ok !== vscode.l10n.t('Export')) return undefined;
  writeExport([plan!]);
  ctx.log.info(`exported ${scope} to ${rel} (git: ${gitignore})`);
  if (gitignore === 'not-ignored') {
    ctx.prompter.warn(vscode.l10n.t('Kagi: {0} is NOT ignored by Git. Add it to .gitignore before committing.', rel));
  } else {
    ctx.prompter.info(vscode.l10n.t('Kagi: wrote {0}.', rel));
  }
  return { file, gitignore };
}

interface ExportTarget {
  v: VaultFolder;
  scope: string;
  dir: string;
}

/** From an env in the tree: the service's folder. From a folder in the explorer: that folder. */
async function exportTarget(ctx: Ctx, arg: unknown): Promise<ExportTarget | undefined> {
  const ref = refOf(arg);
  if (ref?.scope) {
    const v = ctx.vaultAt(ref.vault);
    return v && { v, scope: ref.scope, dir: serviceFolder(v, ref.scope) };
  }
  const uri = uriOf(arg);
  const v = await ctx.pickVault(uri);
  if (!v) return undefined;
  const dir = uri?.fsPath ?? v.project.root;
  const scope = await pickScope(ctx, v, vscode.l10n.t('Kagi: Export to .env'), {
    preferred: preferredScope(v.project, ctx.activeEnv(v), dir),
  });
  return scope ? { v, scope, dir } : undefined;
}

/** A monorepo service exports next to its code; everything else at the vault root. */
function serviceFolder(v: VaultFolder, scope: string): string {
  const { service } = splitScope(scope);
  const mapping = v.project.config().settings.monorepo?.services.find((m) => m.service === service);
  const dir = mapping ? path.join(v.project.root, ...mapping.path.split(/[\\/]/).filter(Boolean)) : v.project.root;
  return fs.existsSync(dir) ? dir : v.project.root;
}

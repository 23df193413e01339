import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initProject, validateName } from '../vault';
import type { Handlers } from './onDemand';
import type { GitDocuments } from './gitDocuments';
import { offerGitSetup } from './gitCommands';
import { uriOf } from './target';
import { validator } from './prompter';
import type { Ctx } from './ctx';

/** Creates `.kagi/` in a workspace folder with this device as its only owner. */
export function initCommand(ctx: Ctx, git: GitDocuments): Handlers<'kagi.init'> {
  return { 'kagi.init': (arg) => initVault(ctx, git, uriOf(arg)) };
}

/** Asks for the folder (unless `uri` names one) and the environments; true once created. */
export async function initVault(ctx: Ctx, git: GitDocuments, uri?: vscode.Uri): Promise<boolean> {
  const folder = await pickFolder(ctx, uri);
  if (!folder) return false;
  const envsText = await ctx.prompter.input({
    title: vscode.l10n.t('Kagi: Initialize Vault'),
    prompt: vscode.l10n.t('Environments, comma-separated (development is always included)'),
    value: 'development, staging, production',
    validate: validateEnvList,
  });
  if (envsText === undefined) return false;
  const { project, owner } = await initProject(folder.uri.fsPath, ctx.host(), { envs: splitList(envsText) });
  ctx.fireChanged();
  ctx.log.info(`initialized a vault in ${folder.name} (owner ${owner.memberId})`);
  ctx.prompter.info(vscode.l10n.t('Kagi: vault created in {0}. Commit .kagi/ to share it.', folder.name));
  await offerGitSetup(ctx, project, git.program);
  return true;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

const validateEnvList = validator(
  (text) => splitList(text).forEach((e) => validateName(e, 'environment')),
  vscode.l10n.t('Invalid environment name'),
);

/** Folders without a vault yet; the explorer's folder when invoked from there. */
async function pickFolder(ctx: Ctx, uri?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
  const free = (vscode.workspace.workspaceFolders ?? []).filter(
    (f) => f.uri.scheme === 'file' && !fs.existsSync(path.join(f.uri.fsPath, '.kagi')),
  );
  const fromUri = uri && vscode.workspace.getWorkspaceFolder(uri);
  if (fromUri && free.includes(fromUri)) return fromUri;
  if (free.length === 0) {
    ctx.prompter.warn(vscode.l10n.t('Kagi: every workspace folder already has a vault (or none is open).'));
    return undefined;
  }
  if (free.length === 1) return free[0];
  const id = await ctx.prompter.pick(
    free.map((f) => ({ label: f.name, id: f.uri.toString(), description: f.uri.fsPath })),
    { title: vscode.l10n.t('Kagi: Initialize Vault'), placeHolder: vscode.l10n.t('Folder') },
  );
  return free.find((f) => f.uri.toString() === id);
}

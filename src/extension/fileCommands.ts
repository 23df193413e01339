// File artifacts in the editor (docs/format.md §4): "Add File to Kagi…" from the Explorer,
// and Open / Restore to Disk… / Remove on the tree's file nodes. Every question goes through
// the prompter; content is shown only after a modal, in a view with no save path (fileViewer.ts).
import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  addFile,
  applyFileRestores,
  gitIgnorePlaintext,
  listFiles,
  locatorOf,
  planFileRestore,
  plaintextGitState,
  preferredScope,
  readFileArtifact,
  removeFileArtifact,
  untrackPlaintext,
  type IgnoreState,
} from '../vault';
import type { Ctx } from './ctx';
import type { FileViewer } from './fileViewer';
import type { Handlers } from './onDemand';
import { pickScope } from './scopePick';
import { refOf, uriOf, vaultOf } from './target';
import type { VaultFolder } from './vaultFolder';

export function fileCommands(
  ctx: Ctx,
  viewer: FileViewer,
): Handlers<'kagi.addFile' | 'kagi.openFile' | 'kagi.restoreFile' | 'kagi.removeFile'> {
  return {
    'kagi.addFile': (arg) => addFromExplorer(ctx, arg),
    'kagi.openFile': (arg) => openFile(ctx, viewer, arg),
    'kagi.restoreFile': (arg) => restoreToDisk(ctx, arg),
    'kagi.removeFile': (arg) => removeFile(ctx, arg),
  };
}

interface FileTarget {
  v: VaultFolder;
  scope: string;
  /** `repo:<path>`: selects exactly one file of the scope */
  locator: string;
  name: string;
}

/** The file a command acts on: the tree node's, else one picked from every file of the vault. */
async function fileTarget(ctx: Ctx, arg: unknown, title: string): Promise<FileTarget | undefined> {
  const ref = refOf(arg);
  const v = await vaultOf(ctx, ref);
  if (!v) return undefined;
  const files = await listFiles(v.project);
  const withLocator = files.map((e) => ({ e, locator: locatorOf(e.location, e.restore_path) }));
  if (ref?.scope && ref.file) {
    const hit = withLocator.find((f) => f.e.scope === ref.scope && f.locator === ref.file);
    if (hit) return { v, scope: hit.e.scope, locator: hit.locator, name: hit.e.alias ?? hit.e.name };
  }
  if (withLocator.length === 0) {
    ctx.prompter.info(
      vscode.l10n.t('Kagi: this vault has no encrypted files. Add one with "Add File to Kagi…" in the Explorer.'),
    );
    return undefined;
  }
  const picked = await ctx.prompter.pick(
    withLocator.map((f, i) => ({ label: f.e.alias ?? f.e.name, description: `${f.e.scope} · ${f.locator}`, id: i })),
    { title, placeHolder: vscode.l10n.t('Which file?') },
  );
  if (picked === undefined) return undefined;
  const f = withLocator[picked]!;
  return { v, scope: f.e.scope, locator: f.locator, name: f.e.alias ?? f.e.name };
}

async function addFromExplorer(ctx: Ctx, arg: unknown): Promise<boolean> {
  const ref = refOf(arg);
  const uri =
    uriOf(arg) ??
    (await ctx.prompter.pickFile({
      title: vscode.l10n.t('Kagi: Add File to Kagi'),
      openLabel: vscode.l10n.t('Add to Kagi'),
    }));
  if (!uri || uri.scheme !== 'file') return false;
  const v = ref ? ctx.vaultAt(ref.vault) : await ctx.pickVault(uri);
  if (!v) return false;
  const scope =
    ref?.scope ??
    (await pickScope(ctx, v, `Add ${path.basename(uri.fsPath)} to which scope?`, {
      preferred: preferredScope(v.project, ctx.activeEnv(v), path.dirname(uri.fsPath)),
      allowNew: true,
    }));
  if (!scope) return false;
  const file = uri.fsPath;
  const git = await plaintextGitState(file);
  if (git.tracked) {
    // `kagi file add` refuses a tracked file: its plaintext would stay in the repository.
    const ok = await ctx.prompter.confirm(
      vscode.l10n.t('{0} is tracked by Git. Stop tracking it and add it to Kagi?', path.basename(file)),
      vscode.l10n.t(
        'Runs `git rm --cached` (the file stays on disk; commit the removal). Earlier commits still hold its plaintext: rotate what it contains.',
      ),
      [vscode.l10n.t('Untrack and Add')],
    );
    if (ok !== vscode.l10n.t('Untrack and Add')) return false;
    untrackPlaintext(file);
  }
  const existing = (await listFiles(v.project, scope)).some(
    (e) => e.location === 'repo' && path.join(v.project.root, ...e.restore_path.split('/')) === file,
  );
  if (existing) {
    const ok = await ctx.prompter.confirm(
      vscode.l10n.t('{0} is already in {1}. Replace it?', path.basename(file), scope),
      vscode.l10n.t('The encrypted copy is replaced by the file on disk.'),
      [vscode.l10n.t('Replace')],
    );
    if (ok !== vscode.l10n.t('Replace')) return false;
  }
  const added = await addFile(v.project, { scope, path: file, cwd: v.project.root, force: existing });
  ctx.fireChanged(v);
  const locator = locatorOf(added.entry.location, added.entry.restore_path);
  ctx.log.info(`added file ${locator} to ${scope} (${added.entry.size} bytes)`);
  ctx.prompter.info(
    vscode.l10n.t('Kagi: {0} is encrypted in {1} ({2}). Commit .kagi/ to share it.', added.entry.name, scope, locator),
  );
  await offerIgnore(ctx, file, added.ignore);
  return true;
}

/** After the plaintext was written or added: if Git would commit it, offer to ignore it. */
async function offerIgnore(ctx: Ctx, file: string, ignore: IgnoreState): Promise<void> {
  if (ignore !== 'not-ignored') return;
  const choice = await ctx.prompter.offer(
    vscode.l10n.t('Kagi: Git would commit the plaintext {0}. Add it to .gitignore?', path.basename(file)),
    [vscode.l10n.t('Add to .gitignore')],
  );
  if (choice === vscode.l10n.t('Add to .gitignore')) {
    const ignoreFile = gitIgnorePlaintext(file);
    ctx.log.info(`added ${path.basename(file)} to ${ignoreFile}`);
  }
}

async function openFile(ctx: Ctx, viewer: FileViewer, arg: unknown): Promise<boolean> {
  const t = await fileTarget(ctx, arg, vscode.l10n.t('Kagi: Open File'));
  if (!t) return false;
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Show the decrypted content of {0}?', t.name),
    vscode.l10n.t(
      'Scope {0}, {1}. It will be visible on screen, in a read-only view that cannot be saved. Binary files show their size and type only.',
      t.scope,
      t.locator,
    ),
    [vscode.l10n.t('Show')],
  );
  if (ok !== vscode.l10n.t('Show')) return false;
  const { bytes } = await readFileArtifact(t.v.project, t.scope, t.locator, t.v.project.root);
  viewer.show(`${t.name} (${t.scope})`, bytes);
  ctx.log.info(`opened file ${t.locator} of ${t.scope}`);
  return true;
}

async function restoreToDisk(ctx: Ctx, arg: unknown): Promise<boolean> {
  const t = await fileTarget(ctx, arg, vscode.l10n.t('Kagi: Restore to Disk'));
  if (!t) return false;
  const [location, restorePath] = [t.locator.slice(0, 4), t.locator.slice(5)];
  const given = await ctx.prompter.input({
    title: vscode.l10n.t('Restore {0} to', t.name),
    prompt:
      location === 'repo'
        ? vscode.l10n.t('A path inside the project, relative to its root. The file is written with mode 0600.')
        : vscode.l10n.t('A path inside your home folder. The file is written with mode 0600.'),
    value: location === 'repo' ? restorePath : `~/${restorePath}`,
  });
  if (given === undefined) return false;
  const typed = given.startsWith('~/') ? path.join(os.homedir(), given.slice(2)) : given;
  const out = given === restorePath || given === `~/${restorePath}` ? undefined : typed;
  const req = { scope: t.scope, selector: t.locator, cwd: t.v.project.root, out };
  let plan = await planFileRestore(t.v.project, req);
  if (plan.status === 'same') {
    ctx.prompter.info(vscode.l10n.t('Kagi: {0} already has this content.', plan.target));
    return true;
  }
  const exists = plan.status === 'blocked' || plan.status === 'different';
  const ok = await ctx.prompter.confirm(
    exists
      ? vscode.l10n.t('Overwrite {0} with the decrypted {1}?', plan.target, t.name)
      : vscode.l10n.t('Write the decrypted {0} to {1}?', t.name, plan.target),
    (plan.backup ? `${vscode.l10n.t('The current file is kept as {0}.', plan.backup)} ` : '') +
      vscode.l10n.t('The plaintext is written with mode 0600. Keep it out of Git.'),
    [exists ? vscode.l10n.t('Overwrite') : vscode.l10n.t('Restore')],
  );
  if (!ok) return false;
  if (plan.status === 'blocked') plan = await planFileRestore(t.v.project, { ...req, force: true });
  const [done] = await applyFileRestores(t.v.project, [plan]);
  ctx.log.info(`restored file ${t.locator} of ${t.scope}`);
  ctx.prompter.info(vscode.l10n.t('Kagi: restored {0} to {1}.', t.name, done!.target));
  await offerIgnore(ctx, done!.target, done!.ignore);
  return true;
}

async function removeFile(ctx: Ctx, arg: unknown): Promise<boolean> {
  const t = await fileTarget(ctx, arg, vscode.l10n.t('Kagi: Remove File'));
  if (!t) return false;
  const ok = await ctx.prompter.confirm(
    vscode.l10n.t('Remove the encrypted file {0} from {1}?', t.name, t.scope),
    vscode.l10n.t(
      '{0}. Teammates lose it after you commit .kagi/. Git history keeps the old encrypted file; a plaintext copy on disk is not touched.',
      t.locator,
    ),
    [vscode.l10n.t('Remove')],
  );
  if (ok !== vscode.l10n.t('Remove')) return false;
  await removeFileArtifact(t.v.project, t.scope, t.locator, t.v.project.root);
  ctx.fireChanged(t.v);
  ctx.log.info(`removed file ${t.locator} from ${t.scope}`);
  return true;
}

export type { ShownFile } from './fileViewer';

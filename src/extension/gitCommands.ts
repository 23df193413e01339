// The editor's Git integration: set-up, the two renderings of a store side by side (no value
// ever), per-key conflict resolution and key history. All work is the vault's use cases. Loaded
// on a command's first run (onDemandCommands.ts); the document schemes are gitDocuments.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  gitSetupOffered,
  keyHistory,
  listStoreConflicts,
  resolveStoreConflict,
  setUpGit,
  SIDES,
  type KeyConflict,
  type LogEntry,
  type Program,
  type Project,
  type Side,
  type StoreConflict,
} from '../vault';
import type { GitDocuments } from './gitDocuments';
import type { Handlers } from './onDemand';
import { revisionBlob } from './gitExtension';
import { refOf, uriOf, vaultOf } from './target';
import type { Ctx, VaultFolder } from './ctx';

export function gitCommands(
  ctx: Ctx,
  git: GitDocuments,
): Handlers<'kagi.setUpGitIntegration' | 'kagi.openStoreChanges' | 'kagi.resolveConflict' | 'kagi.showHistory'> {
  return {
    'kagi.setUpGitIntegration': (arg) => setUp(ctx, arg, git.program),
    'kagi.openStoreChanges': (arg) => openChanges(ctx, git, arg),
    'kagi.resolveConflict': (arg) => resolve(ctx, arg),
    'kagi.showHistory': (arg) => showHistory(ctx, git, arg),
  };
}

async function setUp(ctx: Ctx, arg: unknown, program: { node: string; cli: string }): Promise<string | undefined> {
  const v = await vaultOf(ctx, refOf(arg), uriOf(arg));
  if (!v) return undefined;
  const r = setUpGit(v.project, program);
  const message = r.attributesChanged
    ? `Kagi: Git integration set up. Commit ${path.relative(v.project.root, r.attributesFile) || '.gitattributes'} so teammates get readable diffs too.`
    : 'Kagi: Git integration is set up (nothing to change).';
  ctx.prompter.info(message);
  return message;
}

/**
 * After Initialize Vault in a Git repository: the setup on an explicit yes, never silently.
 * True when it was set up.
 */
export async function offerGitSetup(ctx: Ctx, project: Project, program: Program): Promise<boolean> {
  if (!gitSetupOffered(project)) return false;
  const yes = vscode.l10n.t('Set Up Git Integration');
  const answer = await ctx.prompter.confirm(
    vscode.l10n.t('This folder is a Git repository. Set up Git integration for the vault?'),
    vscode.l10n.t(
      "Readable diffs of .kagi/ (key names and fingerprints, never values), per-key merges and key history. Adds lines to .gitattributes (commit them) and the drivers to this clone's Git config.",
    ),
    [yes],
  );
  if (answer !== yes) return false;
  const r = setUpGit(project, program);
  ctx.log.info(`git: set up in ${r.gitRoot} (${r.configChanged} driver settings)`);
  ctx.prompter.info(
    vscode.l10n.t('Kagi: Git integration set up. Commit .gitattributes so teammates get readable diffs too.'),
  );
  return true;
}

/** The store file a command means: an SCM or Explorer resource, or a tree environment node. */
function storeFileOf(ctx: Ctx, arg: unknown): { v: VaultFolder; file: string } | undefined {
  const scmUri = (arg as { resourceUri?: unknown } | undefined)?.resourceUri;
  const uri = scmUri instanceof vscode.Uri ? scmUri : uriOf(arg);
  if (uri) {
    const v = ctx.vaultFor(uri);
    return v && /\.enc$/.test(uri.fsPath) ? { v, file: uri.fsPath } : undefined;
  }
  const ref = refOf(arg);
  const v = ref ? ctx.vaultAt(ref.vault) : undefined;
  const entry = v && ref?.scope ? v.project.config().services[ref.scope] : undefined;
  return v && entry ? { v, file: v.project.file(entry.file) } : undefined;
}

/**
 * The left side at `revision`: the Git extension names the blob (its repository, its revision
 * resolution, the blob's size) and we read and render those bytes ourselves. Reading through
 * its `git:` file system instead would run `git show --textconv`, i.e. our textconv in another
 * process when the setup ran and raw ciphertext when not. Without the Git extension (disabled,
 * or the repository not opened yet) we ask Git for the revision directly.
 */
async function revisionUri(git: GitDocuments, file: string, revision: string): Promise<vscode.Uri> {
  const named = await revisionBlob(file, revision);
  return named
    ? git.storeUri(file, { rev: revision, blob: named.blob, size: String(named.size), via: 'git-extension' })
    : git.storeUri(file, { rev: revision, via: 'git' });
}

/** Working tree against HEAD, or against a commit that changed the store (picked from its history). */
async function openChanges(ctx: Ctx, git: GitDocuments, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const target = storeFileOf(ctx, arg);
  if (!target) {
    ctx.prompter.info(
      vscode.l10n.t('Kagi: choose an encrypted store (.kagi/secrets/….enc) or an environment to compare.'),
    );
    return undefined;
  }
  // From the SCM view the question is "what did I change": HEAD, without asking.
  const fromScm = (arg as { resourceUri?: unknown } | undefined)?.resourceUri instanceof vscode.Uri;
  const revision = fromScm ? 'HEAD' : await pickRevision(ctx, target);
  if (revision === undefined) return undefined;
  const left = await revisionUri(git, target.file, revision);
  const right = git.storeUri(target.file, { rev: 'worktree' });
  const label = revision === 'HEAD' ? 'HEAD' : revision.slice(0, 8);
  await vscode.commands.executeCommand(
    'vscode.diff',
    left,
    right,
    vscode.l10n.t('{0} ({1} ↔ Working Tree, keys only)', path.basename(target.file), label),
  );
  return [left, right];
}

/** How many commits the pick offers: the recent ones people compare against. */
const PICK_DEPTH = 50;

async function pickRevision(ctx: Ctx, target: { v: VaultFolder; file: string }): Promise<string | undefined> {
  let entries: LogEntry[];
  try {
    entries = (await keyHistory(target.v.project, { file: target.file, maxCount: PICK_DEPTH })).entries;
  } catch (e) {
    ctx.log.warn(`git: no history for the revision pick (${e instanceof Error ? e.name : typeof e})`);
    entries = [];
  }
  if (entries.length === 0) return 'HEAD';
  return ctx.prompter.pick(
    [
      { label: vscode.l10n.t('Working Tree ↔ HEAD'), id: 'HEAD', description: vscode.l10n.t('uncommitted changes') },
      ...entries.map((e) => ({
        label: `${e.commit.slice(0, 8)} ${e.subject}`,
        id: e.commit,
        description: `${e.author}, ${e.date}`,
        detail: changeList(e),
      })),
    ],
    {
      title: vscode.l10n.t('Kagi: Open Changes of {0}', path.basename(target.file)),
      placeHolder: vscode.l10n.t('Compare the working tree with…'),
    },
  );
}

function changeList(e: LogEntry): string {
  return e.scopes
    .flatMap((s) => (s.unreadable ? [`(${s.unreadable})`] : s.changes.map((c) => `${c.op} ${c.key}`)))
    .join('  ');
}

function sideLabel(k: KeyConflict, side: Side): string {
  const s = k.sides[side];
  return s === undefined ? 'unknown' : s.fingerprint === undefined ? 'absent' : `fp:${s.fingerprint}`;
}

/** Per key: ours / theirs / base with fingerprints; values only through the reveal modal. */
async function resolve(ctx: Ctx, arg: unknown): Promise<number | undefined> {
  const v = await vaultOf(ctx, refOf(arg), uriOf(arg));
  if (!v) return undefined;
  const conflicts = await listStoreConflicts(v.project);
  if (conflicts.length === 0) {
    ctx.prompter.info(vscode.l10n.t('Kagi: no recorded conflicts in this vault.'));
    return 0;
  }
  let resolved = 0;
  for (const c of conflicts) {
    const choices = new Map<string, Side>();
    for (const k of c.keys) {
      const side = await pickSide(ctx, c, k);
      if (side === 'cancel') return resolved;
      if (side) choices.set(k.key, side);
    }
    if (choices.size === 0) continue;
    const remaining = await resolveStoreConflict(v.project, c, choices);
    resolved += choices.size;
    ctx.fireChanged(v);
    if (remaining.length === 0)
      ctx.prompter.info(vscode.l10n.t('Kagi: {0} resolved. Stage {1} to finish the merge.', c.scope, c.path));
  }
  return resolved;
}

async function pickSide(ctx: Ctx, c: StoreConflict, k: KeyConflict): Promise<Side | 'cancel' | undefined> {
  for (;;) {
    const choice = await ctx.prompter.pick<Side | 'reveal' | 'skip'>(
      [
        ...SIDES.map((side) => ({ label: vscode.l10n.t('Keep {0}', side), id: side, description: sideLabel(k, side) })),
        { label: vscode.l10n.t('Reveal the values…'), id: 'reveal' as const },
        { label: vscode.l10n.t('Decide later'), id: 'skip' as const },
      ],
      {
        title: vscode.l10n.t('{0} {1} changed on both sides', c.scope, k.key),
        placeHolder: vscode.l10n.t('Which value to keep?'),
      },
    );
    if (choice === undefined) return 'cancel';
    if (choice === 'skip') return undefined;
    if (choice !== 'reveal') return choice;
    const reveal = vscode.l10n.t('Reveal');
    const ok = await ctx.prompter.confirm(
      vscode.l10n.t('Reveal the values of {0}?', k.key),
      vscode.l10n.t('Each side is shown in a modal.'),
      [reveal],
    );
    if (ok !== reveal) continue;
    for (const side of SIDES) await ctx.prompter.showValue(`${k.key} (${side})`, c.reveal(k.key, side) ?? '(absent)');
  }
}

function formatHistory(entries: LogEntry[]): string {
  if (entries.length === 0) return 'No commit changed these keys.\n';
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${e.commit.slice(0, 12)}  ${e.date}  ${e.author}`, `    ${e.subject}`);
    for (const s of e.scopes) {
      lines.push(`  ${s.scope}${s.unreadable ? `: (${s.unreadable})` : ''}`);
      for (const ch of s.changes) lines.push(`    ${ch.op} ${ch.key}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The commits that changed a key (or an environment's keys), in a read-only document. */
async function showHistory(ctx: Ctx, git: GitDocuments, arg: unknown): Promise<string | undefined> {
  const ref = refOf(arg);
  const v = await vaultOf(ctx, ref);
  if (!v || !ref?.scope) {
    ctx.prompter.info(vscode.l10n.t('Kagi: run "Show History" on a key or an environment in the Kagi view.'));
    return undefined;
  }
  const history = await keyHistory(v.project, { scope: ref.scope, ...(ref.key ? { key: ref.key } : {}) });
  const text = formatHistory(history.entries) + (history.shallow ? '(shallow clone: older history is not here)\n' : '');
  const uri = git.historyUri(`${ref.scope}${ref.key ? `/${ref.key}` : ''}`, text);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  return text;
}

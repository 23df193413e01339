import {
  addFile,
  applyFileRestores,
  displayName,
  listFiles,
  locatorOf,
  planFileRestore,
  planRestoreAll,
  readFileArtifact,
  removeFileArtifact,
  resolveFileListScope,
  resolveFileScope,
  type ArtifactEntry,
  type IgnoreState,
  type RestorePlan,
} from '../../vault';
import { flag, HelpRequested, parseOptions, str, usage, type OptionSpec, type ParsedArgs } from '../args';
import type { CliContext, Command } from '../command';
import { confirmYesNo } from '../confirm';
import { openProject, type OpenedProject } from '../context';

const SERVICE: OptionSpec = { service: { type: 'string', short: 's' } };

export const fileCommand: Command = {
  name: 'file',
  summary: 'keep small files (keys, certificates, credentials) encrypted in the vault',
  help: `Usage: kagi file add     [-s S] [--name ALIAS] [--force] [--allow-large] [--external] [service] [env] PATH
       kagi file list    [-s S] [--all] [service] [env]
       kagi file show    [-s S] [--yes] [service] [env] NAME
       kagi file restore [-s S] [-o PATH] [--force] [--yes] [service] [env] NAME
       kagi file restore --all [-s S] [--force] [--dry-run] [--yes] [service] [env]
       kagi file remove  [-s S] [--force|--yes] [service] [env] NAME

Files are encrypted under the project key in .kagi/files/ (one blob each plus an
index), attached to a scope, exactly as the Rust CLI's \`kagi file\` keeps them.
The scope: [service] [env] before the item; with --service or inside a service
folder only [env]; with neither, the root scope of the default environment.
NAME is the file's name (or its --name alias), repo:<path> / home:<path> as
\`file list\` shows it, or a path of the file on disk.

  add      encrypt a regular file of at most 1 MiB (5 MiB with --allow-large);
           it must be inside the project (--external: inside your home folder)
           and not tracked by Git. Adds /<path> to .git/info/exclude.
  list     names, locators and sizes (never content); --all for every scope
  show     print the decrypted bytes to stdout (asks y/N; --yes off a terminal)
  restore  write the plaintext back to its path or -o PATH, mode 0600; an
           existing different file needs --force (home files get a backup);
           warns when Git would not ignore the written file
  remove   delete the encrypted file (asks y/N; --force or --yes to skip)
`,
  async run(ctx, args) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw usage('file', 'missing subcommand (add, list, show, restore, remove)');
    if (sub === '-h' || sub === '--help') throw new HelpRequested();
    const handler = SUBCOMMANDS[sub];
    if (!handler) throw usage('file', `unknown subcommand ${JSON.stringify(sub)}`);
    return handler(ctx, rest);
  },
};

type Handler = (ctx: CliContext, args: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, Handler> = { add, list, show, restore, remove };

/** `[service] [env] ITEM`: the last positional is the item, at most two scope words before it. */
function itemArgs(sub: string, p: ParsedArgs, item: string): { words: string[]; value: string } {
  if (p.positionals.length === 0) throw usage(`file ${sub}`, `missing ${item}`);
  if (p.positionals.length > 3) throw usage(`file ${sub}`, `too many arguments: use [service] [env] <${item}>`);
  return { words: p.positionals.slice(0, -1), value: p.positionals[p.positionals.length - 1]! };
}

async function scoped(ctx: CliContext, sub: string, p: ParsedArgs, item: string) {
  const { words, value } = itemArgs(sub, p, item);
  const opened = await openProject(ctx, str(p, 'service'), { recover: true });
  return { ...opened, scope: resolveFileScope(opened.project, opened.location, str(p, 'service'), words), value };
}

function warnIgnore(ctx: CliContext, ignore: IgnoreState, file: string): void {
  if (ignore === 'not-ignored') {
    ctx.io.err(
      `kagi: warning: Git would not ignore ${file}: it could be committed as plaintext; add it to .gitignore\n`,
    );
  }
}

async function add(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('file', args, {
    ...SERVICE,
    name: { type: 'string' },
    force: { type: 'boolean' },
    'allow-large': { type: 'boolean' },
    external: { type: 'boolean' },
  });
  const { project, scope, value } = await scoped(ctx, 'add', p, 'path');
  const added = await addFile(project, {
    scope,
    path: value,
    cwd: ctx.cwd,
    alias: str(p, 'name'),
    force: flag(p, 'force'),
    allowLarge: flag(p, 'allow-large'),
    location: flag(p, 'external') ? 'home' : 'repo',
  });
  const locator = locatorOf(added.entry.location, added.entry.restore_path);
  ctx.io.out(`${added.replaced ? 'replaced' : 'added'} file ${locator} to ${added.entry.scope}\n`);
  ctx.io.out(`restore path: ${locator}\n`);
  warnIgnore(ctx, added.ignore, added.source);
  return 0;
}

async function list(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('file', args, { ...SERVICE, all: { type: 'boolean' } });
  if (p.positionals.length > 2) throw usage('file list', 'too many arguments: use [service] [env]');
  const { project, location } = await openProject(ctx, str(p, 'service'), { recover: true });
  const scope = resolveFileListScope(project, location, str(p, 'service'), p.positionals, flag(p, 'all'));
  ctx.io.out(renderList(await listFiles(project, scope)));
  return 0;
}

/** Rust's listing: a scope header, then `  <locator> <size> bytes <name>[ alias:<alias>]`. */
function renderList(entries: ArtifactEntry[]): string {
  if (entries.length === 0) return 'no encrypted files found\n';
  let out = '';
  let scope: string | undefined;
  for (const e of entries) {
    if (e.scope !== scope) out += `${(scope = e.scope)}\n`;
    const alias = e.alias !== undefined ? ` alias:${e.alias}` : '';
    out += `  ${locatorOf(e.location, e.restore_path)} ${e.size} bytes ${displayName(e)}${alias}\n`;
  }
  return out;
}

async function show(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('file', args, { ...SERVICE, yes: { type: 'boolean' } });
  const { project, scope, value } = await scoped(ctx, 'show', p, 'name');
  // Decrypted before asking, so a missing or tampered file fails without a question.
  const { entry, bytes } = await readFileArtifact(project, scope, value, ctx.cwd);
  await confirmYesNo(ctx.io, flag(p, 'yes'), `Print the decrypted content of ${displayName(entry)} (${scope})?`);
  ctx.io.outBytes(bytes);
  return 0;
}

async function restore(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('file', args, {
    ...SERVICE,
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean' },
  });
  if (flag(p, 'all')) return restoreAll(ctx, p);
  if (flag(p, 'dry-run')) throw usage('file restore', '--dry-run is only supported with --all');
  const { project, scope, value } = await scoped(ctx, 'restore', p, 'name');
  const plan = await planFileRestore(project, {
    scope,
    selector: value,
    cwd: ctx.cwd,
    out: str(p, 'out'),
    force: flag(p, 'force'),
  });
  const [done] = await applyFileRestores(project, [plan]);
  reportRestored(ctx, done!);
  ctx.io.out('plaintext file restored; keep it out of git\n');
  return 0;
}

function reportRestored(ctx: CliContext, r: RestorePlan & { ignore: IgnoreState }): void {
  const locator = locatorOf(r.entry.location, r.entry.restore_path);
  ctx.io.out(`${r.status === 'same' ? 'unchanged (same content)' : 'restored'} ${locator} to ${r.target}\n`);
  if (r.backup) ctx.io.out(`backup: ${r.backup}\n`);
  warnIgnore(ctx, r.ignore, r.target);
}

const STATUS: Record<RestorePlan['status'], string> = {
  missing: 'status: missing, will create',
  same: 'status: exists, same, skip',
  different: 'status: exists, different, will overwrite',
  blocked: 'status: exists, different, requires --force',
};

async function restoreAll(ctx: CliContext, p: ParsedArgs): Promise<number> {
  if (str(p, 'out') !== undefined) throw usage('file restore', '--all cannot be combined with --out');
  if (p.positionals.length > 2) throw usage('file restore', 'too many arguments: use --all [service] [env]');
  const { project, location }: OpenedProject = await openProject(ctx, str(p, 'service'), { recover: true });
  const scope = resolveFileListScope(project, location, str(p, 'service'), p.positionals, false);
  const plans = await planRestoreAll(project, scope, flag(p, 'force'));
  ctx.io.out(`kagi will restore ${plans.length} file(s):\n`);
  for (const plan of plans) {
    const status = plan.backup ? 'status: exists, different, backup will be created' : STATUS[plan.status];
    ctx.io.out(
      `\n  ${locatorOf(plan.entry.location, plan.entry.restore_path)}\n    -> ${plan.target}\n    ${status}\n`,
    );
    if (plan.backup) ctx.io.out(`    backup: ${plan.backup}\n`);
  }
  if (flag(p, 'dry-run')) return 0;
  if (plans.some((x) => x.status === 'blocked')) {
    throw usage('file restore', 'restore plan contains files that require --force');
  }
  await confirmYesNo(ctx.io, flag(p, 'yes'), 'Write these plaintext files?');
  const done = await applyFileRestores(project, plans);
  for (const r of done) warnIgnore(ctx, r.ignore, r.target);
  ctx.io.out(`restored ${done.filter((r) => r.status !== 'same').length} file(s)\n`);
  return 0;
}

async function remove(ctx: CliContext, args: string[]): Promise<number> {
  const p = parseOptions('file', args, { ...SERVICE, force: { type: 'boolean' }, yes: { type: 'boolean' } });
  const { project, scope, value } = await scoped(ctx, 'remove', p, 'name');
  await confirmYesNo(
    ctx.io,
    flag(p, 'force') || flag(p, 'yes'),
    `Remove encrypted file ${value} from ${scope} permanently?`,
  );
  const removed = await removeFileArtifact(project, scope, value, ctx.cwd);
  ctx.io.out(`removed ${displayName(removed)} from ${removed.scope}\n`);
  return 0;
}

import {
  installScanHook,
  MAX_SCAN_BYTES,
  scanForLeaks,
  scanHookStatus,
  SEARCH_RULE,
  KagiError,
  type Finding,
} from '../../vault';
import { flag, HelpRequested, parseOptions } from '../args';
import type { CliContext, Command } from '../command';
import { askYesNo } from '../confirm';
import { openProject } from '../context';
import { reportError } from '../report';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'find vault values written in plain text in files Git would commit',
  // A getter: the text reads two of the vault's constants, and `kagi --version` should not load the vault.
  get help() {
    return `Usage: kagi scan [--staged] [PATH…]
       kagi scan --install-hook [--yes]

Looks for the value of every secret of every scope this device can open, written
literally in the files Git would commit under PATH (default: this folder):
tracked and untracked-but-not-ignored files (git ls-files -co --exclude-standard),
or with --staged the index, as the next commit would hold it. .git/ and .kagi/
are skipped, and so are binary files (a NUL byte) and files over ${MAX_SCAN_BYTES / 1024 / 1024} MiB.
Prints one line per finding, never the value:
  path:line:col  KEY  (scope[, scope…])

Not searched: ${SEARCH_RULE}.

Exit status: 0 nothing found, 1 something found, 2 an error (no vault, not a
member, not a Git repository).

Options:
  --staged         scan the index instead of the working tree (for a pre-commit hook)
  --install-hook   install a pre-commit hook running \`kagi scan --staged\`; a hook
                   that kagi did not write is replaced only after asking (or --yes)
  --yes            with --install-hook: replace an existing hook without asking
`;
  },
  async run(ctx, args) {
    try {
      const p = parseOptions('scan', args, {
        staged: { type: 'boolean' },
        'install-hook': { type: 'boolean' },
        yes: { type: 'boolean' },
      });
      if (flag(p, 'install-hook')) return await installHook(ctx, flag(p, 'yes'));
      const { project } = await openProject(ctx, undefined, { recover: true });
      const result = await scanForLeaks(project, { cwd: ctx.cwd, pathspecs: p.positionals, staged: flag(p, 'staged') });
      for (const f of result.findings) ctx.io.out(formatFinding(f));
      ctx.io.err(summary(result.findings, result.scannedFiles, result.skipped));
      return result.findings.length > 0 ? 1 : 0;
    } catch (e) {
      if (e instanceof HelpRequested) throw e;
      // 1 means "found": every failure is 2, so a hook never mistakes one for the other.
      reportError(ctx.io, e, ctx.host.env.KAGI_DEBUG === '1');
      return 2;
    }
  },
};

export function formatFinding(f: Finding): string {
  const byKey = new Map<string, string[]>();
  for (const s of f.sources) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.scope]);
  return [...byKey]
    .map(([key, scopes]) => `${f.path}:${f.line}:${f.column}  ${key}  (${scopes.join(', ')})\n`)
    .join('');
}

function summary(
  findings: Finding[],
  scanned: number,
  skipped: { binary: number; large: number; other: number },
): string {
  const files = new Set(findings.map((f) => f.path)).size;
  const head =
    findings.length === 0
      ? `kagi scan: no vault value found in ${scanned} file(s)`
      : `kagi scan: ${findings.length} vault value(s) in ${files} file(s) of ${scanned} scanned`;
  const skips = [
    skipped.binary && `${skipped.binary} binary`,
    skipped.large && `${skipped.large} too large`,
    skipped.other && `${skipped.other} links, submodules or unreadable`,
  ].filter(Boolean);
  const hint =
    findings.length > 0
      ? '\n  hint: replace each with a reference to the variable (kagi run injects it), then rotate the value if it was ever committed'
      : '';
  return `${head}${skips.length ? ` (skipped: ${skips.join(', ')})` : ''}${hint}\n`;
}

async function installHook(ctx: CliContext, yes: boolean): Promise<number> {
  if (!ctx.program)
    throw new KagiError('usage', 'this kagi cannot name itself for a hook', 'run dist/cli.js with node');
  const { file, state } = scanHookStatus(ctx.cwd);
  let replace = yes;
  if (state === 'foreign' && !yes && ctx.io.interactive) {
    replace = await askYesNo(ctx.io, `${file} exists and was not written by kagi. Replace it?`);
    if (!replace) {
      ctx.io.err('kagi: left the existing hook as it is; call `kagi scan --staged` from it yourself\n');
      return 2;
    }
  }
  installScanHook(ctx.cwd, [ctx.program.node, ctx.program.cli], replace);
  ctx.io.err(`kagi: ${state === 'ours' ? 'updated' : 'installed'} the pre-commit hook ${file}\n`);
  return 0;
}

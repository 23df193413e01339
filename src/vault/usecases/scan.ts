// "Is a vault value written in plain text somewhere Git would commit?" — `kagi scan` and the
// editor's plaintext guard. Values are decrypted once, turned into a keyed matcher
// (leaks/matcher.ts) and dropped: nothing downstream of buildLeakMatcher holds a value.
import type { Project } from '../project/project';
import { splitScope } from '../scopes/names';
import { LeakMatcher, lineColumn, type LeakEntry, type LeakSource } from '../leaks/matcher';
import { searchablePieces } from '../leaks/searchable';
import { stagedFiles, workingTreeFiles, type SkippedCounts } from '../leaks/gitSources';
import { readScopes } from './secrets';
import { hookState, preCommitHookPath, writeHook, type HookState } from '../leaks/hook';

export { LeakMatcher, lineColumn, type LeakHit, type LeakSource } from '../leaks/matcher';
export { SEARCH_RULE, MIN_SEARCH_LENGTH } from '../leaks/searchable';
export { MAX_SCAN_BYTES, isExcludedPath } from '../leaks/gitSources';

/** A matcher over every value of every scope this device can open (all scopes, or the key fails). */
export async function buildLeakMatcher(project: Project): Promise<LeakMatcher> {
  const stores = await readScopes(project);
  const cfg = project.config();
  const names = new Set<string>(cfg.settings.envs.map((e) => e.toLowerCase()));
  for (const scope of stores.keys()) {
    const { service, env } = splitScope(scope);
    if (service) names.add(service.toLowerCase());
    names.add(env.toLowerCase());
  }
  const entries: LeakEntry[] = [];
  for (const [scope, store] of stores) {
    for (const s of store.secrets.values()) {
      for (const piece of searchablePieces(s.value, names)) entries.push({ key: s.key, scope, piece });
    }
  }
  const matcher = new LeakMatcher(entries);
  // The decrypted stores go out of scope here; clearing the list makes that explicit.
  entries.length = 0;
  stores.clear();
  return matcher;
}

export interface Finding {
  path: string;
  line: number;
  column: number;
  /** UTF-16 units, for an editor's range */
  length: number;
  sources: LeakSource[];
}

export interface ScanResult {
  findings: Finding[];
  scannedFiles: number;
  skipped: SkippedCounts;
}

export interface ScanOptions {
  /** the folder to scan from (paths are relative to it) */
  cwd: string;
  pathspecs: string[];
  /** the index instead of the working tree */
  staged: boolean;
}

export async function scanForLeaks(project: Project, opts: ScanOptions): Promise<ScanResult> {
  const source = opts.staged ? stagedFiles(opts.cwd, opts.pathspecs) : workingTreeFiles(opts.cwd, opts.pathspecs);
  const matcher = await buildLeakMatcher(project);
  const findings: Finding[] = [];
  let scannedFiles = 0;
  for (const file of source.files) {
    scannedFiles++;
    for (const hit of matcher.find(file.text)) {
      findings.push({
        path: file.path,
        ...lineColumn(file.text, hit.offset),
        length: hit.length,
        sources: hit.sources,
      });
    }
  }
  return { findings, scannedFiles, skipped: source.skipped };
}

export { HOOK_MARKER, type HookState } from '../leaks/hook';

/** Where the pre-commit hook of the repository at `cwd` lives, and whose it is. */
export function scanHookStatus(cwd: string): { file: string; state: HookState } {
  const file = preCommitHookPath(cwd);
  return { file, state: hookState(file) };
}

/**
 * Installs the pre-commit hook that runs `kagi scan --staged` with `command` (this kagi's argv).
 * `replace` says the person was asked about a hook that is not ours.
 */
export function installScanHook(cwd: string, command: string[], replace: boolean): { file: string; state: HookState } {
  const status = scanHookStatus(cwd);
  writeHook(status.file, command, status.state, replace);
  return status;
}

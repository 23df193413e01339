// The key tooltip's "last changed by whom": asked on hover (resolveTreeItem), never while the
// tree lists keys, from the history use case `kagi log` uses. Names, authors and dates only.
import * as vscode from 'vscode';
import { keyLastChanges, type KeyLastChange, type LastChangeMemo } from '../vault';
import type { Ctx } from './ctx';
import type { TreeNode } from './treeModel';

export class LastChangeTooltips {
  /** per vault root: answers by scope, HEAD and the store's blob (no value in them) */
  private readonly memos = new Map<string, LastChangeMemo>();

  constructor(private readonly ctx: Pick<Ctx, 'vaultAt' | 'log'>) {}

  /** The key node's tooltip with its last change appended; the plain tooltip when there is none. */
  async tooltip(node: TreeNode): Promise<string | undefined> {
    const { vault, scope, key } = node.ref;
    // History opens old revisions with this device's keys: never in Restricted Mode.
    if (!vscode.workspace.isTrusted || !scope || !key) return node.tooltip;
    const v = this.ctx.vaultAt(vault);
    if (!v) return node.tooltip;
    let memo = this.memos.get(vault);
    if (!memo) this.memos.set(vault, (memo = new Map()));
    try {
      const r = await keyLastChanges(v.project, scope, { memo });
      const change = r.keys.get(key);
      return change ? `${node.tooltip ?? ''}\n${describeChange(change)}` : node.tooltip;
    } catch (e) {
      // A tooltip is no place for an error dialog; the log gets the kind, never a value.
      this.ctx.log.warn(`git: no last change for a key of ${scope} (${e instanceof Error ? e.name : typeof e})`);
      return node.tooltip;
    }
  }
}

export function describeChange(c: KeyLastChange, now = Date.now()): string {
  switch (c.kind) {
    case 'worktree':
      return vscode.l10n.t('Changed in the working tree (not committed)');
    case 'older':
      return vscode.l10n.t('Not changed in the last {0} commits of this store', c.depth);
    case 'unreadable':
      return vscode.l10n.t('Last change unknown: this device cannot open revision {0}', c.commit.slice(0, 8));
    case 'commit':
      return vscode.l10n.t(
        'Last changed {0} ({1}) by {2} in {3}: {4}',
        relativeTime(Date.parse(c.date), now),
        c.date,
        c.author,
        c.commit.slice(0, 8),
        c.subject,
      );
  }
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 days ago" in the editor's language. */
function relativeTime(then: number, now: number): string {
  if (Number.isNaN(then)) return vscode.l10n.t('at an unknown time');
  const seconds = Math.round((then - now) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? UNITS[UNITS.length - 1]!;
  return new Intl.RelativeTimeFormat(vscode.env.language, { numeric: 'auto' }).format(Math.round(seconds / size), unit);
}

import * as vscode from 'vscode';
import { createHash } from 'node:crypto';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the guard needs of the clipboard: VS Code's, or in a test one whose read is refused. */
export type ClipboardPort = Pick<vscode.Clipboard, 'readText' | 'writeText'>;

/** How the clear ended: cleared because it still held the value, or because that couldn't be checked. */
export type ClearOutcome = 'cleared' | 'cleared-unverified' | 'changed' | 'cancelled' | 'failed';

/**
 * Copies a value and clears the clipboard after a delay, but only if it still
 * holds that value (the person may have copied something else meanwhile).
 * Only a hash of the value is kept while waiting.
 *
 * When that check can't be made, the value is never left behind silently: a read that throws,
 * or reads back empty (a browser-hosted VS Code that may not read the clipboard shows a
 * notification and returns ''), clears anyway and logs it. Clearing something the person
 * copied meanwhile is the lesser harm; clearing an empty clipboard changes nothing.
 */
export class ClipboardGuard implements vscode.Disposable {
  private pending?: {
    hash: string;
    timer: NodeJS.Timeout;
    resolve: (outcome: ClearOutcome) => void;
  };

  constructor(
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>,
    private readonly clipboard: ClipboardPort = vscode.env.clipboard,
  ) {}

  /** `cleared` resolves when the clear ran (or was cancelled by another copy). */
  async copy(value: string, clearSeconds: number): Promise<{ cleared: Promise<ClearOutcome> }> {
    this.cancel();
    await this.clipboard.writeText(value);
    let resolve!: (outcome: ClearOutcome) => void;
    const done = new Promise<ClearOutcome>((r) => (resolve = r));
    const timer = setTimeout(() => void this.clearIfUnchanged(), Math.max(0, clearSeconds) * 1000);
    this.pending = { hash: digest(value), timer, resolve };
    return { cleared: done };
  }

  private async clearIfUnchanged(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    let outcome: ClearOutcome = 'failed';
    try {
      outcome = await this.clearIf(p.hash);
    } catch {
      // The error's text is not ours to log (it could quote clipboard content).
      this.log.warn('clipboard: could not clear it; clear it by copying something else');
    } finally {
      p.resolve(outcome);
    }
  }

  private async clearIf(hash: string): Promise<ClearOutcome> {
    const current = await this.readBack();
    if (current === undefined || current === '') {
      await this.clipboard.writeText('');
      this.log.info('clipboard: could not read back; cleared');
      return 'cleared-unverified';
    }
    if (digest(current) !== hash) return 'changed';
    await this.clipboard.writeText('');
    this.log.info('clipboard: cleared');
    return 'cleared';
  }

  /** The clipboard's text, or undefined when it may not be read. */
  private async readBack(): Promise<string | undefined> {
    try {
      return await this.clipboard.readText();
    } catch {
      return undefined;
    }
  }

  private cancel(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.pending.resolve('cancelled');
    this.pending = undefined;
  }

  /** On shutdown, clear now rather than leave the value behind. */
  dispose(): void {
    if (this.pending) {
      clearTimeout(this.pending.timer);
      void this.clearIfUnchanged();
    }
  }
}

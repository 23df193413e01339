import * as vscode from 'vscode';
import { createHash } from 'node:crypto';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Copies a value and clears the clipboard after a delay, but only if it still
 * holds that value (the person may have copied something else meanwhile).
 * Only a hash of the value is kept while waiting.
 */
export class ClipboardGuard implements vscode.Disposable {
  private pending?: {
    hash: string;
    timer: NodeJS.Timeout;
    done: Promise<boolean>;
    resolve: (cleared: boolean) => void;
  };

  /** Resolves when the clear ran: true if it cleared, false if the clipboard had changed. */
  async copy(value: string, clearSeconds: number): Promise<{ cleared: Promise<boolean> }> {
    this.cancel();
    await vscode.env.clipboard.writeText(value);
    let resolve!: (cleared: boolean) => void;
    const done = new Promise<boolean>((r) => (resolve = r));
    const hash = digest(value);
    const timer = setTimeout(() => void this.clearIfUnchanged(), Math.max(0, clearSeconds) * 1000);
    this.pending = { hash, timer, done, resolve };
    return { cleared: done };
  }

  private async clearIfUnchanged(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    let cleared = false;
    try {
      if (digest(await vscode.env.clipboard.readText()) === p.hash) {
        await vscode.env.clipboard.writeText('');
        cleared = true;
      }
    } finally {
      p.resolve(cleared);
    }
  }

  private cancel(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.pending.resolve(false);
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

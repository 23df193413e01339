// Stale environments: a terminal, task or debug session keeps the values it started with. After
// a scope changes (a write of ours, the CLI, `git pull`: every vault-change announcement), each
// running Kagi program whose scope now holds other values shows a notice with "Restart".
// What is remembered per program is a keyed digest of its environment (HMAC under a key drawn
// at start-up and kept in memory), never a value; scopes are re-read only when a program that
// uses them is running.
import { createHmac, randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { describeError, readScopeEnv, type SecretEnv } from '../vault';
import type { Prompter } from './prompter';
import type { VaultChange, VaultFolder } from './vaultFolder';

/** What the tracker needs of the extension's shared context (not Ctx itself: no import circle). */
export interface StaleHost {
  readonly log: Pick<vscode.LogOutputChannel, 'info'>;
  readonly prompter: Prompter;
  readonly onDidChangeVault: vscode.Event<VaultChange>;
}

export interface RunningProgram {
  vault: VaultFolder;
  scope: string;
  /** how the notice names it: `task "npm run dev"`, `terminal "kagi: api/production"`… */
  label: string;
  /** stops it and starts it again with fresh values */
  restart(): Promise<unknown> | void;
}

interface Entry extends RunningProgram {
  digest: string;
  notified: boolean;
}

/** What the integration suite sees: each running program and whether it was told it is stale. */
export interface StaleState {
  label: string;
  scope: string;
  notified: boolean;
}

export class StaleEnvironments implements vscode.Disposable {
  /** Drawn on first use: the first randomBytes of the host costs activation ~0.3 ms. */
  private key?: Buffer;
  private readonly entries = new Set<Entry>();
  private checking = Promise.resolve();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: StaleHost) {
    this.subscription = ctx.onDidChangeVault((change) => {
      this.checking = this.checking.then(() => this.check(change.vault)).catch(() => {});
    });
  }

  /** Remembers a program that got `secrets`; dispose the result when it ends. */
  track(program: RunningProgram, secrets: SecretEnv): vscode.Disposable {
    const entry: Entry = { ...program, digest: this.digest(secrets), notified: false };
    this.entries.add(entry);
    return new vscode.Disposable(() => this.entries.delete(entry));
  }

  state(): StaleState[] {
    return [...this.entries].map((e) => ({ label: e.label, scope: e.scope, notified: e.notified }));
  }

  /** Resolves when the checks of the changes announced so far are done. */
  settled(): Promise<void> {
    return this.checking;
  }

  private digest(secrets: SecretEnv): string {
    const sorted = Object.keys(secrets)
      .sort()
      .map((k) => [k, secrets[k]]);
    return createHmac('sha256', (this.key ??= randomBytes(32)))
      .update(JSON.stringify(sorted))
      .digest('base64');
  }

  private async check(vault: VaultFolder | undefined): Promise<void> {
    const affected = [...this.entries].filter(
      (e) => !e.notified && (vault === undefined || e.vault.project.root === vault.project.root),
    );
    for (const e of affected) {
      let now: string;
      try {
        now = this.digest(await readScopeEnv(e.vault.project, e.scope));
      } catch (err) {
        // a removed scope, or a key that no longer opens: the program has values the vault doesn't
        this.ctx.log.info(`stale check of ${e.scope}: ${describeError(err)}`);
        now = '';
      }
      if (now === e.digest || !this.entries.has(e)) continue;
      e.notified = true;
      void this.notify(e);
    }
  }

  private async notify(e: Entry): Promise<void> {
    const answer = await this.ctx.prompter.offer(
      vscode.l10n.t('Kagi: {0} changed since {1} started; it still has the old values.', e.scope, e.label),
      [vscode.l10n.t('Restart')],
    );
    if (answer === vscode.l10n.t('Restart') && this.entries.has(e)) {
      this.entries.delete(e);
      await e.restart();
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }
}

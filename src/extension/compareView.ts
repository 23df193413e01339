// "Kagi: Compare Environments": the key × environment matrix of a service in a webview panel.
// The page gets letters and counts (vault/usecases/compare.ts), never a value. Its actions on a
// cell — set, generate, copy from another environment — run here, in the host: values are asked
// in the host's password box or read from the vault, and a copy is confirmed in a modal first.
import * as vscode from 'vscode';
import {
  compareEnvironments,
  describeError,
  generateSecret,
  joinScope,
  readSecret,
  servicesOf,
  setSecrets,
  validateSecretValue,
} from '../vault';
import { parseCompareMessage, type CompareHostMessage, type CompareWebviewMessage } from '../protocol';
import type { Ctx, VaultFolder } from './ctx';
import { registerGuarded } from './commandKit';
import { webviewPage, webviewRoot } from './webviewPage';
import { warnDangerous } from './injectionGuard';

const GENERATED_LENGTH = 32;

export class CompareView {
  private panel?: vscode.WebviewPanel;
  private vault?: VaultFolder;
  private service?: string;
  /** what the page was last sent (for the integration suite) */
  lastMessage?: CompareHostMessage;

  constructor(private readonly ctx: Ctx) {
    ctx.extension.subscriptions.push(ctx.onDidChangeVault(() => void this.refresh()));
  }

  async open(v: VaultFolder): Promise<void> {
    this.vault = v;
    const services = servicesOf(v.project.scopes());
    this.service = this.service && services.includes(this.service) ? this.service : services[0];
    if (!this.panel) {
      const root = webviewRoot(this.ctx.extension.extensionUri);
      this.panel = vscode.window.createWebviewPanel(
        'kagi.compare',
        vscode.l10n.t('Kagi: Compare Environments'),
        vscode.ViewColumn.Active,
        { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: false },
      );
      this.panel.webview.html = webviewPage(this.panel.webview, this.ctx.extension.extensionUri, {
        name: 'compare',
        title: vscode.l10n.t('Kagi: Compare Environments'),
      });
      this.panel.webview.onDidReceiveMessage((m) => void this.handleMessage(m));
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else this.panel.reveal();
    await this.refresh();
  }

  /** Every page message goes through the protocol's validation; anything else is dropped. */
  async handleMessage(raw: unknown): Promise<void> {
    const msg = parseCompareMessage(raw);
    if (!msg) {
      this.ctx.log.warn('compare view: dropped a malformed message');
      return;
    }
    const v = this.vault;
    if (!v) return;
    await this.ctx.guard('Comparing environments', async () => {
      if (msg.type === 'ready') return this.refresh();
      if (msg.type === 'selectService') {
        this.service = msg.service;
        return this.refresh();
      }
      const status = await this.act(v, msg);
      if (status) this.post({ type: 'status', message: status });
      this.ctx.fireChanged(v);
    });
  }

  private async act(v: VaultFolder, msg: CompareWebviewMessage): Promise<string | undefined> {
    const service = this.service!;
    if (msg.type === 'setValue') {
      const scope = joinScope(service, msg.env);
      const value = await this.ctx.prompter.input({
        title: vscode.l10n.t('Value of {0} in {1}', msg.key, scope),
        password: true,
        validate: (t) => {
          try {
            validateSecretValue(msg.key, t);
            return undefined;
          } catch (e) {
            return describeError(e);
          }
        },
      });
      if (value === undefined) return undefined;
      await setSecrets(v.project, scope, [{ key: msg.key, value }]);
      await warnDangerous(this.ctx, v, scope, { [msg.key]: value });
      return `set ${msg.key} in ${scope}`;
    }
    if (msg.type === 'generate') {
      const scope = joinScope(service, msg.env);
      const value = generateSecret('base64url', GENERATED_LENGTH);
      await setSecrets(v.project, scope, [{ key: msg.key, value }]);
      await warnDangerous(this.ctx, v, scope, { [msg.key]: value });
      return `generated ${msg.key} in ${scope}`;
    }
    if (msg.type === 'copyFrom') {
      const from = joinScope(service, msg.from);
      const to = joinScope(service, msg.to);
      const go = vscode.l10n.t('Copy');
      const answer = await this.ctx.prompter.confirm(
        vscode.l10n.t('Copy the value of {0} from {1} to {2}?', msg.key, from, to),
        vscode.l10n.t('{0} will hold the same value as {1}; the value is not shown.', to, from),
        [go],
      );
      if (answer !== go) return undefined;
      const { value } = await readSecret(v.project, from, msg.key);
      await setSecrets(v.project, to, [{ key: msg.key, value }]);
      await warnDangerous(this.ctx, v, to, { [msg.key]: value });
      return `copied ${msg.key} from ${from} to ${to}`;
    }
    return undefined;
  }

  async refresh(): Promise<void> {
    const v = this.vault;
    if (!v || (!this.panel && this.lastMessage === undefined)) return;
    try {
      const services = servicesOf(v.project.scopes());
      const m = await compareEnvironments(v.project, this.service);
      this.post({
        type: 'matrix',
        service: m.service,
        services,
        envs: m.envs,
        protectedEnvs: this.ctx.config(v.folder.uri).protectedEnvironments.filter((e) => m.envs.includes(e)),
        rows: Object.entries(m.keys).map(([key, cells]) => ({ key, cells })),
        counts: m.counts,
      });
    } catch (e) {
      this.post({ type: 'blocked', message: describeError(e) });
    }
  }

  private post(message: CompareHostMessage): void {
    this.lastMessage = message;
    void this.panel?.webview.postMessage(message);
  }
}

export function registerCompareView(ctx: Ctx): CompareView {
  const view = new CompareView(ctx);
  registerGuarded(ctx, 'kagi.compareEnvironments', async (arg) => {
    const v = await ctx.pickVault(arg instanceof vscode.Uri ? arg : undefined);
    if (!v) return false;
    await view.open(v);
    return true;
  });
  return view;
}

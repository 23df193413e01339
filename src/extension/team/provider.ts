import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from '../ctx';
import {
  describeMessageType,
  parseWebviewMessage,
  type HostMessage,
  type TeamState,
  type WebviewMessage,
} from '../../protocol';
import type { TeamActions } from './actions';
import * as onDemand from '../commandHandlers';
import { teamHtml } from './html';
import { webviewRoot } from '../webviewPage';
import type { Prompter } from '../prompter';
import { buildTeamState, recoverInterrupted, vaultKey } from './state';

export const TEAM_VIEW_ID = 'kagi.team';

type ActionMessage = Exclude<WebviewMessage, { type: 'ready' | 'refresh' | 'selectVault' }>;

const BUSY_LABEL: Record<ActionMessage['type'], string> = {
  requestAccess: 'Requesting access',
  approve: 'Approving',
  reject: 'Rejecting',
  remove: 'Removing and rotating the key',
  setRole: 'Changing the role',
  copyRecipient: 'Copying',
  resolveConflict: 'Merging access.json',
};

/**
 * The "Team" view: a webview that renders TeamState and posts typed messages.
 * Every message is validated here; the page is never trusted with anything
 * but public member data and never decides anything on its own.
 */
export class TeamViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private selected?: string;
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  /** The last state sent (or computed for a hidden view); read by tests. */
  lastState: TeamState = { kind: 'loading' };
  private newest: Promise<TeamState> = Promise.resolve(this.lastState);
  /** How many times a page announced itself (its script loaded under the CSP); read by tests. */
  readyCount = 0;
  /** How many times the state was computed; read by tests. */
  get refreshCount(): number {
    return this.generation;
  }
  private teamActions?: TeamActions;

  /** The team flows, loaded on the first action (commandHandlers.ts): activation needs none of them. */
  get actions(): TeamActions {
    return (this.teamActions ??= onDemand.teamActions(this.ctx, recoverInterrupted));
  }

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      ctx.onDidChangeVault(() => this.refreshIfVisible()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshIfVisible()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshIfVisible()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [webviewRoot(this.ctx.extension.extensionUri)],
    };
    view.webview.html = teamHtml(view.webview, this.ctx.extension.extensionUri);
    this.disposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)),
      view.onDidChangeVisibility(() => this.refreshIfVisible()),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
  }

  /** Entry point for everything the page sends (and for tests, with scripted prompts). */
  async handleMessage(raw: unknown, prompter: Prompter = this.ctx.prompter): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.ctx.log.warn(`team view: rejected a malformed message (${describeMessageType(raw)})`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.readyCount++;
        await this.refresh();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'selectVault':
        if (this.ctx.vaults().some((v) => vaultKey(v) === msg.vault)) this.selected = msg.vault;
        else this.ctx.log.warn('team view: rejected selectVault for an unknown folder');
        await this.refresh();
        return;
      default:
        return this.runAction(msg, prompter);
    }
  }

  /** The vault the view shows. */
  current(): VaultFolder | undefined {
    const all = this.ctx.vaults();
    return all.find((v) => vaultKey(v) === this.selected) ?? all[0];
  }

  /** Shows `v` in the view (commands opened for another folder). */
  select(v: VaultFolder): void {
    this.selected = vaultKey(v);
  }

  /** One action at a time: modal prompts and vault locks would interleave otherwise. */
  private runAction(msg: ActionMessage, prompter: Prompter): Promise<void> {
    const task = this.queue.then(async () => {
      if (!this.ctx.requireTrust('Managing team access')) return;
      const v = this.current();
      if (!v) return;
      this.post({ type: 'busy', busy: BUSY_LABEL[msg.type] });
      let changed: boolean | undefined;
      try {
        changed = await this.ctx.guard(`team: ${msg.type}`, () => this.dispatch(v, msg, prompter));
      } finally {
        this.post({ type: 'busy' });
        await this.afterAction(v, changed === true);
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  private dispatch(v: VaultFolder, msg: ActionMessage, p: Prompter): Promise<boolean> {
    switch (msg.type) {
      case 'requestAccess':
        return this.actions.requestAccess(v, p);
      case 'approve':
        return this.actions.approve(v, msg.memberId, p);
      case 'reject':
        return this.actions.reject(v, msg.memberId, p);
      case 'remove':
        return this.actions.remove(v, msg.memberId, p);
      case 'setRole':
        return this.actions.setRole(v, msg.memberId, msg.role, p);
      case 'copyRecipient':
        return this.actions.copyRecipient(v, msg.memberId, p);
      case 'resolveConflict':
        return this.actions.resolveConflict(v, p);
    }
  }

  private refreshIfVisible(): void {
    if (this.view?.visible) void this.refresh();
  }

  /**
   * Recomputes the state and sends it; an older computation never overwrites a newer
   * one. Resolves with the newest state: if another refresh (say, the file watcher's)
   * began meanwhile, it waits for that one rather than answer with a discarded result.
   */
  async refresh(): Promise<TeamState> {
    const gen = ++this.generation;
    this.newest = buildTeamState(this.ctx, this.selected).then(({ state }) => {
      if (gen === this.generation) {
        this.lastState = state;
        this.post({ type: 'state', state });
      }
      return state;
    });
    return this.settled();
  }

  /** The newest state: waits for whichever refresh began last. */
  private async settled(): Promise<TeamState> {
    let current: Promise<TeamState>;
    do {
      current = this.newest;
      await current;
    } while (current !== this.newest);
    return this.lastState;
  }

  /**
   * After an action (from the page or a command): announces a change, and shows the outcome
   * with one refresh, the one the announcement began when the view is visible.
   */
  async afterAction(v: VaultFolder, changed: boolean): Promise<TeamState> {
    const before = this.generation;
    if (changed) this.ctx.fireChanged(v);
    return this.generation === before ? this.refresh() : this.settled();
  }

  private post(m: HostMessage): void {
    if (!this.view) return;
    this.view.webview.postMessage(m).then(undefined, () => undefined);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

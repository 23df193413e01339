// The team-access webview: renders TeamState from the host and posts typed
// WebviewMessages back. It holds no data of its own beyond UI flags
// (collapsed sections), which it keeps with vscode.setState.

// The workbench's own controls (@vscode-elements/elements, pinned in package.json, bundled here by
// esbuild): each import registers one custom element. Their styles are constructed stylesheets
// in shadow roots, which the page's CSP allows without 'unsafe-inline' (docs/webviews.md).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { HostMessage, TeamMemberView, TeamState, TeamUiState, WebviewMessage } from '../../src/protocol/team';
import { l10n } from '../shared/l10n';
import { isHostMessage, isMemberId } from '../../src/protocol/validate';
import { badge, button, h, select, type Button } from '../shared/dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));

let state: TeamState = { kind: 'loading' };
let busy: string | undefined;
let ui: TeamUiState = loadUi();

function post(m: WebviewMessage): void {
  vscode.postMessage(m);
}

function loadUi(): TeamUiState {
  const s = vscode.getState() as Partial<TeamUiState> | undefined;
  const collapsed = s && typeof s.collapsed === 'object' && s.collapsed ? s.collapsed : { removed: true };
  return { collapsed: { ...collapsed } };
}

function saveUi(): void {
  vscode.setState(ui);
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m: unknown = ev.data;
  if (!isHostMessage(m)) return;
  const msg = m as HostMessage;
  if (msg.type === 'state') state = msg.state;
  else busy = msg.busy;
  render();
});

// ---------------------------------------------------------------------------

function render(): void {
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
  root.replaceChildren(...view(state));
  root.setAttribute('aria-busy', busy ? 'true' : 'false');
  root.dataset.state = state.kind;
  if (focusKey) root.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function view(s: TeamState): Node[] {
  switch (s.kind) {
    case 'loading':
      return [notice(l10n.t('Loading members…'))];
    case 'untrusted':
      return [
        notice(
          l10n.t(
            'Team access is disabled in Restricted Mode. Trust this workspace to see and manage who can open the vault.',
          ),
          'untrusted',
        ),
      ];
    case 'no-vault':
      return [
        notice(
          l10n.t(
            'No kagi vault in this workspace. Run "Kagi: Initialize Vault" to create one, or open a folder that has a .kagi/ folder.',
          ),
          'no-vault',
        ),
      ];
    case 'error':
      return [
        header(s),
        h(
          'div',
          { class: 'panel error', role: 'alert' },
          h('p', { class: 'title', text: l10n.t('Could not read the team') }),
          h('p', { text: s.message }),
          h(
            'div',
            { class: 'actions' },
            button({ label: l10n.t('Retry'), key: 'retry', onClick: () => post({ type: 'refresh' }) }),
          ),
        ),
      ];
    case 'conflict':
      return [header(s), conflictPanel(s.message)];
    case 'ready':
      return [header(s), ...readyView(s)];
  }
}

function notice(text: string, cls = ''): HTMLElement {
  return h('p', { class: `notice ${cls}`.trim(), role: 'status', text });
}

function header(s: { vaults: Array<{ key: string; name: string }>; vault: string }): HTMLElement {
  const bar = h('div', { class: 'toolbar' });
  if (s.vaults.length > 1) {
    const vaults = s.vaults.map((v) => ({ value: v.key, text: v.name }));
    bar.append(select(l10n.t('Vault'), vaults, s.vault, (vault) => post({ type: 'selectVault', vault }), 'vault'));
  } else {
    bar.append(h('span', { class: 'vault-name', text: s.vaults[0]?.name ?? '' }));
  }
  bar.append(
    button({
      label: l10n.t('Refresh'),
      key: 'refresh',
      title: l10n.t('Re-read .kagi/access.json'),
      onClick: () => post({ type: 'refresh' }),
    }),
  );
  if (busy) bar.append(h('span', { class: 'busy', role: 'status', text: `${busy}…` }));
  return bar;
}

function conflictPanel(message: string): HTMLElement {
  return h(
    'div',
    { class: 'panel error conflict', role: 'alert' },
    h('p', { class: 'title', text: '.kagi/access.json has Git conflict markers' }),
    h('p', { text: message }),
    h('p', {
      text: l10n.t(
        'Two branches changed the member list. "Merge as union" keeps every member and request from both sides (by member id; a removal wins over an active entry, an approval over a pending request). Review the result, then commit it.',
      ),
    }),
    h(
      'div',
      { class: 'actions' },
      button({
        label: l10n.t('Merge as union'),
        key: 'merge',
        primary: true,
        disabledReason: busyReason(),
        onClick: () => post({ type: 'resolveConflict' }),
      }),
    ),
  );
}

type Ready = Extract<TeamState, { kind: 'ready' }>;

function busyReason(): string | undefined {
  return busy ? l10n.t('Wait until "{0}" finishes', busy) : undefined;
}

function readyView(s: Ready): Node[] {
  const out: Node[] = [youPanel(s)];
  const pending = s.members.filter((m) => m.status === 'pending');
  const active = s.members.filter((m) => m.status === 'active');
  const removed = s.members.filter((m) => m.status === 'removed');
  if (!s.canManage) {
    out.push(
      h('p', {
        class: 'hint',
        text: l10n.t('Only an owner of this vault can approve requests, remove members or change roles.'),
      }),
    );
  }
  out.push(section('pending', l10n.t('Pending requests'), pending, s, l10n.t('No pending requests.')));
  out.push(section('active', l10n.t('Members'), active, s, l10n.t('No active members.')));
  if (removed.length > 0) out.push(section('removed', l10n.t('Removed'), removed, s, ''));
  return out;
}

function youPanel(s: Ready): HTMLElement {
  const panel = h('div', { class: 'panel you' });
  const fp = s.myFingerprint ? h('code', { class: 'fp', text: s.myFingerprint }) : undefined;
  if (s.isMember) {
    panel.append(
      h(
        'p',
        {},
        s.canManage ? l10n.t('This device is an owner') : l10n.t('This device is a member'),
        fp ? ' · ' : '',
        fp ?? '',
      ),
    );
  } else if (s.hasPendingRequest) {
    panel.append(
      h('p', {}, l10n.t('Your access request is pending'), fp ? ' · ' : '', fp ?? ''),
      h('p', {
        class: 'hint',
        text: l10n.t(
          'Commit .kagi/access.json and open a pull request, then send your recipient to an owner through another channel so they can compare it before approving.',
        ),
      }),
      h(
        'div',
        { class: 'actions' },
        button({
          label: l10n.t('Copy my recipient'),
          key: 'copy-mine',
          onClick: () => post({ type: 'copyRecipient' }),
        }),
      ),
    );
  } else {
    panel.append(
      h('p', { text: l10n.t('This device cannot open this vault yet.') }),
      h(
        'div',
        { class: 'actions' },
        button({
          label: l10n.t('Request access'),
          key: 'request',
          primary: true,
          disabledReason: busyReason(),
          title: l10n.t('Adds a pending request for this device to .kagi/access.json'),
          onClick: () => post({ type: 'requestAccess' }),
        }),
      ),
    );
  }
  return panel;
}

function section(
  id: 'pending' | 'active' | 'removed',
  title: string,
  members: TeamMemberView[],
  s: Ready,
  empty: string,
): HTMLElement {
  const details = h('details', { class: `section ${id}`, 'data-section': id });
  details.open = !ui.collapsed[id];
  details.addEventListener('toggle', () => {
    if (!!ui.collapsed[id] === !details.open) return; // the initial open = … also fires 'toggle'
    ui = { collapsed: { ...ui.collapsed, [id]: !details.open } };
    saveUi();
  });
  details.append(h('summary', {}, `${title} `, badge(String(members.length), 'count')));
  if (members.length === 0) {
    details.append(h('p', { class: 'empty', text: empty }));
  } else {
    details.append(h('ul', { class: 'members' }, ...members.map((m) => memberRow(m, s))));
  }
  return details;
}

function memberRow(m: TeamMemberView, s: Ready): HTMLElement {
  const li = h('li', { class: `member ${m.status}`, 'data-member': m.id });
  li.append(
    h(
      'div',
      { class: 'line' },
      h('span', { class: 'name', text: m.name || '(no name)' }),
      m.isMe ? badge('this device', 'me') : undefined,
      badge(m.role, `role ${m.role}`),
      m.status !== 'active' ? badge(m.status, `status ${m.status}`) : undefined,
      m.unverified
        ? badge(
            'unverified',
            'unverified',
            l10n.t(
              'No approval on this device accounts for this active entry. Approve and remove will ask you to confirm it; check `git log -p .kagi/` first.',
            ),
          )
        : undefined,
    ),
  );
  // A request names its own role, and anyone can edit it: say what approval grants.
  if (m.status === 'pending' && m.role === 'owner')
    li.append(
      h('p', {
        class: 'notice warn',
        text: l10n.t(
          'This request asks for owner. "Approve" grants member; the approval dialog lets you choose owner.',
        ),
      }),
    );
  li.append(
    h(
      'div',
      { class: 'line meta' },
      h('code', {
        class: 'fp',
        title: m.recipient,
        'aria-label': `recipient fingerprint ${m.fingerprint}`,
        text: m.fingerprint,
      }),
      h('span', { class: 'id', text: m.id }),
    ),
  );
  const actions = memberActions(m, s);
  if (actions.length) li.append(h('div', { class: 'actions' }, ...actions));
  return li;
}

function memberActions(m: TeamMemberView, s: Ready): Button[] {
  const owners = s.members.filter((x) => x.status === 'active' && x.role === 'owner').length;
  const lastOwner = m.status === 'active' && m.role === 'owner' && owners <= 1;
  const badId = isMemberId(m.id)
    ? undefined
    : l10n.t('This entry has a malformed member id; fix .kagi/access.json or use the kagi CLI');
  const why = (ownerOnly: string) => badId ?? (!s.canManage ? ownerOnly : busyReason());
  const key = (a: string) => `${a}:${m.id}`;
  const out: Button[] = [];
  if (m.status === 'pending') {
    out.push(
      button({
        label: l10n.t('Approve'),
        key: key('approve'),
        primary: true,
        disabledReason: why(l10n.t('Only an owner can approve requests')),
        title: l10n.t('Compare the full recipient with what the requester sent you, then approve'),
        onClick: () => post({ type: 'approve', memberId: m.id }),
      }),
    );
    out.push(
      button({
        label: l10n.t('Reject'),
        key: key('reject'),
        disabledReason: why(l10n.t('Only an owner can reject requests')),
        onClick: () => post({ type: 'reject', memberId: m.id }),
      }),
    );
  } else if (m.status === 'active') {
    if (m.role === 'member') {
      out.push(
        button({
          label: l10n.t('Make owner'),
          key: key('promote'),
          disabledReason: why(l10n.t('Only an owner can change roles')),
          onClick: () => post({ type: 'setRole', memberId: m.id, role: 'owner' }),
        }),
      );
    } else {
      out.push(
        button({
          label: l10n.t('Make member'),
          key: key('demote'),
          disabledReason:
            why(l10n.t('Only an owner can change roles')) ??
            (lastOwner ? l10n.t('The last owner cannot be demoted; make another member an owner first') : undefined),
          onClick: () => post({ type: 'setRole', memberId: m.id, role: 'member' }),
        }),
      );
    }
    out.push(
      button({
        label: l10n.t('Remove'),
        key: key('remove'),
        disabledReason:
          why(l10n.t('Only an owner can remove members')) ??
          (lastOwner ? l10n.t('The last owner cannot be removed; make another member an owner first') : undefined),
        title: l10n.t('Removes this member and rotates the project key'),
        onClick: () => post({ type: 'remove', memberId: m.id }),
      }),
    );
  }
  if (m.status !== 'removed') {
    out.push(
      button({
        label: l10n.t('Copy recipient'),
        key: key('copy'),
        title: m.recipient,
        disabledReason: badId,
        onClick: () => post({ type: 'copyRecipient', memberId: m.id }),
      }),
    );
  }
  return out;
}

render();
post({ type: 'ready' });

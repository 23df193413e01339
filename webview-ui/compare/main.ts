// The environment matrix page. It receives letters and counts only (src/protocol/compare.ts)
// and sends back actions on a cell; values never reach it. Text goes in with textContent only.

// The workbench's own controls (@vscode-elements/elements, pinned in package.json, bundled here by
// esbuild): each import registers one custom element. Their styles are constructed stylesheets
// in shadow roots, which the page's CSP allows without 'unsafe-inline' (docs/webviews.md).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import type { CompareHostMessage, CompareMatrixView, CompareWebviewMessage } from '../../src/protocol/compare';
import { badge, button, h, select } from '../shared/dom';
import { l10n } from '../shared/l10n';

declare function acquireVsCodeApi(): { postMessage(message: CompareWebviewMessage): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let selected: { key: string; env: string } | undefined;
let matrix: CompareMatrixView | undefined;
let status = '';

window.addEventListener('message', (event: MessageEvent<CompareHostMessage>) => {
  const msg = event.data;
  if (msg.type === 'matrix') matrix = msg;
  else if (msg.type === 'status') status = msg.message;
  else {
    matrix = undefined;
    status = msg.message;
  }
  render();
});

function send(message: CompareWebviewMessage): void {
  vscode.postMessage(message);
}

function render(): void {
  // re-rendering replaces the controls: put the focus back on the one that had it
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
  app.replaceChildren(...(matrix ? page(matrix) : [h('p', { class: 'blocked', text: status })]));
  if (focusKey) app.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function page(m: CompareMatrixView): Node[] {
  const services = m.services.map((s) => ({ value: s, text: s }));
  const picker = select(l10n.t('Service'), services, m.service, (service) => send({ type: 'selectService', service }));
  return [
    h('header', {}, h('h1', { text: l10n.t('Compare environments') }), picker),
    h(
      'p',
      { class: 'legend' },
      l10n.t('Equal letters in a row mean equal values; — means missing. Values are never shown here.'),
    ),
    table(m),
    actions(m),
    h('p', { class: 'status', role: 'status', 'aria-live': 'polite', text: status }),
  ];
}

function table(m: CompareMatrixView): HTMLElement {
  const head = h(
    'vscode-table-header',
    { slot: 'header' },
    h('vscode-table-header-cell', { text: l10n.t('Key') }),
    ...m.envs.map((e) =>
      h(
        'vscode-table-header-cell',
        { class: m.protectedEnvs.includes(e) ? 'protected' : undefined, 'data-env': e },
        `${e} `,
        badge(String(m.counts[e] ?? 0), 'count', l10n.t('{0} keys in {1}', m.counts[e] ?? 0, e)),
      ),
    ),
  );
  const rows = m.rows.map((r) => {
    const letters = m.envs.map((e) => r.cells[e] ?? null);
    const gap = letters.includes(null);
    const differs = new Set(letters.filter((l) => l !== null)).size > 1;
    return h(
      'vscode-table-row',
      { class: [gap && 'has-gap', differs && 'differs'].filter(Boolean).join(' ') || undefined, 'data-key': r.key },
      h('vscode-table-cell', { role: 'rowheader', class: 'key', text: r.key }),
      ...m.envs.map((e) => h('vscode-table-cell', {}, cell(r.key, e, r.cells[e] ?? null))),
    );
  });
  return h(
    'vscode-table',
    {
      class: 'matrix',
      zebra: true,
      'bordered-columns': true,
      'aria-label': l10n.t('Keys of {0} by environment', m.service),
    },
    head,
    h('vscode-table-body', { slot: 'body' }, ...rows),
  );
}

function cell(key: string, env: string, letter: string | null): HTMLElement {
  const isSelected = selected?.key === key && selected.env === env;
  const b = button({
    label: letter ?? '—',
    key: `cell:${env}:${key}`,
    class: `cell${letter === null ? ' gap' : ''}${isSelected ? ' selected' : ''}`,
    ariaLabel:
      letter === null ? l10n.t('{0} in {1}: missing', key, env) : l10n.t('{0} in {1}: value {2}', key, env, letter),
    onClick: () => {
      selected = { key, env };
      render();
    },
  });
  b.setAttribute('aria-pressed', isSelected ? 'true' : 'false');
  return b;
}

function actions(m: CompareMatrixView): HTMLElement {
  if (!selected) return h('section', { class: 'actions' }, l10n.t('Select a cell to set, generate or copy its value.'));
  const { key, env } = selected;
  const row = m.rows.find((r) => r.key === key);
  const sources = m.envs.filter((e) => e !== env && row?.cells[e]);
  const act = (label: string, message: CompareWebviewMessage, primary = false) =>
    button({ label, key: `action:${label}`, primary, onClick: () => send(message) });
  return h(
    'section',
    { class: 'actions', 'aria-label': l10n.t('Actions for {0} in {1}', key, env) },
    h('span', { text: l10n.t('{0} in {1}: ', key, env) }),
    act(l10n.t('Set…'), { type: 'setValue', key, env }, true),
    act(l10n.t('Generate'), { type: 'generate', key, env }),
    ...sources.map((from) => act(l10n.t('Copy from {0}…', from), { type: 'copyFrom', key, from, to: env })),
  );
}

send({ type: 'ready' });

// The environment matrix page. It receives letters and counts only (src/protocol/compare.ts)
// and sends back actions on a cell; values never reach it. Text goes in with textContent only.
import type { CompareHostMessage, CompareMatrixView, CompareWebviewMessage } from '../../src/protocol/compare';
import { h } from '../src/dom';

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
  app.replaceChildren(...(matrix ? page(matrix) : [h('p', { class: 'blocked', text: status })]));
}

function page(m: CompareMatrixView): Node[] {
  const picker = h('select', { 'aria-label': 'Service' });
  for (const s of m.services) picker.append(h('option', { value: s, text: s, selected: s === m.service }));
  picker.addEventListener('change', () => send({ type: 'selectService', service: picker.value }));
  return [
    h('header', {}, h('h1', { text: 'Compare environments' }), picker),
    h(
      'p',
      { class: 'legend' },
      'Equal letters in a row mean equal values; — means missing. Values are never shown here.',
    ),
    table(m),
    actions(m),
    h('p', { class: 'status', role: 'status', 'aria-live': 'polite', text: status }),
  ];
}

function table(m: CompareMatrixView): HTMLTableElement {
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', text: 'Key' }),
    ...m.envs.map((e) =>
      h(
        'th',
        { scope: 'col', class: m.protectedEnvs.includes(e) ? 'protected' : undefined },
        e,
        h('span', { class: 'count', text: ` ${m.counts[e] ?? 0} keys` }),
      ),
    ),
  );
  const rows = m.rows.map((r) => {
    const letters = m.envs.map((e) => r.cells[e] ?? null);
    const gap = letters.includes(null);
    const differs = new Set(letters.filter((l) => l !== null)).size > 1;
    return h(
      'tr',
      { class: [gap && 'has-gap', differs && 'differs'].filter(Boolean).join(' ') || undefined },
      h('th', { scope: 'row', text: r.key }),
      ...m.envs.map((e) => h('td', {}, cell(r.key, e, r.cells[e] ?? null))),
    );
  });
  return h('table', { class: 'matrix' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

function cell(key: string, env: string, letter: string | null): HTMLButtonElement {
  const isSelected = selected?.key === key && selected.env === env;
  const b = h('button', {
    type: 'button',
    class: `cell${letter === null ? ' gap' : ''}${isSelected ? ' selected' : ''}`,
    'aria-pressed': isSelected ? 'true' : 'false',
    'aria-label': `${key} in ${env}: ${letter === null ? 'missing' : `value ${letter}`}`,
    text: letter ?? '—',
  });
  b.addEventListener('click', () => {
    selected = { key, env };
    render();
  });
  return b;
}

function actions(m: CompareMatrixView): HTMLElement {
  if (!selected) return h('section', { class: 'actions' }, 'Select a cell to set, generate or copy its value.');
  const { key, env } = selected;
  const row = m.rows.find((r) => r.key === key);
  const sources = m.envs.filter((e) => e !== env && row?.cells[e]);
  const btn = (label: string, message: CompareWebviewMessage) => {
    const el = h('button', { type: 'button', class: 'btn', text: label });
    el.addEventListener('click', () => send(message));
    return el;
  };
  return h(
    'section',
    { class: 'actions', 'aria-label': `Actions for ${key} in ${env}` },
    h('span', { text: `${key} in ${env}: ` }),
    btn('Set…', { type: 'setValue', key, env }),
    btn('Generate', { type: 'generate', key, env }),
    ...sources.map((from) => btn(`Copy from ${from}…`, { type: 'copyFrom', key, from, to: env })),
  );
}

send({ type: 'ready' });

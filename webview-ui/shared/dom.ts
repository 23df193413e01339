// Tiny DOM helpers shared by the webview apps. Text goes in with textContent only: no innerHTML,
// no inline styles. Controls are the workbench's (@vscode-elements/elements); each app imports
// (registers) the elements it renders, so its bundle holds only those. Types only here.
import type {} from '@vscode-elements/elements/dist/vscode-badge/index.js';
import type {} from '@vscode-elements/elements/dist/vscode-button/index.js';
import type {} from '@vscode-elements/elements/dist/vscode-option/index.js';
import type {} from '@vscode-elements/elements/dist/vscode-single-select/index.js';

type Attrs = Record<string, string | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export interface ButtonSpec {
  label: string;
  /** stable id used to restore focus after a re-render */
  key?: string;
  primary?: boolean;
  /** why it cannot be used; the button stays focusable so the reason can be read */
  disabledReason?: string;
  title?: string;
  /** the accessible name when it differs from the label */
  ariaLabel?: string;
  class?: string;
  onClick: () => void;
}

export type Button = HTMLElementTagNameMap['vscode-button'];

/**
 * A vscode-button. Not `disabled` when it can't be used: that would take it out of the tab
 * order and hide the reason from keyboard and screen-reader users; aria-disabled keeps it
 * focusable and the click (or Enter / Space) does nothing.
 */
export function button(b: ButtonSpec): Button {
  const el = h('vscode-button', {
    class: b.class,
    secondary: !b.primary,
    'data-key': b.key,
    'aria-label': b.ariaLabel,
    text: b.label,
  });
  if (b.disabledReason) {
    el.setAttribute('aria-disabled', 'true');
    el.title = b.disabledReason;
    el.setAttribute('aria-description', b.disabledReason);
  } else if (b.title) {
    el.title = b.title;
  }
  el.addEventListener('click', (ev) => {
    ev.preventDefault();
    if (el.getAttribute('aria-disabled') === 'true') return;
    b.onClick();
  });
  return el;
}

/** A vscode-single-select of `options`; `onChange` gets the chosen value. */
export function select(
  label: string,
  options: Array<{ value: string; text: string }>,
  current: string,
  onChange: (value: string) => void,
  key?: string,
): HTMLElementTagNameMap['vscode-single-select'] {
  // `label` names the combobox inside the shadow root for screen readers
  const el = h('vscode-single-select', { label, 'data-key': key });
  for (const o of options)
    el.append(h('vscode-option', { value: o.value, selected: o.value === current, text: o.text }));
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** A vscode-badge; `variant: 'counter'` for counts. */
export function badge(text: string, cls?: string, title?: string): HTMLElementTagNameMap['vscode-badge'] {
  return h('vscode-badge', { class: cls, title, text });
}

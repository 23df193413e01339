// Tiny DOM helpers. Text goes in with textContent only: no innerHTML, no inline styles.

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
  key: string;
  primary?: boolean;
  /** why it cannot be used; the button stays focusable so the reason can be read */
  disabledReason?: string;
  title?: string;
  onClick: () => void;
}

export function button(b: ButtonSpec): HTMLButtonElement {
  const el = h('button', {
    type: 'button',
    class: b.primary ? 'btn primary' : 'btn',
    'data-key': b.key,
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

// A JSON document shown as the developer console shows one: collapsed under a summary, with a
// button that copies it.

import { h } from './dom.ts';

async function copy(text: string, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    // No clipboard (a browser that refuses it): select the text so Ctrl-C copies it.
    const pre = button.closest('details')?.querySelector('pre');
    if (pre) getSelection()?.selectAllChildren(pre);
    button.textContent = 'Selected: press Ctrl-C';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 2_000);
}

export function jsonBlock(summary: string, value: unknown, label: string): HTMLDetailsElement {
  const text = JSON.stringify(value, null, 2);
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy the ${label}` }, 'Copy');
  button.addEventListener('click', () => void copy(text, button));
  return h(
    'details',
    { class: 'json-block' },
    h('summary', {}, summary),
    button,
    h('pre', { class: 'json', role: 'region', 'aria-label': label, tabindex: '0' }, text),
  );
}

/**
 * The message strip: plain sentences for bad input and failures; the app keeps working.
 * Identical messages collapse into one line with a count (a loop that fails every frame
 * shows one box, ×N), and "dismiss all" clears the strip.
 */
import { bind } from './i18n/index.js';

interface Shown {
  el: HTMLElement;
  count: HTMLElement;
  n: number;
}

const shown = new Map<string, Shown>(); // kind + text → its line
/** Distinct lines kept at most; the oldest goes first (memory stays bounded whatever happens). */
const MAX_LINES = 20;

export function showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = document.getElementById('messages');
  if (!box) return;
  const key = `${kind}\u0000${text}`;
  const old = shown.get(key);
  if (old) {
    old.n++;
    old.count.textContent = `×${old.n}`;
    old.count.hidden = false;
    box.append(old.el); // the latest occurrence moves to the end
    return;
  }
  const el = h('div', { class: `msg ${kind}` }, h('span', { class: 'text' }, text));
  const count = h('span', { class: 'count', hidden: true });
  const close = bind(h('button', { class: 'close' }, '×'), (m) => m.messages.dismiss, 'aria-label');
  close.onclick = () => forget(key);
  el.append(count, close);
  shown.set(key, { el, count, n: 1 });
  box.append(el);
  while (shown.size > MAX_LINES) forget(shown.keys().next().value!);
  syncDismissAll(box);
}

function forget(key: string): void {
  shown.get(key)?.el.remove();
  shown.delete(key);
  const box = document.getElementById('messages');
  if (box) syncDismissAll(box);
}

/** Removes every message. */
export function dismissAll(): void {
  for (const key of [...shown.keys()]) forget(key);
}

function syncDismissAll(box: HTMLElement): void {
  let all = box.querySelector<HTMLButtonElement>('button.dismiss-all');
  if (shown.size < 2) return void all?.remove();
  if (!all) {
    all = bind(h('button', { class: 'dismiss-all' }), (m) => m.messages.dismissAll);
    all.onclick = dismissAll;
  }
  box.prepend(all);
}

export function errorText(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.replace(/^Error: /, '');
}

/** Small DOM helper: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...kids);
  return el;
}

/** The message strip: plain sentences for bad input and failures; the app keeps working. */
export function showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = document.getElementById('messages')!;
  const el = document.createElement('div');
  el.className = `msg ${kind}`;
  el.textContent = text;
  const close = document.createElement('button');
  close.textContent = '×';
  close.setAttribute('aria-label', 'dismiss');
  close.onclick = () => el.remove();
  el.append(close);
  box.append(el);
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

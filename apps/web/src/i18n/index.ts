/**
 * The app's two languages. A typed message catalogue: `en.ts` is the source, and `pl.ts` is
 * declared as `Messages` (the type of `en`), so a missing or extra key fails the type check;
 * `i18n.test.ts` checks that no Polish text was left equal to its English one. Text that is
 * on the page registers a binder with `bind`, so switching the language relabels in place
 * (training keeps running) and the choice is saved in the URL (`lang=pl`).
 */
import { en } from './en.js';
import { pl } from './pl.js';

import type { Lang } from './langs.js';

export { LANGS, type Lang } from './langs.js';
export type Messages = typeof en;
export const CATALOGUES: Record<Lang, Messages> = { en, pl };

let lang: Lang = 'en';
const binders: { el: Element; fn: (m: Messages) => string; attr: string | null }[] = [];
const listeners: ((l: Lang) => void)[] = [];

/** The messages of the current language. */
export function t(): Messages {
  return CATALOGUES[lang];
}

export function currentLang(): Lang {
  return lang;
}

/** Number formatting in the current language (Polish: 1 234,5). */
export function num(x: number, digits = 0): string {
  return x.toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Keeps an element's text (or an attribute) in the current language; returns the element. */
export function bind<E extends Element>(el: E, fn: (m: Messages) => string, attr: string | null = null): E {
  if (binders.length > 2000) prune(binders.length - 200); // rebuilt controls leave old binders behind; the newest may not be attached yet
  binders.push({ el, fn, attr });
  apply(binders[binders.length - 1]);
  return el;
}

/** Forgets binders of elements that left the page (replaced controls). */
function prune(upTo = binders.length): void {
  for (let i = upTo - 1; i >= 0; i--) if (!binders[i].el.isConnected) binders.splice(i, 1);
}

function apply(b: (typeof binders)[number]): void {
  const text = b.fn(t());
  if (b.attr) b.el.setAttribute(b.attr, text);
  else b.el.textContent = text;
}

/** Switches the language: every bound text is relabelled and listeners re-render their views. */
export function setLang(l: Lang): void {
  lang = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  prune();
  for (const b of binders) apply(b);
  for (const f of listeners) f(l);
}

export function onLangChange(f: (l: Lang) => void): void {
  listeners.push(f);
}

/** Plural category of n in the current language ('one', 'few', 'many', 'other'). */
export function plural(n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(lang === 'pl' ? 'pl-PL' : 'en-US').select(n);
}

/**
 * Entry: checks cross-origin isolation (shared memory, so more than one worker), builds
 * the two tabs, and exposes a small handle for the browser tests and the console.
 */
import { Digits } from './digits.js';
import { bind, t } from './i18n/index.js';
import { showMessage } from './messages.js';
import { Playground } from './playground/index.js';

const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
// the playground reads the language from the link first, so every label below is in it
const playground = new Playground(document.getElementById('playground')!, location.search, isolated);
const cores = navigator.hardwareConcurrency || 0;
const pill = bind(document.getElementById('isolation')!, (m) => (isolated ? m.app.isolated(cores) : m.app.notIsolated));
pill.className = `pill ${isolated ? 'good' : 'warn'}`;
if (!isolated) showMessage(t().app.notIsolatedLong, 'info');
for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) bind(b, (m) => (b.dataset.tab === 'digits' ? m.app.digitsTab : m.app.playgroundTab));
bind(document.querySelector('title')!, (m) => m.app.title);

let digits: Digits | null = null;

function showTab(name: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const p of document.querySelectorAll<HTMLElement>('.panel')) p.hidden = p.id !== name;
  if (name === 'digits' && !digits) digits = new Digits(document.getElementById('digits')!, isolated);
}
for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab!));
window.addEventListener('error', (e) => showMessage(t().app.wentWrong(e.message)));
window.addEventListener('unhandledrejection', (e) => showMessage(t().app.wentWrong(e.reason instanceof Error ? e.reason.message : String(e.reason))));

void playground.apply();

declare global {
  interface Window {
    backprop: { playground: Playground; showTab: (name: string) => void; isolated: boolean; readonly digits: Digits | null };
  }
}
window.backprop = {
  playground, showTab, isolated,
  get digits() {
    return digits; // built when its tab is first shown
  },
};

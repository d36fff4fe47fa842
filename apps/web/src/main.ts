/**
 * Entry: checks cross-origin isolation (shared memory, so more than one worker), builds
 * the two tabs, and exposes a small handle for the browser tests and the console.
 */
import { Digits } from './digits.js';
import { showMessage } from './messages.js';
import { Playground } from './playground.js';

const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
const pill = document.getElementById('isolation')!;
pill.textContent = isolated ? `cross-origin isolated · ${navigator.hardwareConcurrency || '?'} cores` : 'not isolated · 1 worker';
pill.className = `pill ${isolated ? 'good' : 'warn'}`;
if (!isolated) {
  showMessage('This page is not cross-origin isolated (the server did not send COOP/COEP headers), so shared memory is off and training runs on 1 worker. See the README for the headers.', 'info');
}

const playground = new Playground(document.getElementById('playground')!, location.search, isolated);
let digits: Digits | null = null;

function showTab(name: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const p of document.querySelectorAll<HTMLElement>('.panel')) p.hidden = p.id !== name;
  if (name === 'digits' && !digits) digits = new Digits(document.getElementById('digits')!, isolated);
}
for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab!));
window.addEventListener('error', (e) => showMessage(`Something went wrong: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showMessage(`Something went wrong: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`));

void playground.apply();

declare global {
  interface Window {
    backprop: { playground: Playground; showTab: (name: string) => void; isolated: boolean };
  }
}
window.backprop = { playground, showTab, isolated };

/**
 * The built app behind `vite preview` (COOP/COEP headers) and Debian's Chromium driven by
 * playwright-core: shared by the browser tests and bench/web.ts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';
const vite = join(APP, 'node_modules', '.bin', 'vite');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Served {
  base: string;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Builds the app, serves it and opens Chromium (GC and eager memory measurement exposed for the memory checks). */
export async function serve(viewport = { width: 1366, height: 900 }): Promise<Served> {
  execFileSync(vite, ['build', '--logLevel', 'error'], { cwd: APP, stdio: 'inherit' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(vite, ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: APP, stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    try {
      up = (await fetch(base)).ok;
    } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) {
    server.kill();
    throw new Error(`vite preview did not start at ${base}`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    base, context, page,
    async close() {
      await context.close();
      server.kill();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the app at `query` and waits for the first reset to finish. */
export async function open(page: Page, base: string, query: string): Promise<void> {
  await page.goto(`${base}/?${query}`);
  await page.waitForFunction(() => Number(document.body.dataset.ready ?? 0) >= 1);
}

/** Starts recording main-thread long tasks (over 50 ms). */
export const watchLongTasks = (page: Page): Promise<void> => page.evaluate(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
});
export const longTasks = (page: Page): Promise<number[]> => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);

/** Trains the digits tab once with `workers` and `batch`; the wall time of the training run (s) and the test accuracy. */
export async function trainDigits(page: Page, workers: number | 'auto', batch: number, epochs: number): Promise<{ seconds: number; accuracy: number }> {
  await page.click('button[data-tab="digits"]');
  await page.fill('#d-epochs', String(epochs));
  await page.fill('#d-batch', String(batch));
  await page.selectOption('#d-workers', String(workers));
  await page.evaluate(() => delete (document.querySelector('#d-status') as HTMLElement).dataset.accuracy);
  await page.click('#d-train');
  await page.waitForFunction(() => (document.querySelector('#d-status') as HTMLElement).dataset.accuracy !== undefined, undefined, { timeout: 180_000 });
  return page.evaluate(() => ({ seconds: Number((document.querySelector('#d-status') as HTMLElement).dataset.seconds), accuracy: Number((document.querySelector('#d-status') as HTMLElement).dataset.accuracy) }));
}

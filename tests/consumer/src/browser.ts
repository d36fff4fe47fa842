/** Serving a Vite app and reading what a page published, in Debian's Chromium (playwright-core). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, bin } from './workspace.js';

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

export interface Server {
  url: string;
  log: string[];
  stop(): void;
}

/** `vite` (dev) or `vite preview` in `root` (the binary itself, so killing it stops the server). */
export async function serve(root: string, mode: 'dev' | 'preview', args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const child: ChildProcess = spawn(bin('vite'), [...(mode === 'preview' ? ['preview'] : []), '--host', '127.0.0.1', '--port', String(port), '--strictPort', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return { url, log, stop: () => void child.kill() };
    } catch { /* not up yet */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`vite ${mode} did not start at ${url}:\n${log.join('')}`);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `window[key]` until the page sets it. Tolerates reloads: Vite's dev server reloads a
 * page once when it optimises a dependency it discovered late, which restarts the page's script.
 */
export async function published<T>(page: Page, key: string, timeoutMs: number, consoleLog: string[]): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const v = await page.evaluate((k) => (window as unknown as Record<string, unknown>)[k] ?? null, key);
      if (v !== null) return v as T;
    } catch { /* navigating */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the page never set window.${key}; console:\n${consoleLog.join('\n')}`);
}

/** A new page whose console messages and errors are collected. */
export async function openPage(b: Browser, url: string): Promise<{ page: Page; consoleLog: string[] }> {
  const page = await b.context.newPage();
  const consoleLog: string[] = [];
  page.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, consoleLog };
}

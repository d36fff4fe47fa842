// Test helper: a Vite dev server on the browser test pages (test/browser, cross-origin isolated)
// and headless Debian Chromium through playwright-core; returns what a page put on window.__result.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const root = fileURLToPath(new URL('../..', import.meta.url)); // packages/parallel

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Loads `page` (e.g. "same-bits.html") in Chromium and returns its window.__result; stops Vite and Chromium after. */
export async function pageResult(page: string, timeoutMs: number): Promise<unknown> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const port = await freePort();
  const log: string[] = [];
  const server = spawn(process.execPath, [vite, '--config', join(root, 'test/browser/vite.config.ts'), '--port', String(port), '--strictPort'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (b) => log.push(String(b)));
  server.stderr.on('data', (b) => log.push(String(b)));
  const profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
  let browser: { close(): Promise<void> } | undefined;
  try {
    const url = `http://127.0.0.1:${port}/`;
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`vite exited with ${server.exitCode}:\n${log.join('')}`);
      if (i === 300) throw new Error(`vite did not answer at ${url}:\n${log.join('')}`);
      const up = await fetch(url).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { chromium } = await import('playwright-core');
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    browser = ctx;
    const tab = ctx.pages()[0] ?? (await ctx.newPage());
    const consoleLog: string[] = [];
    tab.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => consoleLog.push(`pageerror: ${e.message}`));
    await tab.goto(url + page);
    const handle = await tab.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, undefined, { timeout: timeoutMs }).catch((e: Error) => {
      throw new Error(`${e.message}\nconsole:\n${consoleLog.join('\n')}\nvite:\n${log.join('')}`);
    });
    return await handle.jsonValue();
  } finally {
    await browser?.close();
    server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}

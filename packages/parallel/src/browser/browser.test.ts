// The browser adapter in a real browser: Chromium (playwright-core) loads a Vite-served page
// (test/browser) that trains on one thread and on Web Workers and reports the weight bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const skipNote = hasChromium ? '' : ` — SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`;
if (!hasChromium) console.warn(`browser test skipped: ${CHROMIUM} is absent; install it with: apt-get update && apt-get install -y chromium`);

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

/** Starts Vite's dev server on the test page; resolves with its URL once it answers. */
async function startVite(): Promise<{ url: string; server: ChildProcess; log: string[] }> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const port = await freePort();
  const log: string[] = [];
  const server = spawn(process.execPath, [vite, '--config', join(root, 'test/browser/vite.config.ts'), '--port', String(port), '--strictPort'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (b) => log.push(String(b)));
  server.stderr.on('data', (b) => log.push(String(b)));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`vite exited with ${server.exitCode}:\n${log.join('')}`);
    try {
      if ((await fetch(url)).ok) return { url, server, log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`vite did not answer at ${url}:\n${log.join('')}`);
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('browserEngine in Chromium', () => {
  it.skipIf(!hasChromium)(`1 and 2 Web Workers give the single-thread weights bit for bit (f32, f64; JS kernels, and WASM kernels on 1, 2, 3 workers); a throwing worker rejects the step cleanly${skipNote}`, async () => {
    const { chromium } = await import('playwright-core');
    const { url, server, log } = await startVite();
    cleanup.push(() => void server.kill());
    const profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
    cleanup.push(() => rmSync(profile, { recursive: true, force: true }));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanup.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    const consoleLog: string[] = [];
    page.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`pageerror: ${e.message}`));
    await page.goto(url);
    const handle = await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, undefined, { timeout: 45_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\nconsole:\n${consoleLog.join('\n')}\nvite:\n${log.join('')}`);
    });
    const r = (await handle.jsonValue()) as {
      error?: string;
      isolated: boolean;
      weights: Record<string, Record<string, string>>;
      fault: { name: string; shard: number; message: string; weightsAsBefore: boolean } | null;
      retried: string;
      poolThreadsAfterDestroy: number;
    };
    expect(r.error, consoleLog.join('\n')).toBeUndefined();
    expect(r.isolated).toBe(true);
    for (const dtype of ['f32', 'f64']) {
      const w = r.weights[dtype];
      expect(w.thread.length).toBeGreaterThan(0);
      expect(w.workers1, `${dtype}: 1 worker`).toBe(w.thread);
      expect(w.workers2, `${dtype}: 2 workers`).toBe(w.thread);
    }
    for (const dtype of ['f32', 'f64']) {
      const w = r.weights[`wasm-${dtype}`];
      expect(w.backend).toBe('wasm');
      if (dtype === 'f32') expect(w.owned).toBe('true');
      expect(w.thread.length).toBeGreaterThan(0);
      for (const n of [1, 2, 3]) expect(w[`workers${n}`], `wasm ${dtype}: ${n} workers`).toBe(w.thread);
    }
    expect(r.fault).toMatchObject({ name: 'WorkerError', shard: 2, weightsAsBefore: true });
    expect(r.fault!.message).toContain('injected fault (test only) in shard 2');
    expect(r.retried).toBe(r.weights.f32.thread);
    expect(r.poolThreadsAfterDestroy).toBe(0);
  });
});

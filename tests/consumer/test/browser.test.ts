/**
 * A minimal Vite app on the installed tarballs (@backprop/core and @backprop/parallel/browser;
 * its config holds only the COOP/COEP headers and ES-module workers), in `vite build` +
 * `vite preview` and in `vite` dev, in Chromium: selectBackend() with no arguments finds the
 * packaged .wasm, and training on 2 Web Workers runs on it with a falling loss.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openPage, published, serve, type Browser } from '../src/browser.js';
import { CHROMIUM, ROOT, bin } from '../src/workspace.js';

const project = inject('project');

interface Result {
  error?: string;
  backend: string;
  reason: string;
  isolated: boolean;
  workers: number;
  paramsInWasm: boolean;
  losses: number[];
}

describe.skipIf(!existsSync(CHROMIUM))('a Vite app importing the tarballs, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    cpSync(join(ROOT, 'tests', 'consumer', 'fixtures', 'vite-app'), project, { recursive: true });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  function expectTrained(r: Result): void {
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.backend).toBe('wasm');
    expect(r.reason).toBe('WebAssembly SIMD and shared memory are available, so the WASM SIMD kernels run');
    expect(r.paramsInWasm).toBe(true);
    expect(r.workers).toBe(2);
    expect(r.losses).toHaveLength(20);
    expect(r.losses[19]).toBeLessThan(0.5 * r.losses[0]);
  }

  it('vite build emits the kernels as an asset and the workers as chunks; the preview trains on WASM in 2 workers', async () => {
    execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: project, stdio: 'inherit' });
    const assets = readdirSync(join(project, 'dist', 'assets'));
    expect(assets.filter((f) => f.endsWith('.wasm'))).toHaveLength(1); // kernels-<hash>.wasm
    expect(assets.filter((f) => /^worker-.*\.js$/.test(f)).length).toBeGreaterThan(0);
    const server = await serve(project, 'preview');
    try {
      const { page, consoleLog } = await openPage(browser, server.url);
      const r = await published<Result>(page, '__result', 90_000, consoleLog);
      expect(r.error, consoleLog.join('\n')).toBeUndefined();
      expectTrained(r);
      await page.close();
    } finally {
      server.stop();
    }
  });

  it('vite dev (dependencies pre-bundled into node_modules/.vite) finds the .wasm and the workers too', async () => {
    const server = await serve(project, 'dev', ['--force']);
    try {
      const { page, consoleLog } = await openPage(browser, server.url);
      const r = await published<Result>(page, '__result', 120_000, consoleLog);
      expect(r.error, `${consoleLog.join('\n')}\n${server.log.join('')}`).toBeUndefined();
      expectTrained(r);
      await page.close();
    } finally {
      server.stop();
    }
  });
});

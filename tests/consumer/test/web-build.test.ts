/**
 * One production build of apps/web through the packages' built exports (BACKPROP_EXPORTS=dist
 * drops the @backprop/source condition from its Vite config), so a broken exports map, a
 * missing dist file or a .wasm the build cannot find fails here. A probe plugin records every
 * module the build loaded: workspace packages come from dist/, never from src/.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { launch, openPage, serve } from '../src/browser.js';
import { CHROMIUM, ROOT } from '../src/workspace.js';

const app = join(ROOT, 'apps', 'web');
const outDir = mkdtempSync(join(tmpdir(), 'backprop-web-dist-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('apps/web built from the packages\' dist exports', () => {
  const loaded = new Set<string>();
  const probe: Plugin = { name: 'probe-loaded-modules', load: (id) => void loaded.add(id) };

  it('builds with every @backprop module read from dist/ (page and workers)', async () => {
    process.env.BACKPROP_EXPORTS = 'dist';
    try {
      await build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'warn', plugins: [probe], worker: { plugins: () => [probe] }, build: { outDir, emptyOutDir: true } });
    } finally {
      delete process.env.BACKPROP_EXPORTS;
    }
    const ours = [...loaded].filter((id) => /\/packages\/(core|data|parallel)\//.test(id));
    expect(ours.filter((id) => /\/packages\/[^/]+\/src\//.test(id))).toEqual([]);
    for (const pkg of ['core', 'data', 'parallel']) expect(ours.some((id) => id.includes(`/packages/${pkg}/dist/`)), pkg).toBe(true);
    expect(ours.some((id) => id.includes('/packages/parallel/dist/browser/worker.js'))).toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM))('the built app loads in Chromium and runs on the WASM kernels', async () => {
    const server = await serve(app, 'preview', ['--outDir', outDir]);
    const browser = await launch();
    try {
      const { page, consoleLog } = await openPage(browser, server.url);
      await page.waitForFunction(() => Number(document.body.dataset.ready ?? 0) >= 1, undefined, { timeout: 60_000 }).catch((e: Error) => {
        throw new Error(`${e.message}\n${consoleLog.join('\n')}`);
      });
      expect(await page.getAttribute('#engine', 'data-kernels')).toBe('wasm');
      expect(consoleLog.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    } finally {
      await browser.close();
      server.stop();
    }
  });
});

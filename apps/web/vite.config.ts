// Vite config: cross-origin isolation headers (SharedArrayBuffer needs them), ES-module
// workers, real asset files, workspace packages read from source, the MNIST asset, and
// core's WASM kernels (built first when a fresh clone has no packages/core/build yet).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * `/mnist-10k.bin`: the `mnist` package's 10k real digits packed as bytes, built once from
 * its JSON files. Layout: u32 N, then N labels (u8), then N·784 pixels (u8, 0–255).
 */
function mnistAsset(): Plugin {
  let cached: Uint8Array | null = null;
  const build = (): Uint8Array => {
    if (cached) return cached;
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const perClass: number[][] = [];
    for (let d = 0; d < 10; d++) perClass.push((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
    const N = perClass.reduce((s, p) => s + p.length / 784, 0);
    const out = new Uint8Array(4 + N + N * 784);
    new DataView(out.buffer).setUint32(0, N, true);
    let i = 0;
    for (let d = 0; d < 10; d++) {
      const px = perClass[d];
      for (let r = 0; r < px.length / 784; r++, i++) {
        out[4 + i] = d;
        const at = 4 + N + i * 784;
        for (let j = 0; j < 784; j++) out[at + j] = Math.round(px[r * 784 + j] * 255);
      }
    }
    return (cached = out);
  };
  return {
    name: 'backprop-mnist-asset',
    configureServer(server) {
      server.middlewares.use('/mnist-10k.bin', (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(Buffer.from(build()));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mnist-10k.bin', source: build() });
    },
  };
}

/**
 * Core's WASM SIMD kernels (packages/core/build/kernels.wasm) are compiled from AssemblyScript,
 * not committed. core's `fetchKernels()` refers to them with `new URL(…, import.meta.url)`, which
 * Vite emits as an asset (a real file: `assetsInlineLimit: 0`); if the file is missing (a fresh
 * clone, `npx vitest run` without the package scripts) build it before Vite resolves it.
 */
function coreKernels(): Plugin {
  const core = fileURLToPath(new URL('../../packages/core/', import.meta.url));
  const wasm = join(core, 'build', 'kernels.wasm');
  let done = false;
  const ensure = (): void => {
    if (done || existsSync(wasm)) return void (done = true);
    execFileSync('pnpm', ['run', 'build:wasm'], { cwd: core, stdio: 'inherit' });
    if (!existsSync(wasm)) throw new Error(`building the WASM kernels did not produce ${wasm}; run "pnpm --filter @backprop/core build:wasm"`);
    done = true;
  };
  return { name: 'backprop-core-kernels', enforce: 'pre', config: ensure, buildStart: ensure };
}

const conditions = ['@backprop/source', 'module', 'browser', 'import', 'default'];

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { assetsInlineLimit: 0, target: 'es2022' },
  resolve: { conditions },
  plugins: [coreKernels(), mnistAsset()],
});

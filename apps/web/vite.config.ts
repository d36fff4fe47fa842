// Vite config: cross-origin isolation headers (SharedArrayBuffer needs them), ES-module
// workers, real asset files, workspace packages read from source, the MNIST IDX files, and
// core's WASM kernels (built first when a fresh clone has no packages/core/build yet).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The 10k real digits as gzip IDX files in public/mnist/ (served in dev, copied into the build),
 * written by @backprop/data's `mnist:idx` script from the installed `mnist` package when missing;
 * the page reads them with @backprop/data's fetchMnist (the same split as the CLI). Build output, not committed.
 */
function mnistFiles(): Plugin {
  const out = fileURLToPath(new URL('./public/mnist/', import.meta.url));
  const files = ['mnist-10k-images-idx3-ubyte.gz', 'mnist-10k-labels-idx1-ubyte.gz']; // @backprop/data's MNIST_IDX_FILES
  let done = false;
  const ensure = (): void => {
    if (done || files.every((f) => existsSync(join(out, f)))) return void (done = true);
    execFileSync('pnpm', ['--filter', '@backprop/data', 'mnist:idx', out], { stdio: 'inherit' });
    done = true;
  };
  return { name: 'backprop-mnist-files', enforce: 'pre', config: ensure, buildStart: ensure };
}

/**
 * Core's WASM SIMD kernels (packages/core/build/kernels.wasm) are compiled from AssemblyScript,
 * not committed. core's `selectBackend()` / `loadKernels()` refer to them with `new URL(…, import.meta.url)`, which
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

// The workspace packages from source; BACKPROP_EXPORTS=dist resolves them through their built
// exports instead (tests/consumer builds the app so: a broken exports map fails that test).
const conditions = [...(process.env.BACKPROP_EXPORTS === 'dist' ? [] : ['@backprop/source']), 'module', 'browser', 'import', 'default'];

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { assetsInlineLimit: 0, target: 'es2022' },
  resolve: { conditions },
  plugins: [coreKernels(), mnistFiles()],
});

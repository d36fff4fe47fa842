/**
 * Shared pieces of the kernel and TensorFlow.js benchmarks: the WASM backend (read from
 * packages/core/build/kernels.wasm), TensorFlow.js on its wasm or cpu backend, the mnist
 * package's real digits, and a best-of-rounds timer (other work shares these cores).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Network, Trainer, jsBackend, type Backend, type Dataset, type FitOptions } from '@backprop/core';
import { createWasmBackend, loadKernels, now, type WasmBackend } from '@backprop/core/engine';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
// Gradients of tfjs-core's ops live outside its Node bundle (the tfjs union package loads them);
// their ES-module sources register into tfjs-core's global gradient registry.
require('@tensorflow/tfjs-core/dist/register_all_gradients');

/** A WASM backend on a fresh shared memory (run `pnpm --filter @backprop/core build:wasm` first; turbo does). */
export async function wasmBackend(): Promise<WasmBackend> {
  return createWasmBackend({ module: await loadKernels() });
}

let wasmPathsSet = false;

/** Switches TensorFlow.js to `name`; tfjs-backend-wasm loads its .wasm files from its package's dist/. */
export async function useTf(name: 'wasm' | 'cpu'): Promise<string> {
  if (!wasmPathsSet) {
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    wasmPathsSet = true;
  }
  tf.enableProdMode(); // no first-use banner, no debug checks
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js could not start its ${name} backend`);
  await tf.ready();
  if (name === 'cpu') return 'tfjs-cpu';
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  return `tfjs-wasm (XNNPACK, ${simd}, ${getThreadsCount()} thread${getThreadsCount() === 1 ? '' : 's'})`;
}

export { tf };

/**
 * The first `perClass` digits of each class from the mnist package (784 pixels in [0, 1], one-hot
 * labels), interleaved 0, 1, …, 9, 0, 1, … so any prefix is balanced; on shared memory.
 */
export function mnist(perClass: number): Dataset {
  const dir = join(dirname(require.resolve('mnist')), 'digits');
  const N = 10 * perClass;
  const X = jsBackend.floats('f32', N * 784); // (N, 784)
  const Y = jsBackend.floats('f32', N * 10); //  (N, 10)
  for (let d = 0; d < 10; d++) {
    const raw = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    if (raw.length < perClass * 784) throw new Error(`the mnist package has only ${raw.length / 784} digits of class ${d}`);
    for (let i = 0; i < perClass; i++) {
      const row = i * 10 + d;
      for (let j = 0; j < 784; j++) X[row * 784 + j] = raw[i * 784 + j];
      Y[row * 10 + d] = 1;
    }
  }
  return { X, Y, N, nIn: 784, nOut: 10 };
}

/**
 * Best (smallest) seconds per call of `f`: `rounds` rounds, each calling it until `ms` have
 * passed (at least once). The best round is the one least disturbed by other work.
 */
export function bestSeconds(f: () => void, rounds: number, ms: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = now();
    let t: number;
    do {
      f();
      n++;
      t = now();
    } while (t - t0 < ms);
    best = Math.min(best, (t - t0) / 1000 / n);
  }
  return best;
}

/** Largest |a − e| over the arrays, and whether every element is within atol + rtol·|e|. */
export function compare(a: ArrayLike<number>, e: ArrayLike<number>, atol: number, rtol: number): { ok: boolean; maxDiff: number } {
  if (a.length !== e.length) return { ok: false, maxDiff: Infinity };
  let ok = true;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= atol + rtol * Math.abs(e[i]))) ok = false;
    if (!(d <= maxDiff)) maxDiff = d;
  }
  return { ok, maxDiff };
}

/**
 * Runs a bench's main function; errors print as a message and exit 1 (tfjs-backend-wasm
 * installs a handler that would otherwise print its whole minified source).
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}

export const pad = (s: string | number, n: number): string => String(s).padStart(n);

/** Mean µs of one step of a tiny net (4-8-2, batch 4, best epoch of 3): what ordering a step costs, nearly nothing else. */
export async function tinyStepMicros(backend: Backend, engine?: FitOptions['engine']): Promise<number> {
  const N = 4096;
  const X = jsBackend.floats('f32', N * 4);
  const Y = jsBackend.floats('f32', N * 2);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < 4; j++) X[i * 4 + j] = ((i * 7 + j * 3) % 11) / 11;
    Y[i * 2 + (i % 2)] = 1;
  }
  const net = Network.create({ sizes: [4, 8, 2] }, { seed: 1, backend });
  const r = await new Trainer(net, { epochs: 3, batchSize: 4, seed: 2, validationSplit: 0 }).fit({ X, Y, N, nIn: 4, nOut: 2 }, { engine });
  return Math.min(...r.history.slice(1).map((e) => (e.seconds * 1e6) / (N / 4)));
}

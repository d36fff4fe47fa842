/**
 * Small networks on one thread (#14), the playground's and tabular regime, against a plain numpy
 * MLP doing the same work in the same run (bench/numpy_mlp.py: same sizes, batch, rows, float32,
 * softmax + cross-entropy, SGD on the batch mean, seeded shuffles): samples/s of the Trainer on
 * core's JS kernels, on the WASM SIMD kernels, and on what `selectBackend('auto')` picks.
 *
 *   cd bench && npx tsx --conditions=@backprop/source small.ts [--rounds 3] [--rows 4000] [--epochs 6]
 * Needs python3 with numpy. Variants run interleaved, round after round; each keeps its best
 * epoch after the first (other work shares these cores).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, Trainer, jsBackend, selectBackend, type Backend, type Dataset } from '@backprop/core';
import { Rng } from '@backprop/core/engine';
import { bestSeconds, mnist, pad, runMain, wasmBackend } from './common.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg('rounds', 3);
const ROWS = arg('rows', 4000);
const EPOCHS = arg('epochs', 6);

interface Case {
  sizes: number[];
  activation: 'tanh' | 'relu';
  batch: number;
  goal: number; // × numpy
}
const CASES: Case[] = [
  { sizes: [2, 8, 8, 2], activation: 'tanh', batch: 10, goal: 5 },
  { sizes: [4, 16, 3], activation: 'relu', batch: 16, goal: 2 },
];

/** Seeded rows like numpy_mlp.py's: inputs in [-1, 1), the class from a fixed linear rule. */
function data(sizes: number[]): Dataset {
  const nIn = sizes[0];
  const nOut = sizes[sizes.length - 1];
  const X = jsBackend.floats('f32', ROWS * nIn);
  const Y = jsBackend.floats('f32', ROWS * nOut);
  const rng = new Rng(1);
  for (let i = 0; i < ROWS; i++) {
    let s = 0;
    for (let j = 0; j < nIn; j++) {
      const x = rng.uniform(-1, 1);
      X[i * nIn + j] = x;
      s += (nIn === 1 ? 1 : 1 - (2 * j) / (nIn - 1)) * x;
    }
    Y[i * nOut + Math.min(nOut - 1, Math.max(0, Math.floor(((s + nIn / 2) / nIn) * nOut)))] = 1;
  }
  return { X, Y, N: ROWS, nIn, nOut };
}

/** Best samples/s over the epochs after the first. */
async function ours(c: Case, d: Dataset, backend: Backend): Promise<number> {
  const net = Network.create({ sizes: c.sizes, activation: c.activation, output: 'softmax' }, { seed: 1, backend });
  const r = await new Trainer(net, { epochs: EPOCHS, batchSize: c.batch, seed: 2, validationSplit: 0, optimizer: { name: 'sgd', lr: 0.1 } }).fit(d);
  return Math.max(...r.history.slice(1).map((e) => e.samplesPerSec));
}

function numpy(c: Case): number {
  const script = fileURLToPath(new URL('./numpy_mlp.py', import.meta.url));
  const out = execFileSync('python3', [script, '--sizes', c.sizes.join('-'), '--activation', c.activation, '--batch', String(c.batch), '--rows', String(ROWS), '--epochs', String(EPOCHS)], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { samples_per_s: number }).samples_per_s;
}

/**
 * Batch 32 on one thread against the GEMM rate: the Trainer's training FLOP/s on the MNIST net
 * (2·nIn·nOut per weight and sample for each of forward, dW and da, no da into the inputs) over
 * the GEMM rate of the same WASM kernels at (32, 784, 128): forward, dW and da timed back to back.
 */
async function gemmShare(wasm: Awaited<ReturnType<typeof wasmBackend>>): Promise<void> {
  const sizes = [784, 128, 64, 10];
  const [B, nIn, nOut] = [32, 784, 128];
  const ar = wasm.arena(4 * (2 * nOut * (nIn + 1) + 2 * B * nOut + 2 * B * nIn) + 256);
  const rng = new Rng(3);
  const fill = (n: number) => {
    const v = ar.f32(n);
    for (let i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
    return v;
  };
  const W = fill(nOut * (nIn + 1));
  const X = fill(B * nIn);
  const delta = fill(B * nOut);
  const net = ar.f32(B * nOut);
  const dW = ar.f32(nOut * (nIn + 1));
  const da = ar.f32(B * nIn);
  const k = wasm.kernels;
  const sec = bestSeconds(() => {
    k.denseForward(net, W, X, B, nIn, nOut);
    k.denseBackwardWeights(dW, delta, X, B, nIn, nOut);
    k.denseBackwardInput(da, delta, W, B, nIn, nOut);
  }, 5, 60);
  const gemm = (3 * 2 * B * nIn * nOut) / sec / 1e9;
  const d = mnist(850);
  let flopsPerSample = 0;
  for (let l = 1; l < sizes.length; l++) flopsPerSample += (l === 1 ? 4 : 6) * sizes[l - 1] * sizes[l];
  let rate = 0;
  for (let r = 0; r < ROUNDS + 1; r++) {
    const n = Network.create({ sizes, activation: 'relu', output: 'softmax' }, { seed: 1, backend: wasm });
    const h = await new Trainer(n, { epochs: 2, batchSize: 32, seed: 2, validationSplit: 0, optimizer: { name: 'sgd', lr: 0.05 } }).fit(d);
    if (r > 0) rate = Math.max(rate, h.history[1].samplesPerSec);
  }
  const train = (rate * flopsPerSample) / 1e9;
  console.log(`MNIST 784-128-64-10, batch 32 (default shards of 8), WASM, one thread: ${Math.round(rate)} samples/s = ${train.toFixed(1)} GFLOP/s of training`);
  console.log(`  GEMM rate of the same kernels at (32, 784, 128), forward + dW + da: ${gemm.toFixed(1)} GFLOP/s; training turns ${((100 * train) / gemm).toFixed(0)}% of it into throughput (goal ≥ 65%)\n`);
}

async function main(): Promise<void> {
  const wasm = await wasmBackend();
  console.log(`small-net bench: one thread, f32, SGD, softmax + CE; ${ROWS} rows, ${EPOCHS} epochs per run (best epoch after the first), best of ${ROUNDS} interleaved rounds; numpy ${execFileSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).trim()} in the same run\n`);
  await gemmShare(wasm);
  for (const c of CASES) {
    const d = data(c.sizes);
    const auto = await selectBackend('auto');
    const variants: [string, () => Promise<number>][] = [
      ['numpy', async () => numpy(c)],
      ['backprop js kernels', () => ours(c, d, jsBackend)],
      ['backprop wasm kernels', () => ours(c, d, wasm)],
      [`backprop auto (${auto.backend.name})`, () => ours(c, d, auto.backend)],
    ];
    const best = variants.map(() => 0);
    for (const [, run] of variants) await run(); // warm-up
    for (let r = 0; r < ROUNDS; r++) for (let v = 0; v < variants.length; v++) best[v] = Math.max(best[v], await variants[v][1]());
    console.log(`${c.sizes.join('-')} ${c.activation}, batch ${c.batch}          samples/s   ×numpy   (goal ≥ ${c.goal}× numpy)`);
    variants.forEach(([name], v) => console.log(`  ${name.padEnd(28)}${pad(Math.round(best[v]), 10)}${pad((best[v] / best[0]).toFixed(2), 9)}`));
    const [js, wa, au] = [best[1], best[2], best[3]];
    console.log(`  auto chose ${auto.backend.name}: ${au >= Math.min(js, wa) * 0.97 && (auto.backend.name === 'js' ? js >= wa * 0.97 : wa >= js * 0.97) ? 'the faster backend (or within 3%)' : 'THE SLOWER BACKEND'}; ${auto.reason}\n`);
  }
}

runMain(main);

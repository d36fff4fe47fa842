/**
 * Training throughput against TensorFlow.js: the MNIST network 784-128-64-10 (relu, softmax +
 * categorical cross-entropy, plain SGD, float32) on the mnist package's real digits, at batch
 * 32 and 256, side by side in one run:
 *   - our Trainer on core's JS kernels and on the WASM SIMD kernels, on this thread;
 *   - the same on all cores through @backprop/parallel's worker engine (when it can run that backend);
 *   - TensorFlow.js (tfjs-core, no layers) on its wasm backend (XNNPACK) and its cpu backend:
 *     fused matMul + bias + relu, tf.losses.softmaxCrossEntropy, tf.train.sgd.
 * Before timing, every variant's weights after training on the same rows are checked against
 * our JS reference (TensorFlow.js from the same initial weights). Samples/s count the rows of one
 * epoch after its first batch; each variant keeps its best of a few interleaved rounds (other
 * work shares these cores).
 *
 *   pnpm --filter @backprop/bench bench            (gemm.ts, then this)
 *   cd bench && npx tsx --conditions=@backprop/source train.ts [--rounds 3] [--seconds 1.5]
 */
import { availableParallelism } from 'node:os';
import { Network, Trainer, jsBackend, type Backend, type Dataset, type FitOptions, type Floats } from '@backprop/core';
import { createWasmBackend, now, type WasmBackend } from '@backprop/core/engine';
import { compare, mnist, pad, runMain, tf, useTf, wasmBackend } from './common.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 1.5); // target length of one timed epoch
const SIZES = [784, 128, 64, 10];
const LR = 0.05;
const BATCHES = [32, 256];

type Engine = FitOptions['engine'];

/** The first `rows` rows as views of the same (shared) memory: workers read them in place. */
function prefix(data: Dataset, rows: number): Dataset {
  return { X: data.X.subarray(0, rows * data.nIn), Y: data.Y.subarray(0, rows * data.nOut), N: rows, nIn: data.nIn, nOut: data.nOut };
}

/** One epoch of our Trainer over the first `rows` rows; returns samples/s after the first batch and the network. */
async function ourEpoch(data: Dataset, rows: number, B: number, backend: Backend, engine?: Engine): Promise<{ rate: number; net: Network }> {
  const net = Network.create({ sizes: SIZES, activation: 'relu', output: 'softmax' }, { seed: 1, backend });
  const trainer = new Trainer(net, { epochs: 1, batchSize: B, seed: 2, optimizer: { name: 'sgd', lr: LR } });
  const part = prefix(data, rows);
  let t0 = 0;
  let rate = 0;
  await trainer.fit(part, {
    engine,
    onBatch: (e) => {
      if (e.batch === 1) t0 = now(); // the clock starts once the first batch is done (engine attached, caches warm)
    },
    onEpoch: () => {
      rate = ((rows - B) * 1000) / (now() - t0);
    },
  });
  return { rate, net };
}

/** The model in TensorFlow's layout (kernel (nIn, nOut), bias (nOut)), initialised from our W. */
function tfModel(net: Network): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (let l = 0; l < net.L; l++) {
    const { nIn, nOut } = net.layers[l];
    const W = net.W[l];
    const kernel = new Float32Array(nIn * nOut);
    const bias = new Float32Array(nOut);
    for (let k = 0; k < nOut; k++) {
      bias[k] = W[k * (nIn + 1)];
      for (let j = 0; j < nIn; j++) kernel[j * nOut + k] = W[k * (nIn + 1) + 1 + j];
    }
    vars.push(tf.variable(tf.tensor2d(kernel, [nIn, nOut])), tf.variable(tf.tensor1d(bias)));
  }
  return vars;
}

/** Our flat W layout from TensorFlow's variables, to compare weights. */
function fromTf(vars: tf.Variable[], net: Network): Float32Array {
  const out = new Float32Array(net.P);
  for (let l = 0; l < net.L; l++) {
    const { nIn, nOut, offset } = net.layers[l];
    const kernel = vars[2 * l].dataSync();
    const bias = vars[2 * l + 1].dataSync();
    for (let k = 0; k < nOut; k++) {
      out[offset + k * (nIn + 1)] = bias[k];
      for (let j = 0; j < nIn; j++) out[offset + k * (nIn + 1) + 1 + j] = kernel[j * nOut + k];
    }
  }
  return out;
}

/** One epoch of SGD in TensorFlow.js over the first `rows` rows (in order); samples/s after the first batch. */
function tfEpoch(data: Dataset, rows: number, B: number, vars: tf.Variable[]): number {
  const xs = tf.tensor2d(data.X.subarray(0, rows * 784) as Float32Array, [rows, 784]);
  const ys = tf.tensor2d(data.Y.subarray(0, rows * 10) as Float32Array, [rows, 10]);
  const opt = tf.train.sgd(LR);
  let t0 = 0;
  for (let start = 0; start < rows; start += B) {
    const n = Math.min(B, rows - start);
    opt.minimize(() => {
      const x = tf.slice(xs, [start, 0], [n, 784]);
      const y = tf.slice(ys, [start, 0], [n, 10]);
      const h1 = tf.fused.matMul({ a: x, b: vars[0], bias: vars[1], activation: 'relu' });
      const h2 = tf.fused.matMul({ a: h1, b: vars[2], bias: vars[3], activation: 'relu' });
      const logits = tf.fused.matMul({ a: h2, b: vars[4], bias: vars[5] });
      return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, logits); // mean over the batch, like our (1/B)Σ
    }, false, vars);
    if (start === 0) {
      vars[0].dataSync(); // the first step is done
      t0 = now();
    }
  }
  vars[0].dataSync();
  const rate = ((rows - B) * 1000) / (now() - t0);
  tf.dispose([xs, ys]);
  opt.dispose();
  return rate;
}

/** Rows for one timed epoch of ≈ SECONDS at `rate` samples/s: whole batches, at least 4 of them, at most the data. */
function rowsFor(rate: number, B: number, N: number): number {
  return Math.max(4 * B, Math.min(Math.floor(N / B) * B, Math.floor((rate * SECONDS) / B) * B));
}

interface Variant {
  name: string;
  run: (rows: number, B: number) => Promise<number>;
  /** Checks this variant against the JS reference on `rows` rows at batch B; returns a note. */
  check: (rows: number, B: number) => Promise<string>;
}

async function main(): Promise<void> {
  const data = mnist(850); // 8,500 real digits (every class has ≥ 850)
  // A backend's arenas are never freed: each run gets a fresh one (a new shared memory) from the compiled module.
  const module = (await wasmBackend()).module;
  const freshWasm = (): Promise<WasmBackend> => createWasmBackend({ module });
  const wasm = await freshWasm(); // the one the worker variants share
  const cores = availableParallelism();
  const ref = new Map<number, Float32Array>(); // JS reference weights after one epoch on CHECK_ROWS rows, per batch size
  const CHECK_ROWS = 512;
  const reference = async (B: number): Promise<Float32Array> => {
    if (!ref.has(B)) ref.set(B, (await ourEpoch(data, CHECK_ROWS, B, jsBackend)).net.params.slice() as Float32Array);
    return ref.get(B)!;
  };
  const against = async (params: Floats, B: number, atol: number, rtol: number, what: string): Promise<string> => {
    const c = compare(params, await reference(B), atol, rtol);
    if (!c.ok) throw new Error(`${what} at batch ${B}: weights after ${CHECK_ROWS / B} steps differ from the JS reference by ${c.maxDiff}`);
    return `max |Δw| ${c.maxDiff.toExponential(1)}`;
  };

  const variants: Variant[] = [
    {
      name: 'backprop js kernels, 1 thread',
      run: async (rows, B) => (await ourEpoch(data, rows, B, jsBackend)).rate,
      check: async () => 'reference',
    },
    {
      name: 'backprop wasm kernels, 1 thread',
      run: async (rows, B) => (await ourEpoch(data, rows, B, await freshWasm())).rate,
      check: async (rows, B) => {
        const backend = await freshWasm();
        const { net } = await ourEpoch(data, rows, B, backend);
        if (backend.fallbacks !== 0) throw new Error(`the WASM backend ran ${backend.fallbacks} kernel calls on JS`);
        return against(net.params, B, 1e-5, 1e-3, 'wasm kernels');
      },
    },
  ];

  // all cores through @backprop/parallel, when its worker engine exists (every backend describes itself to workers)
  const parallel = await import('@backprop/parallel/node').catch((e: unknown) => e as Error);
  const skipped: string[] = [];
  if (parallel instanceof Error) {
    skipped.push(`all-worker variants: @backprop/parallel/node did not load (${parallel.message.split('\n')[0]})`);
  } else {
    const pool = new parallel.NodePool({ workers: cores });
    for (const [kind, backend] of [['js', jsBackend], ['wasm', wasm]] as const) {
      const engine = parallel.nodeEngine({ pool });
      variants.push({
        name: `backprop ${kind} kernels, ${cores} workers`,
        run: async (rows, B) => (await ourEpoch(data, rows, B, backend, engine)).rate,
        check: async (rows, B) => {
          const { net } = await ourEpoch(data, rows, B, backend, engine);
          if (kind === 'js') return against(net.params, B, 0, 0, `${cores} workers`).then((s) => `bit-identical (${s})`);
          // WASM on every worker: bit for bit the single-thread WASM trainer (same kernels, same shard order)
          const one = (await ourEpoch(data, rows, B, await freshWasm())).net.params;
          const a = new Uint8Array(net.params.buffer, net.params.byteOffset, net.params.byteLength);
          const b = new Uint8Array(one.buffer, one.byteOffset, one.byteLength);
          if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`wasm on ${cores} workers at batch ${B}: weights differ from the single-thread WASM trainer`);
          return `bit-identical to wasm 1 thread (${await against(net.params, B, 1e-5, 1e-3, `wasm on ${cores} workers`)} vs js)`;
        },
      });
    }
  }

  for (const name of ['wasm', 'cpu'] as const) {
    let label = '';
    const start = async () => {
      label = await useTf(name);
    };
    variants.push({
      name: `tfjs-${name}`,
      run: async (rows, B) => {
        await start();
        const net = Network.create({ sizes: SIZES, activation: 'relu', output: 'softmax' }, { seed: 1 });
        const vars = tfModel(net);
        const rate = tfEpoch(data, rows, B, vars);
        tf.dispose(vars);
        return rate;
      },
      check: async (rows, B) => {
        await start();
        // the same rows, same initial weights: our trainer shuffles them, so compare after one step on one batch
        const one = prefix(data, B);
        const net = Network.create({ sizes: SIZES, activation: 'relu', output: 'softmax' }, { seed: 1 });
        const vars = tfModel(net);
        tfEpoch(one, B, B, vars);
        await new Trainer(net, { epochs: 1, batchSize: B, seed: 2, optimizer: { name: 'sgd', lr: LR } }).fit(one);
        const c = compare(fromTf(vars, net), net.params, 1e-6, 1e-4);
        tf.dispose(vars);
        if (!c.ok) throw new Error(`tfjs-${name} at batch ${B}: weights after one step differ from ours by ${c.maxDiff}`);
        return `${label}; one step: max |Δw| ${c.maxDiff.toExponential(1)}`;
      },
    });
  }

  console.log(`train bench: MNIST ${SIZES.join('-')} relu, softmax + CCE, SGD lr ${LR}, f32, mnist package digits (${data.N}); ${cores} cores here, shared with other work`);
  console.log(`samples/s after the first batch of one epoch, best of ${ROUNDS} interleaved rounds after a warm-up round\n`);
  for (const B of BATCHES) {
    const notes: string[] = [];
    for (const v of variants) notes.push(await v.check(Math.min(CHECK_ROWS, data.N), B));
    // warm-up round: JIT tiers, TF kernels, worker start-up; also sizes each variant's epoch to ≈ SECONDS
    const rows: number[] = [];
    for (const v of variants) rows.push(rowsFor(await v.run(8 * B, B), B, data.N));
    const best = variants.map(() => 0);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < variants.length; i++) best[i] = Math.max(best[i], await variants[i].run(rows[i], B));
    }
    const tfWasm = best[variants.findIndex((v) => v.name === 'tfjs-wasm')];
    const tfCpu = best[variants.findIndex((v) => v.name === 'tfjs-cpu')];
    console.log(`batch ${B}${' '.repeat(28)}samples/s  ×tfjs-wasm  ×tfjs-cpu   check (before timing)`);
    variants.forEach((v, i) => {
      console.log(`  ${v.name.padEnd(34)}${pad(Math.round(best[i]), 9)}${pad((best[i] / tfWasm).toFixed(2), 12)}${pad((best[i] / tfCpu).toFixed(2), 11)}   ${notes[i]}`);
    });
    console.log('');
  }
  for (const s of skipped) console.log(`not run: ${s}`);
}

runMain(main);

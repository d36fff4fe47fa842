/**
 * GFLOP/s of the three batched shapes of a dense layer (DESIGN.md §5) on one thread:
 *   forward  net = X·W[:,1:]ᵀ + W[:,0]     weight gradient  dW += Δᵀ·[1|X]     input gradient  da = Δ·W[:,1:]
 * at (B, nIn, nOut) = (256, 784, 128), (32, 784, 128), (1024, 1024, 1024), for core's JS
 * kernels, core's WASM SIMD kernels and, for reference, TensorFlow.js matMul (wasm and cpu
 * backends) on the same product in its own layout. Every result is checked against the JS
 * reference before it is timed; FLOPs = 2·B·nIn·nOut.
 *
 *   pnpm --filter @backprop/bench bench            (this, then train.ts)
 *   cd bench && npx tsx --conditions=@backprop/source gemm.ts [--ms 60] [--rounds 8]
 */
import { jsBackend } from '@backprop/core';
import { Rng, jsKernels, type Kernels } from '@backprop/core/engine';
import { bestSeconds, compare, pad, runMain, tf, useTf, wasmBackend } from './common.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MS = arg('ms', 60);
const ROUNDS = arg('rounds', 8);
const SHAPES: [number, number, number][] = [[256, 784, 128], [32, 784, 128], [1024, 1024, 1024]];
const OPS = ['forward', 'dW', 'da'] as const;
type Op = (typeof OPS)[number];


function fill(v: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] = rng.next() * 2 - 1;
  return v;
}

/** The operands of one shape, on `alloc`'s memory. */
function operands(B: number, nIn: number, nOut: number, alloc: (n: number) => Float32Array) {
  const rng = new Rng(B + nIn + nOut);
  return {
    W: fill(alloc(nOut * (nIn + 1)), rng), // (nOut, nIn+1)
    X: fill(alloc(B * nIn), rng), //          (B, nIn)
    delta: fill(alloc(B * nOut), rng), //     (B, nOut)
    net: alloc(B * nOut), //                  (B, nOut)
    dW: alloc(nOut * (nIn + 1)), //           (nOut, nIn+1)
    da: alloc(B * nIn), //                    (B, nIn)
  };
}
type Operands = ReturnType<typeof operands>;

function run(k: Kernels, o: Operands, op: Op, B: number, nIn: number, nOut: number): void {
  if (op === 'forward') k.denseForward(o.net, o.W, o.X, B, nIn, nOut);
  else if (op === 'dW') k.denseBackwardWeights(o.dW, o.delta, o.X, B, nIn, nOut);
  else k.denseBackwardInput(o.da, o.delta, o.W, B, nIn, nOut);
}

const out = (o: Operands, op: Op): Float32Array => (op === 'forward' ? o.net : op === 'dW' ? o.dW : o.da);

/** W[:,1:] as an (nOut, nIn) matrix and the bias column, for TensorFlow.js. */
function split(W: Float32Array, nIn: number, nOut: number): { Ws: Float32Array; bias: Float32Array } {
  const Ws = new Float32Array(nOut * nIn);
  const bias = new Float32Array(nOut);
  for (let k = 0; k < nOut; k++) {
    bias[k] = W[k * (nIn + 1)];
    Ws.set(W.subarray(k * (nIn + 1) + 1, (k + 1) * (nIn + 1)), k * nIn);
  }
  return { Ws, bias };
}

async function main(): Promise<void> {
  const wasm = await wasmBackend();
  const cols = ['js', 'wasm', 'tfjs-wasm', 'tfjs-cpu'];
  const tfNames: Record<string, string> = {};
  tfNames['tfjs-wasm'] = await useTf('wasm');
  tfNames['tfjs-cpu'] = await useTf('cpu');
  console.log(`GEMM bench: GFLOP/s on one thread, best of ${ROUNDS} rounds of ≥ ${MS} ms (JS at 1024³: one call); f32`);
  console.log(`  tfjs columns: ${tfNames['tfjs-wasm']} and tfjs-cpu, tf.matMul in TensorFlow's layout (forward X·Wᵀ + b, dW Δᵀ·X, da Δ·W), for reference`);
  console.log(`${'shape (B, nIn, nOut)'.padEnd(22)}${'op'.padEnd(9)}${cols.map((c) => pad(c, 11)).join('')}   wasm/js  wasm/tfjs-wasm`);

  for (const [B, nIn, nOut] of SHAPES) {
    const flops = 2 * B * nIn * nOut;
    const js = operands(B, nIn, nOut, (n) => jsBackend.floats('f32', n));
    const ar = wasm.arena(4 * (2 * nOut * (nIn + 1) + 2 * B * nOut + 2 * B * nIn) + 256);
    const wa = operands(B, nIn, nOut, (n) => ar.f32(n));
    const { Ws, bias } = split(js.W, nIn, nOut);
    for (const op of OPS) {
      const gf: Record<string, number> = {};
      const big = B * nIn * nOut > 1e8;
      // JS: the reference; its first call (from a zeroed dW) is the result the others are checked against
      js.dW.fill(0);
      const t0 = performance.now();
      run(jsKernels, js, op, B, nIn, nOut);
      const first = (performance.now() - t0) / 1000;
      const ref = out(js, op).slice();
      gf.js = flops / 1e9 / (big ? first : Math.min(first, bestSeconds(() => run(jsKernels, js, op, B, nIn, nOut), Math.max(2, ROUNDS / 2), MS)));
      // WASM: checked, then timed
      wa.dW.fill(0);
      run(wasm.kernels, wa, op, B, nIn, nOut);
      const K = op === 'forward' ? nIn + 1 : op === 'dW' ? B + 1 : nOut; // terms in each sum
      const check = compare(out(wa, op), ref, 4e-7 * K, 1e-5);
      if (!check.ok) throw new Error(`wasm ${op} at (${B}, ${nIn}, ${nOut}) differs from the JS reference by ${check.maxDiff}`);
      if (wasm.fallbacks !== 0) throw new Error('the WASM kernels fell back to JS');
      gf.wasm = flops / 1e9 / bestSeconds(() => run(wasm.kernels, wa, op, B, nIn, nOut), ROUNDS, MS);
      // TensorFlow.js: the same product in its own layout, checked against the same reference
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        const X = tf.tensor2d(js.X, [B, nIn]);
        const D = tf.tensor2d(js.delta, [B, nOut]);
        const Wn = tf.tensor2d(Ws, [nOut, nIn]);
        const Wt = tf.transpose(Wn); // (nIn, nOut): a dense layer's kernel
        const b = tf.tensor1d(bias);
        const f =
          op === 'forward' ? () => tf.add(tf.matMul(X, Wt), b) : op === 'dW' ? () => tf.matMul(D, X, true, false) : () => tf.matMul(D, Wn);
        const got = tf.tidy(f);
        const vals = got.dataSync();
        got.dispose();
        // dW from TensorFlow has no bias column: compare with the reference's columns 1…nIn
        const want = op === 'dW' ? split(ref, nIn, nOut).Ws : ref;
        const c = compare(vals, want, 4e-7 * K, 1e-5);
        if (!c.ok) throw new Error(`tfjs-${name} ${op} at (${B}, ${nIn}, ${nOut}) differs from the JS reference by ${c.maxDiff}`);
        const slow = name === 'cpu' && big;
        gf[`tfjs-${name}`] = flops / 1e9 / bestSeconds(() => tf.tidy(f).dispose(), slow ? 1 : ROUNDS, slow ? 0 : MS);
        tf.dispose([X, D, Wt, Wn, b]);
      }
      console.log(
        `${`(${B}, ${nIn}, ${nOut})`.padEnd(22)}${op.padEnd(9)}${cols.map((c) => pad(gf[c].toFixed(1), 11)).join('')}` +
          `${pad((gf.wasm / gf.js).toFixed(1) + '×', 10)}${pad((gf.wasm / gf['tfjs-wasm']).toFixed(1) + '×', 16)}`,
      );
    }
  }
}

runMain(main);

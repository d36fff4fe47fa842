// The activation functions of the two kernel families on the same inputs, bit for bit. The WASM
// family computes sigmoid, tanh, softplus and softmax with assembly/math.ts, the algorithm of
// src/math.ts ported operation for operation (the same constants and tables, f64; on f32 views
// both families take the f32-targeted forms sigmoidF32, tanhF32, softplusF32), and its SIMD
// relu, leaky ReLU and φ' of sigmoid and tanh in f64 like the JS loops; f64 views run the JS
// table. Checked forward and backward on 131,072 inputs per dtype, special values included.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../activations.js';
import type { Floats } from '../arena.js';
import { Rng } from '../rng.js';
import { wasmBackend } from '../test-utils/backends.js';
import { jsBackend } from './js.js';

const N = 1 << 17;
const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-300, -1e-300, 1.4e-45, 3.4028234663852886e38, -3.4028234663852886e38, 88.7, -88.7, 103.9, -103.9, 709.78, -745.1, 710, -746, 20, -20, 37, -37, 40, -40, 0.25, -0.25, 0.35, -0.35,
  // the branch points of the f32 forms
  0.0009765625, -0.0009765625, 0.0009765, -0.0009765, 10, -10, 10.000001, -10.000001, 708, -708, 708.0001, -708.0001, 104, -104, 1e-40, -1e-40];

function inputs(): number[] {
  const rng = new Rng(18);
  const xs = [...SPECIAL];
  while (xs.length < N) {
    const r = rng.next();
    xs.push(r < 0.5 ? rng.uniform(-12, 12) : r < 0.8 ? rng.uniform(-800, 800) : (rng.next() < 0.5 ? -1 : 1) * 2 ** rng.uniform(-80, 10));
  }
  return xs;
}

/** The same values in a JS-backend array and a WASM-backend one. */
function twins(dtype: 'f32' | 'f64', values: number[] | null): [Floats, Floats] {
  const j = jsBackend.floats(dtype, N);
  const w = wasmBackend.floats(dtype, N);
  if (values) {
    j.set(values);
    w.set(values);
  }
  return [j, w];
}

describe('JS and WASM activations agree bit for bit', () => {
  it.each(['f32', 'f64'] as const)('every φ forward and backward on %s, 131,072 inputs with ±0, ±∞, NaN, subnormals and the thresholds', (dtype) => {
    const xs = inputs();
    const n = 8; // softmax mixes rows of 8
    for (const name of ACTIVATIONS) {
      const [netJ, netW] = twins(dtype, xs);
      const [aJ, aW] = twins(dtype, null);
      jsBackend.kernels.activationForward(name, aJ, netJ, N / n, n);
      wasmBackend.kernels.activationForward(name, aW, netW, N / n, n);
      // the same bits, NaN for NaN: a NaN's sign and payload are left open by both JS and WebAssembly
      // (a JIT tier may produce another), and a NaN stops training anyway (firstNonFinite)
      const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
      const diff = Array.from(aJ).findIndex((v, i) => bits(v) !== bits(aW[i]));
      expect(diff, `${name} ${dtype} forward at ${diff}: net = ${xs[diff]}: ${aJ[diff]} vs ${aW[diff]}`).toBe(-1);
      if (name !== 'softmax' && name !== 'linear') expect(Array.from(aJ).filter((v) => Number.isNaN(v)).length, name).toBeLessThan(10); // NaN only from NaN in
      // δ = J_φᵀ g from the same net, a and a seeded g (the SIMD φ' of the WASM family run in f64 like JS)
      const rng = new Rng(7);
      const gs = Array.from({ length: N }, (_, i) => (i < SPECIAL.length ? SPECIAL[SPECIAL.length - 1 - i] : rng.uniform(-3, 3)));
      const [gJ, gW] = twins(dtype, gs);
      const [dJ, dW] = twins(dtype, null);
      jsBackend.kernels.activationBackward(name, dJ, gJ, netJ, aJ, N / n, n);
      wasmBackend.kernels.activationBackward(name, dW, gW, netW, aW, N / n, n);
      const mismatch = Array.from(dJ).findIndex((v, i) => bits(v) !== bits(dW[i]));
      expect(mismatch, `${name} ${dtype} backward at ${mismatch}: g = ${gs[mismatch]}, net = ${xs[mismatch]}: ${dJ[mismatch]} vs ${dW[mismatch]}`).toBe(-1);
    }
  });
});

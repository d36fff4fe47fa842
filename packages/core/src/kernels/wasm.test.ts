// The WASM SIMD kernels against the JS reference kernels: every dense shape (including sizes
// that are not multiples of the 4×8 tile, B = 1, nIn = 1), every φ and φ', the softmax/CE
// output error, the optimizer updates, the shared-memory arenas, a worker running on the same
// memory, and a short training run that matches the JS backend.
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName } from '../activations.js';
import type { Arena } from '../arena.js';
import { dataset } from '../dataset.js';
import { Network } from '../network.js';
import { evaluate } from '../metrics.js';
import { Optimizer } from '../optimizers.js';
import { Rng } from '../rng.js';
import { outputDelta } from '../losses.js';
import { Trainer } from '../trainer.js';
import { newWasmBackend, wasmBackend } from '../test-utils/backends.js';
import { expectClose } from '../test-utils/expect-close.js';
import { backendFrom } from './index.js';
import { SUM_ROWS, denseBackwardInput, denseBackwardWeights, denseForward, jsBackend, jsKernels } from './js.js';
import { wasmSharedMemorySupported, wasmSimdSupported, type WasmBackend } from './wasm.js';

const wasm = wasmBackend;
const k = wasm.kernels;

/** The bits of a float32 vector (to compare exactly, -0 and NaN included). */
const bits32 = (v: Float32Array) => new Uint32Array(v.slice().buffer);

/** n floats uniform in [lo, hi) in WASM memory. */
function rand(ar: Arena, n: number, rng: Rng, lo = -1, hi = 1): Float32Array {
  const v = ar.f32(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.next();
  return v;
}

/**
 * The three batched shapes on WASM equal the JS reference to f32 rounding. A sum of K products
 * of numbers in [-1, 1] carries at most about K·2⁻²⁴ of rounding, so atol grows with K.
 */
function checkDense(B: number, nIn: number, nOut: number, seed: number): void {
  const rng = new Rng(seed);
  const ar = wasm.arena(4 * (2 * nOut * (nIn + 1) + 3 * B * nOut + 2 * B * nIn) + 256);
  const W = rand(ar, nOut * (nIn + 1), rng); // (nOut, nIn+1)
  const X = rand(ar, B * nIn, rng); // (B, nIn)
  const delta = rand(ar, B * nOut, rng); // (B, nOut)
  const net = ar.f32(B * nOut);
  const dW = rand(ar, nOut * (nIn + 1), rng); // accumulates onto what is there
  const da = rand(ar, B * nIn, rng); // overwritten
  const refNet = new Float32Array(B * nOut);
  const refdW = dW.slice();
  const refda = new Float32Array(B * nIn);
  denseForward(refNet, W, X, B, nIn, nOut);
  denseBackwardWeights(refdW, delta, X, B, nIn, nOut);
  denseBackwardInput(refda, delta, W, B, nIn, nOut);
  const before = wasm.fallbacks;
  k.denseForward(net, W, X, B, nIn, nOut);
  k.denseBackwardWeights(dW, delta, X, B, nIn, nOut);
  k.denseBackwardInput(da, delta, W, B, nIn, nOut);
  expect(wasm.fallbacks, 'every call ran in WASM').toBe(before);
  expectClose(net, refNet, { atol: 4e-7 * (nIn + 1), rtol: 1e-5 });
  expectClose(dW, refdW, { atol: 4e-7 * (B + 1), rtol: 1e-5 });
  expectClose(da, refda, { atol: 4e-7 * nOut, rtol: 1e-5 });
}

describe('WASM SIMD kernels equal the JS reference', () => {
  it('detects SIMD and shared memory here (Node 20)', () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(wasmSharedMemorySupported()).toBe(true);
  });

  it('net = X·W[:,1:]ᵀ + W[:,0], dW += Δᵀ·[1|X], da = Δ·W[:,1:] for tile-sized, odd and degenerate shapes', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 784, 128], [4, 8, 8], [3, 5, 7], [5, 9, 13], [7, 300, 9], [9, 17, 3], [2, 600, 17],
      [32, 784, 128], [32, 128, 64], [32, 64, 10], [33, 257, 129], [300, 11, 5], [130, 1, 4], [1, 3, 300],
      [257, 33, 70], [64, 513, 9], // B past the 128-row block, nIn past the 256 reduction block
    ];
    shapes.forEach(([B, nIn, nOut], i) => checkDense(B, nIn, nOut, 100 + i));
  });

  it('agrees on random shapes (property: B, nIn, nOut in 1…70)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.nat(), (B, nIn, nOut, seed) => {
        checkDense(B, nIn, nOut, seed);
      }),
      { numRuns: 150 },
    );
  });

  it('dW accumulates: two backward calls double a zeroed dW', () => {
    const rng = new Rng(5);
    const [B, nIn, nOut] = [6, 13, 9];
    const ar = wasm.arena(4 * (2 * nOut * (nIn + 1) + B * (nIn + nOut)) + 128);
    const X = rand(ar, B * nIn, rng);
    const delta = rand(ar, B * nOut, rng);
    const dW = ar.f32(nOut * (nIn + 1));
    k.denseBackwardWeights(dW, delta, X, B, nIn, nOut);
    const once = dW.slice();
    k.denseBackwardWeights(dW, delta, X, B, nIn, nOut);
    expectClose(dW, once.map((x) => 2 * x), { atol: 1e-6, rtol: 1e-6 });
  });

  it("dW 'store': the bits of accumulating into a zeroed dW, whatever dW held; 'addSum': the bits of reducing that slot into dW (WASM and JS, B past the row block, B = 0)", () => {
    const rng = new Rng(6);
    for (const [B, nIn, nOut] of [[8, 784, 128], [8, 64, 10], [3, 5, 7], [256, 9, 13], [257, 33, 70], [1, 1, 1], [0, 9, 6]]) {
      const ar = wasm.arena(4 * (12 * nOut * (nIn + 1) + B * (nIn + nOut)) + 512); // six dW-sized vectors per family
      const X = rand(ar, B * nIn, rng);
      const delta = rand(ar, B * nOut, rng);
      for (let i = 0; i < delta.length; i += 3) delta[i] = 0; // ReLU zeros (the JS loop skips them)
      for (const fam of [k, jsKernels]) {
        const what = `${fam.name} ${B}×${nIn}→${nOut}`;
        const zeroed = ar.f32(nOut * (nIn + 1));
        fam.denseBackwardWeights(zeroed, delta, X, B, nIn, nOut);
        const dW = rand(ar, nOut * (nIn + 1), rng, -9, 9); // garbage from an earlier step
        fam.denseBackwardWeights(dW, delta, X, B, nIn, nOut, 'store');
        expect(bits32(dW), what).toEqual(bits32(zeroed));
        if (B > SUM_ROWS) {
          expect(() => fam.denseBackwardWeights(dW, delta, X, B, nIn, nOut, 'addSum'), what).toThrow(/at most 256 rows; got 257/);
          continue;
        }
        const sum = rand(ar, nOut * (nIn + 1), rng); // the shards before
        const slots = ar.f32(2 * nOut * (nIn + 1));
        slots.set(sum);
        slots.set(zeroed, sum.length);
        const reduced = ar.f32(sum.length);
        fam.reduceSlots(reduced, slots, 2, sum.length, 0, sum.length);
        fam.denseBackwardWeights(sum, delta, X, B, nIn, nOut, 'addSum');
        expect(bits32(sum), what).toEqual(bits32(reduced));
      }
    }
  });

  it('dW of shards in one call: the bits of a store (or an addSum) for the first shard and an addSum per later one, for blocks of outputs too (WASM and JS)', () => {
    const rng = new Rng(10);
    for (const [B, S, nIn, nOut] of [[32, 8, 784, 128], [37, 8, 33, 13], [600, 100, 20, 9], [300, 256, 17, 5], [5, 1, 9, 7], [1, 8, 3, 2], [0, 4, 6, 5]]) {
      const cols = nIn + 1;
      const ar = wasm.arena(4 * (13 * nOut * cols + B * (nIn + nOut)) + 1024); // 3 dW-sized vectors per family and mode, and the start
      const X = rand(ar, B * nIn, rng);
      const delta = rand(ar, B * nOut, rng);
      for (let i = 0; i < delta.length; i += 3) delta[i] = 0;
      const start = rand(ar, nOut * cols, rng); // what dW held: stored over, or added to
      for (const fam of [k, jsKernels]) {
        for (const mode of ['store', 'addSum'] as const) {
          const calls = ar.f32(nOut * cols);
          calls.set(start);
          if (B === 0) fam.denseBackwardWeights(calls, delta, X, 0, nIn, nOut, mode);
          for (let s0 = 0; s0 < B; s0 += S) fam.denseBackwardWeights(calls, delta.subarray(s0 * nOut), X.subarray(s0 * nIn), Math.min(S, B - s0), nIn, nOut, s0 === 0 ? mode : 'addSum');
          const fused = ar.f32(nOut * cols);
          fused.set(start);
          fam.denseBackwardWeightsShards(fused, delta, X, B, S, nIn, nOut, mode);
          expect(bits32(fused), `${fam.name} ${mode} ${B} rows in shards of ${S}, ${nIn}→${nOut}`).toEqual(bits32(calls));
          if (mode === 'store' && B > 0) expect(bits32(fused)).not.toEqual(bits32(start));
          const blocks = ar.f32(nOut * cols);
          blocks.set(start);
          for (let k0 = 0, w = 3; k0 < nOut; k0 += w, w += 2) {
            const rows = Math.min(w, nOut - k0);
            fam.denseBackwardWeightsShards(blocks.subarray(k0 * cols), delta.subarray(k0), X, B, S, nIn, nOut, mode, rows);
          }
          expect(bits32(blocks), `${fam.name} ${mode} blocks of outputs`).toEqual(bits32(calls));
        }
      }
    }
    for (const fam of [k, jsKernels]) {
      const ar = wasm.arena(4096);
      const v = ar.f32(64);
      expect(() => fam.denseBackwardWeightsShards(v, v, v, 2, 257, 3, 2)).toThrow('shards of 257 rows for the weight gradient; pass 1 to 256');
      expect(() => fam.denseBackwardWeightsShards(v, v, v, 2, 0, 3, 2)).toThrow('shards of 0 rows for the weight gradient; pass 1 to 256');
    }
  });

  it('dW of a block of output rows k0 … k0+rows−1 (dW and Δ passed from k0) has the bits of those rows of the whole layer, in every mode (WASM and JS)', () => {
    const rng = new Rng(8);
    for (const [B, nIn, nOut] of [[8, 784, 128], [32, 9, 13], [3, 5, 7], [257, 33, 70], [1, 1, 1]]) {
      const cols = nIn + 1;
      const ar = wasm.arena(4 * (14 * nOut * cols + B * (nIn + nOut)) + 1024); // 2 dW-sized vectors per family and mode, and the start
      const X = rand(ar, B * nIn, rng);
      const delta = rand(ar, B * nOut, rng);
      for (let i = 0; i < delta.length; i += 3) delta[i] = 0;
      const start = rand(ar, nOut * cols, rng);
      for (const fam of [k, jsKernels]) {
        for (const mode of ['accumulate', 'store', 'addSum'] as const) {
          if (mode === 'addSum' && B > SUM_ROWS) continue;
          const whole = ar.f32(nOut * cols);
          whole.set(start);
          fam.denseBackwardWeights(whole, delta, X, B, nIn, nOut, mode);
          const blocks = ar.f32(nOut * cols);
          blocks.set(start);
          // blocks of 1, 3, 4, 5, … rows: 4-tiles, their edges and lone rows
          for (let k0 = 0, w = 1; k0 < nOut; k0 += w, w++) {
            const rows = Math.min(w, nOut - k0);
            fam.denseBackwardWeights(blocks.subarray(k0 * cols), delta.subarray(k0), X, B, nIn, nOut, mode, rows);
          }
          expect(bits32(blocks), `${fam.name} ${mode} ${B}×${nIn}→${nOut}`).toEqual(bits32(whole));
        }
        expect(() => fam.denseBackwardWeights(start, delta, X, B, nIn, nOut, 'store', nOut + 1)).toThrow(`a block of ${nOut + 1} output rows of a layer with ${nOut} outputs; pass 1 to ${nOut}`);
      }
    }
  });

  it('the update kernels on stripes that start and end anywhere give the bits of one whole-vector call (SIMD body and scalar tail alike)', () => {
    const P = 103; // a scalar tail of 3 in the whole call; stripes of every length 1 … 9 put tails everywhere else
    const rng = new Rng(9);
    const ar = wasm.arena(4 * 4 * P + 256);
    // m = v = 0, as at a first step: v's new value is then (1−β₂)·g² alone, where a different rounding shows
    const start = { w: rand(ar, P, rng), g: rand(ar, P, rng, -3, 3), m: ar.f32(P), v: ar.f32(P) };
    const run = (striped: boolean, step: (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array) => void) => {
      const own = wasm.arena(4 * 4 * P + 256);
      const [w, g, m, v] = [start.w, start.g, start.m, start.v].map((x) => {
        const y = own.f32(P);
        y.set(x);
        return y;
      });
      if (!striped) step(w, g, m, v);
      else for (let from = 0, n = 1; from < P; from += n, n = (n % 9) + 1) {
        const to = Math.min(P, from + n);
        step(w.subarray(from, to), g.subarray(from, to), m.subarray(from, to), v.subarray(from, to));
      }
      return [w, g, m, v].map(bits32);
    };
    const steps: [string, (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array) => void][] = [
      ['sgd', (p, g) => k.sgdStep(p, g, 0.25, 0.05)],
      ['momentum', (p, g, _m, v) => k.momentumStep(p, g, v, 0.25, 0.05, 0.9, false)],
      ['nesterov', (p, g, _m, v) => k.momentumStep(p, g, v, 0.25, 0.05, 0.9, true)],
      ['adam', (p, g, m, v) => k.adamStep(p, g, m, v, 0.25, 0.01, 0.9, 0.999, 1e-8, 1 / (1 - 0.9 ** 3), 1 / (1 - 0.999 ** 3))],
    ];
    for (const [name, step] of steps) expect(run(true, step), name).toEqual(run(false, step));
  });

  it('the update kernels say whether every new weight is finite: false for one NaN, +∞ or −∞ (from the gradient, or an f32 overflow) at any place of the SIMD body or the scalar tail (WASM, JS f32 and f64)', () => {
    type Step = (kk: typeof k, p: Float32Array | Float64Array, g: Float32Array | Float64Array, m: Float32Array | Float64Array, v: Float32Array | Float64Array) => boolean;
    const steps: [string, Step][] = [
      ['sgd', (kk, p, g) => kk.sgdStep(p, g, 0.25, 0.05)],
      ['momentum', (kk, p, g, _m, v) => kk.momentumStep(p, g, v, 0.25, 0.05, 0.9, false)],
      ['nesterov', (kk, p, g, _m, v) => kk.momentumStep(p, g, v, 0.25, 0.05, 0.9, true)],
      ['adam', (kk, p, g, m, v) => kk.adamStep(p, g, m, v, 0.25, 0.01, 0.9, 0.999, 1e-8, 1 / (1 - 0.9 ** 3), 1 / (1 - 0.999 ** 3))],
    ];
    const families: [string, typeof k, (n: number) => Float32Array | Float64Array][] = [
      ['wasm', k, (n) => wasm.arena(4 * n + 64).f32(n)],
      ['js f32', jsKernels, (n) => new Float32Array(n)],
      ['js f64', jsKernels, (n) => new Float64Array(n)],
    ];
    const rng = new Rng(12);
    for (const [family, kk, alloc] of families) {
      for (const [name, step] of steps) {
        for (const n of [1, 3, 4, 7, 9, 16]) {
          // bad: [index, the gradient there, the weight there]
          const cases: [number, number, number][] = [];
          for (let i = 0; i < n; i++) cases.push([i, NaN, 0.5], [i, i % 2 ? Infinity : -Infinity, 0.5]);
          // a finite gradient whose step passes float32's largest 3.4028e38 (Adam's step is bounded by η: no overflow there)
          if (family !== 'js f64' && name !== 'adam') cases.push([n - 1, -1e38, 3.4e38]);
          const make = (bad: [number, number, number] | null) => {
            const [p, g, m, v] = [alloc(n), alloc(n), alloc(n), alloc(n)];
            for (let i = 0; i < n; i++) {
              p[i] = rng.next() * 2 - 1;
              g[i] = rng.next() * 2 - 1;
            }
            if (bad) {
              g[bad[0]] = bad[1];
              p[bad[0]] = bad[2];
            }
            return step(kk, p, g, m, v) ? 'finite' : 'not finite';
          };
          expect(make(null), `${family} ${name} n=${n}, all finite`).toBe('finite');
          for (const c of cases) expect(make(c), `${family} ${name} n=${n}, g[${c[0]}] = ${c[1]}`).toBe('not finite');
        }
      }
    }
  });

  it.each(ACTIVATIONS)('a = φ(net) and δ = J_φᵀ g for %s, in place and not', (name: ActivationName) => {
    const rng = new Rng(name.length);
    for (const [B, n] of [[1, 1], [3, 7], [16, 10], [5, 33]]) {
      const ar = wasm.arena(4 * 6 * B * n + 256);
      const net = rand(ar, B * n, rng, -6, 6); // random floats: no value sits on the ReLU kink
      const g = rand(ar, B * n, rng);
      const a = ar.f32(B * n);
      const delta = ar.f32(B * n);
      const refA = new Float32Array(B * n);
      const refDelta = new Float32Array(B * n);
      jsKernels.activationForward(name, refA, net, B, n);
      k.activationForward(name, a, net, B, n);
      expectClose(a, refA, { atol: 1e-7, rtol: 2e-7 });
      jsKernels.activationBackward(name, refDelta, g, net, refA, B, n);
      k.activationBackward(name, delta, g, net, a, B, n);
      expectClose(delta, refDelta, { atol: 1e-7, rtol: 2e-7 });
      // δ may alias g (the network applies φ' in place)
      const inPlace = ar.f32(B * n);
      inPlace.set(g);
      k.activationBackward(name, inPlace, inPlace, net, a, B, n);
      expectClose(inPlace, refDelta, { atol: 1e-7, rtol: 2e-7 });
    }
  });

  it('without a SIMD body (exponentials, softmax) a WASM method runs the JS reference: the same bits', () => {
    const rng = new Rng(8);
    const [B, n] = [7, 9];
    const ar = wasm.arena(4 * 12 * B * n + 256);
    const net = rand(ar, B * n, rng, -6, 6);
    const g = rand(ar, B * n, rng);
    const before = wasm.fallbacks;
    for (const name of ['sigmoid', 'tanh', 'softplus', 'softmax', 'linear'] as const) {
      const a = ar.f32(B * n);
      const refA = new Float32Array(B * n);
      k.activationForward(name, a, net, B, n);
      jsKernels.activationForward(name, refA, net, B, n);
      expect(Array.from(a), name).toEqual(Array.from(refA));
      if (name === 'sigmoid' || name === 'tanh') continue; // their φ' has a SIMD body (checked above against the reference)
      const delta = ar.f32(B * n);
      const refDelta = new Float32Array(B * n);
      k.activationBackward(name, delta, g, net, a, B, n);
      jsKernels.activationBackward(name, refDelta, g, net, refA, B, n);
      expect(Array.from(delta), name).toEqual(Array.from(refDelta));
    }
    expect(wasm.fallbacks, 'a method without SIMD body is no fallback').toBe(before);
  });

  it('softmax + CCE output error is (Σy)·a − y on WASM memory, also for unnormalised targets', () => {
    const ar = wasm.arena(1024);
    const a = ar.f32(6);
    const Y = ar.f32(6);
    const delta = ar.f32(6);
    a.set([0.2, 0.3, 0.5, /**/ 0.1, 0.6, 0.3]);
    Y.set([0, 1, 0, /**/ 0.5, 0.5, 1]); // row 2: Σy = 2
    outputDelta(k, 'cce', 'softmax', delta, ar.f32(6), a, Y, 2, 3);
    // row 1: a − y = [0.2, −0.7, 0.5];  row 2: 2a − y = [−0.3, 0.7, −0.4]
    expectClose(delta, [0.2, -0.7, 0.5, -0.3, 0.7, -0.4], { atol: 1e-7 });
  });

  it('reduceSlots gives the bits of the JS loop (f32 sums in shard order), for every stripe', () => {
    const P = 1003;
    const nShards = 5;
    const rng = new Rng(17);
    const ar = wasm.arena(4 * (nShards + 1) * P + 64);
    const slots = rand(ar, nShards * P, rng, -1000, 1000);
    const grad = ar.f32(P);
    const ref = new Float32Array(P);
    jsKernels.reduceSlots(ref, slots, nShards, P, 0, P);
    k.reduceSlots(grad, slots, nShards, P, 0, P);
    expect(Array.from(grad)).toEqual(Array.from(ref));
    grad.fill(7);
    k.reduceSlots(grad, slots, nShards, P, 101, 503); // one worker's stripe: the rest untouched
    expect(Array.from(grad.subarray(101, 503))).toEqual(Array.from(ref.subarray(101, 503)));
    expect(grad[100]).toBe(7);
    expect(grad[503]).toBe(7);
  });

  it('firstNonFinite finds the first NaN or ±Infinity in a range, or −1', () => {
    const ar = wasm.arena(4 * 1000 + 64);
    const x = ar.f32(1000).fill(0.5);
    expect(k.firstNonFinite(x, 0, 1000)).toBe(-1);
    x[777] = Infinity;
    x[900] = NaN;
    expect(k.firstNonFinite(x, 0, 1000)).toBe(777);
    expect(k.firstNonFinite(x, 778, 1000)).toBe(900);
    expect(k.firstNonFinite(x, 0, 777)).toBe(-1);
    x[3] = -Infinity;
    expect(k.firstNonFinite(x, 1, 1000)).toBe(3);
  });

  it.each(['sgd', 'momentum', 'nesterov', 'adam'])('the %s update equals Optimizer.step for five steps', (name) => {
    const P = 1031; // not a multiple of 4: the scalar tail runs too
    const B = 32;
    const rng = new Rng(7);
    const ar = wasm.arena(4 * 5 * P + 256);
    const params = rand(ar, P, rng);
    const grad = ar.f32(P);
    const m = ar.f32(P);
    const v = ar.f32(P);
    const ref = params.slice();
    const layers = [{ nIn: P - 1, nOut: 1, phi: 'linear' as const, offset: 0, size: P }];
    const opt = new Optimizer({ name, lr: name === 'adam' ? 0.01 : 0.1, momentum: 0.8 }, P, 'f32');
    const c = opt.config;
    let [p1, p2] = [1, 1]; // βᵗ, the running products the optimizer keeps
    for (let t = 1; t <= 5; t++) {
      for (let i = 0; i < P; i++) grad[i] = B * (rng.next() - 0.5);
      const refGrad = grad.slice();
      opt.step(ref, refGrad, B, layers);
      if (name === 'sgd') k.sgdStep(params, grad, 1 / B, c.lr);
      else if (name === 'adam') k.adamStep(params, grad, m, v, 1 / B, c.lr, c.beta1, c.beta2, c.eps, 1 / (1 - (p1 *= c.beta1)), 1 / (1 - (p2 *= c.beta2)));
      else k.momentumStep(params, grad, v, 1 / B, c.lr, c.momentum, name === 'nesterov');
      expectClose(grad, refGrad, { atol: 1e-7, rtol: 1e-6 }); // grad holds the mean gradient after the step
    }
    expectClose(params, ref, { atol: 2e-6, rtol: 1e-5 });
  });
});

describe('the WASM backend on shared memory', () => {
  it('hands out disjoint 16-byte-aligned regions of one shared memory; views are views', () => {
    const a1 = wasm.arena(100);
    const a2 = wasm.arena(1000);
    expect(a1.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a1.base % 16).toBe(0);
    expect(a2.base % 16).toBe(0);
    expect(a2.base).toBeGreaterThanOrEqual(a1.base + a1.capacity);
    const x = a1.f32(25);
    expect(x.buffer).toBe(a1.buffer);
    expect(wasm.owns(x)).toBe(true);
    expect(wasm.owns(new Float32Array(4))).toBe(false);
    expect(wasm.owns(a1.f64(0))).toBe(false);
    expect(() => a1.f32(1)).toThrow(/arena is full/); // an arena cannot spill into the next region
  });

  it('grows the memory on demand and every earlier view stays valid', async () => {
    const b = await newWasmBackend();
    const first = b.arena(64).f32(16);
    first.fill(3.5);
    const pages = b.memory.buffer.byteLength / 65536;
    const mid = b.arena(32 << 20).f32(2); // 32 MiB: past the initial 16 MiB
    mid.set([1, 2]);
    const big = b.arena(64 << 20).f32(16 << 20); // and again before any kernel saw `mid`'s buffer
    expect(b.memory.buffer.byteLength / 65536).toBeGreaterThan(pages);
    big[big.length - 1] = 1;
    expect(first.every((x) => x === 3.5)).toBe(true);
    // kernels accept views made before, between and after the growths
    const out = b.arena(64).f32(1);
    b.kernels.denseForward(out, first.subarray(0, 2), mid, 1, 1, 1); // 3.5 + 3.5·1
    expect(out[0]).toBe(7);
    const ar = b.arena(4096);
    const W = ar.f32(3);
    W.set([0.5, 1, -1]); // net = 0.5 + x0 − x1
    const net = ar.f32(1);
    b.kernels.denseForward(net, W, first.subarray(0, 2), 1, 2, 1);
    expect(net[0]).toBe(0.5);
    expect(b.fallbacks).toBe(0);
  });

  it('released arenas are reused zero-filled: predict, evaluate and fit leave the memory where it was', async () => {
    const b = await newWasmBackend();
    const a1 = b.arena(1000);
    a1.f32(250).fill(9);
    b.release(a1);
    b.release(a1); // twice is harmless
    const a2 = b.arena(1000);
    expect(a2.base).toBe(a1.base);
    expect(a2.f32(250).every((x) => x === 0)).toBe(true);

    const net = Network.create({ sizes: [6, 5, 3], activation: 'relu', output: 'softmax' }, { seed: 1, backend: b });
    const rng = new Rng(2);
    const X = new Float32Array(40 * 6).map(() => rng.next());
    const Y = new Float32Array(40 * 3).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const data = dataset(X, Y, 6, 3);
    const once = async () => {
      net.predict(X, 40);
      evaluate(net, data, 16);
      await new Trainer(net, { epochs: 1, batchSize: 8, seed: 1 }).fit(data);
    };
    await once();
    const probe = b.arena(16).base;
    for (let i = 0; i < 20; i++) await once();
    // each Trainer keeps its own (small) optimizer state; everything else came back
    expect(b.arena(16).base - probe).toBeLessThan(20 * 1024);
  });

  it('describe() and core backendFrom() rebuild it over the same memory (what a worker does), cached per memory', async () => {
    const b = await newWasmBackend();
    const d = b.describe();
    if (d.kind !== 'wasm') throw new Error('a WASM backend describes itself as wasm');
    expect(d.memory).toBe(b.memory);
    const again = backendFrom(d) as WasmBackend;
    expect(again).not.toBe(b); // a second instance of the module over the same memory
    expect(again.memory).toBe(b.memory);
    expect(backendFrom(d)).toBe(again); // instantiated once per (module, memory)
    expect(again.describe()).toMatchObject({ kind: 'wasm', id: d.id });
    const v = b.arena(64).f32(4);
    v.set([1, 2, 3, 4]);
    const view = again.adopt(v);
    expect(again.owns(view)).toBe(true);
    expect(Array.from(view)).toEqual([1, 2, 3, 4]);
    expect(backendFrom(jsBackend.describe())).toBe(jsBackend);
    expect(() => backendFrom({ kind: 'gpu' } as never)).toThrow('workers cannot rebuild a "gpu" backend');
  });

  it('falls back to the JS kernels for float64 views and for views outside its memory, and counts it', () => {
    const b = wasm;
    const before = b.fallbacks;
    const W = new Float64Array([0.25, 2]);
    const X = new Float64Array([3]);
    const net = new Float64Array(1);
    b.kernels.denseForward(net, W, X, 1, 1, 1);
    expect(net[0]).toBe(6.25); // 0.25 + 2·3
    const net32 = new Float32Array(1);
    b.kernels.denseForward(net32, new Float32Array([1, 1]), new Float32Array([1]), 1, 1, 1);
    expect(net32[0]).toBe(2);
    expect(b.fallbacks).toBe(before + 2);
  });

  it('refuses a view too short for the sizes instead of reading past it', () => {
    const ar = wasm.arena(1024);
    expect(() => k.denseForward(ar.f32(3), ar.f32(10), ar.f32(8), 2, 4, 2)).toThrow(/net has 3 numbers but the kernel needs 4/);
  });

  it('a worker that instantiates the same module over the same memory computes on the main thread\'s tensors', async () => {
    const b = await newWasmBackend();
    const [B, nIn, nOut] = [5, 37, 11];
    const rng = new Rng(3);
    const ar = b.arena(4 * (nOut * (nIn + 1) + B * nIn + B * nOut) + 64);
    const W = rand(ar, nOut * (nIn + 1), rng);
    const X = rand(ar, B * nIn, rng);
    const net = ar.f32(B * nOut);
    const worker = new Worker(new URL('../test-utils/wasm-worker-boot.mjs', import.meta.url));
    try {
      const reply = await new Promise<{ regions: number[] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ module: b.module, memory: b.memory, net: net.byteOffset, W: W.byteOffset, X: X.byteOffset, B, nIn, nOut });
      });
      const ref = new Float32Array(B * nOut);
      denseForward(ref, W, X, B, nIn, nOut);
      expectClose(net, ref, { atol: 1e-5, rtol: 1e-5 }); // written by the worker, read here: no copy
      // regions the worker allocated from the shared bump pointer do not overlap ours
      const mine = b.arena(16).base;
      for (const start of reply.regions) expect(start < ar.base || start >= ar.base + ar.capacity).toBe(true);
      expect(reply.regions.every((s) => s !== mine)).toBe(true);
    } finally {
      await worker.terminate();
    }
  });
});

describe('a network on the WASM backend', () => {
  it('trains a few steps like the JS backend (f32, different summation order: close, not identical)', async () => {
    const rng = new Rng(11);
    const N = 96;
    const X = new Float32Array(N * 20);
    const Y = new Float32Array(N * 3);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < 20; j++) X[i * 20 + j] = rng.next() * 2 - 1;
      Y[i * 3 + (X[i * 20] + X[i * 20 + 1] > 0 ? 0 : X[i * 20 + 2] > 0 ? 1 : 2)] = 1;
    }
    const data = dataset(X, Y, 20, 3);
    const b = await newWasmBackend();
    const config = { sizes: [20, 33, 17, 3], activation: 'relu' as const, output: 'softmax' as const };
    const netJs = Network.create(config, { seed: 4, backend: jsBackend });
    const netWasm = Network.create(config, { seed: 4, backend: b });
    expect(Array.from(netWasm.params)).toEqual(Array.from(netJs.params));
    const train = { epochs: 3, batchSize: 24, optimizer: { name: 'momentum', lr: 0.05 }, seed: 2 };
    const hJs = (await new Trainer(netJs, train).fit(data)).history;
    const hWasm = (await new Trainer(netWasm, train).fit(data)).history;
    expect(b.fallbacks).toBe(0); // every kernel call ran in WASM
    expectClose(netWasm.params, netJs.params, { atol: 1e-5, rtol: 1e-4 });
    expectClose(hWasm.map((e) => e.loss), hJs.map((e) => e.loss), { atol: 1e-5, rtol: 1e-5 });
    expect(jsKernels.name).toBe('js');
  });
});

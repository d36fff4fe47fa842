// One step of each optimizer worked by hand on a 1-1 network (P = 2: bias, weight).
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';
import { Optimizer, regularisationLoss } from './optimizers.js';
import { Rng } from './rng.js';
import { backends } from './test-utils/backends.js';

const layers = Network.create({ sizes: [1, 1], output: 'linear', dtype: 'f64' }).layers;

function step(name: string, extra: object, grads: number[][], B = 2): number[] {
  const params = new Float64Array([0.5, -1]); // [b, w]
  const opt = new Optimizer({ name, ...extra }, 2, 'f64');
  for (const g of grads) opt.step(params, new Float64Array(g), B, layers);
  return Array.from(params);
}

describe('optimizers', () => {
  it('sgd: w ← w − η·(Σg)/B', () => {
    // g = [0.4, -0.2]/2 = [0.2, -0.1]; w = [0.5 − 0.1·0.2, −1 + 0.1·0.1] = [0.48, −0.99]
    const w = step('sgd', { lr: 0.1 }, [[0.4, -0.2]]);
    expect(w[0]).toBeCloseTo(0.48, 15);
    expect(w[1]).toBeCloseTo(-0.99, 15);
  });

  it('momentum and nesterov: v ← μv + g, two steps', () => {
    // g = [0.2, −0.1] both steps; μ = 0.5, η = 0.1
    // momentum: v1 = g, w1 = w0 − 0.1 g; v2 = 1.5 g, w2 = w1 − 0.15 g → w0 − 0.25 g
    const m = step('momentum', { lr: 0.1, momentum: 0.5 }, [[0.4, -0.2], [0.4, -0.2]]);
    expect(m[0]).toBeCloseTo(0.5 - 0.25 * 0.2, 15);
    expect(m[1]).toBeCloseTo(-1 + 0.25 * 0.1, 15);
    // nesterov: step uses g + μv: (g + 0.5g) + (g + 0.75g) = 3.25 g
    const n = step('nesterov', { lr: 0.1, momentum: 0.5 }, [[0.4, -0.2], [0.4, -0.2]]);
    expect(n[0]).toBeCloseTo(0.5 - 0.1 * 3.25 * 0.2, 15);
  });

  it('adam: the first step moves every parameter by ≈ η against the sign of g', () => {
    // m̂ = g, v̂ = g², so Δ = η·g/(|g| + ε) ≈ η·sign(g)
    const w = step('adam', { lr: 0.01 }, [[0.4, -0.2]]);
    expect(w[0]).toBeCloseTo(0.49, 7);
    expect(w[1]).toBeCloseTo(-0.99, 7);
  });

  it('L2 and L1 penalise weights but not biases', () => {
    // zero data gradient; l2 = 0.5: g_w = 0.5·(−1) = −0.5 → w = −1 + 0.1·0.5 = −0.95; bias untouched
    const w = step('sgd', { lr: 0.1, l2: 0.5 }, [[0, 0]]);
    expect(w).toEqual([0.5, -0.95]);
    // l1 = 0.2: g_w = 0.2·sign(−1) = −0.2 → w = −0.98
    const w1 = step('sgd', { lr: 0.1, l1: 0.2 }, [[0, 0]]);
    expect(w1[0]).toBe(0.5);
    expect(w1[1]).toBeCloseTo(-0.98, 15);
    // penalty ½·0.5·1² + 0.2·1 = 0.45 (bias excluded)
    expect(regularisationLoss(new Float64Array([0.5, -1]), layers, 0.2, 0.5)).toBeCloseTo(0.45, 15);
  });
});

describe.each(backends)('optimizer updates on the $name kernels', (backend) => {
  it.each(['sgd', 'momentum', 'nesterov', 'adam'] as const)('%s over stripes [from, to) of subarray views gives the bits of one whole-vector update', (name) => {
    const P = 1037; // stripes that are not multiples of 4 run the scalar tails too
    const rng = new Rng(23);
    const fill = (v: Float32Array, lo: number, hi: number) => v.forEach((_, i) => (v[i] = rng.uniform(lo, hi)));
    const vec = () => backend.floats('f32', P);
    const [w1, g1, m1, v1] = [vec(), vec(), vec(), vec()];
    fill(w1, -1, 1);
    fill(g1, -3, 3);
    fill(m1, -0.1, 0.1);
    fill(v1, 0, 0.1);
    const [w2, g2, m2, v2] = [w1, g1, m1, v1].map((x) => {
      const y = vec();
      y.set(x);
      return y;
    });
    const k = backend.kernels;
    const run = (w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array) => {
      if (name === 'sgd') k.sgdStep(w, g, 0.25, 0.1);
      else if (name === 'adam') k.adamStep(w, g, m, v, 0.25, 0.01, 0.9, 0.999, 1e-8, 1 / (1 - 0.9 * 0.9 * 0.9), 1 / (1 - 0.999 * 0.999 * 0.999)); // step 3
      else k.momentumStep(w, g, v, 0.25, 0.1, 0.9, name === 'nesterov');
    };
    run(w1, g1, m1, v1);
    const cuts = [0, 1, 258, 259, 700, P];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const [from, to] = [cuts[c], cuts[c + 1]];
      run(w2.subarray(from, to), g2.subarray(from, to), m2.subarray(from, to), v2.subarray(from, to));
    }
    for (const [a, b] of [[w1, w2], [g1, g2], [m1, m2], [v1, v2]]) expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(w1)).not.toEqual(Array.from(w2.map(() => 0))); // a real update ran
  });
});

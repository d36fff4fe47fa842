// Arena views, the seeded PRNG, activations and losses at the edges, and the public gradCheck.
import { describe, expect, it } from 'vitest';
import { ACT } from './activations.js';
import { dataset } from './dataset.js';
import { gradCheck } from './gradcheck.js';
import { jsBackend } from './kernels/js.js';
import { lossSum } from './losses.js';
import { Network } from './network.js';
import { Rng, permutation } from './rng.js';

describe('arena', () => {
  it('hands out 16-byte aligned views of one shared buffer, and refuses to overflow', () => {
    const arena = jsBackend.arena(256);
    expect(arena.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = arena.f32(3);
    const b = arena.f64(5);
    expect(a.buffer).toBe(arena.buffer);
    expect(b.byteOffset % 16).toBe(0);
    expect(b.byteOffset).toBe(16);
    expect(() => arena.f32(1000)).toThrow(/arena is full/);
  });
});

describe('rng', () => {
  it('is deterministic, restartable from its state, and uniform enough', () => {
    const r = new Rng(42);
    const first = [r.next(), r.next(), r.next()];
    expect([new Rng(42).next(), new Rng(42).next()]).toEqual([first[0], first[0]]);
    const state = r.state;
    const more = [r.next(), r.nextU32()];
    const r2 = Rng.fromState(state);
    expect([r2.next(), r2.nextU32()]).toEqual(more);
    let mean = 0;
    for (let i = 0; i < 20000; i++) mean += new Rng(i).next() / 20000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const p = permutation(100, 7);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(permutation(100, 7))).toEqual(Array.from(p));
  });
});

describe('activations and losses at the edges', () => {
  it('softmax is stable for huge pre-activations and sums to 1', () => {
    const a = new Float64Array(3);
    ACT.softmax.forward(a, new Float64Array([1000, 1001, 999]), 1, 3);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 15);
    expect(a[1]).toBeCloseTo(Math.E / (1 + Math.E + 1 / Math.E), 14);
  });

  it('cross-entropies stay finite when the output saturates (log-sum-exp, softplus)', () => {
    const net = new Float64Array([800, -800]);
    const a = new Float64Array(2);
    ACT.softmax.forward(a, net, 1, 2);
    // a = [1, 0] exactly in f64, yet L = −log a_2 = 1600 for y = [0, 1]
    expect(lossSum('cce', 'softmax', net, a, new Float64Array([0, 1]), 1, 2)).toBeCloseTo(1600, 9);
    const s = new Float64Array(1);
    ACT.sigmoid.forward(s, new Float64Array([-900]), 1, 1);
    expect(lossSum('bce', 'sigmoid', new Float64Array([-900]), s, new Float64Array([1]), 1, 1)).toBeCloseTo(900, 9);
    expect(ACT.softplus.f(1000)).toBe(1000);
    expect(ACT.sigmoid.f(-1000)).toBe(0);
  });
});

describe('gradCheck (public API)', () => {
  it('reports per-layer relative errors below 1e-6 for a correct network, sampled or full', () => {
    const net = Network.create({ sizes: [3, 5, 4, 3], activation: 'tanh' }, { seed: 1 });
    const X = new Float32Array([0.1, -0.4, 0.8, 0.5, 0.2, -0.9]);
    const Y = new Float32Array([0, 1, 0, 0.2, 0.3, 0.5]);
    const full = gradCheck(net, dataset(X, Y, 3, 3));
    expect(full.layers.map((l) => l.checked)).toEqual([20, 24, 15]);
    expect(full.maxRelError).toBeLessThan(1e-6);
    expect(full.maxRelError).toBeGreaterThan(0);
    const sampled = gradCheck(net, dataset(X, Y, 3, 3), { perLayer: 5 });
    expect(sampled.layers.map((l) => l.checked)).toEqual([5, 5, 5]);
    expect(full.ok).toBe(true);
    expect(full.worst).toBeLessThanOrEqual(1);
  });

  it('passes on |g − ĝ| ≤ atol + rtol·|ĝ|: gradients near zero with a large relative error pass, a too-tight rule fails', () => {
    // saturated sigmoids: ∂L/∂W ≈ 1e-10 and below, where the relative error of central differences is meaningless
    const net = Network.create({ sizes: [2, 3, 2], activation: 'sigmoid' }, { seed: 1 });
    net.params.set(net.params.map((w) => w * 60));
    const data = dataset(new Float32Array([1, -1, 0.5, 0.7]), new Float32Array([1, 0, 0, 1]), 2, 2);
    const r = gradCheck(net, data);
    expect(r.maxRelError).toBeGreaterThan(1e-5); // the old relative-only rule would fail this correct network
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(r.ok).toBe(true);
    const strict = gradCheck(net, data, { atol: 0, rtol: 1e-12 });
    expect(strict.ok).toBe(false);
    expect(strict.worst).toBeGreaterThan(1);
    expect(() => gradCheck(net, data, { atol: 0, rtol: 0 })).toThrow(/not both 0/);
  });
});

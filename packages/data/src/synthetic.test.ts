// Synthetic 2-D sets: seeded (same seed, same bits), balanced classes, and labels that follow the
// geometry each generator promises when noise is 0.
import { ConfigError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from './builtin.js';
import { SYNTHETIC_SETS, syntheticTable } from './synthetic.js';
import type { Table } from './table.js';

const classesOf = (t: Table) => (t.target.kind === 'classes' ? t.target.y : new Int32Array(0));
const values = (t: Table) => (t.target.kind === 'values' ? t.target.Y : new Float64Array(0));
const point = (t: Table, i: number) => [t.X[2 * i], t.X[2 * i + 1]];

describe('syntheticTable', () => {
  it.each(SYNTHETIC_SETS)('%s is a function of its seed', (name) => {
    const a = syntheticTable(name, { n: 60, noise: 0.2, seed: 5 });
    const b = syntheticTable(name, { n: 60, noise: 0.2, seed: 5 });
    const c = syntheticTable(name, { n: 60, noise: 0.2, seed: 6 });
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
    expect(a.target).toEqual(b.target);
    expect(Array.from(a.X)).not.toEqual(Array.from(c.X));
    expect(a.features).toEqual(['x1', 'x2']);
    expect(a.N).toBe(60);
  });

  it('circle: class 1 within radius 2.5, class 0 in the ring 3.5 … 5, 50 of each', () => {
    const t = syntheticTable('circle', { n: 100, seed: 1 });
    const y = classesOf(t);
    expect(y.filter((c) => c === 1).length).toBe(50);
    for (let i = 0; i < t.N; i++) {
      const r = Math.hypot(...point(t, i));
      if (y[i] === 1) expect(r).toBeLessThanOrEqual(2.5);
      else expect(r).toBeGreaterThanOrEqual(3.5 - 1e-12);
    }
  });

  it('xor: class 1 exactly where x1·x2 > 0, points at least 0.3 off the axes', () => {
    const t = syntheticTable('xor', { n: 200, seed: 2 });
    const y = classesOf(t);
    for (let i = 0; i < t.N; i++) {
      const [x1, x2] = point(t, i);
      expect(y[i]).toBe(x1 * x2 > 0 ? 1 : 0);
      expect(Math.min(Math.abs(x1), Math.abs(x2))).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('gauss: class means near (2, 2) and (−2, −2); noise widens the clusters', () => {
    const spread = (noise: number) => {
      const t = syntheticTable('gauss', { n: 2000, noise, seed: 3 });
      const y = classesOf(t);
      let m1 = 0;
      let v1 = 0;
      let n1 = 0;
      for (let i = 0; i < t.N; i++) if (y[i] === 1) {
        m1 += t.X[2 * i];
        n1++;
      }
      m1 /= n1;
      for (let i = 0; i < t.N; i++) if (y[i] === 1) v1 += (t.X[2 * i] - m1) ** 2;
      return { mean: m1, std: Math.sqrt(v1 / n1) };
    };
    const tight = spread(0);
    expect(tight.mean).toBeCloseTo(2, 1);
    expect(tight.std).toBeCloseTo(0.5, 1); // std 0.5 + 2·noise
    expect(spread(0.5).std).toBeCloseTo(1.5, 1);
  });

  it('spiral and spirals:K: radius grows along each arm, K balanced classes', () => {
    const t = syntheticTable('spirals', { n: 90, classes: 3, seed: 1 });
    const y = classesOf(t);
    expect([0, 1, 2].map((c) => y.filter((v) => v === c).length)).toEqual([30, 30, 30]);
    for (let i = 1; i < 30; i++) expect(Math.hypot(...point(t, i))).toBeGreaterThan(Math.hypot(...point(t, i - 1)));
    expect(Math.hypot(...point(t, 29))).toBeCloseTo(5, 12); // the last point of an arm sits at radius 5
    const two = syntheticTable('spiral', { n: 10 });
    expect(two.target.kind === 'classes' && two.target.labels).toEqual(['0', '1']);
  });

  it('blobs:K: every point is nearer its own centre (radius 4, angle 2πc/K) than any other, at noise 0', () => {
    const K = 5;
    const t = syntheticTable('blobs', { n: 250, classes: K, seed: 4 });
    const y = classesOf(t);
    const centre = (c: number) => [4 * Math.cos((2 * Math.PI * c) / K), 4 * Math.sin((2 * Math.PI * c) / K)];
    let nearest = 0;
    for (let i = 0; i < t.N; i++) {
      const [x1, x2] = point(t, i);
      const d = Array.from({ length: K }, (_, c) => Math.hypot(x1 - centre(c)[0], x2 - centre(c)[1]));
      if (d.indexOf(Math.min(...d)) === y[i]) nearest++;
    }
    expect(nearest / t.N).toBeGreaterThan(0.99);
  });

  it('plane: y = (x1 + x2)/12 exactly at noise 0; noise moves the inputs, not the target', () => {
    const t = syntheticTable('plane', { n: 50, seed: 1 });
    const Y = values(t);
    for (let i = 0; i < t.N; i++) expect(Y[i]).toBe((t.X[2 * i] + t.X[2 * i + 1]) / 12);
    const noisy = syntheticTable('plane', { n: 50, noise: 0.3, seed: 1 });
    expect(Array.from(values(noisy))).toEqual(Array.from(Y)); // same targets from the same draws
    expect(Array.from(noisy.X)).not.toEqual(Array.from(t.X));
  });

  it('multi-gauss: targets in [−1, 1], +1 bump at (−4, 2.5) and −1 bump at (0, 2.5)', () => {
    const t = syntheticTable('multi-gauss', { n: 3000, seed: 2 });
    const Y = values(t);
    let nearPos = 0;
    let nearNeg = 0;
    for (let i = 0; i < t.N; i++) {
      expect(Math.abs(Y[i])).toBeLessThanOrEqual(1);
      const [x1, x2] = point(t, i);
      if (Math.hypot(x1 + 4, x2 - 2.5) < 0.5) nearPos = Math.max(nearPos, Y[i]);
      if (Math.hypot(x1, x2 - 2.5) < 0.5) nearNeg = Math.min(nearNeg, Y[i]);
    }
    expect(nearPos).toBeGreaterThan(0.8);
    expect(nearNeg).toBeLessThan(-0.8);
  });

  it('refuses unknown names, bad noise, n and class counts with the valid choices', () => {
    expect(() => syntheticTable('moons')).toThrow('unknown synthetic set "moons"; use one of circle, xor, gauss, spiral, plane, multi-gauss, spirals, blobs');
    expect(() => syntheticTable('xor', { noise: 2 })).toThrow(ConfigError);
    expect(() => syntheticTable('xor', { n: 0 })).toThrow(/n \(number of points\) must be a whole number/);
    expect(() => syntheticTable('blobs', { classes: 1 })).toThrow(/classes must be a whole number from 2/);
  });
});

describe('loadBuiltin', () => {
  it('reads "name:K" as K classes and "k-spirals" as spirals; n, noise and seed reach the generator', () => {
    const d = loadBuiltin('spirals:4', { n: 200, noise: 0.1, seed: 3 });
    expect(d.name).toBe('spirals:4');
    expect([d.train.N, d.test!.N, d.train.nOut]).toEqual([160, 40, 4]);
    expect(loadBuiltin('k-blobs', { classes: 6, n: 60 }).train.nOut).toBe(6);
    const again = loadBuiltin('spirals:4', { n: 200, noise: 0.1, seed: 3 });
    expect(Array.from(again.train.X)).toEqual(Array.from(d.train.X));
    expect(d.preprocessing.source).toBe('synthetic spirals:4 (n 200, noise 0.1, seed 3)');
  });

  it('points Node users and browser users to the right MNIST loader, and lists the sets for unknown names', () => {
    expect(() => loadBuiltin('mnist')).toThrow(/in Node call load\("mnist"\).*in the browser call fetchMnist\(url\)/);
    expect(() => loadBuiltin('mnsit')).toThrow(/unknown dataset "mnsit"; use iris, mnist, one of circle/);
  });
});

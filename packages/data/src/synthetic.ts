/**
 * Synthetic 2-D sets in the style of the TensorFlow Playground (points in [−6, 6]²), plus
 * k-class spirals and blobs. All draws come from a seeded Rng, so (name, n, noise, seed, k)
 * fixes every point. Labels come from the clean point; noise then moves the point.
 *   circle, xor, gauss, spiral, spirals, blobs → classes "0" … "k−1";  plane, multi-gauss → one target y.
 */
import { ConfigError } from '@backprop/core';
import { Rng, cos, exp, sin } from '@backprop/core/engine';
import { DEFAULT_SEED } from './split.js';
import { digitLabels } from './idx.js';
import type { Table, Target } from './table.js';

export interface SyntheticOptions {
  /** Number of points. Default 500. */
  n?: number;
  /** 0 … 1: how far noise moves points (circle, xor, spiral(s), plane, multi-gauss) or widens clusters (gauss, blobs). Default 0. */
  noise?: number;
  seed?: number;
  /** Number of classes of `spirals` and `blobs`. Default 3. */
  classes?: number;
}

export const SYNTHETIC_SETS = ['circle', 'xor', 'gauss', 'spiral', 'plane', 'multi-gauss', 'spirals', 'blobs'] as const;
export type SyntheticName = (typeof SYNTHETIC_SETS)[number];

const RADIUS = 5; // circle, xor and spirals reach this far from the origin
const SPAN = 6; // plane and multi-gauss fill [−SPAN, SPAN]²

/** Rows per class: n split as evenly as possible, the first classes one larger. */
function perClass(n: number, K: number, c: number): number {
  return Math.floor(n / K) + (c < n % K ? 1 : 0);
}

interface Points {
  X: Float64Array; // (n, 2)
  y: Int32Array | null; // (n) class, or null for regression
  Y: Float64Array | null; // (n, 1) target
  K: number;
}

function classify(n: number, K: number, point: (c: number, i: number, m: number, out: Float64Array, at: number) => void): Points {
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  let r = 0;
  for (let c = 0; c < K; c++) {
    const m = perClass(n, K, c);
    for (let i = 0; i < m; i++, r++) {
      point(c, i, m, X, 2 * r);
      y[r] = c;
    }
  }
  return { X, y, Y: null, K };
}

/** Circle: class 1 inside radius 0.5·R, class 0 in the ring 0.7·R … R (R = 5). */
function circle(n: number, noise: number, rng: Rng): Points {
  return classify(n, 2, (c, _i, _m, X, at) => {
    const r = c === 1 ? rng.uniform(0, 0.5 * RADIUS) : rng.uniform(0.7 * RADIUS, RADIUS);
    const t = rng.uniform(0, 2 * Math.PI);
    X[at] = r * sin(t) + noise * RADIUS * rng.uniform(-1, 1);
    X[at + 1] = r * cos(t) + noise * RADIUS * rng.uniform(-1, 1);
  });
}

/** XOR: class 1 where x1·x2 > 0 (quadrants I and III), 0 elsewhere; points kept 0.3 off the axes. */
function xor(n: number, noise: number, rng: Rng): Points {
  const pad = 0.3;
  return classify(n, 2, (c, _i, _m, X, at) => {
    const s1 = rng.next() < 0.5 ? -1 : 1;
    const s2 = c === 1 ? s1 : -s1;
    X[at] = s1 * (pad + rng.uniform(0, RADIUS - pad)) + noise * RADIUS * rng.uniform(-1, 1);
    X[at + 1] = s2 * (pad + rng.uniform(0, RADIUS - pad)) + noise * RADIUS * rng.uniform(-1, 1);
  });
}

/** Two Gaussians: class 1 around (2, 2), class 0 around (−2, −2), std 0.5 + 2·noise. */
function gauss(n: number, noise: number, rng: Rng): Points {
  const std = 0.5 + 2 * noise;
  return classify(n, 2, (c, _i, _m, X, at) => {
    const m = c === 1 ? 2 : -2;
    X[at] = rng.normal(m, std);
    X[at + 1] = rng.normal(m, std);
  });
}

/** K spiral arms: arm c at angle 2πc/K, radius 5t, turning 1.75 times; noise moves points by up to `noise`. */
function spirals(n: number, noise: number, rng: Rng, K: number): Points {
  return classify(n, K, (c, i, m, X, at) => {
    const t = (i + 1) / m;
    const r = RADIUS * t;
    const a = 1.75 * 2 * Math.PI * t + (2 * Math.PI * c) / K;
    X[at] = r * sin(a) + noise * rng.uniform(-1, 1);
    X[at + 1] = r * cos(a) + noise * rng.uniform(-1, 1);
  });
}

/** K blobs: centres on the circle of radius 4 at angles 2πc/K, std 0.5 + 2·noise. */
function blobs(n: number, noise: number, rng: Rng, K: number): Points {
  const std = 0.5 + 2 * noise;
  return classify(n, K, (c, _i, _m, X, at) => {
    const a = (2 * Math.PI * c) / K;
    X[at] = rng.normal(4 * cos(a), std);
    X[at + 1] = rng.normal(4 * sin(a), std);
  });
}

function regress(n: number, noise: number, rng: Rng, f: (x1: number, x2: number) => number): Points {
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x1 = rng.uniform(-SPAN, SPAN);
    const x2 = rng.uniform(-SPAN, SPAN);
    Y[r] = f(x1, x2);
    X[2 * r] = x1 + noise * SPAN * rng.uniform(-1, 1);
    X[2 * r + 1] = x2 + noise * SPAN * rng.uniform(-1, 1);
  }
  return { X, y: null, Y, K: 0 };
}

/** Plane: y = (x1 + x2)/12, in [−1, 1] over the square. */
function plane(n: number, noise: number, rng: Rng): Points {
  return regress(n, noise, rng, (x1, x2) => (x1 + x2) / (2 * SPAN));
}

/** Six bumps of height ±1 (σ = 1.5) on a 3 × 2 grid; y = their sum, clipped to [−1, 1]. */
const BUMPS: [number, number, number][] = [
  [-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
  [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1],
];
function multiGauss(n: number, noise: number, rng: Rng): Points {
  const s2 = 2 * 1.5 * 1.5;
  return regress(n, noise, rng, (x1, x2) => {
    let y = 0;
    for (const [c1, c2, h] of BUMPS) y += h * exp(-((x1 - c1) * (x1 - c1) + (x2 - c2) * (x2 - c2)) / s2);
    return Math.max(-1, Math.min(1, y));
  });
}

/** Checks a synthetic set name ("k-spirals" and "k-blobs" are accepted for spirals and blobs). */
export function checkSyntheticName(name: string): SyntheticName {
  const n = name === 'k-spirals' ? 'spirals' : name === 'k-blobs' ? 'blobs' : name === 'multigauss' ? 'multi-gauss' : name;
  if ((SYNTHETIC_SETS as readonly string[]).includes(n)) return n as SyntheticName;
  throw new ConfigError(`unknown synthetic set "${name}"; use one of ${SYNTHETIC_SETS.join(', ')}`);
}

/** A synthetic 2-D table (features x1, x2). */
export function syntheticTable(name: string, opts: SyntheticOptions = {}): Table {
  const set = checkSyntheticName(name);
  const n = opts.n ?? 500;
  const noise = opts.noise ?? 0;
  const K = opts.classes ?? 3;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`n (number of points) must be a whole number ≥ 1; got ${n}`);
  if (!(noise >= 0 && noise <= 1)) throw new ConfigError(`noise must be between 0 and 1; got ${noise}`);
  if ((set === 'spirals' || set === 'blobs') && (!Number.isInteger(K) || K < 2 || K > n)) throw new ConfigError(`classes must be a whole number from 2 to n (${n}); got ${K}`);
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const p =
    set === 'circle' ? circle(n, noise, rng)
    : set === 'xor' ? xor(n, noise, rng)
    : set === 'gauss' ? gauss(n, noise, rng)
    : set === 'spiral' ? spirals(n, noise, rng, 2)
    : set === 'spirals' ? spirals(n, noise, rng, K)
    : set === 'blobs' ? blobs(n, noise, rng, K)
    : set === 'plane' ? plane(n, noise, rng)
    : multiGauss(n, noise, rng);
  const target: Target = p.y ? { kind: 'classes', y: p.y, labels: digitLabels(p.K), known: true } : { kind: 'values', Y: p.Y!, names: ['y'] };
  const label = set === 'spirals' || set === 'blobs' ? `${set}:${p.K}` : set;
  return {
    name: label,
    source: `synthetic ${label} (n ${n}, noise ${noise}, seed ${opts.seed ?? DEFAULT_SEED})`,
    X: p.X,
    divisor: 1,
    N: n,
    nIn: 2,
    features: ['x1', 'x2'],
    target,
    normalization: 'zscore',
  };
}

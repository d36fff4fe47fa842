/**
 * Normalisation fitted on the training rows only: x' = (x − shift)·scale per feature j.
 *   z-score: shift = mean_j, scale = 1/std_j (population std);  min-max: shift = min_j,
 *   scale = 1/(max_j − min_j);  none: 0 and 1.  A feature constant over the training rows
 *   (max == min) gets shift = its value and scale 1.
 * `applyPreprocessing` turns raw rows into network inputs with the same arithmetic as training.
 */
import { ConfigError, NumericError, ShapeError, type DType, type Floats, type Preprocessing } from '@backprop/core';
import type { NormalizationKind } from './table.js';

export const NORMALIZATIONS: readonly NormalizationKind[] = ['zscore', 'minmax', 'none'];

export type Normalization = Preprocessing['normalization'];

/** Checks a normalisation name from user input. */
export function checkNormalization(kind: string): NormalizationKind {
  if ((NORMALIZATIONS as readonly string[]).includes(kind)) return kind as NormalizationKind;
  throw new ConfigError(`unknown normalisation "${kind}"; use one of ${NORMALIZATIONS.join(', ')}`);
}

export interface FitOptions {
  /** Per column: raw x = X + offset_j (CSV tables); the result then carries the offsets. */
  offset?: ArrayLike<number>;
  /** Per column: the stored value a missing (NaN) cell stands for (its fill); NaN cells are skipped where this is NaN. */
  fill?: ArrayLike<number>;
  /** Per column: leave it at shift 0, scale 1 (category codes, one-hot inputs). */
  skip?: ArrayLike<boolean>;
}

/**
 * Fits shift and scale on the rows `rows` of raw features x_ij = X[i·nIn + j] / divisor (+ offset_j).
 * Sums run in float64, over the stored values. A column whose values are all equal (max == min,
 * decided from the values, not from a float std that rounding leaves at 1e-14) gets shift = its
 * value and scale 1, so a new row's difference from it passes through unscaled.
 */
export function fitNormalization(
  kind: NormalizationKind,
  X: ArrayLike<number>,
  nIn: number,
  rows: Int32Array,
  divisor = 1,
  opts: FitOptions = {},
): Normalization {
  const shift = new Array<number>(nIn).fill(0);
  const scale = new Array<number>(nIn).fill(1);
  const offset = opts.offset ? Array.from(opts.offset, (c, j) => (opts.skip?.[j] ? 0 : c)) : undefined;
  const result = (): Normalization => (offset ? { kind, shift, scale, offset } : { kind, shift, scale });
  const n = rows.length;
  if (kind === 'none' || n === 0) return result();
  const fill = opts.fill;
  const value = (i: number, j: number): number => {
    const u = X[rows[i] * nIn + j];
    return u === u ? u / divisor : fill ? fill[j] / divisor : NaN;
  };
  const lo = new Float64Array(nIn).fill(Infinity);
  const hi = new Float64Array(nIn).fill(-Infinity);
  const mean = new Float64Array(nIn);
  const count = new Float64Array(nIn);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nIn; j++) {
      const x = value(i, j);
      if (x !== x) continue;
      if (x < lo[j]) lo[j] = x;
      if (x > hi[j]) hi[j] = x;
      mean[j] += x;
      count[j]++;
    }
  }
  const ss = new Float64Array(nIn); // Σ (x − mean)²: two passes, no cancellation
  if (kind === 'zscore') {
    for (let j = 0; j < nIn; j++) mean[j] /= count[j];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nIn; j++) {
        const x = value(i, j);
        if (x !== x) continue;
        const d = x - mean[j];
        ss[j] += d * d;
      }
    }
  }
  const c = offset ?? new Array<number>(nIn).fill(0);
  for (let j = 0; j < nIn; j++) {
    if (opts.skip?.[j] || count[j] === 0) continue;
    if (!(hi[j] > lo[j])) {
      shift[j] = c[j] + lo[j]; // constant over the training rows
      continue;
    }
    if (kind === 'zscore') {
      shift[j] = c[j] + mean[j];
      scale[j] = 1 / Math.sqrt(ss[j] / count[j]);
    } else {
      shift[j] = c[j] + lo[j];
      scale[j] = 1 / (hi[j] - lo[j]);
    }
  }
  return result();
}

/** Raw rows as one flat row-major array, from a flat array or an array of rows. */
function flatten(raw: ArrayLike<number> | ArrayLike<number>[], features: string[], n: number): ArrayLike<number> {
  if (raw.length === 0 || typeof raw[0] === 'number') return raw as ArrayLike<number>;
  const rows = raw as ArrayLike<number>[];
  const flat = new Float64Array(rows.length * n);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== n) throw new ShapeError(`row ${i} has ${rows[i].length} values but the model takes ${n} features; give every row ${n} values in the order ${listFeatures(features, n)}`);
    for (let j = 0; j < n; j++) flat[i * n + j] = rows[i][j];
  }
  return flat;
}

function listFeatures(features: string[], n: number): string {
  return `${features.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''}`;
}

/**
 * Network inputs for raw numeric rows: x' = (x − shift)·scale computed in float64 and rounded once
 * (with offsets: (round(x − c) − (shift − c))·scale), exactly as the training data was. A NaN is a
 * missing cell: filled as the model says, else an error. `raw` is row-major (N × n) or an array of
 * rows in the model's raw column order. Models with categorical columns take `encodeRows`.
 */
export function applyPreprocessing(pre: Preprocessing, raw: ArrayLike<number> | ArrayLike<number>[], dtype: DType = 'f32'): Floats {
  if (pre.expand && pre.expand.length > 0) {
    throw new ConfigError(`this model derives features (${pre.expand.join(', ')}) from its raw inputs; compute them before calling applyPreprocessing, or use the app that trained the model`);
  }
  const { shift, scale } = pre.normalization;
  const n = shift.length;
  if (n === 0 || scale.length !== n) throw new ShapeError(`preprocessing has ${n} shifts and ${scale.length} scales; the model file is damaged`);
  if (pre.columns?.some((c) => c.kind === 'categorical')) {
    throw new ConfigError(`this model one-hot encodes ${pre.columns.filter((c) => c.kind === 'categorical').map((c) => c.name).join(', ')}; give raw rows (with category names) to encodeRows instead of numbers to applyPreprocessing`);
  }
  const X = flatten(raw, pre.features, n);
  if (X.length % n !== 0) {
    throw new ShapeError(`raw rows have ${X.length} numbers, not a multiple of the model's ${n} features (${listFeatures(pre.features, n)}); give ${n} values per row`);
  }
  const out = dtype === 'f64' ? new Float64Array(X.length) : new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) {
    const j = i % n;
    let x = X[i];
    if (x !== x) x = fillOf(pre, j, Math.floor(i / n));
    if (!Number.isFinite(x)) throw new NumericError(`raw row ${Math.floor(i / n)}, feature "${pre.features[j] ?? j}" is ${x}; give a finite number`);
    out[i] = normalizeInput(pre.normalization, j, x, out);
  }
  return out;
}

/** x' of raw value x for input j, before the final rounding into `out`'s float type. */
export function normalizeInput(norm: Normalization, j: number, x: number, out: Floats): number {
  const { shift, scale, offset } = norm;
  if (!offset) return (x - shift[j]) * scale[j];
  const u = out instanceof Float32Array ? Math.fround(x - offset[j]) : x - offset[j];
  return (u - (shift[j] - offset[j])) * scale[j];
}

/** The fill of numeric input j for a missing cell in raw row `row`, or an error saying why there is none. */
function fillOf(pre: Preprocessing, j: number, row: number): number {
  const col = pre.columns?.[j];
  if (col && col.kind === 'numeric' && col.fill !== undefined) return col.fill;
  const name = pre.features[j] ?? String(j);
  const why = col?.missing === 'drop' ? 'the model was trained dropping rows with a missing value there' : 'the model has no fill value for it';
  throw new NumericError(`raw row ${row}, feature "${name}" is missing (NaN) and ${why}; give a number`);
}

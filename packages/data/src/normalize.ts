/**
 * Normalisation fitted on the training rows only: x' = (x − shift)·scale per feature j.
 *   z-score: shift = mean_j, scale = 1/std_j (population std);  min-max: shift = min_j,
 *   scale = 1/(max_j − min_j);  none: 0 and 1.  A constant feature gets scale 1 (no 1/0).
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

/**
 * Fits shift and scale on the rows `rows` of raw features x_ij = X[i·nIn + j] / divisor.
 * Sums run in float64.
 */
export function fitNormalization(
  kind: NormalizationKind,
  X: ArrayLike<number>,
  nIn: number,
  rows: Int32Array,
  divisor = 1,
): Normalization {
  const shift = new Array<number>(nIn).fill(0);
  const scale = new Array<number>(nIn).fill(1);
  const n = rows.length;
  if (kind === 'none' || n === 0) return { kind, shift, scale };
  if (kind === 'zscore') {
    const mean = new Float64Array(nIn);
    for (let i = 0; i < n; i++) {
      const row = rows[i] * nIn;
      for (let j = 0; j < nIn; j++) mean[j] += X[row + j] / divisor;
    }
    for (let j = 0; j < nIn; j++) mean[j] /= n;
    const ss = new Float64Array(nIn); // Σ (x − mean)²: two passes, no cancellation
    for (let i = 0; i < n; i++) {
      const row = rows[i] * nIn;
      for (let j = 0; j < nIn; j++) {
        const d = X[row + j] / divisor - mean[j];
        ss[j] += d * d;
      }
    }
    for (let j = 0; j < nIn; j++) {
      const std = Math.sqrt(ss[j] / n);
      shift[j] = mean[j];
      scale[j] = std > 0 ? 1 / std : 1;
    }
    return { kind, shift, scale };
  }
  const lo = new Float64Array(nIn).fill(Infinity);
  const hi = new Float64Array(nIn).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const row = rows[i] * nIn;
    for (let j = 0; j < nIn; j++) {
      const x = X[row + j] / divisor;
      if (x < lo[j]) lo[j] = x;
      if (x > hi[j]) hi[j] = x;
    }
  }
  for (let j = 0; j < nIn; j++) {
    shift[j] = lo[j];
    scale[j] = hi[j] > lo[j] ? 1 / (hi[j] - lo[j]) : 1;
  }
  return { kind, shift, scale };
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
 * Network inputs for raw rows: x' = (x − shift)·scale, computed in float64 and rounded once,
 * exactly as the training data was. `raw` is row-major (N × n) or an array of rows.
 */
export function applyPreprocessing(pre: Preprocessing, raw: ArrayLike<number> | ArrayLike<number>[], dtype: DType = 'f32'): Floats {
  if (pre.expand && pre.expand.length > 0) {
    throw new ConfigError(`this model derives features (${pre.expand.join(', ')}) from its raw inputs; compute them before calling applyPreprocessing, or use the app that trained the model`);
  }
  const { shift, scale } = pre.normalization;
  const n = shift.length;
  if (n === 0 || scale.length !== n) throw new ShapeError(`preprocessing has ${n} shifts and ${scale.length} scales; the model file is damaged`);
  const X = flatten(raw, pre.features, n);
  if (X.length % n !== 0) {
    throw new ShapeError(`raw rows have ${X.length} numbers, not a multiple of the model's ${n} features (${listFeatures(pre.features, n)}); give ${n} values per row`);
  }
  const out = dtype === 'f64' ? new Float64Array(X.length) : new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) {
    const j = i % n;
    const x = X[i];
    if (!Number.isFinite(x)) throw new NumericError(`raw row ${Math.floor(i / n)}, feature "${pre.features[j] ?? j}" is ${x}; give a finite number`);
    out[i] = (x - shift[j]) * scale[j];
  }
  return out;
}

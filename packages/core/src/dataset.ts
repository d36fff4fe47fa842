/**
 * A dataset as two row-major matrices on (preferably shared) memory: X (N, n^[0]) inputs and
 * Y (N, n^[L]) targets. Workers receive the buffers once and gather rows by index.
 */
import type { Floats } from './arena.js';
import { DataError, NumericError, ShapeError } from './errors.js';
import { firstNonFinite } from './kernels/js.js';

export interface Dataset {
  X: Floats; // (N, nIn)
  Y: Floats; // (N, nOut)
  N: number;
  nIn: number;
  nOut: number;
}

/** A dataset from matrices, checking that the lengths agree. */
export function dataset(X: Floats, Y: Floats, nIn: number, nOut: number): Dataset {
  const N = nIn > 0 ? X.length / nIn : 0;
  if (!Number.isInteger(N)) throw new ShapeError(`X has ${X.length} numbers, not a whole number of rows of ${nIn} features`);
  if (Y.length !== N * nOut) throw new ShapeError(`X has ${N} rows but Y has ${Y.length / nOut} rows of ${nOut} targets; give one target row per input row`);
  return { X, Y, N, nIn, nOut };
}

/**
 * Checks a dataset against a network's input and output widths, and that every value is
 * finite: NaN in the data would train silently into NaN weights.
 */
export function checkDataset(data: Dataset, nIn: number, nOut: number, name = 'data'): void {
  if (data.N === 0) throw new DataError(`${name} is empty: it has no rows; load a file with at least one sample`);
  if (data.nIn !== nIn) throw new ShapeError(`${name} has ${data.nIn} features per row but the network's input layer has ${nIn}; set the first layer size to ${data.nIn}`);
  if (data.nOut !== nOut) throw new ShapeError(`${name} has labels of width ${data.nOut} but the network has ${nOut} outputs; set the last layer size to ${data.nOut} (one output per class)`);
  if (data.X.length !== data.N * nIn || data.Y.length !== data.N * nOut) throw new ShapeError(`${name} matrices do not match N = ${data.N}`);
  checkFinite(data.X, nIn, `${name} inputs`);
  checkFinite(data.Y, nOut, `${name} targets`);
}

function checkFinite(M: Floats, cols: number, what: string): void {
  const i = firstNonFinite(M, 0, M.length);
  if (i >= 0) throw new NumericError(`${what} contain ${M[i]} at row ${Math.floor(i / cols)}, column ${i % cols}; clean or drop that row before training`);
}

/** Rows at least this long are copied with TypedArray.set (a block copy; shorter rows: a view per row costs more than the loop). */
const SET_ROW = 32;

/** Copies rows `idx[start … start+B)` of X and Y into dense (B, ·) buffers. */
export function gatherRows(Xout: Floats, Yout: Floats, data: Dataset, idx: Int32Array, start: number, B: number): void {
  const { X, Y, nIn, nOut } = data;
  for (let b = 0; b < B; b++) {
    const r = idx[start + b];
    const xs = r * nIn;
    const xo = b * nIn;
    if (nIn >= SET_ROW) Xout.set(X.subarray(xs, xs + nIn), xo); // converts f64 → f32 as the loop's stores do
    else for (let j = 0; j < nIn; j++) Xout[xo + j] = X[xs + j];
    const ys = r * nOut;
    const yo = b * nOut;
    for (let k = 0; k < nOut; k++) Yout[yo + k] = Y[ys + k];
  }
}

/** The rows of `data` listed in `idx`, as a new dataset (e.g. a validation split). */
export function subset(data: Dataset, idx: Int32Array): Dataset {
  const Ctor = data.X instanceof Float64Array ? Float64Array : Float32Array;
  const X = new Ctor(idx.length * data.nIn);
  const Y = new Ctor(idx.length * data.nOut);
  gatherRows(X, Y, data, idx, 0, idx.length);
  return { X, Y, N: idx.length, nIn: data.nIn, nOut: data.nOut };
}

/**
 * Table: raw rows before any split or normalisation. Every loader (CSV, IDX, MNIST, iris,
 * synthetic) produces one; `prepare` turns it into shared-memory datasets. Raw feature
 * x_ij = X[i·nIn + j] / divisor (divisor 255 keeps image bytes compact; 1 otherwise), or
 * X[i·nIn + j] + offset_j for CSV columns stored as float32 differences. A categorical column
 * holds category codes (index into `categories[j]`). NaN marks a missing cell, a class index −1
 * (or a NaN target) a missing label.
 */
import { DataError } from '@backprop/core';
import { nonFiniteError } from './errors.js';
import type { MissingOption } from './missing.js';

export type NormalizationKind = 'none' | 'zscore' | 'minmax';

/** Targets: class indices with label names (classification) or real values (regression). */
export type Target =
  | {
      kind: 'classes';
      y: Int32Array; // (N) index into labels
      labels: string[];
      /** True when the label set is fixed in advance (MNIST digits); false: fitted on the training split. */
      known: boolean;
      /** The label column's name (CSV), for messages and per-column missing policies. */
      name?: string;
    }
  | {
      kind: 'values';
      Y: Float64Array; // (N, names.length)
      names: string[];
    };

export interface Table {
  /** Short name, e.g. "iris", "circle", "data.csv". */
  name: string;
  /** Where the rows came from, stored as Preprocessing.source. */
  source: string;
  X: Float64Array | Float32Array | Uint8Array; // (N, nIn) raw features times divisor
  divisor: number;
  N: number;
  nIn: number;
  features: string[];
  target: Target;
  /** Normalisation used when the caller does not choose one. */
  normalization: NormalizationKind;
  /** Per feature column: the category names of a categorical column (code k ↔ categories[j][k]), null for numeric. Absent: all numeric. */
  categories?: (string[] | null)[];
  /** Per feature column: raw x = X + offset_j (CSV columns are stored as differences from their first value, see Preprocessing.normalization.offset). */
  offset?: Float64Array;
  /** 1-based file line of each row (CSV), so errors found after parsing name the line. */
  lines?: Int32Array;
  /** The missing-value policy the table was read with (prepare's default for `missing`). */
  missing?: MissingOption;
  /** X may be reordered and overwritten in place by `prepare` (the loader made it for this one use). */
  consumable?: boolean;
}

/** Where row i of a table is: its file line when known, else its row index. */
export function rowLocation(t: Table, i: number): { file: string; line?: number; row?: number } {
  return t.lines ? { file: t.name, line: t.lines[i] } : { file: t.name, row: i };
}

/** Checks that a table's arrays agree with N, nIn and its targets, and that every value is finite. */
export function checkTable(t: Table): Table {
  const where = t.name;
  if (t.N === 0) throw new DataError(`${where} has no rows; give a file or generator with at least one sample`);
  if (t.nIn === 0 || t.features.length !== t.nIn) throw new DataError(`${where} has ${t.nIn} features but ${t.features.length} feature names; every row needs at least one numeric feature`);
  if (t.X.length !== t.N * t.nIn) throw new DataError(`${where}: X has ${t.X.length} numbers, not ${t.N} rows × ${t.nIn} features`);
  if (!(t.divisor > 0) || !Number.isFinite(t.divisor)) throw new DataError(`${where}: divisor must be a positive number, got ${t.divisor}`);
  if (t.categories && t.categories.length !== t.nIn) throw new DataError(`${where}: ${t.categories.length} category lists for ${t.nIn} feature columns`);
  if (t.offset && t.offset.length !== t.nIn) throw new DataError(`${where}: ${t.offset.length} offsets for ${t.nIn} feature columns`);
  if (!(t.X instanceof Uint8Array)) {
    for (let i = 0; i < t.X.length; i++) {
      const x = t.X[i];
      if (x === Infinity || x === -Infinity) throw nonFiniteError({ ...rowLocation(t, Math.floor(i / t.nIn)), column: t.features[i % t.nIn], columnIndex: i % t.nIn }, x); // NaN: a missing cell
    }
  }
  const target = t.target;
  if (target.kind === 'classes') {
    if (target.y.length !== t.N) throw new DataError(`${where}: ${target.y.length} labels for ${t.N} rows; give one label per row`);
    const K = target.labels.length;
    for (let i = 0; i < t.N; i++) {
      const c = target.y[i];
      if (c < -1 || c >= K) throw new DataError(`${where}, row ${i}: class index ${c} is outside the ${K} label names; give a name for every class`); // −1: missing
    }
  } else {
    const nOut = target.names.length;
    if (nOut === 0) throw new DataError(`${where} has no label column (inputs only); pass the label column to train or evaluate on it`);
    if (target.Y.length !== t.N * nOut) throw new DataError(`${where}: targets have ${target.Y.length} numbers, not ${t.N} rows × ${nOut} targets`);
    for (let i = 0; i < target.Y.length; i++) {
      const y = target.Y[i];
      if (y === Infinity || y === -Infinity) throw nonFiniteError({ ...rowLocation(t, Math.floor(i / nOut)), column: target.names[i % nOut], columnIndex: i % nOut }, y); // NaN: a missing target
    }
  }
  return t;
}

/** Label names in a stable order: numeric order when every name is a number, else code-unit order. */
export function sortLabels(names: Iterable<string>): string[] {
  const list = Array.from(new Set(names));
  const numeric = list.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Class indices and sorted label names for a list of string labels. */
export function encodeClasses(values: string[]): { y: Int32Array; labels: string[] } {
  const labels = sortLabels(values);
  const index = new Map(labels.map((s, k) => [s, k]));
  const y = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) y[i] = index.get(values[i])!;
  return { y, labels };
}

/** Numbered names "prefix0", "prefix1", … */
export function numberedNames(prefix: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + from}`);
}

/** [10⁰, 10¹, …, 10ⁿ] by repeated multiplication: exact for n ≤ 22 (no ** , whose bits the spec leaves to the engine). */
export function powersOfTen(n: number): number[] {
  const p = [1];
  for (let i = 1; i <= n; i++) p.push(p[i - 1] * 10);
  return p;
}

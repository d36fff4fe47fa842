/**
 * prepare: Table → shared-memory datasets. Drop rows with missing values where asked, split the
 * rest (seeded), fit categories, fills, normalisation and label encoding on the training rows
 * only, then write X' = (x − shift)·scale (one-hot for categories) and Y straight into shared
 * memory (DESIGN.md §3, §7). A table the loader hands over (`consumable`) is reordered into split
 * order and normalised in place, so a large CSV is never copied.
 */
import {
  ConfigError, ShapeError, jsBackend,
  type ColumnEncoding, type Dataset, type DType, type Floats, type Preprocessing,
} from '@backprop/core';
import { PREPROCESSING_VERSION } from '@backprop/core/engine';
import { bindColumns, encodeTable, type EncodeOptions } from './encode.js';
import { DataFileError } from './errors.js';
import { labelIndex } from './labels.js';
import { columnMissing, missingAdvice, missingFor, numericFill, type ColumnMissing, type MissingOption } from './missing.js';
import { fitNormalization, normalizeInput, type Normalization } from './normalize.js';
import { splitRows, type SplitOptions, type SplitRows } from './split.js';
import { checkTable, rowLocation, sortLabels, type NormalizationKind, type Table } from './table.js';

export interface PrepareOptions extends SplitOptions, EncodeOptions {
  /** Default: the table's own (z-score for tabular and 2-D data, none for images). */
  normalization?: NormalizationKind;
  /** Element type of X and Y. Default f32. */
  dtype?: DType;
  /** A saved model's preprocessing to apply instead of fitting one (see prepareFor). */
  preprocessing?: Preprocessing | null;
  /** Missing cells: 'error', 'drop', a fill ('mean', 'median', 'mode', a number), per column or for all. Default: the table's (CSV readers record theirs), else 'error'. */
  missing?: MissingOption;
  /** Regression targets: y' = (y − shift)·scale fitted on the training rows (default 'zscore'), mapped back at predict time. */
  targetNormalization?: NormalizationKind;
}

/** What every loader returns: the splits on shared memory and the preprocessing to save with the model. */
export interface LoadedData {
  name: string;
  task: 'classification' | 'regression';
  train: Dataset;
  validation: Dataset | null;
  test: Dataset | null;
  preprocessing: Preprocessing;
  /** Source row of each dataset row (test rows index the test table when one was given). */
  rows: SplitRows;
  /** Rows dropped before the split because of a missing value (missing: 'drop'). */
  dropped: number;
  /** Things worth telling the user, e.g. test rows with categories the training rows lack. */
  warnings: string[];
}

/** Row indices of each split over the kept rows; with a test table, its rows whole and in order. */
function splitOf(table: Table, keep: Int32Array, opts: PrepareOptions, testTable: Table | null, testKeep: Int32Array | null): SplitRows {
  const target = table.target;
  const classes = target.kind === 'classes' ? Int32Array.from(keep, (r) => target.y[r]) : null;
  const rows = splitRows(keep.length, testTable ? { ...opts, test: 0 } : opts, classes);
  const map = (a: Int32Array) => Int32Array.from(a, (i) => keep[i]);
  return { train: map(rows.train), validation: map(rows.validation), test: testKeep ?? map(rows.test) };
}

/** The label column's name, for messages and per-column policies. */
export function labelName(t: Table): string {
  return t.target.kind === 'values' ? (t.target.names[0] ?? 'label') : (t.target.name ?? 'label');
}

/**
 * Rows to keep: those without a missing cell in a 'drop' column or a missing label (when labels
 * may be dropped). A missing cell elsewhere is an error naming the line and column, unless the
 * column has a fill (`fills(j)` true).
 */
export function keptRows(t: Table, drop: (j: number) => boolean, fills: (j: number) => boolean, dropLabel: boolean, advice: (j: number) => string = (j) => missingAdvice(t.features[j])): Int32Array {
  const { X, nIn, N } = t;
  const keep = new Int32Array(N);
  let M = 0;
  const target = t.target;
  const nOut = target.kind === 'values' ? target.names.length : 0;
  const lossy = X instanceof Uint8Array ? null : X;
  for (let i = 0; i < N; i++) {
    let ok = true;
    if (lossy) {
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) {
        if (lossy[row + j] === lossy[row + j]) continue;
        if (drop(j)) ok = false;
        else if (!fills(j)) throw new DataFileError({ ...rowLocation(t, i), column: t.features[j], columnIndex: j }, 'missing value in a feature column', advice(j));
      }
    }
    const labelMissing = target.kind === 'classes' ? target.y[i] < 0 : nOut > 0 && target.Y.subarray(i * nOut, (i + 1) * nOut).some((y) => y !== y);
    if (labelMissing) {
      if (!dropLabel) throw new DataFileError({ ...rowLocation(t, i), column: labelName(t) }, 'missing label', "give every row a label, or drop the rows without one (missing: 'drop', CLI --missing drop)");
      ok = false;
    }
    if (ok) keep[M++] = i;
  }
  return keep.slice(0, M);
}

/** The raw value x of a stored cell. */
function rawOf(t: Table, u: number, j: number): number {
  return u / t.divisor + (t.offset?.[j] ?? 0);
}

/** Categories of column j seen in the training rows (sorted), with the most frequent one (ties: first in that order). */
function fitCategories(t: Table, j: number, train: Int32Array): { categories: string[]; mode: string | undefined } {
  const names = t.categories![j]!;
  const count = new Float64Array(names.length);
  for (const r of train) {
    const u = t.X[r * t.nIn + j];
    if (u === u) count[u]++;
  }
  const categories = sortLabels(names.filter((_, k) => count[k] > 0));
  let mode: string | undefined;
  let most = 0;
  for (const c of categories) {
    const n = count[names.indexOf(c)];
    if (n > most) {
      most = n;
      mode = c;
    }
  }
  return { categories, mode };
}

/** Columns with their fitted categories and fills (training rows only). */
function fitColumns(t: Table, train: Int32Array, policies: ColumnMissing[]): ColumnEncoding[] {
  return t.features.map((name, j): ColumnEncoding => {
    const m = policies[j];
    if (t.categories?.[j]) {
      const { categories, mode } = fitCategories(t, j, train);
      if (categories.length === 0) throw new DataFileError({ file: t.name, column: name, columnIndex: j }, 'the categorical column has no values in the training rows', 'leave it out (ignore) or give rows with values');
      return m.rule === 'mode' ? { name, kind: 'categorical', categories, missing: 'mode', fill: mode } : { name, kind: 'categorical', categories, missing: m.rule };
    }
    if (m.rule === 'error' || m.rule === 'drop') return { name, kind: 'numeric', missing: m.rule };
    const values: number[] = [];
    for (const r of train) {
      const u = t.X[r * t.nIn + j];
      if (u === u) values.push(rawOf(t, u, j));
    }
    const fill = numericFill(m, Float64Array.from(values));
    if (fill === null) throw new DataFileError({ file: t.name, column: name, columnIndex: j }, `the column has no values in the training rows, so there is no ${m.rule} to fill with`, 'leave it out (ignore) or give a number to fill with');
    return { name, kind: 'numeric', missing: m.rule, fill };
  });
}

/** Per input: the normalisation of numeric columns, identity (0, 1) for one-hot inputs. */
function expandNormalization(perColumn: Normalization, columns: ColumnEncoding[]): Normalization {
  const shift: number[] = [];
  const scale: number[] = [];
  const offset: number[] = [];
  columns.forEach((c, j) => {
    const w = c.kind === 'numeric' ? 1 : c.categories.length;
    for (let q = 0; q < w; q++) {
      shift.push(c.kind === 'numeric' ? perColumn.shift[j] : 0);
      scale.push(c.kind === 'numeric' ? perColumn.scale[j] : 1);
      offset.push(c.kind === 'numeric' && perColumn.offset ? perColumn.offset[j] : 0);
    }
  });
  return perColumn.offset ? { kind: perColumn.kind, shift, scale, offset } : { kind: perColumn.kind, shift, scale };
}

/** The Preprocessing object of fitted columns (the one shape both resident and streamed data save). */
export function buildPreprocessing(p: {
  columns: ColumnEncoding[];
  perColumn: Normalization;
  labels: string[] | null;
  source: string;
  targets?: string[];
  targetNormalization?: Preprocessing['targetNormalization'];
  labelMissing?: 'drop';
}): Preprocessing {
  const pre: Preprocessing = {
    version: PREPROCESSING_VERSION,
    features: p.columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.categories.map((k) => `${c.name}=${k}`))),
    normalization: expandNormalization(p.perColumn, p.columns),
    labels: p.labels,
    source: p.source,
  };
  if (p.columns.some((c) => c.kind === 'categorical' || c.missing !== 'error')) pre.columns = p.columns;
  if (p.labelMissing) pre.labelMissing = p.labelMissing;
  if (p.targets) pre.targets = p.targets;
  if (p.targetNormalization) pre.targetNormalization = p.targetNormalization;
  return pre;
}

/**
 * Splits a table, fits categories, fills, normalisation and labels on its training rows, and
 * builds the datasets. With `testTable` (e.g. MNIST's t10k files) the test set is that table,
 * whole and in order. With `opts.preprocessing`, applies that instead of fitting (prepareFor).
 */
export function prepare(table: Table, opts: PrepareOptions = {}, testTable: Table | null = null): LoadedData {
  if (opts.preprocessing) return prepareFor(opts.preprocessing, table, opts, testTable);
  checkTable(table);
  if (testTable) checkCompatible(table, checkTable(testTable));
  const target = table.target;
  const missing = opts.missing ?? table.missing;
  const policies = table.features.map((name, j) => columnMissing(missing, name, Boolean(table.categories?.[j])));
  const dropLabel = missingFor(missing, labelName(table)).rule === 'drop';
  const kept = (t: Table) => keptRows(t, (j) => policies[j].rule === 'drop', (j) => policies[j].rule !== 'error', dropLabel);
  const keep = kept(table);
  if (keep.length === 0) throw new DataFileError({ file: table.name }, `all ${table.N} rows have a missing value and were dropped`, 'fill missing values instead of dropping them (missing: mean, median or mode)');
  const testKeep = testTable ? kept(testTable) : null;
  const rows = splitOf(table, keep, opts, testTable, testKeep);

  // label encoding: a known label set stays whole; otherwise the classes seen in training
  let labels: string[] | null = null;
  let map: Int32Array | null = null; // table class → output index
  if (target.kind === 'classes') {
    map = new Int32Array(target.labels.length).fill(-1);
    if (target.known) {
      labels = target.labels.slice();
      for (let k = 0; k < labels.length; k++) map[k] = k;
    } else {
      const seen = new Uint8Array(target.labels.length);
      for (const r of rows.train) seen[target.y[r]] = 1;
      labels = target.labels.filter((_, k) => seen[k] === 1);
      for (let k = 0, o = 0; k < seen.length; k++) if (seen[k]) map[k] = o++;
    }
  }
  const columns = fitColumns(table, rows.train, policies);
  const fillStored = columns.map((c, j) => (c.kind === 'numeric' && c.fill !== undefined ? (c.fill - (table.offset?.[j] ?? 0)) * table.divisor : NaN));
  const skip = columns.map((c) => c.kind === 'categorical');
  const perColumn = fitNormalization(opts.normalization ?? table.normalization, table.X, table.nIn, rows.train, table.divisor, { offset: table.offset, fill: fillStored, skip });
  const tKind = opts.targetNormalization ?? 'zscore';
  const tFit = target.kind === 'values' && tKind !== 'none' ? fitNormalization(tKind, target.Y, target.names.length, rows.train) : null;
  const preprocessing = buildPreprocessing({
    columns, perColumn, labels, source: table.source,
    targets: target.kind === 'values' ? target.names.slice() : undefined,
    targetNormalization: tFit ? { kind: tKind, shift: tFit.shift, scale: tFit.scale } : undefined,
    labelMissing: dropLabel && keep.length < table.N ? 'drop' : undefined,
  });
  const unseenLabel = (t: Table, c: number, row: number, split: string): never => {
    const name = t.target.kind === 'classes' ? t.target.labels[c] : String(c);
    throw new DataFileError({ ...rowLocation(t, row), column: labelName(t) }, `label "${name}" occurs in the ${split} rows but never in the training rows, so the model would have no output for it`, 'give the training split examples of every class (use more rows or a smaller test share), or drop that class');
  };
  const testMap = testTable && labels ? classMap(labels, testTable) : map;
  const warnings: string[] = [];
  const encodeOpts: EncodeOptions = { unseen: 'zeros', onWarning: (m) => warnings.push(m) };
  const dtype = opts.dtype ?? 'f32';
  const inPlace = table.consumable === true && !table.categories && testTable === null && sameType(table.X, dtype);
  const data = inPlace
    ? assembleInPlace(table, rows, preprocessing, perColumn, columns, map, dtype, unseenLabel)
    : assemble(table, testTable, rows, preprocessing, { map }, { map: testMap }, dtype, unseenLabel, encodeOpts);
  return { ...data, dropped: table.N - keep.length, warnings };
}

function sameType(X: Table['X'], dtype: DType): boolean {
  const shared = typeof SharedArrayBuffer !== 'undefined' && X.buffer instanceof SharedArrayBuffer;
  return shared && ((dtype === 'f32' && X instanceof Float32Array) || (dtype === 'f64' && X instanceof Float64Array));
}

/**
 * Datasets built with a saved model's preprocessing instead of fitting one (for eval, or a
 * fine-tune on new data): columns matched by name (or by position when the names differ but
 * the count agrees), categories and labels mapped by name, the model's fills and normalisation.
 * Rows the model's rules drop are dropped first, so the split is the one `prepare` made for the
 * same table and options. A label the model does not know is an error naming the file line.
 */
export function prepareFor(pre: Preprocessing, table: Table, opts: PrepareOptions = {}, testTable: Table | null = null): LoadedData {
  checkTable(table);
  if (testTable) checkTable(testTable);
  checkPreprocessing(pre);
  for (const t of testTable ? [table, testTable] : [table]) {
    const classify = pre.labels !== null;
    if (classify !== (t.target.kind === 'classes')) {
      throw new DataFileError({ file: t.name }, `the model does ${classify ? 'classification' : 'regression'} but this data has ${t.target.kind === 'classes' ? 'class labels' : 'numeric targets'}`, `load it with task "${classify ? 'classification' : 'regression'}", or use a model trained for this kind of target`);
    }
    if (t.target.kind === 'values' && t.target.names.length !== (pre.targets?.length ?? 1)) {
      throw new DataFileError({ file: t.name }, `the data has ${t.target.names.length} target columns but the model predicts ${pre.targets?.length ?? 1} (${(pre.targets ?? ['y']).join(', ')})`, 'choose the same label columns the model was trained with');
    }
  }
  const kept = (t: Table) => {
    const r = modelRowRules(pre, t);
    return keptRows(t, r.drop, r.fills, r.dropLabel, () => 'the model has no fill value for this column; give a value in this cell (or retrain with a missing-value fill, e.g. --missing mean)');
  };
  const keep = kept(table);
  const rows = splitOf(table, keep, opts, testTable, testTable ? kept(testTable) : null);
  const side = (t: Table) => ({ map: pre.labels ? classMap(pre.labels, t) : null });
  const warnings: string[] = [];
  const encodeOpts: EncodeOptions = { unseen: opts.unseen, onWarning: (m) => (warnings.push(m), opts.onWarning?.(m)) };
  const data = assemble(table, testTable, rows, pre, side(table), testTable ? side(testTable) : side(table), opts.dtype ?? 'f32', (t, c, row) => unknownLabel(pre, t, c, row), encodeOpts);
  return { ...data, dropped: table.N - keep.length, warnings };
}

/** Network inputs for every row of a table under a model's preprocessing (columns by name, else in order). */
export function inputsFor(pre: Preprocessing, table: Table, dtype: DType = 'f32', opts: EncodeOptions = {}): Floats {
  checkPreprocessing(pre);
  const all = Int32Array.from({ length: table.N }, (_, i) => i);
  return encodeTable(pre, table, all, bindColumns(pre, table), dtype, opts).X;
}

function checkPreprocessing(pre: Preprocessing): void {
  if (pre.expand && pre.expand.length > 0) {
    throw new ConfigError(`this model derives features (${pre.expand.join(', ')}) from its raw inputs, which @backprop/data does not compute; use the app that trained the model`);
  }
  const n = pre.features.length;
  if (pre.normalization.shift.length !== n || pre.normalization.scale.length !== n) {
    throw new ShapeError(`preprocessing lists ${n} features but ${pre.normalization.shift.length} shifts and ${pre.normalization.scale.length} scales; the model file is damaged`);
  }
}

/** Output index of each of a table's classes, by name (−1: a class the labels do not have). */
function classMap(labels: string[], t: Table): Int32Array {
  const target = t.target;
  if (target.kind !== 'classes') return new Int32Array(0);
  return Int32Array.from(target.labels, (name) => labels.indexOf(name));
}

interface Side {
  map: Int32Array | null; // source class → output index
}

type Unknown = (t: Table, c: number, row: number, split: string) => never;

function assemble(table: Table, testTable: Table | null, rows: SplitRows, pre: Preprocessing, own: Side, test: Side, dtype: DType, unknown: Unknown, opts: EncodeOptions): Omit<LoadedData, 'dropped' | 'warnings'> {
  const build = (t: Table, idx: Int32Array, side: Side, split: string): Dataset => {
    const { X } = encodeTable(pre, t, idx, bindColumns(pre, t), dtype, opts, undefined, `${split} row`);
    return { X, ...targets(t, idx, side, pre, dtype, (c, row) => unknown(t, c, row, split)), N: idx.length, nIn: pre.features.length };
  };
  return {
    name: table.name,
    task: pre.labels ? 'classification' : 'regression',
    train: build(table, rows.train, own, 'training'),
    validation: rows.validation.length > 0 ? build(table, rows.validation, own, 'validation') : null,
    test: rows.test.length > 0 ? build(testTable ?? table, rows.test, test, 'test') : null,
    preprocessing: pre,
    rows,
  };
}

/**
 * The datasets as views of the table's own shared memory: rows permuted in place into
 * [train | validation | test | unused] order, then normalised in place (all-numeric tables).
 */
function assembleInPlace(table: Table, rows: SplitRows, pre: Preprocessing, norm: Normalization, columns: ColumnEncoding[], map: Int32Array | null, dtype: DType, unknown: Unknown): Omit<LoadedData, 'dropped' | 'warnings'> {
  const X = table.X as Float32Array | Float64Array;
  const n = table.nIn;
  const order = new Int32Array(table.N);
  const used = new Uint8Array(table.N);
  let p = 0;
  for (const part of [rows.train, rows.validation, rows.test]) {
    for (const r of part) {
      order[p++] = r;
      used[r] = 1;
    }
  }
  const M = p;
  for (let r = 0; r < table.N; r++) if (!used[r]) order[p++] = r;
  permuteRows(X, n, order);
  const { shift, scale, offset } = norm;
  const d = table.divisor;
  const filled = Float64Array.from(columns, (c, j) => (c.kind === 'numeric' && c.fill !== undefined ? normalizeInput(norm, j, c.fill, X) : NaN));
  for (let i = 0; i < M; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const u = X[row + j];
      if (u !== u) X[row + j] = filled[j]; // a missing cell: the fill, normalised (as encodeRows does)
      else X[row + j] = offset ? (u - (shift[j] - offset[j])) * scale[j] : (u / d - shift[j]) * scale[j];
    }
  }
  let at = 0;
  const view = (idx: Int32Array, split: string): Dataset => {
    const Xs = X.subarray(at * n, (at + idx.length) * n);
    at += idx.length;
    return { X: Xs, ...targets(table, idx, { map }, pre, dtype, (c, row) => unknown(table, c, row, split)), N: idx.length, nIn: n };
  };
  return {
    name: table.name,
    task: pre.labels ? 'classification' : 'regression',
    train: view(rows.train, 'training'),
    validation: rows.validation.length > 0 ? view(rows.validation, 'validation') : null,
    test: rows.test.length > 0 ? view(rows.test, 'test') : null,
    preprocessing: pre,
    rows,
  };
}

/** Reorders the rows of X (width n) in place so that row p becomes old row order[p] (cycle by cycle, one row of scratch). */
export function permuteRows(X: Float32Array | Float64Array, n: number, order: Int32Array): void {
  const done = new Uint8Array(order.length);
  const tmp = X.slice(0, n);
  for (let start = 0; start < order.length; start++) {
    if (done[start] || order[start] === start) continue;
    tmp.set(X.subarray(start * n, start * n + n));
    let q = start;
    for (;;) {
      done[q] = 1;
      const s = order[q];
      if (s === start) {
        X.set(tmp, q * n);
        break;
      }
      X.copyWithin(q * n, s * n, s * n + n);
      q = s;
    }
  }
}

function checkCompatible(train: Table, test: Table): void {
  if (test.nIn !== train.nIn) {
    throw new DataFileError({ file: test.name }, `test data has ${test.nIn} features per row but the training data (${train.name}) has ${train.nIn}`, 'give test files with the same shape as the training files');
  }
  if (test.target.kind !== train.target.kind) {
    throw new DataFileError({ file: test.name }, `test data has ${test.target.kind === 'classes' ? 'class labels' : 'numeric targets'} but the training data (${train.name}) does not`, 'give test files of the same kind as the training files');
  }
}

/** Y rows (on shared memory) for the rows `idx` of a table under a model's labels or target normalisation; a class the model lacks is an error naming its line. */
export function targetRows(t: Table, idx: Int32Array, pre: Preprocessing, dtype: DType, out?: Floats): { Y: Floats; nOut: number } {
  return targets(t, idx, { map: pre.labels ? classMap(pre.labels, t) : null }, pre, dtype, (c, row) => unknownLabel(pre, t, c, row), out);
}

/** The error for a class the model does not know: labelIndex's, located at the row's file line. */
function unknownLabel(pre: Preprocessing, t: Table, c: number, row: number): never {
  labelIndex(pre, t.target.kind === 'classes' ? t.target.labels[c] : String(c), { ...rowLocation(t, row), column: labelName(t) });
  throw new Error('unreachable: labelIndex throws for a label the model does not know');
}

/** A model's row rules on a table: which columns drop a row with a missing cell, which fill it, and whether a missing label drops it. */
export function modelRowRules(pre: Preprocessing, t: Table): { drop: (j: number) => boolean; fills: (j: number) => boolean; dropLabel: boolean } {
  const src = bindColumns(pre, t);
  const rule = new Map<number, ColumnEncoding>();
  (pre.columns ?? []).forEach((c, m) => rule.set(src[m], c));
  return { drop: (j) => rule.get(j)?.missing === 'drop', fills: (j) => rule.get(j)?.fill !== undefined, dropLabel: pre.labelMissing === 'drop' };
}

/** Y rows for the rows `idx`: one-hot classes (mapped by `side.map`), or targets normalised as the model says. */
function targets(t: Table, idx: Int32Array, side: Side, pre: Preprocessing, dtype: DType, unknown: (c: number, row: number) => never, out?: Floats): { Y: Floats; nOut: number } {
  const M = idx.length;
  const target = t.target;
  if (target.kind === 'classes') {
    const K = pre.labels!.length;
    const map = side.map!;
    const Y = out ? out.fill(0, 0, M * K) : jsBackend.floats(dtype, M * K); // (M, K) one-hot
    for (let p = 0; p < M; p++) {
      const c = target.y[idx[p]];
      const k = map[c];
      if (k < 0) unknown(c, idx[p]);
      Y[p * K + k] = 1;
    }
    return { Y, nOut: K };
  }
  const nOut = target.names.length;
  const tn = pre.targetNormalization;
  const Y = out ?? jsBackend.floats(dtype, M * nOut); // (M, nOut)
  for (let p = 0; p < M; p++) {
    const from = idx[p] * nOut;
    for (let k = 0; k < nOut; k++) {
      const y = target.Y[from + k];
      Y[p * nOut + k] = tn ? (y - tn.shift[k]) * tn.scale[k] : y;
    }
  }
  return { Y, nOut };
}

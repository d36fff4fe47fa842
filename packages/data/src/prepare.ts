/**
 * prepare: Table → shared-memory datasets. Split the rows (seeded), fit normalisation and
 * label encoding on the training rows only, then write X' = (x − shift)·scale and one-hot Y
 * straight into shared memory, one buffer per split (DESIGN.md §3, §7).
 */
import { ConfigError, ShapeError, jsBackend, type Dataset, type DType, type Floats, type Preprocessing } from '@backprop/core';
import { DataFileError } from './errors.js';
import { labelIndex } from './labels.js';
import { fitNormalization, type Normalization } from './normalize.js';
import { splitRows, type SplitOptions, type SplitRows } from './split.js';
import { checkTable, type NormalizationKind, type Table } from './table.js';

export interface PrepareOptions extends SplitOptions {
  /** Default: the table's own (z-score for tabular and 2-D data, none for images). */
  normalization?: NormalizationKind;
  /** Element type of X and Y. Default f32. */
  dtype?: DType;
  /** A saved model's preprocessing to apply instead of fitting one (see prepareFor). */
  preprocessing?: Preprocessing | null;
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
}

/** Row indices of each split; with a test table, its rows whole and in order. */
function splitOf(table: Table, opts: PrepareOptions, testTable: Table | null): SplitRows {
  const classes = table.target.kind === 'classes' ? table.target.y : null;
  const rows = splitRows(table.N, testTable ? { ...opts, test: 0 } : opts, classes);
  if (testTable) rows.test = Int32Array.from({ length: testTable.N }, (_, i) => i);
  return rows;
}

/**
 * Splits a table, fits normalisation and labels on its training rows, and builds the datasets.
 * With `testTable` (e.g. MNIST's t10k files) the test set is that table, whole and in order.
 * With `opts.preprocessing`, applies that instead of fitting (prepareFor).
 */
export function prepare(table: Table, opts: PrepareOptions = {}, testTable: Table | null = null): LoadedData {
  if (opts.preprocessing) return prepareFor(opts.preprocessing, table, opts, testTable);
  checkTable(table);
  if (testTable) checkCompatible(table, checkTable(testTable));
  const target = table.target;
  const rows = splitOf(table, opts, testTable);

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
  const kind = opts.normalization ?? table.normalization;
  const preprocessing: Preprocessing = {
    features: table.features.slice(),
    normalization: fitNormalization(kind, table.X, table.nIn, rows.train, table.divisor),
    labels,
    source: table.source,
  };
  if (target.kind === 'values') preprocessing.targets = target.names.slice();
  const unseen = (t: Table, c: number, row: number, split: string): never => {
    const name = t.target.kind === 'classes' ? t.target.labels[c] : String(c);
    throw new DataFileError({ file: t.name, row }, `label "${name}" occurs in the ${split} rows but never in the training rows, so the model would have no output for it`, 'give the training split examples of every class (use more rows or a smaller test share), or drop that class');
  };
  const ids = identity(table.nIn);
  const testMap = testTable && labels ? classMap(labels, testTable) : map;
  return assemble(table, testTable, rows, preprocessing, { cols: ids, map }, { cols: ids, map: testMap }, opts.dtype ?? 'f32', unseen);
}

/**
 * Datasets built with a saved model's preprocessing instead of fitting one (for eval, or a
 * fine-tune on new data): features matched by name (or by position when the names differ but
 * the count agrees), labels mapped by name, the model's normalisation. The split is the one
 * `prepare` makes for the same table and options. A label the model does not know is an error.
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
  const rows = splitOf(table, opts, testTable);
  const side = (t: Table) => ({ cols: featureColumns(pre, t), map: pre.labels ? classMap(pre.labels, t) : null });
  const unknown = (t: Table, c: number, row: number): never => {
    labelIndex(pre, t.target.kind === 'classes' ? t.target.labels[c] : String(c), { file: t.name, row });
    throw new Error('unreachable: labelIndex throws for a label the model does not know');
  };
  return assemble(table, testTable, rows, pre, side(table), testTable ? side(testTable) : side(table), opts.dtype ?? 'f32', unknown);
}

/** Network inputs for every row of a table under a model's preprocessing (features by name). */
export function inputsFor(pre: Preprocessing, table: Table, dtype: DType = 'f32'): Floats {
  checkPreprocessing(pre);
  const all = identity(table.N);
  return writeInputs(table, all, featureColumns(pre, table), pre.normalization, dtype);
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

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Source column of each model feature: by name when the table has them all, else by position. */
function featureColumns(pre: Preprocessing, t: Table): Int32Array {
  const n = pre.features.length;
  const byName = pre.features.map((f) => t.features.indexOf(f));
  if (byName.every((j) => j >= 0)) return Int32Array.from(byName);
  if (t.nIn === n) return identity(n); // other names, same count: take the columns in order
  const missing = pre.features.filter((_, j) => byName[j] < 0);
  const list = (a: string[]) => (a.length > 8 ? `${a.slice(0, 8).join(', ')}, … (${a.length})` : a.join(', '));
  throw new DataFileError({ file: t.name }, `the model takes ${n} features and this data has ${t.nIn}; it lacks ${list(missing)}`, `give the columns the model was trained on (${list(pre.features)}), by name or in that order`);
}

/** Output index of each of a table's classes, by name (−1: a class the labels do not have). */
function classMap(labels: string[], t: Table): Int32Array {
  const target = t.target;
  if (target.kind !== 'classes') return new Int32Array(0);
  return Int32Array.from(target.labels, (name) => labels.indexOf(name));
}

interface Side {
  cols: Int32Array; // source column of each feature
  map: Int32Array | null; // source class → output index
}

function assemble(
  table: Table,
  testTable: Table | null,
  rows: SplitRows,
  pre: Preprocessing,
  own: Side,
  test: Side,
  dtype: DType,
  unknown: (t: Table, c: number, row: number, split: string) => never,
): LoadedData {
  const build = (t: Table, idx: Int32Array, side: Side, split: string) => buildDataset(t, idx, side, pre, dtype, (c, row) => unknown(t, c, row, split));
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

function checkCompatible(train: Table, test: Table): void {
  if (test.nIn !== train.nIn) {
    throw new DataFileError({ file: test.name }, `test data has ${test.nIn} features per row but the training data (${train.name}) has ${train.nIn}`, 'give test files with the same shape as the training files');
  }
  if (test.target.kind !== train.target.kind) {
    throw new DataFileError({ file: test.name }, `test data has ${test.target.kind === 'classes' ? 'class labels' : 'numeric targets'} but the training data (${train.name}) does not`, 'give test files of the same kind as the training files');
  }
}

/** X' rows: x′_pj = (x_{idx[p], cols[j]} − shift_j)·scale_j, rounded once (as applyPreprocessing). */
function writeInputs(t: Table, idx: Int32Array, cols: Int32Array, norm: Normalization, dtype: DType): Floats {
  const { nIn: stride, divisor } = t;
  const nIn = cols.length;
  const { shift, scale } = norm;
  const M = idx.length;
  const X = jsBackend.floats(dtype, M * nIn); // (M, nIn)
  const src = t.X;
  for (let p = 0; p < M; p++) {
    const from = idx[p] * stride;
    const to = p * nIn;
    for (let j = 0; j < nIn; j++) X[to + j] = (src[from + cols[j]] / divisor - shift[j]) * scale[j];
  }
  return X;
}

function buildDataset(t: Table, idx: Int32Array, side: Side, pre: Preprocessing, dtype: DType, unknown: (c: number, row: number) => never): Dataset {
  const X = writeInputs(t, idx, side.cols, pre.normalization, dtype);
  const nIn = side.cols.length;
  const M = idx.length;
  const target = t.target;
  if (target.kind === 'classes') {
    const K = pre.labels!.length;
    const map = side.map!;
    const Y = jsBackend.floats(dtype, M * K); // (M, K) one-hot
    for (let p = 0; p < M; p++) {
      const c = target.y[idx[p]];
      const k = map[c];
      if (k < 0) unknown(c, idx[p]);
      Y[p * K + k] = 1;
    }
    return { X, Y, N: M, nIn, nOut: K };
  }
  const nOut = target.names.length;
  const Y = jsBackend.floats(dtype, M * nOut); // (M, nOut)
  for (let p = 0; p < M; p++) {
    const from = idx[p] * nOut;
    for (let k = 0; k < nOut; k++) Y[p * nOut + k] = target.Y[from + k];
  }
  return { X, Y, N: M, nIn, nOut };
}

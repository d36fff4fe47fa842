/**
 * Raw columns → network inputs, the one place both training data and rows to predict on pass
 * through: a numeric cell (a missing one filled as the model says) becomes x' = (x − shift)·scale,
 * a categorical cell becomes one-hot inputs over the model's categories, all zeros for a category
 * the model never saw (one warning per call, or an error on request).
 */
import { ConfigError, jsBackend, type ColumnEncoding, type DType, type Floats, type Preprocessing } from '@backprop/core';
import { DataFileError, nonFiniteError, type Location } from './errors.js';
import { normalizeInput } from './normalize.js';
import { isMissingCell, parseCell } from './csv.js';
import { rowLocation, type Table } from './table.js';

export interface EncodeOptions {
  /** A category the model never saw: all-zero one-hot inputs and one warning per call (default 'zeros'), or an error. */
  unseen?: 'zeros' | 'error';
  /** Receives the warning about unseen categories (default: console.warn). */
  onWarning?: (message: string) => void;
}

/** The model's raw columns: `pre.columns`, or one numeric column per feature (shape version 1). */
export function modelColumns(pre: Preprocessing): ColumnEncoding[] {
  return pre.columns ?? pre.features.map((name) => ({ name, kind: 'numeric', missing: 'error' }));
}

function list(a: string[]): string {
  return a.length > 8 ? `${a.slice(0, 8).join(', ')}, … (${a.length})` : a.join(', ');
}

/** Table column of each model column: by name when the table has them all, else by position when the counts agree. */
export function bindColumns(pre: Preprocessing, t: Table): Int32Array {
  const names = modelColumns(pre).map((c) => c.name);
  const byName = names.map((f) => t.features.indexOf(f));
  if (byName.every((j) => j >= 0)) return Int32Array.from(byName);
  if (t.nIn === names.length) return Int32Array.from(names, (_, j) => j); // other names, same count: take the columns in order
  const missing = names.filter((_, j) => byName[j] < 0);
  throw new DataFileError({ file: t.name }, `the model takes ${names.length} columns and this data has ${t.nIn}; it lacks ${list(missing)}`, `give the columns the model was trained on (${list(names)}), by name or in that order`);
}

/** Counts unseen categories, and reports them once. */
class Unseen {
  private readonly seen = new Map<string, Map<string, number>>();
  rows = 0;

  add(column: string, value: string): void {
    let m = this.seen.get(column);
    if (!m) this.seen.set(column, (m = new Map<string, number>()));
    m.set(value, (m.get(value) ?? 0) + 1);
  }

  report(opts: EncodeOptions, what: string): string | null {
    if (this.rows === 0) return null;
    const parts = Array.from(this.seen, ([c, m]) => `${c}: ${Array.from(m, ([v, n]) => `"${v}"${n > 1 ? ` ×${n}` : ''}`).slice(0, 5).join(', ')}${m.size > 5 ? ', …' : ''}`);
    const msg = `${this.rows} ${what}${this.rows === 1 ? ' has a category' : 's have categories'} the model never saw in training (${parts.join('; ')}); ${this.rows === 1 ? 'its' : 'their'} one-hot inputs are all zeros`;
    (opts.onWarning ?? ((s: string) => console.warn(`warning: ${s}`)))(msg);
    return msg;
  }
}

/** One model column's plan for a table. */
interface Plan {
  col: ColumnEncoding;
  src: number; // table column
  at: number; // first input index
  width: number;
  catMap: Int32Array | null; // table code → category index (−1: unseen)
  fillIndex: number; // categorical fill as a category index (−1: none)
  tableOffset: number;
  sameOffset: boolean; // stored value already is round(x − model offset)
}

function plans(pre: Preprocessing, t: Table, src: Int32Array): Plan[] {
  const norm = pre.normalization;
  let at = 0;
  return modelColumns(pre).map((col, m) => {
    const j = src[m];
    const tableCats = t.categories?.[j] ?? null;
    const width = col.kind === 'numeric' ? 1 : col.categories.length;
    if (col.kind === 'categorical' && !tableCats) throw new ConfigError(`${t.name}: column "${t.features[j]}" is categorical in the model but was read as numbers; read it with categorical: ["${t.features[j]}"]`);
    if (col.kind === 'numeric' && tableCats) throw new ConfigError(`${t.name}: column "${t.features[j]}" is numeric in the model but was read as categories; do not list it as categorical`);
    const index = col.kind === 'categorical' ? new Map(col.categories.map((c, k) => [c, k])) : null;
    const tableOffset = t.offset?.[j] ?? 0;
    const plan: Plan = {
      col, src: j, at, width,
      catMap: index && tableCats ? Int32Array.from(tableCats, (c) => index.get(c) ?? -1) : null,
      fillIndex: col.kind === 'categorical' && col.fill !== undefined ? index!.get(col.fill)! : -1,
      tableOffset,
      sameOffset: t.offset !== undefined && norm.offset !== undefined && norm.offset[at] === tableOffset,
    };
    at += width;
    return plan;
  });
}

function missingError(t: Table, r: number, col: ColumnEncoding, j: number): DataFileError {
  const at: Location = { ...rowLocation(t, r), column: t.features[j], columnIndex: j };
  const why = col.missing === 'drop' ? 'the model was trained dropping rows with a missing value there' : 'the model has no fill value for this column';
  return new DataFileError(at, `missing value, and ${why}`, 'give a value in this cell (or retrain with a missing-value fill, e.g. --missing mean)');
}

/**
 * Network inputs (M, n^[0]) for the rows `idx` of a table under a model's preprocessing, written
 * into `out` (default: new shared memory). `src` is bindColumns(pre, t). Returns the number of rows
 * with an unseen category (they get all-zero one-hot inputs, or an error with `unseen: 'error'`).
 */
export function encodeTable(pre: Preprocessing, t: Table, idx: Int32Array, src: Int32Array, dtype: DType, opts: EncodeOptions = {}, out?: Floats, what = 'row'): { X: Floats; unseenRows: number } {
  const n = pre.features.length;
  const M = idx.length;
  const X = out ?? jsBackend.floats(dtype, M * n); // (M, n^[0])
  const ps = plans(pre, t, src);
  const norm = pre.normalization;
  const { shift, scale } = norm;
  const tX = t.X;
  const stride = t.nIn;
  const divisor = t.divisor;
  const unseen = new Unseen();
  for (let p = 0; p < M; p++) {
    const r = idx[p];
    const from = r * stride;
    const to = p * n;
    let rowUnseen = false;
    for (const plan of ps) {
      const u = tX[from + plan.src];
      const o = plan.at;
      if (plan.col.kind === 'numeric') {
        if (u !== u) {
          if (plan.col.fill === undefined) throw missingError(t, r, plan.col, plan.src);
          X[to + o] = normalizeInput(norm, o, plan.col.fill, X);
        } else if (plan.sameOffset) X[to + o] = (u - (shift[o] - norm.offset![o])) * scale[o];
        else X[to + o] = normalizeInput(norm, o, u / divisor + plan.tableOffset, X);
        continue;
      }
      let k: number;
      if (u !== u) {
        if (plan.fillIndex < 0) throw missingError(t, r, plan.col, plan.src);
        k = plan.fillIndex;
      } else k = plan.catMap![u];
      if (k < 0) {
        const value = t.categories![plan.src]![u];
        if (opts.unseen === 'error') {
          throw new DataFileError({ ...rowLocation(t, r), column: t.features[plan.src], columnIndex: plan.src }, `category "${value}" never occurred in the model's training rows`, `use one of ${list(plan.col.kind === 'categorical' ? plan.col.categories : [])}, or let unseen categories become all-zero inputs (unseen: 'zeros', CLI --unseen zeros)`);
        }
        unseen.add(plan.col.name, value);
        rowUnseen = true;
      }
      for (let q = 0; q < plan.width; q++) X[to + o + q] = normalizeInput(norm, o + q, q === k ? 1 : 0, X);
    }
    if (rowUnseen) unseen.rows++;
  }
  unseen.report(opts, what);
  return { X, unseenRows: unseen.rows };
}

/** A raw cell: a number, a text (category name or number), or null/undefined/NaN for missing. */
export type RawCell = number | string | null | undefined;

/** Raw rows as a table (codes for categorical columns, NaN for missing cells), in the model's column order. */
function rowsTable(pre: Preprocessing, rows: (RawCell[] | Record<string, RawCell>)[], file = 'rows', strictNumbers = false): Table {
  const cols = modelColumns(pre);
  const C = cols.length;
  const X = new Float64Array(rows.length * C);
  const categories: (string[] | null)[] = cols.map((c) => (c.kind === 'categorical' ? [] : null));
  const dicts = cols.map(() => new Map<string, number>());
  rows.forEach((row, i) => {
    const isArray = Array.isArray(row);
    if (isArray && row.length !== C) throw new DataFileError({ file, row: i }, `the row has ${row.length} values but the model takes ${C} columns (${list(cols.map((c) => c.name))})`, `give ${C} values per row in that order`);
    if (!isArray && (row === null || typeof row !== 'object')) throw new DataFileError({ file, row: i }, `a row is ${JSON.stringify(row)}, not an array or object`, 'write each row as an array of values or an object keyed by column');
    for (let j = 0; j < C; j++) {
      const name = cols[j].name;
      if (!isArray && !(name in row)) throw new DataFileError({ file, row: i, column: name }, 'the column is missing', `give every object the keys ${list(cols.map((c) => c.name))} (null for a missing value)`);
      const v = isArray ? row[j] : (row)[name];
      const at: Location = { file, row: i, column: name };
      let x: number;
      if (v === null || v === undefined || (typeof v === 'number' && v !== v) || (typeof v === 'string' && !strictNumbers && isMissingCell(v))) x = NaN;
      else if (cols[j].kind === 'categorical') {
        if (typeof v !== 'string' && typeof v !== 'number') throw new DataFileError(at, `${JSON.stringify(v)} is not a category name`, 'give a text or number');
        const s = String(v).trim();
        let code = dicts[j].get(s);
        if (code === undefined) {
          code = dicts[j].size;
          dicts[j].set(s, code);
          categories[j]!.push(s);
        }
        x = code;
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw nonFiniteError(at, v);
        x = v;
      } else if (typeof v === 'string' && !strictNumbers) {
        const c = parseCell(v);
        if (c === 'not finite') throw nonFiniteError(at, v);
        if (typeof c !== 'number') throw new DataFileError(at, `${JSON.stringify(v)} is not a number`, 'give a numeric value for this column');
        x = c;
      } else throw new DataFileError(at, `${JSON.stringify(v)} is not a number`, 'give numeric feature values');
      X[i * C + j] = x;
    }
  });
  return {
    name: file, source: file, X, divisor: 1, N: rows.length, nIn: C, features: cols.map((c) => c.name),
    target: { kind: 'values', Y: new Float64Array(0), names: [] }, normalization: 'none',
    categories: categories.some((c) => c !== null) ? categories : undefined,
  };
}

/**
 * Network inputs for raw rows: arrays in the model's column order, or objects keyed by column
 * name, with category names as text and null for a missing cell. The same bits as the training data.
 */
export function encodeRows(pre: Preprocessing, rows: (RawCell[] | Record<string, RawCell>)[], opts: EncodeOptions & { dtype?: DType; file?: string; strictNumbers?: boolean } = {}): Floats {
  const t = rowsTable(pre, rows, opts.file, opts.strictNumbers);
  const identity = Int32Array.from({ length: t.nIn }, (_, j) => j);
  const all = Int32Array.from({ length: t.N }, (_, i) => i);
  const dtype = opts.dtype ?? 'f32';
  return encodeTable(pre, t, all, identity, dtype, opts, dtype === 'f64' ? new Float64Array(t.N * pre.features.length) : new Float32Array(t.N * pre.features.length)).X;
}

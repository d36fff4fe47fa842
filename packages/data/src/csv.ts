/**
 * CSV → Table. Records from csv-parse (whole text here; a stream in `node/csv.ts`) go through
 * one CsvBuilder, which detects the header, picks the label column(s), parses every feature
 * cell as a number and reports bad cells by file, line and column.
 */
import { BackpropError, ConfigError } from '@backprop/core';
import { parse } from 'csv-parse/browser/esm/sync';
import { DataFileError, nonFiniteError, type Location } from './errors.js';
import { encodeClasses, sortLabels, type Table, type Target } from './table.js';

export interface CsvOptions {
  /**
   * Label column(s): a header name or a 0-based index (negative counts from the end). Several
   * columns make a multi-output regression. Default: a column named label, class, target or y
   * (any case), else the last column. An empty list: no label (rows to predict on).
   */
  label?: string | number | (string | number)[];
  /** Columns to leave out, e.g. an id column. */
  ignore?: (string | number)[];
  /** Feature columns, by name or index, in this order. Default: every column but the label(s) and ignored ones. */
  features?: (string | number)[];
  /** Whether the first row names the columns. 'auto' (default): yes when none of its cells is a number. */
  header?: boolean | 'auto';
  /** Field separator. Default: whichever of , ; tab | occurs most in the first line. */
  delimiter?: string;
  /** 'auto' (default): classes when the labels are text, or whole numbers with at most 20 distinct values; otherwise regression. */
  task?: 'classification' | 'regression' | 'auto';
  /** Name used in messages and as the dataset name. Default "CSV text". */
  file?: string;
}

export const LABEL_COLUMN_NAMES = ['label', 'class', 'target', 'y'];
const MAX_AUTO_CLASSES = 20;
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none', '?', '-']);
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number, or why it is not one. */
export function parseCell(cell: string): number | 'missing' | 'not a number' | 'not finite' {
  const s = cell.trim();
  if (NUMBER.test(s)) {
    const x = Number(s);
    return Number.isFinite(x) ? x : 'not finite';
  }
  if (NON_FINITE.test(s)) return 'not finite';
  return MISSING.has(s.toLowerCase()) ? 'missing' : 'not a number';
}

/** The most frequent of , ; tab | in the first non-empty line (comma when none occurs). */
export function sniffDelimiter(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let best = ',';
  let most = 0;
  for (const d of [',', '\t', ';', '|']) {
    const count = line.split(d).length - 1;
    if (count > most) {
      most = count;
      best = d;
    }
  }
  return best;
}

/** csv-parse settings shared by the text and stream readers. */
export function csvParseOptions(delimiter: string) {
  return { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, delimiter };
}

/** A csv-parse error (bad quoting) as a located DataFileError; other errors pass through. */
export function csvSyntaxError(e: unknown, file: string): unknown {
  if (e instanceof BackpropError || !(e instanceof Error)) return e;
  const { code, lines } = e as Error & { code?: unknown; lines?: unknown };
  if (typeof code !== 'string' || typeof lines !== 'number') return e;
  return new DataFileError({ file, line: lines }, `the CSV cannot be parsed (${e.message})`, 'quote values that contain the separator or a line break, and double any quote inside a quoted value ("")');
}

class FloatList {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Builds a Table from CSV records fed one at a time with their (1-based, last) line number. */
export class CsvBuilder {
  private readonly file: string;
  private names: string[] | null = null;
  private hasHeader = false;
  private featureCols: number[] = [];
  private labelCols: number[] = [];
  private X = new FloatList();
  private labels: string[][] = []; // per label column, the raw cells
  private lines: number[] = []; // file line of each data row
  private N = 0;
  private records = 0;

  constructor(private readonly opts: CsvOptions = {}) {
    this.file = opts.file ?? 'CSV text';
  }

  add(record: string[], line: number): void {
    this.records++;
    if (this.names === null) {
      const header = this.opts.header ?? 'auto';
      this.hasHeader = header === 'auto' ? record.every((c) => typeof parseCell(c) !== 'number') : header;
      this.names = this.hasHeader ? record.map((c, j) => (c === '' ? `col${j}` : c)) : record.map((_, j) => `col${j}`);
      this.resolveColumns();
      if (this.hasHeader) return;
    }
    const C = this.names.length;
    if (record.length !== C) {
      const what = this.hasHeader ? 'the header has' : 'the first row has';
      throw new DataFileError({ file: this.file, line }, `this row has ${record.length} columns but ${what} ${C}`, 'fix the row: a missing or extra separator, or an unquoted separator inside a value');
    }
    for (const j of this.featureCols) {
      const x = parseCell(record[j]);
      if (typeof x !== 'number') throw this.cellError(x, record[j], line, j);
      this.X.push(x);
    }
    for (let c = 0; c < this.labelCols.length; c++) this.labels[c].push(record[this.labelCols[c]]);
    this.lines.push(line);
    this.N++;
  }

  private cellError(why: 'missing' | 'not a number' | 'not finite', cell: string, line: number, j: number): Error {
    const at: Location = { file: this.file, line, column: this.names![j], columnIndex: j };
    if (why === 'not finite') return nonFiniteError(at, cell);
    if (why === 'missing') return new DataFileError(at, `missing value ("${cell}") in a feature column`, 'fill it in (e.g. with the column mean) or drop the row; every feature must be a number');
    return new DataFileError(at, `"${cell}" is not a number`, `features must be numeric: convert or remove this column (ignore: ["${this.names![j]}"]) or make it the label column`);
  }

  private column(ref: string | number, what: string): number {
    const names = this.names!;
    const C = names.length;
    if (typeof ref === 'number' || (!this.hasHeader && /^-?\d+$/.test(ref))) {
      const i = Number(ref);
      const j = i < 0 ? C + i : i;
      if (!Number.isInteger(i) || j < 0 || j >= C) throw new DataFileError({ file: this.file }, `${what} column index ${ref} is outside the ${C} columns (0 … ${C - 1}, or -1 for the last)`, `pass an index in that range`);
      return j;
    }
    if (!this.hasHeader) throw new DataFileError({ file: this.file }, `the file has no header row, so the ${what} column "${ref}" cannot be found by name`, 'pass the 0-based column index instead, or add a header row');
    let j = names.indexOf(ref);
    if (j < 0) j = names.findIndex((n) => n.toLowerCase() === ref.toLowerCase());
    if (j < 0) throw new DataFileError({ file: this.file }, `no column named "${ref}" for the ${what}`, `the columns are ${names.join(', ')}; pass one of them (or a 0-based index)`);
    return j;
  }

  private resolveColumns(): void {
    const names = this.names!;
    const C = names.length;
    const ref = this.opts.label;
    let labelCols: number[];
    if (ref === undefined) {
      const lower = names.map((n) => n.toLowerCase());
      const named = this.hasHeader ? LABEL_COLUMN_NAMES.map((n) => lower.indexOf(n)).find((j) => j >= 0) : undefined;
      labelCols = [named ?? C - 1]; // "label" before "class" before "target" before "y"; else the last column
    } else {
      labelCols = (Array.isArray(ref) ? ref : [ref]).map((r) => this.column(r, 'label'));
    }
    const ignored = new Set((this.opts.ignore ?? []).map((r) => this.column(r, 'ignored')));
    this.labelCols = labelCols;
    this.featureCols = [];
    if (this.opts.features) {
      for (const r of this.opts.features) {
        const j = this.column(r, 'feature');
        if (labelCols.includes(j)) throw new ConfigError(`column "${names[j]}" cannot be both a feature and the label; choose other label or feature columns`);
        this.featureCols.push(j);
      }
    } else {
      for (let j = 0; j < C; j++) if (!labelCols.includes(j) && !ignored.has(j)) this.featureCols.push(j);
    }
    if (this.featureCols.length === 0) {
      throw new DataFileError({ file: this.file }, `no feature columns are left (${C} columns, label ${labelCols.map((j) => names[j]).join(', ')})`, 'give a file with at least one numeric feature column besides the label');
    }
    this.labels = labelCols.map(() => []);
  }

  /** The table of all rows fed so far. */
  finish(): Table {
    if (this.records === 0) throw new DataFileError({ file: this.file }, 'the file is empty', 'give a CSV with an optional header row and at least one data row');
    if (this.N === 0) throw new DataFileError({ file: this.file }, 'the file has a header row but no data rows', 'add data rows below the header');
    const names = this.names!;
    return {
      name: this.file,
      source: `csv ${this.file}`,
      X: this.X.toArray(),
      divisor: 1,
      N: this.N,
      nIn: this.featureCols.length,
      features: this.featureCols.map((j) => names[j]),
      target: this.target(),
      normalization: 'zscore',
    };
  }

  private target(): Target {
    const names = this.names!;
    const task = this.opts.task ?? 'auto';
    const cols = this.labelCols;
    if (cols.length > 1 && task === 'classification') throw new ConfigError(`classification takes one label column; got ${cols.length} (${cols.map((j) => names[j]).join(', ')}). Pass one column, or task 'regression' for several targets`);
    const cells = this.labels;
    if (cols.length === 0) return { kind: 'values', Y: new Float64Array(0), names: [] }; // inputs only
    const isRegression = task === 'regression' || cols.length > 1 || (task === 'auto' && looksContinuous(cells[0]));
    if (!isRegression) {
      const values = cells[0];
      for (let i = 0; i < this.N; i++) {
        if (values[i] === '' || parseCell(values[i]) === 'missing') {
          throw new DataFileError({ file: this.file, line: this.lines[i], column: names[cols[0]], columnIndex: cols[0] }, `missing label ("${values[i]}")`, 'give every row a label, or drop the rows without one');
        }
      }
      const { y, labels } = encodeClasses(values);
      return { kind: 'classes', y, labels, known: false };
    }
    const nOut = cols.length;
    const Y = new Float64Array(this.N * nOut);
    for (let c = 0; c < nOut; c++) {
      for (let i = 0; i < this.N; i++) {
        const x = parseCell(cells[c][i]);
        if (typeof x !== 'number') {
          const at: Location = { file: this.file, line: this.lines[i], column: names[cols[c]], columnIndex: cols[c] };
          if (x === 'not finite') throw nonFiniteError(at, cells[c][i]);
          throw new DataFileError(at, `regression target "${cells[c][i]}" is ${x === 'missing' ? 'missing' : 'not a number'}`, 'give every row a numeric target, or use task "classification" for text labels');
        }
        Y[i * nOut + c] = x;
      }
    }
    return { kind: 'values', Y, names: cols.map((j) => names[j]) };
  }
}

/** True when label cells are all numbers and not a small set of whole numbers (so: regression). */
function looksContinuous(values: string[]): boolean {
  const distinct = new Set<string>();
  for (const v of values) {
    const x = parseCell(v);
    if (typeof x !== 'number') return false;
    if (!Number.isInteger(x)) return true;
    distinct.add(v);
  }
  return sortLabels(distinct).length > MAX_AUTO_CLASSES;
}

/** Parses CSV text (browser-safe) into a Table. */
export function csvTable(text: string, opts: CsvOptions = {}): Table {
  const builder = new CsvBuilder(opts);
  const file = opts.file ?? 'CSV text';
  try {
    parse(text, {
      ...csvParseOptions(opts.delimiter ?? sniffDelimiter(text.slice(0, 65536))),
      on_record: (record: string[], ctx: { lines: number }) => {
        builder.add(record, ctx.lines);
        return null; // keep nothing: the builder holds the numbers
      },
    });
  } catch (e) {
    throw csvSyntaxError(e, file);
  }
  return builder.finish();
}

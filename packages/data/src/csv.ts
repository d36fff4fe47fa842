/**
 * CSV → Table. One CsvReader takes a file's rows either as bytes (the fast path: unquoted lines
 * are scanned in place, numbers parsed straight from the bytes into the table's float32 store on
 * shared memory, no strings for numeric cells) or as records from csv-parse (the full quoting
 * rules; readers switch to it at the first line with a quote). It detects the header, picks the
 * label column(s), keeps categorical columns as category codes and reports every bad cell by
 * file, line and column.
 */
import { BackpropError, ConfigError, jsBackend, type DType, type Floats } from '@backprop/core';
import { parse } from 'csv-parse/browser/esm/sync';
import { DataFileError, nonFiniteError, type Location } from './errors.js';
import { checkMissingColumns, columnMissing, missingAdvice, missingFor, type MissingOption } from './missing.js';
import { sortLabels, type Table, type Target } from './table.js';

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
  /** Text feature columns to one-hot encode (by name or index). Other text feature cells are errors. */
  categorical?: (string | number)[];
  /** What missing cells (empty, NA, NaN, null, ?, -) may be: see MissingOption. Default: an error naming the cell. */
  missing?: MissingOption;
  /** Whether the first row names the columns. 'auto' (default): yes when none of its cells is a number. */
  header?: boolean | 'auto';
  /** Field separator. Default: whichever of , ; tab | occurs most in the first line. */
  delimiter?: string;
  /** 'auto' (default): classes when the labels are text, or whole numbers with at most 20 distinct values; otherwise regression. */
  task?: 'classification' | 'regression' | 'auto';
  /** Name used in messages and as the dataset name. Default "CSV text". */
  file?: string;
  /** Float type the features are stored in (default f32; the dataset's type). */
  dtype?: DType;
  /**
   * Store numeric features as differences from a reference value, which keeps large values with a
   * small spread (timestamps) exact to float32 precision of the spread. true: each column's first
   * value (`load` does this when it normalises); a record: the reference of each column by name
   * (a model's offsets); false (default): raw values.
   */
  offsets?: boolean | Record<string, number>;
  /** Rows to allocate at first (the store grows past it). */
  capacity?: number;
}

export const LABEL_COLUMN_NAMES = ['label', 'class', 'target', 'y'];
const MAX_AUTO_CLASSES = 20;
/** Distinct label texts kept; past this a label column can only be a regression target. */
const MAX_LABELS = 65536;
/** Categories one column may one-hot into. */
const MAX_CATEGORIES = 10000;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);
const NON_FINITE = /^[+-]?(inf|infinity)$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number, or why it is not one. "NaN" and "NA" are missing cells; "inf" is not finite. */
export function parseCell(cell: string): number | 'missing' | 'not a number' | 'not finite' {
  const s = cell.trim();
  if (NUMBER.test(s)) {
    const x = Number(s);
    return Number.isFinite(x) ? x : 'not finite';
  }
  if (NON_FINITE.test(s)) return 'not finite';
  return MISSING.has(s.toLowerCase()) ? 'missing' : 'not a number';
}

/** True for the cells that mean "no value": empty, NA, N/A, NaN, null, none, ?, - (any case). */
export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
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

/** A csv-parse error (bad quoting) as a located DataFileError; other errors pass through. `lineOffset`: lines read before csv-parse took over. */
export function csvSyntaxError(e: unknown, file: string, lineOffset = 0): unknown {
  if (e instanceof BackpropError || !(e instanceof Error)) return e;
  const { code, lines, column } = e as Error & { code?: unknown; lines?: unknown; column?: unknown };
  if (typeof code !== 'string' || typeof lines !== 'number') return e;
  const col = typeof column === 'number' || typeof column === 'string' ? column : undefined;
  return new DataFileError({ file, line: lines + lineOffset }, `the CSV cannot be parsed (${e.message.replace(/at line \d+/, `at line ${lines + lineOffset}`)})`, 'quote values that contain the separator or a line break, and double any quote inside a quoted value ("")', col);
}

const ROLE_SKIP = 0;
const ROLE_NUM = 1;
const ROLE_CAT = 2;
const ROLE_LABEL = 3;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles 1 … 1e22
const asciiDecoder = { decode: (b: Uint8Array, s: number, e: number): string => {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
} };
const utf8 = new TextDecoder();

/** The text of bytes [s, e): ASCII directly, anything else as UTF-8. */
function decodeCell(b: Uint8Array, s: number, e: number): string {
  if (e - s <= 32) {
    let ascii = true;
    for (let i = s; i < e; i++) if (b[i] > 0x7f) { ascii = false; break; }
    if (ascii) return asciiDecoder.decode(b, s, e);
  }
  return utf8.decode(b.subarray(s, e));
}

/** Trimmed by csv-parse around fields: space, tab, form feed, CR, LF. */
function isTrim(c: number, delimiter: number): boolean {
  return (c === 0x20 || c === 0x09 || c === 0x0c) && c !== delimiter;
}

/** Where the fast number scanner stopped. */
const cursor = { p: 0 };

/**
 * A number read straight from bytes at p (the same grammar as parseCell: [+-]digits[.digits][e[+-]digits]).
 * Returns NaN when the bytes are not such a number. Up to 15 significant digits and |exponent| ≤ 22
 * the value is m·10^e in one correctly rounded operation (Clinger's fast path); otherwise Number()
 * of the text. Either way the result is exactly Number(text).
 */
function scanNumber(b: Uint8Array, p: number, end: number): number {
  const start = p;
  let neg = false;
  const c = b[p];
  if (c === 0x2d) {
    neg = true;
    p++;
  } else if (c === 0x2b) p++;
  let m = 0;
  let sig = 0;
  let exp = 0;
  let digits = 0;
  while (p < end) {
    const d = b[p] - 0x30;
    if (d < 0 || d > 9) break;
    if (sig > 0 || d !== 0) sig++;
    m = m * 10 + d;
    digits++;
    p++;
  }
  if (p < end && b[p] === 0x2e) {
    p++;
    while (p < end) {
      const d = b[p] - 0x30;
      if (d < 0 || d > 9) break;
      if (sig > 0 || d !== 0) sig++;
      m = m * 10 + d;
      exp--;
      digits++;
      p++;
    }
  }
  if (digits === 0) return NaN;
  if (p < end && (b[p] | 0x20) === 0x65) {
    p++;
    let eneg = false;
    if (b[p] === 0x2d) {
      eneg = true;
      p++;
    } else if (b[p] === 0x2b) p++;
    let e = 0;
    let ed = 0;
    while (p < end) {
      const d = b[p] - 0x30;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      ed++;
      p++;
    }
    if (ed === 0) return NaN;
    exp += eneg ? -e : e;
  }
  cursor.p = p;
  let x: number;
  if (m === 0) x = 0;
  else if (sig <= 15 && exp >= -22 && exp <= 22) x = exp >= 0 ? m * POW10[exp] : m / POW10[-exp];
  else return Number(asciiDecoder.decode(b, start, p)); // long mantissa or large exponent: the exact conversion
  return neg ? -x : x;
}

/** Where the fast path stopped: `pos` is the first byte not consumed, `line` its line; `bail` when a line needs the full parser. */
export interface ScanResult {
  pos: number;
  line: number;
  bail: boolean;
}

/** Builds a Table from CSV rows, fed as bytes (`scan`) or as csv-parse records (`record`), in file order. */
export class CsvReader {
  readonly file: string;
  readonly delimiter: string;
  private readonly delim: number;
  private names: string[] | null = null;
  private hasHeader = false;
  private roles = new Uint8Array(0); // per raw column
  private slots = new Int32Array(0); // per raw column: feature index k or label index c
  private featureCols: number[] = [];
  private labelCols: number[] = [];
  private nFeat = 0;
  private nLab = 0;
  private readonly dtype: DType;
  private cap = 0;
  private X: Floats = new Float32Array(0); // (cap, nFeat) on shared memory
  private off = new Float64Array(0); // per feature: stored value = x − off
  private offKnown = new Uint8Array(0);
  private allowMissing = new Uint8Array(0);
  private cats: (Map<string, number> | null)[] = [];
  private catNames: (string[] | null)[] = [];
  private labelMissingOk = false;
  private labelDict: Map<string, number> | null = new Map();
  private labelTexts: string[] = [];
  private labelValue: number[] = []; // numeric value of each label text (NaN: text)
  private labelAllNumeric = true;
  private labelAllInteger = true;
  private codes = new Int32Array(0); // (cap) label code of column 0, −1 missing
  private Yv = new Float64Array(0); // (cap, nLab) numeric label values, NaN missing or text
  private firstText: { line: number; j: number; text: string } | null = null;
  private lines = new Int32Array(0);
  N = 0;
  private records = 0;

  constructor(private readonly opts: CsvOptions = {}, delimiter = opts.delimiter ?? ',') {
    this.file = opts.file ?? 'CSV text';
    this.delimiter = delimiter;
    this.delim = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
    this.dtype = opts.dtype ?? 'f32';
  }

  /** True once the header (or first row) has fixed the columns. */
  get started(): boolean {
    return this.names !== null;
  }

  /** One record from csv-parse (or a split line) ending on file line `line`. */
  record(cells: string[], line: number): void {
    this.records++;
    if (this.names === null) {
      const header = this.opts.header ?? 'auto';
      this.hasHeader = header === 'auto' ? cells.every((c) => typeof parseCell(c) !== 'number') : header;
      this.names = this.hasHeader ? cells.map((c, j) => (c === '' ? `col${j}` : c)) : cells.map((_, j) => `col${j}`);
      this.resolveColumns();
      if (this.hasHeader) return;
    }
    const C = this.names.length;
    if (cells.length !== C) throw this.countError(cells.length, line);
    this.grow();
    const row = this.N;
    for (let j = 0; j < C; j++) {
      const role = this.roles[j];
      if (role === ROLE_SKIP) continue;
      const s = cells[j];
      if (role === ROLE_NUM) this.textNumber(this.slots[j], s, line, j);
      else if (role === ROLE_CAT) this.category(this.slots[j], s, line, j);
      else this.label(this.slots[j], s, line, j);
    }
    this.lines[row] = line;
    this.N++;
  }

  /**
   * The fast path over complete lines b[pos, end) (end at a line break, or the end of the data).
   * Stops early, with `bail`, at the first line holding a quote or a lone CR: the caller hands
   * that line and the rest to csv-parse.
   */
  scan(b: Uint8Array, pos: number, end: number, line: number): ScanResult {
    const delim = this.delim;
    if (delim < 0) return { pos, line, bail: true };
    if (line === 1 && pos === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) pos = 3; // UTF-8 byte order mark
    while (pos < end) {
      // a line of only blanks is skipped (csv-parse's skip_empty_lines with trim)
      let q = pos;
      while (q < end && isTrim(b[q], delim)) q++;
      if (q === end || b[q] === 0x0a || (b[q] === 0x0d && b[q + 1] === 0x0a)) {
        if (q === end) return { pos: end, line, bail: false };
        pos = b[q] === 0x0a ? q + 1 : q + 2;
        line++;
        continue;
      }
      if (this.names === null) {
        const eol = lineEnd(b, pos, end);
        for (let i = pos; i < eol; i++) if (b[i] === 0x22 || (b[i] === 0x0d && i + 1 < eol)) return { pos, line, bail: true };
        const text = utf8.decode(b.subarray(pos, b[eol - 1] === 0x0d ? eol - 1 : eol));
        this.record(text.split(this.delimiter).map((s) => s.trim()), line);
        pos = eol + 1;
        line++;
        continue;
      }
      const next = this.scanLine(b, pos, end, line);
      if (next < 0) return { pos, line, bail: true };
      pos = next;
      line++;
    }
    return { pos, line, bail: false };
  }

  /** One data line from `pos`; returns the start of the next line, or −1 to hand the line to csv-parse. */
  private scanLine(b: Uint8Array, pos: number, end: number, line: number): number {
    const delim = this.delim;
    const C = this.names!.length;
    const roles = this.roles;
    const slots = this.slots;
    this.grow();
    const row = this.N;
    const X = this.X;
    const base = row * this.nFeat;
    let j = 0;
    let p = pos;
    for (;;) {
      while (p < end && isTrim(b[p], delim)) p++;
      const role = j < C ? roles[j] : ROLE_SKIP;
      let done = false; // the cell has been stored
      if (role === ROLE_NUM) {
        const x = scanNumber(b, p, end);
        if (x === x && x !== Infinity && x !== -Infinity) {
          let q = cursor.p;
          while (q < end && isTrim(b[q], delim)) q++;
          const c = b[q];
          if (q === end || c === delim || c === 0x0a || (c === 0x0d && b[q + 1] === 0x0a)) {
            const k = slots[j];
            if (this.offKnown[k] === 0) this.firstValue(k, x, line, j);
            X[base + k] = x - this.off[k];
            p = q;
            done = true;
          }
        }
      }
      if (!done) {
        // the cell's extent: up to the separator or the line end
        let q = p;
        while (q < end) {
          const c = b[q];
          if (c === delim || c === 0x0a) break;
          if (c === 0x22) return -1;
          if (c === 0x0d) {
            if (b[q + 1] === 0x0a) break;
            return -1;
          }
          q++;
        }
        let e = q;
        while (e > p && isTrim(b[e - 1], delim)) e--;
        if (role !== ROLE_SKIP) {
          const s = decodeCell(b, p, e);
          if (role === ROLE_NUM) this.textNumber(slots[j], s, line, j);
          else if (role === ROLE_CAT) this.category(slots[j], s, line, j);
          else this.label(slots[j], s, line, j);
        }
        p = q;
      }
      j++;
      if (p < end && b[p] === delim) {
        p++;
        continue;
      }
      break;
    }
    if (j !== C) throw this.countError(j, line);
    this.lines[row] = line;
    this.N++;
    if (p === end) return end;
    return b[p] === 0x0d ? p + 2 : p + 1;
  }

  private countError(n: number, line: number): DataFileError {
    const what = this.hasHeader ? 'the header has' : 'the first row has';
    const C = this.names!.length;
    return new DataFileError({ file: this.file, line }, `this row has ${n} columns but ${what} ${C}`, 'fix the row: a missing or extra separator, or an unquoted separator inside a value', Math.min(n, C));
  }

  /** Sets feature k's reference value from its first value (or the given offsets). */
  private firstValue(k: number, x: number, line: number, j: number): void {
    if (!Number.isFinite(x)) throw nonFiniteError(this.at(line, j), x);
    const fixed = this.opts.offsets ?? false;
    const name = this.names![this.featureCols[k]];
    this.off[k] = fixed === false ? 0 : typeof fixed === 'object' ? (fixed[name] ?? 0) : x;
    this.offKnown[k] = 1;
  }

  private at(line: number, j: number): Location {
    return { file: this.file, line, column: this.names![j], columnIndex: j };
  }

  /** A numeric feature cell given as text (csv-parse records, or a cell the fast scanner did not take). */
  private textNumber(k: number, s: string, line: number, j: number): void {
    const x = parseCell(s);
    const at = this.N * this.nFeat + k;
    if (typeof x === 'number') {
      if (this.offKnown[k] === 0) this.firstValue(k, x, line, j);
      this.X[at] = x - this.off[k];
      return;
    }
    if (x === 'missing' && this.allowMissing[k] === 1) {
      this.X[at] = NaN;
      return;
    }
    const loc = this.at(line, j);
    if (x === 'not finite') throw nonFiniteError(loc, s);
    const name = this.names![j];
    if (x === 'missing') throw new DataFileError(loc, `missing value ("${s}") in a feature column`, missingAdvice(name));
    throw new DataFileError(loc, `"${s}" is not a number`, `features must be numeric: one-hot encode this column (categorical: ["${name}"], CLI --categorical ${name}), leave it out (ignore: ["${name}"]) or make it the label column`);
  }

  private category(k: number, s: string, line: number, j: number): void {
    const at = this.N * this.nFeat + k;
    if (isMissingCell(s)) {
      if (this.allowMissing[k] === 1) {
        this.X[at] = NaN;
        return;
      }
      const name = this.names![j];
      throw new DataFileError(this.at(line, j), `missing category ("${s}")`, `pass missing: { columns: { ${JSON.stringify(name)}: 'mode' } } or 'drop' (CLI --missing ${name}=mode)`);
    }
    const dict = this.cats[k]!;
    let code = dict.get(s);
    if (code === undefined) {
      code = dict.size;
      if (code >= MAX_CATEGORIES) throw new DataFileError(this.at(line, j), `the categorical column has more than ${MAX_CATEGORIES} distinct values, too many to one-hot encode`, 'leave the column out (ignore) or group its values first');
      dict.set(s, code);
      this.catNames[k]!.push(s);
    }
    this.X[at] = code;
  }

  private label(c: number, s: string, line: number, j: number): void {
    const row = this.N;
    if (c === 0) {
      let code = this.labelDict?.get(s);
      if (code === undefined) {
        const x = parseCell(s);
        if (x === 'missing') return this.missingLabel(s, line, j);
        if (x === 'not finite') throw nonFiniteError(this.at(line, j), s);
        const value = typeof x === 'number' ? x : NaN;
        if (typeof x !== 'number') this.labelAllNumeric = false;
        else if (!Number.isInteger(x)) this.labelAllInteger = false;
        if (this.labelDict && this.labelDict.size < MAX_LABELS) {
          code = this.labelDict.size;
          this.labelDict.set(s, code);
          this.labelTexts.push(s);
          this.labelValue.push(value);
        } else {
          this.labelDict = null; // too many distinct labels to be classes: a regression target, or refused
          code = -1;
        }
        this.Yv[row * this.nLab] = value;
        if (value !== value) this.noteText(line, j, s);
      } else this.Yv[row * this.nLab] = this.labelValue[code];
      this.codes[row] = code;
      return;
    }
    const x = parseCell(s);
    if (x === 'missing') return this.missingLabel(s, line, j, c);
    if (x === 'not finite') throw nonFiniteError(this.at(line, j), s);
    if (typeof x !== 'number') this.noteText(line, j, s);
    this.Yv[row * this.nLab + c] = typeof x === 'number' ? x : NaN;
  }

  /** Remembers the first text cell of a label column: an error if the labels turn out to be regression targets. */
  private noteText(line: number, j: number, text: string): void {
    this.firstText ??= { line, j, text };
  }

  private missingLabel(s: string, line: number, j: number, c = 0): void {
    if (!this.labelMissingOk) throw new DataFileError(this.at(line, j), `missing label ("${s}")`, "give every row a label, or drop the rows without one (missing: 'drop', CLI --missing drop)");
    this.Yv[this.N * this.nLab + c] = NaN;
    if (c === 0) this.codes[this.N] = -1;
  }

  /** Makes room for one more row. */
  private grow(): void {
    if (this.N < this.cap) return;
    const cap = Math.max(this.opts.capacity ?? 0, Math.ceil(this.cap * 1.5) + 1024);
    const X = jsBackend.floats(this.dtype, cap * this.nFeat); // (cap, nFeat)
    X.set(this.X.subarray(0, this.N * this.nFeat));
    this.X = X;
    const codes = new Int32Array(cap);
    codes.set(this.codes.subarray(0, this.N));
    this.codes = codes;
    const Yv = new Float64Array(cap * this.nLab);
    Yv.set(this.Yv.subarray(0, this.N * this.nLab));
    this.Yv = Yv;
    const lines = new Int32Array(cap);
    lines.set(this.lines.subarray(0, this.N));
    this.lines = lines;
    this.cap = cap;
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
    const first = new Map<string, number>();
    for (let j = 0; j < C; j++) {
      const k = first.get(names[j]);
      if (k !== undefined) throw new DataFileError({ file: this.file, line: 1, column: names[j], columnIndex: j }, `columns ${k} and ${j} are both named "${names[j]}", so a lookup by name would read the wrong one`, 'rename one of them in the header (column names must be unique)');
      first.set(names[j], j);
    }
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
    const categorical = new Set((this.opts.categorical ?? []).map((r) => this.column(r, 'categorical')));
    for (const j of categorical) {
      if (labelCols.includes(j)) throw new ConfigError(`column "${names[j]}" is the label, so it cannot also be a categorical feature; labels are one-hot encoded anyway`);
      if (ignored.has(j)) throw new ConfigError(`column "${names[j]}" is both ignored and categorical; choose one`);
    }
    this.labelCols = labelCols;
    this.featureCols = [];
    if (this.opts.features) {
      for (const r of this.opts.features) {
        const j = this.column(r, 'feature');
        if (labelCols.includes(j)) throw new ConfigError(`column "${names[j]}" cannot be both a feature and the label; choose other label or feature columns`);
        if (this.featureCols.includes(j)) throw new ConfigError(`column "${names[j]}" is listed twice among the features`);
        this.featureCols.push(j);
      }
    } else {
      for (let j = 0; j < C; j++) if (!labelCols.includes(j) && !ignored.has(j)) this.featureCols.push(j);
    }
    if (this.featureCols.length === 0) {
      throw new DataFileError({ file: this.file }, `no feature columns are left (${C} columns, label ${labelCols.map((j) => names[j]).join(', ')})`, 'give a file with at least one numeric feature column besides the label');
    }
    for (const j of categorical) if (!this.featureCols.includes(j)) throw new ConfigError(`column "${names[j]}" is categorical but not among the features`);
    checkMissingColumns(this.opts.missing, names, this.file);
    this.nFeat = this.featureCols.length;
    this.nLab = labelCols.length;
    this.roles = new Uint8Array(C);
    this.slots = new Int32Array(C).fill(-1);
    this.off = new Float64Array(this.nFeat);
    this.offKnown = new Uint8Array(this.nFeat);
    this.allowMissing = new Uint8Array(this.nFeat);
    this.cats = [];
    this.catNames = [];
    this.featureCols.forEach((j, k) => {
      const cat = categorical.has(j);
      this.roles[j] = cat ? ROLE_CAT : ROLE_NUM;
      this.slots[j] = k;
      this.allowMissing[k] = columnMissing(this.opts.missing, names[j], cat).rule === 'error' ? 0 : 1;
      this.cats.push(cat ? new Map() : null);
      this.catNames.push(cat ? [] : null);
      if (cat) this.offKnown[k] = 1; // codes are stored as they are
    });
    labelCols.forEach((j, c) => {
      this.roles[j] = ROLE_LABEL;
      this.slots[j] = c;
    });
    this.labelMissingOk = labelCols.length > 0 && missingFor(this.opts.missing, names[labelCols[0]]).rule === 'drop';
    this.cap = 0;
    this.grow();
  }

  /** The rows fed since the last `clear` as a table viewing the reader's store (streaming: valid until the next row). */
  drain(): Table {
    return this.table();
  }

  /** Forgets the rows, keeping the columns, category codes, label texts and offsets (the next chunk continues them). */
  clear(): void {
    this.N = 0;
  }

  /** The table of all rows fed so far. X stays on the shared memory it was parsed into. */
  finish(): Table {
    return this.table();
  }

  private table(): Table {
    if (this.records === 0 && this.names === null) throw new DataFileError({ file: this.file }, 'the file is empty', 'give a CSV with an optional header row and at least one data row');
    if (this.N === 0) throw new DataFileError({ file: this.file }, 'the file has a header row but no data rows', 'add data rows below the header');
    const names = this.names!;
    const categorical = this.catNames.some((c) => c !== null);
    return {
      name: this.file,
      source: `csv ${this.file}`,
      X: this.X.subarray(0, this.N * this.nFeat),
      divisor: 1,
      N: this.N,
      nIn: this.nFeat,
      features: this.featureCols.map((j) => names[j]),
      target: this.target(),
      normalization: 'zscore',
      categories: categorical ? this.catNames.map((c) => (c ? c.slice() : null)) : undefined,
      offset: this.off.slice(), // zeros without offsets: stored values are still rounded to the store's type, and predict rounds alike
      lines: this.lines.subarray(0, this.N),
      missing: this.opts.missing,
    };
  }

  private target(): Target {
    const names = this.names!;
    const task = this.opts.task ?? 'auto';
    const cols = this.labelCols;
    if (cols.length > 1 && task === 'classification') throw new ConfigError(`classification takes one label column; got ${cols.length} (${cols.map((j) => names[j]).join(', ')}). Pass one column, or task 'regression' for several targets`);
    if (cols.length === 0) return { kind: 'values', Y: new Float64Array(0), names: [] }; // inputs only
    const distinct = this.labelDict ? sortLabels(this.labelTexts).length : Infinity;
    const continuous = this.labelAllNumeric && (!this.labelAllInteger || distinct > MAX_AUTO_CLASSES);
    const isRegression = task === 'regression' || cols.length > 1 || (task === 'auto' && continuous);
    if (!isRegression) {
      if (!this.labelDict) throw new DataFileError({ file: this.file, column: names[cols[0]], columnIndex: cols[0] }, `the label column has more than ${MAX_LABELS} distinct values, too many to be classes`, "use task 'regression' for a numeric target, or choose the right label column");
      const labels = sortLabels(this.labelTexts);
      const index = new Map(labels.map((s, k) => [s, k]));
      const toSorted = Int32Array.from(this.labelTexts, (s) => index.get(s)!);
      const y = new Int32Array(this.N);
      for (let i = 0; i < this.N; i++) y[i] = this.codes[i] < 0 ? -1 : toSorted[this.codes[i]];
      return { kind: 'classes', y, labels, known: false, name: names[cols[0]] };
    }
    if (this.firstText) {
      const { line, j, text } = this.firstText;
      throw new DataFileError(this.at(line, j), `regression target "${text}" is not a number`, 'give every row a numeric target, or use task "classification" for text labels');
    }
    return { kind: 'values', Y: this.Yv.slice(0, this.N * this.nLab), names: cols.map((j) => names[j]) };
  }
}

/** The end of the line starting at pos: the index of its LF, or `end`. */
function lineEnd(b: Uint8Array, pos: number, end: number): number {
  let i = pos;
  while (i < end && b[i] !== 0x0a) i++;
  return i;
}

/** Index just past the last LF in b[from, to), or −1 when there is none. */
export function lastLineBreak(b: Uint8Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (b[i] === 0x0a) return i + 1;
  return -1;
}

/** Feeds csv-parse records of `text` (lines counted from `lineOffset`) into a reader. */
function parseRecords(reader: CsvReader, text: string, lineOffset: number): void {
  try {
    parse(text, {
      ...csvParseOptions(reader.delimiter),
      bom: lineOffset === 0,
      on_record: (record: string[], ctx: { lines: number }) => {
        reader.record(record, ctx.lines + lineOffset);
        return null; // keep nothing: the reader holds the numbers
      },
    });
  } catch (e) {
    throw csvSyntaxError(e, reader.file, lineOffset);
  }
}

/** Parses CSV text (browser-safe) into a Table: the fast path, then csv-parse from the first quoted line on. */
export function csvTable(text: string, opts: CsvOptions = {}): Table {
  const reader = new CsvReader({ ...opts, capacity: opts.capacity ?? countNewlines(text) + 1 }, opts.delimiter ?? sniffDelimiter(text.slice(0, 65536)));
  const bytes = new TextEncoder().encode(text);
  const r = reader.scan(bytes, 0, bytes.length, 1);
  if (r.bail) parseRecords(reader, utf8.decode(bytes.subarray(r.pos)), r.line - 1);
  return reader.finish();
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

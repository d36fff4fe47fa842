/**
 * CSV files bigger than memory: `load(path, { stream: true })`. A first pass reads the file chunk
 * by chunk and fits the preprocessing on the training rows (which rows are training, validation or
 * test is a seeded hash of the row number, so no pass needs the whole file). Each epoch then reads
 * the file again through a seeded shuffle buffer: a window of rows on shared memory from which
 * every batch row is drawn at random and replaced by the file's next row. Memory holds the window
 * and one chunk, never the table. The streams are core BatchStreams, so the Trainer (on any
 * number of workers) trains from them.
 */
import { ConfigError, jsBackend, type BatchStream, type Dataset, type DType, type Floats, type Preprocessing } from '@backprop/core';
import { mixSeed, Rng } from '@backprop/core/engine';
import type { LoadOptions } from '../builtin.js';
import { CsvReader, sniffDelimiter, type CsvOptions } from '../csv.js';
import { bindColumns, encodeTable } from '../encode.js';
import { DataFileError } from '../errors.js';
import { columnMissing, missingFor } from '../missing.js';
import { buildPreprocessing, keptRows, labelName, modelRowRules, targetRows } from '../prepare.js';
import { DEFAULT_SEED, DEFAULT_TEST } from '../split.js';
import { StreamFit } from '../stream-fit.js';
import type { Table } from '../table.js';
import { fileChunks, peekText, scanChunks } from './csv.js';
import { fileError, statOrNull } from './files.js';
import { modelCsvOptions } from './inputs.js';

export interface StreamOptions extends LoadOptions {
  /** Rows of the shuffle buffer (default 16,384): the more, the closer each batch is to a uniform draw from the file. */
  bufferRows?: number;
}

/** What `load(path, { stream: true })` returns: streams for each split and the preprocessing fitted in the first pass. */
export interface StreamedData {
  name: string;
  task: 'classification' | 'regression';
  train: CsvStream;
  validation: CsvStream | null;
  test: CsvStream | null;
  preprocessing: Preprocessing;
  /** Rows of each split (counted in the first pass). */
  counts: { train: number; validation: number; test: number };
  dropped: number;
  warnings: string[];
}

const SPLIT_STREAM = 0x57e4; // the row → split hash draws from a stream of its own
const SHUFFLE_STREAM = 0x5b0f;
const PART_TRAIN = 0;
const PART_VALIDATION = 1;
const PART_TEST = 2;

/** The split of data row g (0-based, file order): test when its hash falls below the test share, then validation. */
function partOf(seed: number, g: number, test: number, validation: number): number {
  const u = (mixSeed(mixSeed(seed, SPLIT_STREAM), g) >>> 0) / 4294967296;
  return u < test ? PART_TEST : u < test + validation ? PART_VALIDATION : PART_TRAIN;
}

function share(x: number | undefined, fallback: number, what: string): number {
  const v = x ?? fallback;
  if (!(v >= 0 && v < 1)) throw new ConfigError(`${what} must be a fraction in [0, 1) when streaming (rows are assigned by a seeded hash, before their count is known); got ${v}`);
  return v;
}

/** A CSV file's rows, chunk by chunk, as small tables (the reader's dictionaries and offsets carry over from chunk to chunk). */
async function* chunkTables(path: string, opts: CsvOptions): AsyncGenerator<Table> {
  const gz = path.toLowerCase().endsWith('.gz');
  const reader = new CsvReader({ ...opts, capacity: 4096 }, opts.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : sniffDelimiter(await peekText(path))));
  let rows = 0;
  for await (const _ of scanChunks(reader, fileChunks(path, gz), 4096)) {
    if (reader.N === 0) continue;
    rows += reader.N;
    yield reader.drain();
    reader.clear();
  }
  if (rows === 0) reader.finish(); // throws the empty-file or no-data-rows error
}

/** The rows of chunk table `t` (its first row is data row g0) that belong to `part`, after the drop rules. */
interface Selector {
  (t: Table, g0: number, part: number): { rows: Int32Array; dropped: number };
}

function selector(seed: number, test: number, validation: number, drop: (j: number) => boolean, fills: (j: number) => boolean, dropLabel: boolean): Selector {
  return (t, g0, part) => {
    const kept = keptRows(t, drop, fills, dropLabel);
    const mine: number[] = [];
    for (const r of kept) if (partOf(seed, g0 + r, test, validation) === part) mine.push(r);
    return { rows: Int32Array.from(mine), dropped: t.N - kept.length };
  };
}

/**
 * Fits preprocessing on a file's training rows in one pass (or takes a saved model's, for eval:
 * the same seeded rows are its held-out rows), and returns streams for each split. Without a model
 * the first chunk's labels decide the task unless `task` is given.
 */
export async function loadStream(path: string, opts: StreamOptions = {}): Promise<StreamedData> {
  const st = await statOrNull(path);
  if (!st) throw fileError({ code: 'ENOENT' }, path);
  if (st.isDirectory()) throw new ConfigError(`${path} is a directory; streaming reads one CSV file`);
  const seed = opts.seed ?? DEFAULT_SEED;
  const test = share(opts.test, DEFAULT_TEST, 'test');
  const validation = share(opts.validation, 0, 'validation');
  const given = opts.preprocessing ?? null;
  const kind = given ? given.normalization.kind : (opts.normalization ?? 'zscore');
  const csv: CsvOptions = { ...opts, file: path, offsets: kind !== 'none', dtype: opts.dtype };
  if (given) Object.assign(csv, await modelCsvOptions(path, given, opts, false), { named: undefined });
  // the task: the model's, as given, else as the first chunk's labels suggest (a stream cannot look ahead)
  let task = given ? (given.labels ? 'classification' : 'regression') : opts.task && opts.task !== 'auto' ? opts.task : undefined;
  if (!task) {
    for await (const t of chunkTables(path, csv)) {
      task = t.target.kind === 'classes' ? 'classification' : 'regression';
      break;
    }
  }
  // pass 1: rows per split, and (without a model) the statistics of the training rows
  let fit: StreamFit | null = null;
  let select: Selector | null = null;
  let first: Table | null = null;
  const counts = { train: 0, validation: 0, test: 0 };
  let dropped = 0;
  let g = 0;
  for await (const t of chunkTables(path, { ...csv, task })) {
    if (!first) {
      first = t;
      select = given ? modelSelector(given, t, seed, test, validation) : fitSelector(opts, t, seed, test, validation);
      if (!given) fit = new StreamFit(t.features, t.features.map((_, j) => Boolean(t.categories?.[j])), t.features.map((name, j) => columnMissing(opts.missing, name, Boolean(t.categories?.[j]))), t.target.kind === 'values' ? t.target.names.length : 0);
    }
    for (const [part, key] of [[PART_TRAIN, 'train'], [PART_VALIDATION, 'validation'], [PART_TEST, 'test']] as const) {
      const { rows, dropped: d } = select!(t, g, part);
      if (part === PART_TRAIN) {
        fit?.add(t, rows);
        dropped += d;
      }
      counts[key] += rows.length;
    }
    g += t.N;
  }
  if (!first || (!given && counts.train === 0)) throw new DataFileError({ file: path }, 'no training rows are left after the split and the dropped rows', 'use a smaller test or validation share, or fill missing values');
  let pre: Preprocessing;
  let read: CsvOptions;
  if (given) {
    pre = given;
    read = { ...csv, task };
  } else {
    const { columns, perColumn } = fit!.columns(kind, first.offset ?? new Float64Array(first.nIn), path);
    const regression = first.target.kind === 'values';
    pre = buildPreprocessing({
      columns, perColumn, source: `csv ${path} (streamed)`,
      labels: regression ? null : fit!.labels(),
      targets: first.target.kind === 'values' ? first.target.names.slice() : undefined,
      targetNormalization: regression && (opts.targetNormalization ?? 'zscore') !== 'none' ? fit!.targetNormalization(opts.targetNormalization ?? 'zscore') : undefined,
      labelMissing: missingFor(opts.missing, labelName(first)).rule === 'drop' && dropped > 0 ? 'drop' : undefined,
    });
    // the file as the model reads it: numbers against its offsets, missing cells decided by its rules
    const offsets: Record<string, number> = {};
    columns.forEach((c, j) => c.kind === 'numeric' && (offsets[c.name] = perColumn.offset![j]));
    read = { ...csv, task, offsets: kind !== 'none' ? offsets : false, missing: { columns: {}, default: 'drop' } };
  }
  const warnings: string[] = [];
  const bufferRows = Math.max(1, Math.floor(opts.bufferRows ?? 16384));
  const make = (part: number, N: number, shuffle: boolean) =>
    N === 0 ? null : new CsvStream(path, read, pre, N, shuffle ? bufferRows : Math.min(bufferRows, 4096), shuffle ? seed : null, (t, g0) => select!(t, g0, part).rows, warnings, opts.dtype ?? 'f32');
  return {
    name: path,
    task: pre.labels ? 'classification' : 'regression',
    train: make(PART_TRAIN, counts.train, true)!,
    validation: make(PART_VALIDATION, counts.validation, false),
    test: make(PART_TEST, counts.test, false),
    preprocessing: pre,
    counts,
    dropped,
    warnings,
  };
}

/** Rows of a part under the options' missing rules (fitting a new model). */
function fitSelector(opts: StreamOptions, t: Table, seed: number, test: number, validation: number): Selector {
  const policies = t.features.map((name, j) => columnMissing(opts.missing, name, Boolean(t.categories?.[j])));
  return selector(seed, test, validation, (j) => policies[j].rule === 'drop', (j) => policies[j].rule !== 'error', missingFor(opts.missing, labelName(t)).rule === 'drop');
}

/** Rows of a part under a model's rules (its drop columns and label rule), as training chose them. */
function modelSelector(pre: Preprocessing, t: Table, seed: number, test: number, validation: number): Selector {
  const r = modelRowRules(pre, t);
  return selector(seed, test, validation, r.drop, r.fills, r.dropLabel);
}

/**
 * One split of a CSV file as a BatchStream. With a seed, batches are drawn from a shuffle buffer
 * (deterministic for the seed, the epoch and the buffer size, whatever engine trains on them);
 * without, rows come in file order (evaluation).
 */
export class CsvStream implements BatchStream {
  readonly window: Dataset;
  readonly order: Int32Array;
  private readonly live: Int32Array; // filled slots; the last batch's are live[0 … taken)
  private nLive = 0;
  private taken = 0;
  private rng: Rng | null = null;
  private source: AsyncGenerator<{ X: ArrayLike<number>; Y: ArrayLike<number>; rows: number }> | null = null;
  private staged: { X: ArrayLike<number>; Y: ArrayLike<number>; rows: number } | null = null;
  private at = 0;
  private sequentialDone = false;

  constructor(
    private readonly path: string,
    private readonly csv: CsvOptions,
    private readonly pre: Preprocessing,
    readonly N: number,
    private readonly capacity: number,
    private readonly seed: number | null,
    private readonly mine: (t: Table, g0: number) => Int32Array,
    private readonly warnings: string[],
    private readonly dtype: DType,
  ) {
    const nIn = pre.features.length;
    const nOut = pre.labels ? pre.labels.length : (pre.targets?.length ?? 1);
    this.window = { X: jsBackend.floats(dtype, capacity * nIn), Y: jsBackend.floats(dtype, capacity * nOut), N: capacity, nIn, nOut }; // (capacity, nIn), (capacity, nOut)
    this.order = new Int32Array(new SharedArrayBuffer(capacity * 4));
    this.live = new Int32Array(capacity);
  }

  /** Encoded rows of this split, chunk by chunk, in file order. */
  private async *encoded(): AsyncGenerator<{ X: ArrayLike<number>; Y: ArrayLike<number>; rows: number }> {
    let g = 0;
    const pre = this.pre;
    const { nIn, nOut } = this.window;
    const onWarning = (m: string) => this.warnings.length < 20 && this.warnings.push(m);
    let stageX: Floats = new Float32Array(0);
    let stageY: Floats = new Float32Array(0);
    for await (const t of chunkTables(this.path, this.csv)) {
      const rows = this.mine(t, g);
      g += t.N;
      if (rows.length === 0) continue;
      if (stageX.length < rows.length * nIn) {
        // one staging block per stream, grown to the largest chunk: no garbage per chunk
        stageX = this.dtype === 'f64' ? new Float64Array(rows.length * nIn * 2) : new Float32Array(rows.length * nIn * 2);
        stageY = this.dtype === 'f64' ? new Float64Array(rows.length * nOut * 2) : new Float32Array(rows.length * nOut * 2);
      }
      encodeTable(pre, t, rows, bindColumns(pre, t), this.dtype, { unseen: 'zeros', onWarning }, stageX);
      targetRows(t, rows, pre, this.dtype, stageY);
      yield { X: stageX, Y: stageY, rows: rows.length };
    }
  }

  /** Copies the next row of the split into `slot`; false at the end of the file. */
  private async pull(slot: number): Promise<boolean> {
    while (!this.staged || this.at === this.staged.rows) {
      const next = await this.source!.next();
      if (next.done) return false;
      this.staged = next.value;
      this.at = 0;
    }
    const { nIn, nOut, X, Y } = this.window;
    const s = this.staged;
    for (let j = 0; j < nIn; j++) X[slot * nIn + j] = s.X[this.at * nIn + j];
    for (let k = 0; k < nOut; k++) Y[slot * nOut + k] = s.Y[this.at * nOut + k];
    this.at++;
    return true;
  }

  async startEpoch(epoch: number): Promise<void> {
    await this.source?.return(undefined);
    this.source = this.encoded();
    this.staged = null;
    this.at = 0;
    this.taken = 0;
    this.nLive = 0;
    this.sequentialDone = false;
    if (this.seed === null) return;
    this.rng = new Rng(mixSeed(mixSeed(this.seed, SHUFFLE_STREAM), epoch + 1));
    for (let slot = 0; slot < this.capacity && (await this.pull(slot)); slot++) this.live[this.nLive++] = slot;
  }

  async nextBatch(B: number): Promise<number> {
    if (!this.source) throw new ConfigError('call startEpoch before nextBatch');
    const n = Math.min(B, this.capacity);
    if (this.seed === null) {
      // file order: rows into slots 0 … n−1
      let b = 0;
      while (b < n && !this.sequentialDone && (await this.pull(b))) this.order[b] = b++;
      if (b < n) this.sequentialDone = true;
      return b;
    }
    // refill the slots the last batch used with the file's next rows; drop the slots the file can no longer fill
    let keep = 0;
    for (let i = 0; i < this.taken; i++) {
      const slot = this.live[i];
      if (await this.pull(slot)) this.live[keep++] = slot;
    }
    if (keep < this.taken) {
      this.live.copyWithin(keep, this.taken, this.nLive);
      this.nLive -= this.taken - keep;
    }
    // draw the batch: a partial Fisher–Yates over the live slots (the drawn ones end up in front)
    const b = Math.min(n, this.nLive);
    const rng = this.rng!;
    for (let i = 0; i < b; i++) {
      const j = i + rng.int(this.nLive - i);
      const t = this.live[i];
      this.live[i] = this.live[j];
      this.live[j] = t;
      this.order[i] = this.live[i];
    }
    this.taken = b;
    return b;
  }
}

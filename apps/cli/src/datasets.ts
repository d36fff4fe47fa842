/**
 * The CLI's view of data: a dataset spec string ("mnist", "iris", "circle", "spirals:4",
 * "data.csv", "train-images-idx3-ubyte") becomes training/test datasets plus the preprocessing
 * that travels with the model. Loading is @backprop/data's job; this file only maps the
 * command-line options onto it.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { evaluate, evaluateStream, type BatchStream, type Dataset, type Evaluation, type Network, type Preprocessing } from '@backprop/core';
import { isBatchStream } from '@backprop/core/engine';
import { isBuiltin, isGzip, parseBuiltinSpec, regressionErrors, type EncodeOptions, type RegressionErrors, type LoadOptions as DataOptions, type LoadedData, type MissingOption, type MissingPolicy, type NormalizationKind } from '@backprop/data';
import type { MissingFlag } from './options.js';
import { IDX_FILE_NAME, load, readInputs } from '@backprop/data/node';
import { UsageError } from './errors.js';

export interface TrainingData {
  /** Resident rows, or (--stream) a file read in chunks through a seeded shuffle buffer. */
  train: Dataset | BatchStream;
  /** What the loader wants the user to know (e.g. test rows with unseen categories). */
  warnings: string[];
  /** Rows dropped for missing values. */
  dropped: number;
  /** Held-out rows for the final accuracy (mnist: 2,000 of the 10,000 digits), or null. */
  test: Dataset | BatchStream | null;
  preprocessing: Preprocessing;
  description: string;
}

/** The data settings of a run; saved in the model so eval and --resume rebuild the same split. */
export interface LoadOptions {
  seed: number;
  /** Held out as the test set: a fraction in [0, 1) or a row count (default 0.2; IDX t10k files are used whole). */
  testSplit?: number;
  normalization?: NormalizationKind;
  labelColumn?: string;
  /** Synthetic sets: points to generate; other sources: use only this many rows. */
  samples?: number;
  /** Synthetic sets: 0 … 1. */
  noise?: number;
  /** CSV: text columns to one-hot encode (--categorical). */
  categorical?: (string | number)[];
  /** CSV: missing-value policies (--missing). */
  missing?: MissingFlag;
  /** Regression targets' normalisation (default: zscore for a linear output, minmax for a bounded one). */
  targetNormalization?: NormalizationKind;
  /** CSV: read the file in chunks, never whole (--stream), through a shuffle buffer of this many rows. */
  stream?: boolean;
  bufferRows?: number;
}

/** --missing as @backprop/data's option. */
function missingOption(m: MissingFlag | undefined): MissingOption | undefined {
  if (!m) return undefined;
  const cols = Object.keys(m.columns);
  if (cols.length === 0) return m.default as MissingPolicy | undefined;
  return { columns: m.columns as Record<string, MissingPolicy>, default: m.default as MissingPolicy | undefined };
}

/** Synthetic sets whose ":N" suffix is a class count; for the others it is a point count. */
const CLASS_SUFFIX = new Set(['spirals', 'blobs', 'k-spirals', 'k-blobs']);

/**
 * The spec and options as @backprop/data takes them. "circle:400" (the CLI's older shorthand)
 * means 400 points; "spirals:4" and "blobs:4" mean 4 classes, as in the data package.
 */
function dataArgs(spec: string, o: LoadOptions): { spec: string; opts: DataOptions } {
  let s = spec.trim();
  let n = o.samples;
  if (isBuiltin(s)) {
    const { name, classes } = parseBuiltinSpec(s);
    if (classes !== undefined && !CLASS_SUFFIX.has(name)) {
      s = name;
      n ??= classes;
    }
  }
  const opts: DataOptions = { seed: o.seed, test: o.testSplit, normalization: o.normalization, noise: o.noise, n, categorical: o.categorical, missing: missingOption(o.missing), targetNormalization: o.targetNormalization };
  if (o.labelColumn !== undefined) opts.label = /^-?\d+$/.test(o.labelColumn) ? Number(o.labelColumn) : o.labelColumn;
  return { spec: s, opts };
}

function describe(d: LoadedData): string {
  const pre = d.preprocessing;
  const rows = d.train.N + (d.validation?.N ?? 0) + (d.test?.N ?? 0);
  const out = pre.labels ? `${pre.labels.length} classes` : `${d.train.nOut} target${d.train.nOut === 1 ? '' : 's'}`;
  return `${d.name} (${rows} rows, ${d.train.nIn} features, ${out}; ${pre.normalization.kind} normalisation)`;
}

/** Training and test data for `backprop train`; with `preprocessing` (fine-tuning) that instead of a fitted one. */
export async function loadTraining(spec: string, o: LoadOptions, preprocessing?: Preprocessing | null): Promise<TrainingData> {
  const a = dataArgs(spec, o);
  if (o.stream) {
    if (!isTabular(spec)) throw new UsageError(`--stream reads CSV files in chunks, and ${spec} is not one; leave it out`);
    const d = await load(a.spec, { ...a.opts, stream: true, bufferRows: o.bufferRows, ...(preprocessing ? { preprocessing } : {}) });
    const out = d.preprocessing.labels ? `${d.preprocessing.labels.length} classes` : `${d.train.window.nOut} target${d.train.window.nOut === 1 ? '' : 's'}`;
    const description = `${d.name} (streamed: ${d.counts.train + d.counts.validation + d.counts.test} rows, ${d.train.window.nIn} inputs, ${out}; ${d.preprocessing.normalization.kind} normalisation; shuffle buffer ${d.train.window.N} rows)`;
    return { train: d.train, test: d.test, preprocessing: d.preprocessing, description, warnings: d.warnings, dropped: d.dropped };
  }
  const d = await load(a.spec, preprocessing ? { ...a.opts, preprocessing } : a.opts);
  return { train: d.train, test: d.test, preprocessing: d.preprocessing, description: describe(d), warnings: d.warnings, dropped: d.dropped };
}

/**
 * Labelled rows for `eval`/`gradcheck`, preprocessed with a saved model's preprocessing, in memory.
 * `heldOut`: the data is the set the model was trained on, so take its seeded test split (the
 * rows training never saw); otherwise every row.
 */
export async function loadForModel(spec: string, pre: Preprocessing, o: LoadOptions, heldOut = false, enc: EncodeOptions = {}): Promise<{ data: Dataset; part: string }> {
  return fromStdin(spec, async (path) => {
    const a = dataArgs(path, o);
    const d = await load(a.spec, { ...a.opts, ...enc, preprocessing: pre, test: heldOut ? a.opts.test : 0 });
    if (heldOut && d.test) return { data: d.test, part: `the ${d.test.N} held-out test rows` };
    return { data: d.train, part: `all ${d.train.N} rows` };
  });
}

/** The same for `eval`; a model trained with --stream has its held-out rows streamed again (the seeded hash's rows). */
export async function loadForEval(spec: string, pre: Preprocessing, o: LoadOptions, heldOut = false, enc: EncodeOptions = {}): Promise<{ data: Dataset | BatchStream; part: string }> {
  if (!o.stream || !heldOut) return loadForModel(spec, pre, o, heldOut, enc);
  const a = dataArgs(spec, o);
  const d = await load(a.spec, { ...a.opts, stream: true, preprocessing: pre, bufferRows: o.bufferRows });
  if (!d.test) throw new UsageError(`${spec} has no held-out rows for this model (its test share was 0); evaluate it on other data`);
  return { data: d.test, part: `the ${d.test.N} held-out test rows (streamed)` };
}

/** Raw input rows for `predict` from a CSV or JSON file (or `-`: stdin), preprocessed as the model expects. */
export async function loadInputs(path: string, pre: Preprocessing, enc: EncodeOptions = {}): Promise<{ X: Float32Array | Float64Array; N: number }> {
  return fromStdin(path, (p) => readInputs(p, pre, enc));
}

/**
 * `-` means stdin: its bytes go to a temp file named for what they are (stdin.json, stdin.csv,
 * stdin.csv.gz), so every loader reads stdin as it reads a file; errors then say "stdin".
 */
async function fromStdin<T>(spec: string, read: (path: string) => Promise<T>): Promise<T> {
  if (spec !== '-') return read(spec);
  if (process.stdin.isTTY) throw new UsageError('- reads rows from stdin, which is a terminal here; pipe or redirect a file in, e.g. < rows.csv');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer); // async: a signal still gets through while waiting
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) throw new UsageError('stdin is empty; pipe or redirect CSV or JSON rows in, e.g. < rows.csv');
  const text = isGzip(bytes) ? '' : bytes.subarray(0, 64).toString('utf8').trimStart();
  const name = isGzip(bytes) ? 'stdin.csv.gz' : text.startsWith('[') ? 'stdin.json' : 'stdin.csv';
  const dir = mkdtempSync(join(tmpdir(), 'backprop-stdin-'));
  const path = join(dir, name);
  try {
    writeFileSync(path, bytes);
    return await read(path);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.split(path).join('stdin');
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when the spec is a CSV file (not a built-in set, MNIST or IDX files). */
function isTabular(spec: string): boolean {
  const s = spec.trim();
  if (isBuiltin(s) || s.toLowerCase() === 'mnist' || IDX_FILE_NAME.test(basename(s))) return false;
  try {
    return !statSync(s).isDirectory();
  } catch {
    return true; // the loader reports a missing file
  }
}

/** --categorical, --missing and --normalize-targets apply to CSV data (and the last to regression): refuse them elsewhere rather than ignore them. */
export function checkTabularFlags(f: { categorical?: unknown; missing?: unknown; normalizeTargets?: string }, spec: string, pre: Preprocessing): void {
  const given = [f.categorical && '--categorical', f.missing && '--missing'].filter(Boolean);
  if (given.length > 0 && !isTabular(spec)) throw new UsageError(`${given.join(' and ')} ${given.length > 1 ? 'apply' : 'applies'} to CSV files, and ${spec} is not one; leave ${given.length > 1 ? 'them' : 'it'} out`);
  if (f.normalizeTargets && pre.labels !== null) throw new UsageError(`--normalize-targets applies to regression, and ${spec} has class labels; leave it out`);
}

/** Input and output widths of resident or streamed data. */
export function widthsOf(d: Dataset | BatchStream): { nIn: number; nOut: number } {
  return isBatchStream(d) ? d.window : d;
}

/** Loss, accuracy and confusion matrix on resident or streamed rows. */
export async function evaluateOn(net: Network, d: Dataset | BatchStream): Promise<Evaluation> {
  return isBatchStream(d) ? evaluateStream(net, d) : evaluate(net, d);
}

/** Regression errors in the targets' units on resident or streamed rows. */
export async function regressionOn(net: Network, d: Dataset | BatchStream, pre: Preprocessing): Promise<RegressionErrors> {
  if (!isBatchStream(d)) return regressionErrors(pre, net.predict(d.X, d.N), d.Y, d.N);
  const a: number[] = [];
  const y: number[] = [];
  const { nIn, nOut, X, Y } = d.window;
  await d.startEpoch(0);
  for (let B = await d.nextBatch(256); B > 0; B = await d.nextBatch(256)) {
    const rows = new Float32Array(B * nIn);
    for (let b = 0; b < B; b++) {
      const s = d.order[b];
      rows.set(X.subarray(s * nIn, (s + 1) * nIn), b * nIn);
      for (let k = 0; k < nOut; k++) y.push(Y[s * nOut + k]);
    }
    a.push(...net.predict(rows, B));
  }
  return regressionErrors(pre, a, y, y.length / nOut);
}

/** Resident rows (a command that needs them all, e.g. gradcheck): streamed data is refused. */
export function residentRows(d: Dataset | BatchStream): Dataset {
  if (isBatchStream(d)) throw new UsageError('this command needs the rows in memory; it does not read streamed data');
  return d;
}

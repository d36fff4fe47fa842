/**
 * The CLI's view of data: a dataset spec string ("mnist", "iris", "circle", "spirals:4",
 * "data.csv", "train-images-idx3-ubyte") becomes training/test datasets plus the preprocessing
 * that travels with the model. Loading is @backprop/data's job; this file only maps the
 * command-line options onto it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset, Preprocessing } from '@backprop/core';
import { isBuiltin, isGzip, parseBuiltinSpec, type LoadOptions as DataOptions, type LoadedData, type NormalizationKind } from '@backprop/data';
import { load, readInputs } from '@backprop/data/node';
import { UsageError } from './errors.js';

export interface TrainingData {
  train: Dataset;
  /** Held-out rows for the final accuracy (mnist: 2,000 of the 10,000 digits), or null. */
  test: Dataset | null;
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
  const opts: DataOptions = { seed: o.seed, test: o.testSplit, normalization: o.normalization, noise: o.noise, n };
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
  const d = await load(a.spec, preprocessing ? { ...a.opts, preprocessing } : a.opts);
  return { train: d.train, test: d.test, preprocessing: d.preprocessing, description: describe(d) };
}

/**
 * Labelled rows for `eval`/`gradcheck`, preprocessed with a saved model's preprocessing.
 * `heldOut`: the data is the set the model was trained on, so take its seeded test split (the
 * rows training never saw); otherwise every row.
 */
export async function loadForModel(spec: string, pre: Preprocessing, o: LoadOptions, heldOut = false): Promise<{ data: Dataset; part: string }> {
  return fromStdin(spec, async (path) => {
    const a = dataArgs(path, o);
    const d = await load(a.spec, { ...a.opts, preprocessing: pre, test: heldOut ? a.opts.test : 0 });
    if (heldOut && d.test) return { data: d.test, part: `the ${d.test.N} held-out test rows` };
    return { data: d.train, part: `all ${d.train.N} rows` };
  });
}

/** Raw input rows for `predict` from a CSV or JSON file (or `-`: stdin), preprocessed as the model expects. */
export async function loadInputs(path: string, pre: Preprocessing): Promise<{ X: Float32Array | Float64Array; N: number }> {
  return fromStdin(path, (p) => readInputs(p, pre));
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

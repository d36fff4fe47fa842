/**
 * Load by name: "iris" and the synthetic sets ("circle", "spirals:4", …) need no files, so they
 * load anywhere. The options are the ones the CLI passes for every source (see node/load.ts).
 */
import { ConfigError } from '@backprop/core';
import type { CsvOptions } from './csv.js';
import { irisTable } from './iris.js';
import { prepare, type LoadedData, type PrepareOptions } from './prepare.js';
import { SYNTHETIC_SETS, checkSyntheticName, syntheticTable, type SyntheticOptions } from './synthetic.js';

/** Options for any source; each loader reads the ones that apply to it. */
export interface LoadOptions extends PrepareOptions, Omit<SyntheticOptions, 'n' | 'seed'>, Omit<CsvOptions, 'file'> {
  /** IDX: class names by label value (e.g. FASHION_MNIST_LABELS). */
  labelNames?: string[];
}

export const BUILTIN_SETS: readonly string[] = ['iris', ...SYNTHETIC_SETS];

/** A spec "name" or "name:k" (k classes for spirals and blobs), lower-cased. */
export function parseBuiltinSpec(spec: string): { name: string; classes?: number } {
  const s = spec.trim().toLowerCase();
  const m = /^([a-z-]+):(\d+)$/.exec(s);
  return m ? { name: m[1], classes: Number(m[2]) } : { name: s };
}

/** True when `spec` names a set that loads without files ("iris", "xor", "blobs:5", …). */
export function isBuiltin(spec: string): boolean {
  const { name } = parseBuiltinSpec(spec);
  if (name === 'iris') return true;
  try {
    checkSyntheticName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads iris or a synthetic set (browser-safe). Synthetic sets use `n` (points, default 500),
 * `noise`, `seed` and `classes`; all use the split and normalisation options.
 */
export function loadBuiltin(spec: string, opts: LoadOptions = {}): LoadedData {
  const { name, classes } = parseBuiltinSpec(spec);
  if (name === 'iris') return prepare(irisTable(), opts);
  if (name === 'mnist') {
    throw new ConfigError('mnist needs its digit files: in Node call load("mnist") or loadMnist() from "@backprop/data/node"; in the browser call fetchMnist(url)');
  }
  if (!isBuiltin(name)) throw new ConfigError(`unknown dataset "${spec}"; use iris, mnist, one of ${SYNTHETIC_SETS.join(', ')} (spirals:K, blobs:K for K classes), a CSV file or IDX files`);
  const table = syntheticTable(name, { n: opts.n, noise: opts.noise, seed: opts.seed, classes: classes ?? opts.classes });
  return prepare(table, { ...opts, n: undefined });
}

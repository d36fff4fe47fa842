/**
 * load(spec): one entry point for the CLI. The spec is "mnist", "iris", a synthetic set
 * ("circle", "spirals:4", …), a CSV file (.csv, .tsv, .gz), or IDX files (a directory with the
 * standard names, or an …-images-idx3-ubyte[.gz] file). With `stream: true`, a CSV file is read
 * in chunks, never whole (see stream.ts).
 */
import { ConfigError } from '@backprop/core';
import { basename } from 'node:path';
import { BUILTIN_SETS, isBuiltin, loadBuiltin, type LoadOptions } from '../builtin.js';
import { DataFileError } from '../errors.js';
import { prepare, type LoadedData } from '../prepare.js';
import { readCsvTable } from './csv.js';
import { modelCsvOptions } from './inputs.js';
import { loadStream, type StreamedData, type StreamOptions } from './stream.js';
import { statOrNull } from './files.js';
import { IDX_FILE_NAME, findIdxFiles, loadIdx } from './idx.js';
import { loadMnist } from './mnist.js';

/**
 * Loads the data a spec names, split and normalised as the options say. With
 * `opts.preprocessing` (a saved model's), that is applied instead of fitting a new one.
 */
export async function load(spec: string, opts: StreamOptions & { stream: true }): Promise<StreamedData>;
export async function load(spec: string, opts?: LoadOptions & { stream?: false }): Promise<LoadedData>;
export async function load(spec: string, opts: StreamOptions & { stream?: boolean } = {}): Promise<LoadedData | StreamedData> {
  const s = spec.trim();
  if (opts.stream) {
    if (isBuiltin(s) || s.toLowerCase() === 'mnist') throw new ConfigError(`${spec} is held in memory whole; stream: true reads CSV files bigger than memory`);
    return loadStream(s, opts);
  }
  const looksLikePath = /[/\\.]/.test(s);
  if (!looksLikePath && s.toLowerCase() === 'mnist') return loadMnist(opts);
  if (!looksLikePath && isBuiltin(s)) return loadBuiltin(s, opts);
  const st = await statOrNull(s);
  if (!st) {
    if (looksLikePath) throw new DataFileError({ file: s }, 'no such file or directory', `check the path (relative paths start at ${process.cwd()})`);
    throw new ConfigError(`unknown dataset "${spec}"; use mnist, ${BUILTIN_SETS.join(', ')} (spirals:K and blobs:K for K classes), a CSV file, or IDX files`);
  }
  if (st.isDirectory() || IDX_FILE_NAME.test(basename(s))) {
    return loadIdx(await findIdxFiles(s), opts);
  }
  const pre = opts.preprocessing;
  if (pre) {
    // a model's data: read its kind of target, its categorical columns as text, its offsets
    const { named: _, ...csv } = await modelCsvOptions(s, pre, opts, false);
    const table = await readCsvTable(s, { ...opts, ...csv, task: opts.task ?? (pre.labels ? 'classification' : 'regression') });
    return prepare({ ...table, consumable: true }, opts);
  }
  const offsets = (opts.normalization ?? 'zscore') !== 'none'; // raw values stay raw when nothing is normalised
  const table = await readCsvTable(s, { ...opts, offsets });
  return prepare({ ...table, consumable: true }, opts); // load made the table: prepare may reorder it in place
}

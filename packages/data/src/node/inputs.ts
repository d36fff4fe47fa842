/**
 * Rows to predict on from a file: JSON (rows or objects keyed by column) or CSV (with or without
 * a label column). Columns are matched to the model's raw columns by header name when the header
 * has them all, else taken in order; categorical columns are read as text, numeric ones relative
 * to the model's offsets, so the inputs are bit for bit those of training.
 */
import type { DType, Floats, Preprocessing } from '@backprop/core';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/browser/esm/sync';
import { csvParseOptions, parseCell, sniffDelimiter, type CsvOptions } from '../csv.js';
import { modelColumns, type EncodeOptions } from '../encode.js';
import { DataFileError } from '../errors.js';
import { inputsFromJson } from '../inputs.js';
import { inputsFor } from '../prepare.js';
import { peekText, readCsvTable } from './csv.js';
import { fileError } from './files.js';

/**
 * CSV options that read a file the way the model's columns need: categorical columns as text,
 * numeric ones against the model's offsets, missing cells allowed (the model's rules decide).
 * `inputsOnly`: every column is a feature (no label), so a file without the names is read in order.
 */
export async function modelCsvOptions(path: string, pre: Preprocessing, opts: Pick<CsvOptions, 'header' | 'delimiter' | 'dtype'>, inputsOnly: boolean): Promise<CsvOptions & { named: boolean }> {
  const head = await peekText(path);
  const delimiter = opts.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : sniffDelimiter(head));
  const firstLine = head.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let cells: string[] = [];
  try {
    const rows: string[][] = parse(firstLine, csvParseOptions(delimiter));
    cells = rows[0] ?? [];
  } catch {
    cells = []; // the full read reports it
  }
  const header = opts.header === undefined || opts.header === 'auto' ? cells.length > 0 && cells.every((c) => typeof parseCell(c) !== 'number') : opts.header;
  const cols = modelColumns(pre);
  const named = header && cols.every((c) => cells.includes(c.name));
  const categorical: (string | number)[] = [];
  const offsets: Record<string, number> = {};
  let at = 0;
  cols.forEach((c, m) => {
    const ref = named ? c.name : header ? cells[m] : `col${m}`;
    if (c.kind === 'categorical') {
      if (!named && !inputsOnly) throw new DataFileError({ file: path }, `the model one-hot encodes the column "${c.name}", and this file has no header naming the model's columns (${cols.map((k) => k.name).join(', ')})`, 'add a header row with those names');
      categorical.push(named ? c.name : m);
    } else if (pre.normalization.offset && ref !== undefined) offsets[ref] = pre.normalization.offset[at];
    at += c.kind === 'numeric' ? 1 : c.categories.length;
  });
  // a model without offsets normalised exact raw values: keep them exact (float64) until then
  const dtype = pre.normalization.offset ? (opts.dtype ?? 'f32') : 'f64';
  return { delimiter, header, categorical, offsets: pre.normalization.offset ? offsets : false, missing: { columns: {}, default: 'drop' }, dtype, named };
}

/** Network inputs (N, n^[0]) for the rows of a .json or CSV file, preprocessed as `pre` says. */
export async function readInputs(path: string, pre: Preprocessing, opts: Omit<CsvOptions, 'label' | 'features'> & EncodeOptions & { dtype?: DType } = {}): Promise<{ X: Floats; N: number }> {
  if (/\.json$/i.test(path)) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      if (e instanceof SyntaxError) throw new DataFileError({ file: path }, `not valid JSON (${e.message})`, 'write an array of rows, e.g. [[5.1, 3.5, 1.4, 0.2]]');
      throw fileError(e, path);
    }
    return inputsFromJson(value, pre, path, opts.dtype, opts);
  }
  const { named, ...csv } = await modelCsvOptions(path, pre, opts, true);
  const table = await readCsvTable(path, { ...opts, ...csv, label: [], features: named ? modelColumns(pre).map((c) => c.name) : undefined });
  return { X: inputsFor(pre, table, opts.dtype, opts), N: table.N };
}

/**
 * Rows to predict on from a file: JSON (rows or objects keyed by feature) or CSV (with or
 * without a label column). Columns are matched to the model's features by header name when
 * the header has them all, else taken in order.
 */
import type { DType, Floats, Preprocessing } from '@backprop/core';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/browser/esm/sync';
import { csvParseOptions, parseCell, sniffDelimiter, type CsvOptions } from '../csv.js';
import { DataFileError } from '../errors.js';
import { inputsFromJson } from '../inputs.js';
import { inputsFor } from '../prepare.js';
import { peekText, readCsvTable } from './csv.js';
import { fileError } from './files.js';

/** Network inputs (N, n^[0]) for the rows of a .json or CSV file, preprocessed as `pre` says. */
export async function readInputs(path: string, pre: Preprocessing, opts: Omit<CsvOptions, 'label' | 'features'> & { dtype?: DType } = {}): Promise<{ X: Floats; N: number }> {
  if (/\.json$/i.test(path)) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      if (e instanceof SyntaxError) throw new DataFileError({ file: path }, `not valid JSON (${e.message})`, 'write an array of rows, e.g. [[5.1, 3.5, 1.4, 0.2]]');
      throw fileError(e, path);
    }
    return inputsFromJson(value, pre, path, opts.dtype);
  }
  const head = await peekText(path);
  const delimiter = opts.delimiter ?? sniffDelimiter(head);
  const firstLine = head.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let cells: string[] = [];
  try {
    const rows: string[][] = parse(firstLine, csvParseOptions(delimiter));
    cells = rows[0] ?? [];
  } catch {
    cells = []; // the full read reports it
  }
  const header = opts.header === undefined || opts.header === 'auto' ? cells.length > 0 && cells.every((c) => typeof parseCell(c) !== 'number') : opts.header;
  const named = header && pre.features.every((f) => cells.includes(f));
  const table = await readCsvTable(path, { ...opts, header, label: [], features: named ? pre.features : undefined });
  return { X: inputsFor(pre, table, opts.dtype), N: table.N };
}

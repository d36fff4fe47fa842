/**
 * Raw rows to predict on, given as JSON: an array of rows ([[5.1, 3.5, …], …]) in the model's
 * column order, or an array of objects keyed by column name ([{"sepal_length": 5.1, …}]), with
 * category names as text and null for a missing value. The model's preprocessing turns them into
 * network inputs, exactly as it did the training rows.
 */
import type { DType, Floats, Preprocessing } from '@backprop/core';
import { encodeRows, modelColumns, type EncodeOptions, type RawCell } from './encode.js';
import { DataFileError } from './errors.js';

/** Network inputs for rows parsed from JSON; errors name the file, row and column. */
export function inputsFromJson(value: unknown, pre: Preprocessing, file = 'JSON input', dtype: DType = 'f32', opts: EncodeOptions = {}): { X: Floats; N: number } {
  if (!Array.isArray(value) || value.length === 0) {
    const names = modelColumns(pre).map((c) => c.name);
    throw new DataFileError({ file }, 'expected a non-empty JSON array of rows', `write [[${names.map((_, j) => `x${j + 1}`).join(', ')}], …] or [{"${names[0]}": …}, …]`);
  }
  return { X: encodeRows(pre, value as (RawCell[] | Record<string, RawCell>)[], { ...opts, dtype, file, strictNumbers: true }), N: value.length };
}

/**
 * Raw rows to predict on, given as JSON: an array of rows ([[5.1, 3.5, …], …]) in the model's
 * feature order, or an array of objects keyed by feature name ([{"sepal_length": 5.1, …}]).
 * Either way the model's preprocessing turns them into network inputs.
 */
import type { DType, Floats, Preprocessing } from '@backprop/core';
import { DataFileError, nonFiniteError } from './errors.js';
import { applyPreprocessing } from './normalize.js';

/** Network inputs for rows parsed from JSON; errors name the file, row and feature. */
export function inputsFromJson(value: unknown, pre: Preprocessing, file = 'JSON input', dtype: DType = 'f32'): { X: Floats; N: number } {
  if (!Array.isArray(value) || value.length === 0) {
    throw new DataFileError({ file }, 'expected a non-empty JSON array of rows', `write [[${pre.features.map((_, j) => `x${j + 1}`).join(', ')}], …] or [{"${pre.features[0]}": …}, …]`);
  }
  const n = pre.features.length;
  const raw = new Float64Array(value.length * n);
  value.forEach((row: unknown, i) => {
    for (let j = 0; j < n; j++) {
      const name = pre.features[j];
      let x: unknown;
      if (Array.isArray(row)) {
        if (row.length !== n) throw new DataFileError({ file, row: i }, `the row has ${row.length} values but the model takes ${n} features (${pre.features.join(', ')})`, `give ${n} numbers per row in that order`);
        x = row[j];
      } else if (row !== null && typeof row === 'object') {
        if (!(name in row)) throw new DataFileError({ file, row: i, column: name }, 'the feature is missing', `give every object the keys ${pre.features.join(', ')}`);
        x = (row as Record<string, unknown>)[name];
      } else {
        throw new DataFileError({ file, row: i }, `a row is ${JSON.stringify(row)}, not an array or object`, 'write each row as an array of numbers or an object keyed by feature');
      }
      if (typeof x !== 'number') throw new DataFileError({ file, row: i, column: name }, `${JSON.stringify(x)} is not a number`, 'give numeric feature values');
      if (!Number.isFinite(x)) throw nonFiniteError({ file, row: i, column: name }, x);
      raw[i * n + j] = x;
    }
  });
  return { X: applyPreprocessing(pre, raw, dtype), N: value.length };
}

// Raw rows to predict on from JSON: arrays in feature order or objects keyed by feature name,
// both giving the inputs applyPreprocessing gives; bad rows named by row and feature.
import { NumericError, type Preprocessing } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors.js';
import { inputsFromJson } from './inputs.js';

const pre: Preprocessing = {
  features: ['a', 'b'],
  normalization: { kind: 'minmax', shift: [1, 0], scale: [0.5, 0.1] },
  labels: ['no', 'yes'],
};

describe('inputsFromJson', () => {
  it('rows as arrays and as objects give the same inputs: [(3 − 1)·0.5, (20 − 0)·0.1] = [1, 2]', () => {
    const a = inputsFromJson([[3, 20], [1, 0]], pre);
    const o = inputsFromJson([{ b: 20, a: 3, extra: 'ignored' }, { a: 1, b: 0 }], pre);
    expect(a.N).toBe(2);
    expect(Array.from(a.X)).toEqual([1, 2, 0, 0]);
    expect(Array.from(o.X)).toEqual(Array.from(a.X));
  });

  it('names the row and feature of each bad value', () => {
    expect(() => inputsFromJson({ a: 1 }, pre, 'in.json')).toThrow(/^in\.json: expected a non-empty JSON array of rows/);
    expect(() => inputsFromJson([[1, 2], [1]], pre, 'in.json')).toThrow('in.json, row 1: the row has 1 values but the model takes 2 columns (a, b); give 2 values per row in that order');
    expect(() => inputsFromJson([{ a: 1 }], pre, 'in.json')).toThrow('in.json, row 0, column "b": the column is missing; give every object the keys a, b (null for a missing value)');
    expect(() => inputsFromJson([[1, '2']], pre, 'in.json')).toThrow(DataFileError);
    expect(() => inputsFromJson([[1, Number.POSITIVE_INFINITY]], pre, 'in.json')).toThrow(NumericError);
  });
});

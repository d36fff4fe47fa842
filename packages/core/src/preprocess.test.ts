// Preprocessing shape version 2: version-1 objects (no columns, no version) still parse, the new
// fields are checked field by field and across fields, and outputs map back to target units.
import { describe, expect, it } from 'vitest';
import { ModelFileError } from './errors.js';
import { loadModel, saveModel } from './modelfile.js';
import { Network } from './network.js';
import { PREPROCESSING_VERSION, normalizeRows, outputsToTargets, parsePreprocessing, type Preprocessing } from './preprocess.js';

const v1 = { features: ['a', 'b'], normalization: { kind: 'zscore', shift: [1, 2], scale: [0.5, 0.25] }, labels: ['x', 'y'], source: 'csv t.csv' };

const v2: Preprocessing = {
  version: PREPROCESSING_VERSION,
  features: ['age', 'color=blue', 'color=red'],
  normalization: { kind: 'zscore', shift: [40, 0, 0], scale: [0.1, 1, 1], offset: [38, 0, 0] },
  labels: null,
  targets: ['price'],
  columns: [
    { name: 'age', kind: 'numeric', missing: 'median', fill: 39 },
    { name: 'color', kind: 'categorical', categories: ['blue', 'red'], missing: 'mode', fill: 'red' },
  ],
  targetNormalization: { kind: 'zscore', shift: [100], scale: [0.01] },
};

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFileError');
}

describe('parsePreprocessing', () => {
  it('a version-1 object (no version, no columns) parses unchanged', () => {
    expect(parsePreprocessing(structuredClone(v1))).toEqual(v1);
  });

  it('a version-2 object with columns, offsets, fills and target normalisation parses unchanged', () => {
    expect(parsePreprocessing(structuredClone(v2))).toEqual(v2);
  });

  it('names the field of a wrong type, a missing field or a non-finite number', () => {
    expect(messageOf(() => parsePreprocessing({ ...v1, normalization: null }))).toMatch(/^preprocessing\.normalization: /);
    expect(messageOf(() => parsePreprocessing({ ...v1, features: undefined }))).toMatch(/^preprocessing\.features: /);
    expect(messageOf(() => parsePreprocessing({ ...v1, normalization: { ...v1.normalization, shift: [1, 'x'] } }))).toMatch(/^preprocessing\.normalization\.shift\.1: /);
    expect(messageOf(() => parsePreprocessing({ ...v1, normalization: { ...v1.normalization, scale: [0, 1] } }))).toMatch(/^preprocessing\.normalization\.scale\.0: expected a non-zero scale/);
    expect(messageOf(() => parsePreprocessing({ ...v2, columns: [{ name: 'age', kind: 'text' }] }))).toMatch(/^preprocessing\.columns\.0\.kind: /);
  });

  it('refuses lengths that disagree and fills that cannot apply', () => {
    expect(messageOf(() => parsePreprocessing({ ...v1, normalization: { ...v1.normalization, shift: [1] } }))).toBe('preprocessing: normalization has 1 shifts and 2 scales for 2 features; the model file is damaged');
    const cols = v2.columns!;
    expect(messageOf(() => parsePreprocessing({ ...v2, columns: [cols[0]] }))).toMatch(/columns encode 1 inputs but features lists 3/);
    expect(messageOf(() => parsePreprocessing({ ...v2, columns: [cols[0], { ...cols[1], fill: 'green' }] }))).toMatch(/column "color" fills with "green", which is not one of its categories/);
    expect(messageOf(() => parsePreprocessing({ ...v2, columns: [{ name: 'age', kind: 'numeric', missing: 'mean' }, cols[1]] }))).toMatch(/column "age" fills missing cells by mean but has no fill value/);
    expect(messageOf(() => parsePreprocessing({ ...v2, targetNormalization: { kind: 'zscore', shift: [1, 2], scale: [1, 1] } }))).toMatch(/2 shifts and 2 scales for 1 targets/);
  });

  it('refuses a newer shape version with the advice to upgrade', () => {
    expect(messageOf(() => parsePreprocessing({ ...v1, version: PREPROCESSING_VERSION + 1 }))).toMatch(/newer than this backprop reads \(2\); upgrade backprop/);
  });

  it('model files: a version-1 preprocessing loads; a damaged one is a ModelFileError naming the field', () => {
    const net = Network.create({ sizes: [2, 2] }, { seed: 1 }); // v1: 2 features, 2 labels
    expect(loadModel(saveModel(net, { preprocessing: v1 as Preprocessing })).preprocessing).toEqual(v1);
    const regression = Network.create({ sizes: [3, 1], output: 'linear' }, { seed: 1 }); // v2: 3 inputs, 1 target
    expect(loadModel(saveModel(regression, { preprocessing: v2 })).preprocessing).toEqual(v2);
    const bad = saveModel(net, { preprocessing: { ...v1, labels: 'x' } as unknown as Preprocessing });
    expect(() => loadModel(bad)).toThrow(/^model file header field preprocessing\.labels is wrong \(invalid type: expected Array/); // the header schema names the field
  });
});

describe('outputsToTargets and normalizeRows', () => {
  it('maps normalised outputs back: y = a/scale + shift (a = 0.5 → 0.5/0.01 + 100 = 150)', () => {
    expect(Array.from(outputsToTargets(v2, [0.5, -1]))).toEqual([150, 0]);
    expect(Array.from(outputsToTargets(v1 as Preprocessing, [0.5]))).toEqual([0.5]);
  });

  it('normalizeRows uses the offset form with float32 rounding of x − c', () => {
    const X = new Float32Array([41, 1, 0]);
    normalizeRows(X, v2);
    // (round(41 − 38) − (40 − 38))·0.1 = 0.1;  one-hot inputs keep 1 and 0
    expect(Array.from(X)).toEqual([Math.fround(0.1), 1, 0]);
  });
});

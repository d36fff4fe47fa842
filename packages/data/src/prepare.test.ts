// prepare: splits on shared memory, normalisation and labels fitted on the training rows only,
// and the round trip that matters: train → saveModel → loadModel → applyPreprocessing on raw
// rows gives bit-identical inputs and outputs, and the same label names.
import { DataError, Network, Trainer, evaluate, loadModel, saveModel } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from './builtin.js';
import { csvTable } from './csv.js';
import { IRIS, IRIS_LABELS } from './iris.js';
import { predictedLabels } from './labels.js';
import { applyPreprocessing } from './normalize.js';
import { irisTable } from './iris.js';
import { inputsFor, prepare, prepareFor } from './prepare.js';
import type { Table } from './table.js';

const bits = (v: Float32Array | Float64Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4));

describe('prepare', () => {
  it('iris: 120/30 stratified split (40/10 per species), one-hot targets, X and Y on shared memory', () => {
    const d = loadBuiltin('iris');
    expect(d.name).toBe('iris');
    expect(d.task).toBe('classification');
    expect([d.train.N, d.test!.N, d.validation]).toEqual([120, 30, null]);
    expect([d.train.nIn, d.train.nOut]).toEqual([4, 3]);
    for (const m of [d.train.X, d.train.Y, d.test!.X, d.test!.Y]) expect(m.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(d.train.X.buffer).not.toBe(d.test!.X.buffer); // one buffer per split
    const perClass = [0, 0, 0];
    for (let b = 0; b < d.test!.N; b++) perClass[[0, 1, 2].find((k) => d.test!.Y[b * 3 + k] === 1)!]++;
    expect(perClass).toEqual([10, 10, 10]);
    expect(d.preprocessing.labels).toEqual(IRIS_LABELS);
    expect(d.preprocessing.features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  });

  it('fits z-score on the training rows only: training features have mean 0 and std 1, test ones do not exactly', () => {
    const d = loadBuiltin('iris', { seed: 9 });
    const { shift } = d.preprocessing.normalization;
    let trainMean = 0;
    for (let b = 0; b < d.train.N; b++) trainMean += IRIS[d.rows.train[b]][0];
    expect(shift[0]).toBeCloseTo(trainMean / d.train.N, 12);
    for (let j = 0; j < 4; j++) {
      let s = 0;
      let ss = 0;
      for (let b = 0; b < d.train.N; b++) {
        s += d.train.X[b * 4 + j];
        ss += d.train.X[b * 4 + j] ** 2;
      }
      expect(Math.abs(s / d.train.N)).toBeLessThan(1e-6);
      expect(ss / d.train.N).toBeCloseTo(1, 5);
    }
    let testMean = 0;
    for (let b = 0; b < d.test!.N; b++) testMean += d.test!.X[b * 4];
    expect(Math.abs(testMean / d.test!.N)).toBeGreaterThan(1e-4);
  });

  it('row b of each split is the normalised source row rows[b], with its one-hot label', () => {
    const d = loadBuiltin('iris', { normalization: 'minmax', validation: 15, seed: 4 });
    expect([d.train.N, d.validation!.N, d.test!.N]).toEqual([105, 15, 30]);
    const { shift, scale } = d.preprocessing.normalization;
    const b = 7;
    const r = d.rows.validation[b];
    for (let j = 0; j < 4; j++) expect(d.validation!.X[b * 4 + j]).toBe(Math.fround((IRIS[r][j] - shift[j]) * scale[j]));
    expect(d.validation!.Y[b * 3 + IRIS[r][4]]).toBe(1);
  });

  it('f64 datasets on request; regression targets copied as they are', () => {
    const d = loadBuiltin('plane', { n: 50, dtype: 'f64' });
    expect(d.task).toBe('regression');
    expect(d.train.X).toBeInstanceOf(Float64Array);
    expect(d.train.nOut).toBe(1);
    expect(d.preprocessing.labels).toBeNull();
    expect(d.preprocessing.targets).toEqual(['y']);
  });

  it('labels of CSV data are the classes of the training rows; a class only in a test table is refused', () => {
    const train = csvTable('x,label\n1,a\n2,b\n3,a\n4,b\n', { file: 'train.csv' });
    const test = csvTable('x,label\n1,a\n2,c\n', { file: 'test.csv' });
    const d = prepare(train, {}, csvTable('x,label\n1,b\n', { file: 'ok.csv' }));
    expect(d.preprocessing.labels).toEqual(['a', 'b']);
    expect(Array.from(d.test!.Y)).toEqual([0, 1]); // "b" mapped by name to output 1
    expect(() => prepare(train, {}, test)).toThrow(DataError);
    expect(() => prepare(train, {}, test)).toThrow(/^test\.csv, line 3, column "label": label "c" occurs in the test rows but never in the training rows/);
  });

  it('an empty table is refused with a fix', () => {
    const empty: Table = { ...csvTable('x,label\n1,a\n'), N: 0, X: new Float64Array(0) };
    expect(() => prepare(empty)).toThrow(/has no rows; give a file or generator with at least one sample/);
  });
});

describe('normalisation round trip through a saved model', () => {
  it('iris: preprocessing survives save/load and predict on raw rows gives identical outputs and names', async () => {
    const d = loadBuiltin('iris', { seed: 3 });
    const net = Network.create({ sizes: [4, 8, 3], activation: 'tanh' }, { seed: 1 });
    await new Trainer(net, { epochs: 40, batchSize: 16, optimizer: { name: 'adam', lr: 0.02 }, seed: 2 }).fit(d.train);
    const file = loadModel(saveModel(net, { preprocessing: d.preprocessing }));
    expect(file.preprocessing).toEqual(d.preprocessing);

    const raw = Array.from(d.rows.test, (r) => IRIS[r].slice(0, 4)); // the test flowers in cm, as a user would type them
    const x = applyPreprocessing(file.preprocessing!, raw);
    expect(bits(x as Float32Array)).toEqual(bits(d.test!.X));
    const before = net.predict(d.test!.X, d.test!.N);
    const after = file.net.predict(x, raw.length);
    expect(bits(after)).toEqual(bits(before));

    const names = predictedLabels(file.preprocessing!, after, raw.length);
    const truth = Array.from(d.rows.test, (r) => IRIS_LABELS[IRIS[r][4]]);
    const correct = names.filter((n, i) => n === truth[i]).length;
    expect(correct / names.length).toBe(evaluate(net, d.test!).accuracy);
    expect(correct).toBeGreaterThanOrEqual(27); // ≥ 90% of 30 test flowers
  });

  it('CSV with text labels and min-max: the same bits from raw CSV rows after loadModel', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 40; i++) rows.push(`${(i * 0.37) % 5},${(i * 1.3) % 7},${i % 2 ? 'odd' : 'even'}`);
    const text = `u,v,parity\n${rows.join('\n')}\n`;
    const d = prepare(csvTable(text, { file: 'p.csv' }), { normalization: 'minmax', test: 0.25, seed: 11 });
    const net = Network.create({ sizes: [2, 4, 2] }, { seed: 5 });
    const file = loadModel(saveModel(net, { preprocessing: d.preprocessing }));
    expect(file.preprocessing!.labels).toEqual(['even', 'odd']);
    const raw = Array.from(d.rows.test, (r) => rows[r].split(',').slice(0, 2).map(Number));
    const x = applyPreprocessing(file.preprocessing!, raw);
    expect(bits(x as Float32Array)).toEqual(bits(d.test!.X));
    expect(bits(file.net.predict(x, raw.length))).toEqual(bits(net.predict(d.test!.X, d.test!.N)));
  });
});

describe('prepareFor: data under a saved model’s preprocessing (eval, predict)', () => {
  const trainText = 'a,b,label\n1,10,x\n2,20,y\n3,30,x\n4,40,y\n5,50,z\n6,60,z\n';
  const trained = prepare(csvTable(trainText, { file: 'train.csv' }), { test: 0 });
  const pre = trained.preprocessing;

  it('the same table and options give the same split and the same bits as prepare', () => {
    const d = loadBuiltin('iris', { seed: 6, validation: 0.1 });
    const again = prepareFor(d.preprocessing, irisTable(), { seed: 6, validation: 0.1 });
    expect(bits(again.train.X)).toEqual(bits(d.train.X));
    expect(bits(again.validation!.Y)).toEqual(bits(d.validation!.Y));
    expect(again.preprocessing).toBe(d.preprocessing);
    expect(prepare(irisTable(), { seed: 6, validation: 0.1, preprocessing: d.preprocessing }).rows).toEqual(d.rows);
  });

  it('matches features by name (any column order, extra columns) and labels by name', () => {
    const evalTable = csvTable('label,id,b,a\nz,9,60,6\ny,8,20,2\n', { file: 'eval.csv', ignore: ['id'] });
    const d = prepareFor(pre, evalTable, { test: 0 });
    // row "z, b=60, a=6" → inputs in the model's order [a, b], normalised by the training z-score
    const { shift, scale } = pre.normalization;
    const r0 = d.rows.train.indexOf(0);
    expect(d.train.X[r0 * 2]).toBe(Math.fround((6 - shift[0]) * scale[0]));
    expect(d.train.X[r0 * 2 + 1]).toBe(Math.fround((60 - shift[1]) * scale[1]));
    expect(d.train.Y[r0 * 3 + 2]).toBe(1); // "z" is the model's class 2 although eval.csv only has y and z
    const x = inputsFor(pre, evalTable); // all rows in file order, no split
    expect(Array.from(x.slice(0, 2))).toEqual(Array.from(d.train.X.slice(r0 * 2, r0 * 2 + 2)));
  });

  it('an unknown label is a DataError naming the file line (as every CSV error does) and the labels the model knows', () => {
    const evalTable = csvTable('a,b,label\n1,10,x\n2,20,cow\n', { file: 'eval.csv' });
    expect(() => prepareFor(pre, evalTable, { test: 0 })).toThrow(DataError);
    expect(() => prepareFor(pre, evalTable, { test: 0 })).toThrow('eval.csv, line 3, column "label": unknown label "cow": the model was trained on the labels x, y, z; use one of those (labels are case-sensitive) or retrain with data that has this class');
  });

  it('a missing feature, or a target of the other kind, is refused with the fix', () => {
    expect(() => prepareFor(pre, csvTable('a,c,d,label\n1,2,3,x\n', { file: 'e.csv' }), { test: 0 })).toThrow('e.csv: the model takes 2 columns and this data has 3; it lacks b; give the columns the model was trained on (a, b), by name or in that order');
    expect(() => prepareFor(pre, csvTable('a,b,price\n1,2,3.5\n', { file: 'r.csv' }), { test: 0 })).toThrow(/^r\.csv: the model does classification but this data has numeric targets/);
  });

  it('inputsFor: rows without a label, columns by position when the names differ', () => {
    const rows = csvTable('1,10\n4,40\n', { label: [] });
    expect(rows.features).toEqual(['col0', 'col1']);
    const x = inputsFor(pre, rows);
    const { shift, scale } = pre.normalization;
    expect(Array.from(x)).toEqual([1, 10, 4, 40].map((v, i) => Math.fround((v - shift[i % 2]) * scale[i % 2])));
    expect(() => prepare(rows)).toThrow(/has no label column \(inputs only\); pass the label column/);
  });
});

// Tabular features: one-hot columns, fills and dropped rows against values worked out by hand,
// unseen categories at predict time, constant columns with non-dyadic values, duplicate names,
// and the fast CSV path agreeing with csv-parse cell for cell.
import { ConfigError, loadModel, Network, saveModel } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { csvTable } from './csv.js';
import { encodeRows } from './encode.js';
import { DataFileError } from './errors.js';
import { applyPreprocessing } from './normalize.js';
import { prepare } from './prepare.js';

const shop = `color,size,price,label
red,1,10,a
blue,2,20,b
green,3,,a
red,,40,b
blue,5,50,a
`;

/** Dataset row of source row r. */
function rowOf(d: { train: { X: ArrayLike<number>; nIn: number }; rows: { train: Int32Array } }, r: number): number[] {
  const p = d.rows.train.indexOf(r);
  expect(p).toBeGreaterThanOrEqual(0);
  return Array.from(d.train.X as Float32Array).slice(p * d.train.nIn, (p + 1) * d.train.nIn);
}

describe('categorical columns and missing values', () => {
  const table = () => csvTable(shop, { file: 'shop.csv', categorical: ['color'], missing: { columns: { size: 'median', price: 'mean' } } });

  it('one-hot over the sorted training categories, fills by median and mean of the training rows', () => {
    const d = prepare(table(), { test: 0, normalization: 'none' });
    expect(d.preprocessing.features).toEqual(['color=blue', 'color=green', 'color=red', 'size', 'price']);
    // size: median of 1, 2, 3, 5 = (2 + 3)/2 = 2.5;  price: mean of 10, 20, 40, 50 = 30
    expect(d.preprocessing.columns).toEqual([
      { name: 'color', kind: 'categorical', categories: ['blue', 'green', 'red'], missing: 'error' },
      { name: 'size', kind: 'numeric', missing: 'median', fill: 2.5 },
      { name: 'price', kind: 'numeric', missing: 'mean', fill: 30 },
    ]);
    expect(rowOf(d, 0)).toEqual([0, 0, 1, 1, 10]);
    expect(rowOf(d, 1)).toEqual([1, 0, 0, 2, 20]);
    expect(rowOf(d, 2)).toEqual([0, 1, 0, 3, 30]);
    expect(rowOf(d, 3)).toEqual([0, 0, 1, 2.5, 40]);
    expect(rowOf(d, 4)).toEqual([1, 0, 0, 5, 50]);
    expect(d.dropped).toBe(0);
  });

  it('fills are fitted on the training rows only', () => {
    const d = prepare(table(), { test: 2, seed: 3, normalization: 'none' });
    const train = Array.from(d.rows.train);
    const price = [10, 20, NaN, 40, 50].filter((v, r) => train.includes(r) && v === v);
    expect(d.preprocessing.columns![2]).toEqual({ name: 'price', kind: 'numeric', missing: 'mean', fill: price.reduce((s, v) => s + v, 0) / price.length });
  });

  it("missing: 'drop' removes the two rows with an empty cell before the split", () => {
    const d = prepare(csvTable(shop, { categorical: ['color'], missing: 'drop' }), { test: 0, normalization: 'none' });
    expect(d.dropped).toBe(2);
    expect(d.train.N).toBe(3);
    expect(Array.from(d.rows.train).sort()).toEqual([0, 1, 4]);
    expect(d.preprocessing.columns!.map((c) => c.missing)).toEqual(['drop', 'drop', 'drop']);
  });

  it("mode: the most frequent value (ties to the smaller) and the most frequent category; a number fills as given", () => {
    const text = 'c,x,label\nred,1,a\n,2,b\nblue,2,a\nred,,b\nblue,3,a\n';
    const d = prepare(csvTable(text, { categorical: ['c'], missing: { columns: { c: 'mode', x: 'mode' } } }), { test: 0, normalization: 'none' });
    // c: red ×2, blue ×2 → blue (first in sorted order); x: 2 ×2 → 2
    expect(d.preprocessing.columns!.map((c) => c.fill)).toEqual(['blue', 2]);
    expect(rowOf(d, 1)).toEqual([1, 0, 2]);
    const z = prepare(csvTable(text, { categorical: ['c'], missing: { columns: { x: -1 }, default: 'drop' } }), { test: 0, normalization: 'none' });
    expect(rowOf(z, 3)).toEqual([0, 1, -1]);
    expect(z.dropped).toBe(1); // row 1: its category is missing and c drops
  });

  it('the default is an error that names the cell and the option to pass', () => {
    expect(() => csvTable(shop, { file: 'shop.csv', categorical: ['color'] })).toThrow(`shop.csv, line 4, column "price" (index 2): missing value ("") in a feature column; pass missing: 'mean' | 'median' | 'mode' | 'drop' | <number> (CLI: --missing mean, or --missing price=median for this column only)`);
    expect(() => csvTable(shop, { file: 'shop.csv' })).toThrow(/"red" is not a number; features must be numeric: one-hot encode this column \(categorical: \["color"\], CLI --categorical color\)/);
    expect(() => csvTable(shop, { categorical: ['color'], missing: { columns: { color: 'mean' } } })).toThrow(ConfigError);
    expect(() => csvTable(shop, { categorical: ['color'], missing: { columns: { colour: 'mean' } } })).toThrow(/names the column "colour", which the data does not have/);
  });

  it('predict on raw rows: an unseen category is all zeros with one warning, a missing cell takes the saved fill', () => {
    const d = prepare(table(), { test: 0 }); // z-score
    const net = Network.create({ sizes: [5, 2] }, { seed: 1 });
    const pre = loadModel(saveModel(net, { preprocessing: d.preprocessing })).preprocessing!;
    expect(pre).toEqual(d.preprocessing);
    const warnings: string[] = [];
    const X = encodeRows(pre, [{ color: 'purple', size: null, price: 30 }, ['teal', 1, 10], ['red', 1, 10]], { onWarning: (m) => warnings.push(m) });
    const { shift, scale } = pre.normalization;
    const z = (j: number, x: number) => Math.fround((x - shift[j]) * scale[j]);
    expect(Array.from(X.subarray(0, 5))).toEqual([0, 0, 0, z(3, 2.5), z(4, 30)]);
    expect(Array.from(X.subarray(5, 10))).toEqual([0, 0, 0, z(3, 1), z(4, 10)]);
    expect(Array.from(X.subarray(10, 15))).toEqual(rowOf(d, 0)); // a training row: the training bits
    expect(warnings).toEqual(['2 rows have categories the model never saw in training (color: "purple", "teal"); their one-hot inputs are all zeros']);
    expect(() => encodeRows(pre, [['purple', 1, 1]], { unseen: 'error', file: 'new.json' })).toThrow(/^new\.json, row 0, column "color" \(index 0\): category "purple" never occurred in the model's training rows; use one of blue, green, red/);
    expect(() => applyPreprocessing(pre, [[1, 2, 3]])).toThrow(/one-hot encodes color; give raw rows \(with category names\) to encodeRows/);
  });

  it('a category only in the test rows maps to zeros there, and prepare says so', () => {
    const text = 'c,x,label\n' + Array.from({ length: 20 }, (_, i) => `${i === 7 ? 'rare' : i % 2 ? 'odd' : 'even'},${i},${i % 2}`).join('\n');
    for (let seed = 1; seed < 40; seed++) {
      const d = prepare(csvTable(text, { categorical: ['c'] }), { test: 5, seed });
      if (!d.rows.test.includes(7)) continue;
      expect(d.preprocessing.columns![0]).toMatchObject({ categories: ['even', 'odd'] });
      expect(d.warnings).toEqual(['1 test row has a category the model never saw in training (c: "rare"); its one-hot inputs are all zeros']);
      return;
    }
    throw new Error('no seed put row 7 in the test split');
  });
});

describe('constant columns and duplicate names', () => {
  it('a column of 3.7 in every training row gets shift 3.7 and scale 1 (not 1/3e-14): 3.8 maps to 0.1', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `3.7,0.1,${i},${i % 2}`).join('\n');
    for (const normalization of ['zscore', 'minmax'] as const) {
      const d = prepare(csvTable(`c,t,x,label\n${rows}\n`, { offsets: true }), { normalization, test: 0 });
      const { shift, scale } = d.preprocessing.normalization;
      expect([shift[0], scale[0], shift[1], scale[1]]).toEqual([3.7, 1, 0.1, 1]);
      for (let p = 0; p < d.train.N; p++) expect([d.train.X[p * 3], d.train.X[p * 3 + 1]]).toEqual([0, 0]);
      const x = applyPreprocessing(d.preprocessing, [[3.8, 0.1, 5]]);
      expect(x[0]).toBeCloseTo(0.1, 6);
      expect(x[1]).toBe(0);
    }
  });

  it('duplicate column names are refused, naming both columns', () => {
    expect(() => csvTable('a,b,a,label\n1,2,3,x\n', { file: 'dup.csv' })).toThrow('dup.csv, line 1, column "a" (index 2): columns 0 and 2 are both named "a", so a lookup by name would read the wrong one; rename one of them in the header (column names must be unique)');
    expect(() => csvTable('a,b,a,label\n1,2,3,x\n')).toThrow(DataFileError);
  });
});

describe('the fast CSV path', () => {
  /** The same text with a quoted header, which sends every line through csv-parse. */
  const viaCsvParse = (text: string) => text.replace(/^([^,\n]*)/, '"$1"');

  it('gives the table csv-parse gives, for numbers in every notation, blanks, CRLF and missing cells', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const cells = [() => String(Math.floor(rand() * 1000) - 500), () => (rand() * 2 - 1).toExponential(6), () => (rand() * 100).toFixed(7), () => `.${Math.floor(rand() * 99)}`, () => `+${Math.floor(rand() * 9)}.`,
      () => ` ${(rand() * 10).toFixed(3)} `, () => '', () => 'NA', () => '0.1234567890123456789', () => '1e-30', () => '-0', () => '123456789012345678'];
    const lines = ['a,b,c,d,label'];
    for (let i = 0; i < 400; i++) {
      if (i % 97 === 13) lines.push('');
      if (i % 89 === 5) lines.push('   ');
      const row = Array.from({ length: 4 }, () => cells[Math.floor(rand() * cells.length)]());
      lines.push(`${row.join(',')},${i % 3 ? 'x' : 'y'}`);
    }
    for (const eol of ['\n', '\r\n']) {
      const text = lines.join(eol) + eol;
      const opts = { missing: 'drop' as const };
      const fast = csvTable(text, opts);
      const full = csvTable(viaCsvParse(text), opts);
      expect(full.features).toEqual(['a', 'b', 'c', 'd']);
      expect(Array.from(fast.X, (v) => (v === v ? v : 'NaN'))).toEqual(Array.from(full.X, (v) => (v === v ? v : 'NaN')));
      expect(Array.from(fast.lines!)).toEqual(Array.from(full.lines!));
      expect(fast.target).toEqual(full.target);
    }
  });

  it('numbers read from bytes are exactly Number(text) rounded to float32 (or kept in float64)', () => {
    const values = ['0.1', '-2.5e-3', '3.4028234663852886e38', '9007199254740993', '1.00000005960464477539062', '7e22', '7e-23', '000123.4500', '5.'];
    const t32 = csvTable(`x,label\n${values.map((v) => `${v},a`).join('\n')}\n`);
    const t64 = csvTable(`x,label\n${values.map((v) => `${v},a`).join('\n')}\n`, { dtype: 'f64' });
    expect(Array.from(t32.X)).toEqual(values.map((v) => Math.fround(Number(v))));
    expect(Array.from(t64.X)).toEqual(values.map(Number));
  });

  it('switches to csv-parse at the first quoted line and keeps counting file lines', () => {
    const rows = Array.from({ length: 300 }, (_, i) => (i === 150 ? '"150",b' : `${i},${i % 2 ? 'a' : 'b'}`));
    const text = `x,label\n${rows.join('\n')}\n`;
    const t = csvTable(text);
    expect(t.N).toBe(300);
    expect([t.X[149], t.X[150], t.X[299], t.lines![299]]).toEqual([149, 150, 299, 301]);
    expect(() => csvTable(`${text}bad,a\n`, { file: 'mix.csv' })).toThrow(/^mix\.csv, line 302, column "x" \(index 0\): "bad" is not a number/);
  });
});

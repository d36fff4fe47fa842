import { describe, expect, test } from 'vitest';
import { buildData, generatePoints, parsePointsCSV } from './datasets.js';
import { DATASETS, decodeState, defaultState } from './state.js';

describe('playground datasets', () => {
  test('every dataset is seeded and finite', () => {
    for (const name of DATASETS) {
      const a = generatePoints(name, 200, 20, 3, 7);
      const b = generatePoints(name, 200, 20, 3, 7);
      expect(a).toEqual(b);
      expect([...a.u, ...a.v, ...a.label].every(Number.isFinite)).toBe(true);
    }
    expect(generatePoints('spiral', 50, 0, 2, 1)).not.toEqual(generatePoints('spiral', 50, 10, 2, 1));
  });

  test('train/test split and one-hot targets', () => {
    const s = defaultState();
    const d = buildData(s);
    expect(d.train.N + d.test.N).toBe(s.n);
    expect(d.train.N).toBe(200);
    expect(d.train.nIn).toBe(2); // x₁ and x₂
    for (let i = 0; i < d.train.N; i++) expect(d.train.Y[2 * i] + d.train.Y[2 * i + 1]).toBe(1);
    const one = buildData(decodeState('out=sigmoid').state);
    expect(one.train.nOut).toBe(1);
  });

  test('CSV: good rows parse, bad files give a message', () => {
    const p = parsePointsCSV('x1,x2,label\n1,2,a\n-1,0.5,b\n3,3,b\n0,0,a\n');
    expect(p.N).toBe(4);
    expect([...p.label]).toEqual([0, 1, 1, 0]);
    expect(() => parsePointsCSV('x1,x2,label\n1,2,0\nhello,3\n', 'bad.csv')).toThrow(/bad\.csv/);
    expect(() => parsePointsCSV('a,b,c,label\n1,2,3,0\n1,2,3,1\n', 'f.csv')).toThrow('exactly 2');
    expect(() => parsePointsCSV('', 'f.csv')).toThrow();
  });
});

describe('uploaded CSV checks (valibot schema)', () => {
  test('each rule names the file and what to change', () => {
    const rows = (n: number) => 'x1,x2,label\n' + Array.from({ length: n }, (_, i) => `${i},${i % 3},${i % 2 ? 'a' : 'b'}`).join('\n');
    expect(() => parsePointsCSV('x1,x2,label\n1,2,a\n2,3,b\n', 'few.csv')).toThrow('few.csv has 2 data rows; give 4 to 5000');
    expect(() => parsePointsCSV(rows(5001), 'many.csv')).toThrow('many.csv has 5001 data rows');
    expect(() => parsePointsCSV('x,label\n1,a\n2,b\n3,a\n4,b\n', 'one.csv')).toThrow('one.csv has 1 feature columns');
    const nine = 'x1,x2,label\n' + Array.from({ length: 18 }, (_, i) => `${i},${i},c${i % 9}`).join('\n');
    expect(() => parsePointsCSV(nine, 'nine.csv')).toThrow('nine.csv has 9 classes');
    expect(parsePointsCSV(rows(5000)).N).toBe(5000);
  });
});

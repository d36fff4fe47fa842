// CSV text → Table: header detection, label column by name or index, text labels → sorted class
// names, regression targets, and every bad cell reported by file, line and column.
import { ConfigError, DataError, NumericError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { csvTable, parseCell, sniffDelimiter } from './csv.js';
import { DataFileError } from './errors.js';

const iris5 = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
`;

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('csvTable', () => {
  it('detects a header, takes the last column as label and sorts text labels into class names', () => {
    const t = csvTable(iris5, { file: 'iris5.csv' });
    expect(t.name).toBe('iris5.csv');
    expect(t.N).toBe(4);
    expect(t.features).toEqual(['sepal_length', 'sepal_width']);
    expect(Array.from(t.X)).toEqual([5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0].map(Math.fround)); // stored as float32, the datasets' type
    expect(t.target.kind).toBe('classes');
    if (t.target.kind !== 'classes') return;
    expect(t.target.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(t.target.y)).toEqual([0, 1, 2, 0]);
    expect(t.target.known).toBe(false); // fitted on the training split later
  });

  it('reads headerless data, naming columns col0 … and taking the label by index (negative from the end)', () => {
    const text = '1,2,a\n3,4,b\n5,6,a\n';
    const t = csvTable(text);
    expect(t.features).toEqual(['col0', 'col1']);
    expect(Array.from(t.X)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = csvTable('a,1,2\nb,3,4\n', { label: 0 });
    expect(first.features).toEqual(['col1', 'col2']);
    expect(Array.from(first.X)).toEqual([1, 2, 3, 4]);
    const byNegative = csvTable(text, { label: -1 });
    expect(byNegative.target).toEqual(t.target);
    const byDigitString = csvTable('a,1,2\nb,3,4\n', { label: '0' });
    expect(byDigitString.features).toEqual(['col1', 'col2']);
  });

  it('finds the label column by name (exact, then any case) or by a column named label/class/target/y', () => {
    const text = 'Species,x,y2\nA,1,2\nB,3,4\n';
    expect(csvTable(text, { label: 'species' }).features).toEqual(['x', 'y2']);
    const named = csvTable('x1,Class,x2\n1,a,2\n3,b,4\n');
    expect(named.features).toEqual(['x1', 'x2']);
    expect(Array.from(named.X)).toEqual([1, 2, 3, 4]);
    expect(csvTable('x,y,label\n1,2,a\n').features).toEqual(['x', 'y']); // "label" wins over "y"
  });

  it('drops ignored columns (e.g. an id) and keeps the rest in file order', () => {
    const t = csvTable('id,a,b,label\nr1,1,2,x\nr2,3,4,y\n', { ignore: ['id'] });
    expect(t.features).toEqual(['a', 'b']);
    expect(Array.from(t.X)).toEqual([1, 2, 3, 4]);
  });

  it('makes a regression target of a column of real numbers, and several targets of several columns', () => {
    const t = csvTable('x,price\n1,10.5\n2,20.25\n3,7\n');
    expect(t.target.kind).toBe('values');
    if (t.target.kind === 'values') {
      expect(Array.from(t.target.Y)).toEqual([10.5, 20.25, 7]);
      expect(t.target.names).toEqual(['price']);
    }
    const two = csvTable('x,u,v\n1,0.5,1\n2,1.5,2\n', { label: ['u', 'v'] });
    expect(two.features).toEqual(['x']);
    if (two.target.kind === 'values') expect(Array.from(two.target.Y)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('treats a few whole-number labels as classes in numeric order, and honours task', () => {
    const t = csvTable('x,digit\n1,10\n2,9\n3,10\n4,1\n');
    expect(t.target.kind).toBe('classes');
    if (t.target.kind === 'classes') {
      expect(t.target.labels).toEqual(['1', '9', '10']); // numeric, not "1" < "10" < "9"
      expect(Array.from(t.target.y)).toEqual([2, 1, 2, 0]);
    }
    expect(csvTable('x,digit\n1,10\n2,9\n', { task: 'regression' }).target.kind).toBe('values');
    const many = Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n');
    expect(csvTable(`x,n\n${many}`).target.kind).toBe('values'); // 30 distinct whole numbers: regression
  });

  it('sniffs the separator, strips a BOM, trims cells and reads quoted values', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(sniffDelimiter('a\tb\n')).toBe('\t');
    expect(sniffDelimiter('single\n1\n')).toBe(',');
    const t = csvTable('\uFEFFa;b;label\n 1 ; 2 ;"x; y"\n3;4;z\n');
    expect(t.features).toEqual(['a', 'b']);
    expect(Array.from(t.X)).toEqual([1, 2, 3, 4]);
    if (t.target.kind === 'classes') expect(t.target.labels).toEqual(['x; y', 'z']);
  });

  it('parses cells strictly: decimals and exponents are numbers; hex, text and blanks are not', () => {
    expect(parseCell('-1.5e3')).toBe(-1500);
    expect(parseCell('.5')).toBe(0.5);
    expect(parseCell('0x1A')).toBe('not a number');
    expect(parseCell('')).toBe('missing');
    expect(parseCell('NA')).toBe('missing');
    expect(parseCell('NaN')).toBe('missing'); // as in pandas: NaN, NA and empty cells are missing values
    expect(parseCell('-Infinity')).toBe('not finite');
    expect(parseCell('1e999')).toBe('not finite');
  });
});

describe('csvTable: bad input names the file, line and column and says the fix', () => {
  it('a row with the wrong number of columns', () => {
    const e = errorOf(() => csvTable('a,b,label\n1,2,x\n3,4\n', { file: 'short.csv' }));
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message).toBe('short.csv, line 3: this row has 2 columns but the header has 3; fix the row: a missing or extra separator, or an unquoted separator inside a value');
    expect((e as DataFileError).line).toBe(3);
  });

  it('a non-numeric feature cell, with the column name and index', () => {
    const e = errorOf(() => csvTable('a,b,label\n1,2,x\n\n3,abc,y\n', { file: 'f.csv' }));
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message).toMatch(/^f\.csv, line 4, column "b" \(index 1\): "abc" is not a number; features must be numeric/);
    expect((e as DataFileError).column).toBe('b');
  });

  it('a missing feature value and a missing label', () => {
    expect(errorOf(() => csvTable('a,b,label\n1,,x\n', { file: 'm.csv' })).message).toMatch(/^m\.csv, line 2, column "b" \(index 1\): missing value \(""\)/);
    expect(errorOf(() => csvTable('a,b,label\n1,2,x\n1,2,?\n', { file: 'm.csv' })).message).toMatch(/^m\.csv, line 3, column "label" \(index 2\): missing label/);
  });

  it('Inf values are NumericErrors and NaN cells missing values, both with .line and .column like the others', () => {
    const e = errorOf(() => csvTable('a,b,label\n1,2,x\n1,inf,y\n', { file: 'n.csv' }));
    expect(e).toBeInstanceOf(NumericError);
    expect(e.message).toMatch(/^n\.csv, line 3, column "b" \(index 1\): value inf is not a finite number/);
    expect([(e as DataFileError).line, (e as DataFileError).column]).toEqual([3, 'b']);
    const big = errorOf(() => csvTable('a,b,label\n1,1e999,x\n', { file: 'n.csv' }));
    expect([big.constructor.name, (big as DataFileError).line, (big as DataFileError).column]).toEqual(['NonFiniteValueError', 2, 'b']);
    const nan = errorOf(() => csvTable('a,y\n1,2.5\n2,NaN\n', { task: 'regression', file: 'r.csv' }));
    expect(nan.message).toMatch(/^r\.csv, line 3, column "y" \(index 1\): missing label \("NaN"\)/);
    expect([(nan as DataFileError).line, (nan as DataFileError).column]).toEqual([3, 'y']);
    const cell = errorOf(() => csvTable('a,b,y\n1,NaN,2\n', { file: 'r.csv' }));
    expect(cell.message).toMatch(/^r\.csv, line 2, column "b" \(index 1\): missing value \("NaN"\) in a feature column; pass missing: 'mean'/);
  });

  it('every CSV error carries .line and .column: short rows, bad quoting, bad cells', () => {
    const short = errorOf(() => csvTable('a,b,label\n1,2,x\n3,4\n', { file: 's.csv' })) as DataFileError;
    expect([short.line, short.column]).toEqual([3, 2]); // the row ends before column 2
    const quote = errorOf(() => csvTable('a,label\n1,x\n2,"y\n', { file: 'q.csv' })) as DataFileError;
    expect(quote.line).toBeGreaterThanOrEqual(3);
    expect(quote.column).not.toBeNull();
    const text = errorOf(() => csvTable('a,label\n1,x\nfoo,y\n', { file: 't.csv' })) as DataFileError;
    expect([text.line, text.column]).toEqual([3, 'a']);
  });

  it('an empty file, and a header without rows', () => {
    expect(errorOf(() => csvTable('', { file: 'empty.csv' })).message).toBe('empty.csv: the file is empty; give a CSV with an optional header row and at least one data row');
    expect(errorOf(() => csvTable('\n\n', { file: 'blank.csv' }))).toBeInstanceOf(DataFileError);
    expect(errorOf(() => csvTable('a,b,label\n', { file: 'h.csv' })).message).toMatch(/^h\.csv: the file has a header row but no data rows/);
  });

  it('a missing label column, by name or index, lists the columns', () => {
    expect(errorOf(() => csvTable(iris5, { file: 'i.csv', label: 'kind' })).message).toBe('i.csv: no column named "kind" for the label; the columns are sepal_length, sepal_width, species; pass one of them (or a 0-based index)');
    expect(errorOf(() => csvTable(iris5, { file: 'i.csv', label: 5 })).message).toMatch(/label column index 5 is outside the 3 columns/);
    expect(errorOf(() => csvTable('1,2\n3,4\n', { file: 'nh.csv', label: 'y' })).message).toMatch(/^nh\.csv: the file has no header row, so the label column "y" cannot be found by name/);
  });

  it('bad quoting is a located DataFileError, not a parser crash', () => {
    const e = errorOf(() => csvTable('a,label\n1,"x\n2,y\n', { file: 'q.csv' }));
    expect(e).toBeInstanceOf(DataFileError);
    expect(e.message).toMatch(/^q\.csv, line \d+: the CSV cannot be parsed \(Quote Not Closed/);
  });

  it('a label column and nothing else, or two labels for classification, is refused', () => {
    expect(errorOf(() => csvTable('label\na\nb\n'))).toBeInstanceOf(DataError);
    expect(errorOf(() => csvTable('x,u,v\n1,2,3\n', { label: ['u', 'v'], task: 'classification' }))).toBeInstanceOf(ConfigError);
  });
});

// Seeded splits: disjoint and complete, sized as asked, stratified by class, the same for the
// same seed, and refused when they would leave a class without training rows.
import { ConfigError, dataset } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { argmaxClasses, splitCount, splitDataset, splitRows } from './split.js';

const sorted = (...lists: Int32Array[]) => lists.flatMap((l) => Array.from(l)).sort((a, b) => a - b);

describe('splitCount', () => {
  it('reads a fraction below 1 as a share (rounded) and a whole number ≥ 1 as a count', () => {
    expect(splitCount(0.2, 10000, 'test')).toBe(2000);
    expect(splitCount(0.25, 10, 'test')).toBe(3); // 2.5 rounds up
    expect(splitCount(0, 10, 'test')).toBe(0);
    expect(splitCount(7, 10, 'test')).toBe(7);
    expect(() => splitCount(2.5, 10, 'test')).toThrow(ConfigError);
    expect(() => splitCount(-0.1, 10, 'test')).toThrow(/fraction in \[0, 1\) or a row count/);
  });
});

describe('splitRows', () => {
  it('partitions the rows into train, validation and test of the asked sizes', () => {
    const s = splitRows(100, { test: 0.2, validation: 10, seed: 3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([70, 10, 20]);
    expect(sorted(s.train, s.validation, s.test)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is a function of the seed: same seed, same rows; another seed, other rows', () => {
    const a = splitRows(50, { seed: 7 });
    const b = splitRows(50, { seed: 7 });
    const c = splitRows(50, { seed: 8 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('stratifies by class: 60/30/10 rows with test 0.2 give 12/6/2 test rows', () => {
    const classes = new Int32Array(100);
    classes.fill(1, 60, 90);
    classes.fill(2, 90);
    const s = splitRows(100, { test: 0.2, seed: 1 }, classes);
    const per = [0, 0, 0];
    for (const r of s.test) per[classes[r]]++;
    expect(per).toEqual([12, 6, 2]);
  });

  it('hits the exact total by largest remainders (3 classes of 5, test 0.5 → 8 rows: 3+3+2)', () => {
    const classes = Int32Array.from({ length: 15 }, (_, i) => Math.floor(i / 5));
    const s = splitRows(15, { test: 8, seed: 2 }, classes);
    const per = [0, 0, 0];
    for (const r of s.test) per[classes[r]]++;
    expect(per).toEqual([3, 3, 2]); // 8·5/15 = 2.67 each: floors 2+2+2, two remainders go to the first classes
  });

  it('keeps at least one training row of every class, or refuses with a fix', () => {
    const classes = Int32Array.from([0, 0, 0, 0, 1]); // class 1 has one row
    const s = splitRows(5, { test: 0.4, seed: 1 }, classes);
    expect(Array.from(s.train).some((r) => classes[r] === 1)).toBe(true);
    expect(() => splitRows(5, { test: 4 }, classes)).toThrow(/leave some class without a training row.*lower the test/);
    expect(() => splitRows(10, { test: 0.5, validation: 0.5 })).toThrow(/leave no training rows/);
  });

  it('takes the first n rows of the permutation when n is given', () => {
    const s = splitRows(1000, { n: 100, test: 0.1, seed: 4 });
    expect(s.train.length + s.test.length).toBe(100);
    const again = splitRows(1000, { n: 100, test: 0.1, seed: 4 });
    expect(Array.from(s.train)).toEqual(Array.from(again.train));
  });
});

describe('splitDataset', () => {
  it('splits an existing dataset onto shared memory, rows intact', () => {
    const X = Float32Array.from({ length: 20 }, (_, i) => i); // row r = [2r, 2r+1]
    const Y = Float32Array.from({ length: 20 }, (_, i) => (i % 2 === (Math.floor(i / 2) % 2) ? 1 : 0)); // one-hot, alternating classes
    const data = dataset(X, Y, 2, 2);
    const classes = argmaxClasses(data);
    expect(Array.from(classes)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const { train, validation, test } = splitDataset(data, { test: 0.2, seed: 5 }, classes);
    expect(validation).toBeNull();
    expect(train.N).toBe(8);
    expect(test!.N).toBe(2);
    expect(train.X.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const d of [train, test!]) {
      for (let b = 0; b < d.N; b++) {
        const r = d.X[2 * b] / 2;
        expect(d.X[2 * b + 1]).toBe(2 * r + 1);
        expect(d.Y[2 * b + (r % 2)]).toBe(1);
      }
    }
    const testClasses = argmaxClasses(test!);
    expect(Array.from(testClasses).sort()).toEqual([0, 1]); // stratified: one of each
  });
});

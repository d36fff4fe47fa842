import { describe, expect, test } from 'vitest';
import { cellRows, confusion, perClassAccuracy } from './confusion.js';

describe('confusion matrix', () => {
  // truth:     0 0 1 1 1 2
  // predicted: 0 1 1 1 0 2
  const truth = [0, 0, 1, 1, 1, 2];
  const pred = [0, 1, 1, 1, 0, 2];
  const c = confusion(truth, pred, 3);

  test('counts[t][p] and its total equal the rows', () => {
    expect(c.counts).toEqual([[1, 1, 0], [1, 2, 0], [0, 0, 1]]);
    expect(c.counts.flat().reduce((s, v) => s + v, 0)).toBe(6);
    expect(c.correct).toBe(4);
  });

  test('per-class accuracy is the diagonal over the row', () => {
    expect(perClassAccuracy(c)).toEqual([0.5, 2 / 3, 1]);
    expect(perClassAccuracy(confusion([0], [0], 2))).toEqual([1, null]);
  });

  test('a cell lists its rows', () => {
    expect(cellRows(truth, pred, 1, 0)).toEqual([4]);
    expect(cellRows(truth, pred, 1, 1)).toEqual([2, 3]);
  });

  test('bad input is refused', () => {
    expect(() => confusion([0, 1], [0], 2)).toThrow('2 true labels but 1 predictions');
    expect(() => confusion([0, 5], [0, 0], 2)).toThrow('row 1');
  });
});

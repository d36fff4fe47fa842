// Normalisation: hand-worked z-score and min-max, constant features, fitting on the given
// rows only, and applyPreprocessing giving the same bits as the prepared training data.
import { ConfigError, NumericError, ShapeError, type Preprocessing } from '@backprop/core';
import { identityPreprocessing } from '@backprop/core/engine';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, checkNormalization, fitNormalization } from './normalize.js';

// three rows of two features: x1 = 1, 2, 3 and x2 = 5, 5, 5
const X = Float64Array.from([1, 5, 2, 5, 3, 5]);
const all = Int32Array.from([0, 1, 2]);

describe('fitNormalization', () => {
  it('z-score: shift = mean, scale = 1/std (population); a constant feature keeps scale 1', () => {
    const n = fitNormalization('zscore', X, 2, all);
    // x1: mean 2, variance ((1)² + 0 + (1)²)/3 = 2/3, std = 0.8165, scale = 1.2247
    expect(n.shift).toEqual([2, 5]);
    expect(n.scale[0]).toBeCloseTo(Math.sqrt(3 / 2), 15);
    expect(n.scale[1]).toBe(1);
  });

  it('min-max: shift = min, scale = 1/(max − min)', () => {
    const n = fitNormalization('minmax', X, 2, all);
    expect(n).toEqual({ kind: 'minmax', shift: [1, 5], scale: [0.5, 1] });
  });

  it('none: shift 0 and scale 1', () => {
    expect(fitNormalization('none', X, 2, all)).toEqual({ kind: 'none', shift: [0, 0], scale: [1, 1] });
  });

  it('uses only the given rows (the training split), and reads bytes through the divisor', () => {
    const n = fitNormalization('minmax', X, 2, Int32Array.from([0, 1]));
    expect(n.shift[0]).toBe(1);
    expect(n.scale[0]).toBe(1); // max 2 − min 1: row 2 (x1 = 3) is not seen
    const bytes = Uint8Array.from([0, 255, 51]);
    const b = fitNormalization('minmax', bytes, 1, all, 255);
    expect(b.shift).toEqual([0]);
    expect(b.scale).toEqual([1]);
  });

  it('checks names from user input', () => {
    expect(checkNormalization('minmax')).toBe('minmax');
    expect(() => checkNormalization('l2')).toThrow(ConfigError);
    expect(() => checkNormalization('l2')).toThrow('unknown normalisation "l2"; use one of zscore, minmax, none');
  });
});

describe('applyPreprocessing', () => {
  const pre: Preprocessing = {
    features: ['a', 'b'],
    normalization: { kind: 'zscore', shift: [2, 5], scale: [0.5, 4] },
    labels: null,
  };

  it('x′ = (x − shift)·scale for flat rows and for arrays of rows', () => {
    // row [4, 5.25] → [(4 − 2)·0.5, (5.25 − 5)·4] = [1, 1]
    expect(Array.from(applyPreprocessing(pre, [4, 5.25, 2, 5]))).toEqual([1, 1, 0, 0]);
    expect(Array.from(applyPreprocessing(pre, [[4, 5.25], [2, 5]]))).toEqual([1, 1, 0, 0]);
    expect(applyPreprocessing(pre, [4, 5.25], 'f64')).toBeInstanceOf(Float64Array);
  });

  it('rounds once from float64, exactly like prepare (0.1 → f32((0.1 − 0)·1))', () => {
    const id = identityPreprocessing(1);
    expect(applyPreprocessing(id, [0.1])[0]).toBe(Math.fround(0.1));
  });

  it('refuses wrong widths, NaN, and models with derived features', () => {
    expect(() => applyPreprocessing(pre, [1, 2, 3])).toThrow(ShapeError);
    expect(() => applyPreprocessing(pre, [[1, 2], [3]])).toThrow('row 1 has 1 values but the model takes 2 features');
    expect(() => applyPreprocessing(pre, [1, Number.NaN])).toThrow(NumericError);
    expect(() => applyPreprocessing(pre, [1, Number.NaN])).toThrow('raw row 0, feature "b" is missing (NaN) and the model has no fill value for it; give a number');
    expect(() => applyPreprocessing({ ...pre, expand: ['x1*x2'] }, [1, 2])).toThrow(/derives features \(x1\*x2\)/);
  });
});

// Label names ↔ output indices: one-hot rows, argmax back to names, and unknown labels at
// predict time refused with the list of known ones.
import { ConfigError, DataError, type Preprocessing } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { labelIndex, labelName, oneHot, predictedLabels } from './labels.js';

const pre: Preprocessing = {
  features: ['x'],
  normalization: { kind: 'none', shift: [0], scale: [1] },
  labels: ['cat', 'dog', 'fox'],
};

describe('labels', () => {
  it('maps names to indices and back', () => {
    expect(labelIndex(pre, 'dog')).toBe(1);
    expect(labelName(pre, 2)).toBe('fox');
    expect(() => labelName(pre, 3)).toThrow(ConfigError);
  });

  it('one-hot rows put a 1 in the column of the class', () => {
    expect(Array.from(oneHot(pre, ['fox', 'cat']))).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('predicted labels are the names of the argmax outputs', () => {
    expect(predictedLabels(pre, [0.1, 0.7, 0.2, 0.5, 0.2, 0.3], 2)).toEqual(['dog', 'cat']);
  });

  it('an unknown label at predict time is a DataError listing the known labels', () => {
    expect(() => labelIndex(pre, 'Dog')).toThrow(DataError);
    expect(() => labelIndex(pre, 'Dog')).toThrow('unknown label "Dog": the model was trained on the labels cat, dog, fox; use one of those (labels are case-sensitive) or retrain with data that has this class');
    expect(() => oneHot(pre, ['cat', 'cow'])).toThrow(/^row 1: unknown label "cow"/);
  });

  it('a regression model has no labels to encode', () => {
    expect(() => labelIndex({ ...pre, labels: null, targets: ['price'] }, 'cat')).toThrow('this model does regression (targets: price)');
  });
});

import { Network, saveModel, loadModel } from '@backprop/core';
import { describe, expect, test } from 'vitest';
import { en } from './i18n/en.js';
import { pl } from './i18n/pl.js';
import { MAX_MODEL_BYTES, UploadError, checkDigitsModel, checkFile } from './upload.js';

describe('uploaded files', () => {
  test('an empty or oversized file is refused before it is read, in both languages', () => {
    expect(() => checkFile({ name: 'a.csv', size: 0 }, 100)).toThrow('a.csv is empty');
    let err: unknown;
    try {
      checkFile({ name: 'big.bpnn', size: MAX_MODEL_BYTES + 1 }, MAX_MODEL_BYTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).text(en)).toBe('big.bpnn is 67,108,865 bytes, over the 67,108,864-byte limit.');
    expect((err as UploadError).text(pl)).toContain('więcej niż limit');
    expect(() => checkFile({ name: 'ok.csv', size: 10 }, 100)).not.toThrow();
  });

  test('the digit demo takes 784 → 10 softmax models only', () => {
    const ok = loadModel(saveModel(Network.create({ sizes: [784, 8, 10] }, { seed: 1 })));
    expect(() => checkDigitsModel(ok, 'ok.bpnn')).not.toThrow();
    const small = loadModel(saveModel(Network.create({ sizes: [2, 3, 2] }, { seed: 1 })));
    expect(() => checkDigitsModel(small, 'xor.bpnn')).toThrow('xor.bpnn is a 2-3-2 network; the digit demo needs 784 inputs and 10 softmax outputs');
    const sig = loadModel(saveModel(Network.create({ sizes: [784, 10], output: 'sigmoid' }, { seed: 1 })));
    expect(() => checkDigitsModel(sig, 's.bpnn')).toThrow(UploadError);
  });
});

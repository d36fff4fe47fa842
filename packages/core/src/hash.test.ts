import { describe, expect, it } from 'vitest';
import { Network } from './network.js';
import { weightsHash } from './hash.js';

describe('weightsHash', () => {
  it('is the SHA-256 of the parameter bytes: the empty vector hashes to the known empty digest', () => {
    expect(weightsHash(new Float32Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // bytes 00 00 80 3f (1.0f little-endian)
    expect(weightsHash(new Float32Array([1]))).toBe(weightsHash(new Float32Array(new Uint8Array([0, 0, 0x80, 0x3f]).buffer)));
  });
  it('same seed, same hash; another seed or one flipped bit, another hash', () => {
    const a = Network.create({ sizes: [4, 8, 3] }, { seed: 7 });
    const b = Network.create({ sizes: [4, 8, 3] }, { seed: 7 });
    const c = Network.create({ sizes: [4, 8, 3] }, { seed: 8 });
    expect(weightsHash(a.params)).toBe(weightsHash(b.params));
    expect(weightsHash(a.params)).not.toBe(weightsHash(c.params));
    const bits = new Uint32Array(b.params.buffer, b.params.byteOffset, 1);
    bits[0] ^= 1;
    expect(weightsHash(a.params)).not.toBe(weightsHash(b.params));
  });
  it('hashes only the view, not the rest of its buffer', () => {
    const whole = new Float64Array([1, 2, 3, 4]);
    expect(weightsHash(whole.subarray(1, 3))).toBe(weightsHash(new Float64Array([2, 3])));
  });
});

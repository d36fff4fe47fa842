// The default shard size: today's ⌈B/4⌉ (at most 32) for networks with work enough per row,
// whole small batches for tiny networks, never a shard below MIN_SHARD_FLOPS unless the batch is.
import { describe, expect, it } from 'vitest';
import { MIN_SHARD_FLOPS, defaultShardSize } from './defaults.js';
import { layerTable, resolveSpec } from './network.js';
import { shardCount } from './shard.js';

const P = (sizes: number[]) => layerTable(resolveSpec({ sizes })).P;

describe('defaultShardSize', () => {
  it('keeps min(32, ⌈B/4⌉) on the MNIST net 784-128-64-10 for every batch size (its bits do not change)', () => {
    const mnist = P([784, 128, 64, 10]);
    expect(mnist).toBe(109386);
    expect(defaultShardSize(32, mnist)).toBe(8);
    for (let B = 1; B <= 600; B++) expect(defaultShardSize(B, mnist)).toBe(Math.max(1, Math.min(32, Math.ceil(B / 4))));
  });

  it('takes a small batch of a tiny network in one shard', () => {
    expect(defaultShardSize(10, P([2, 8, 8, 2]))).toBe(10);
    expect(defaultShardSize(16, P([4, 16, 3]))).toBe(16);
    expect(defaultShardSize(1, P([2, 8, 8, 2]))).toBe(1);
    // large batches still stop at 32 rows, so a tiny net's batch of 100 gives 4 shards
    expect(defaultShardSize(100, P([2, 8, 8, 2]))).toBe(32);
    expect(shardCount(100, defaultShardSize(100, P([2, 8, 8, 2])))).toBe(4);
  });

  it('spreads the rows evenly when the work bound sets the size: 64-32-10 at batch 32 is 11 + 11 + 10', () => {
    const p = P([64, 32, 10]);
    expect(p).toBe(2410);
    expect(defaultShardSize(32, p)).toBe(11);
    expect(shardCount(32, 11)).toBe(3);
  });

  it('keeps ⌈B/4⌉ rows at least, at most 32 or the batch,, and the last shard within 2 rows of the work bound where that bound sets the size', () => {
    for (const sizes of [[2, 8, 8, 2], [4, 16, 3], [16, 32, 4], [64, 32, 10], [64, 64, 10], [784, 128, 64, 10]]) {
      const p = P(sizes);
      for (let B = 1; B <= 300; B++) {
        const s = defaultShardSize(B, p);
        expect(s).toBeGreaterThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(Math.min(B, 32));
        expect(s).toBeGreaterThanOrEqual(Math.min(B, 32, Math.ceil(B / 4)));
        const work = Math.ceil(MIN_SHARD_FLOPS / (6 * p));
        const last = B - (shardCount(B, s) - 1) * s;
        if (work > Math.ceil(B / 4) && work < Math.min(B, 32) && s < 32) expect(last).toBeGreaterThanOrEqual(work - 2);
      }
    }
  });
});

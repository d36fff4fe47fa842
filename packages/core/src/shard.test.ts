// Shards run in groups (one forward and δ pass over consecutive shards, dW per shard) against
// the same shards run one by one, and the parallel engine's BatchGradient (δ by runs of shards,
// dW by stripes of output rows): the sums and statistics must be the same bits, or workers and
// the single-thread engine would drift apart (DESIGN.md §4).
import { describe, expect, it } from 'vitest';
import type { DType } from './arena.js';
import { dataset, gatherRows } from './dataset.js';
import { Network, type NetworkConfig } from './network.js';
import { Rng } from './rng.js';
import { BatchGradient, GradientSlots, claimShards, gradStripes, groupRows, shardCount, type GradStripe } from './shard.js';
import { backends } from './test-utils/backends.js';

/** N seeded rows of nIn inputs in [-1, 1) and one-hot (or real, for regression) targets. */
function rows(N: number, nIn: number, nOut: number, dtype: DType, regression: boolean) {
  const rng = new Rng(4);
  const Ctor = dtype === 'f32' ? Float32Array : Float64Array;
  const X = new Ctor(N * nIn).map(() => rng.uniform(-1, 1));
  const Y = new Ctor(N * nOut);
  for (let i = 0; i < N; i++) {
    if (regression) for (let k = 0; k < nOut; k++) Y[i * nOut + k] = rng.uniform(-1, 1);
    else Y[i * nOut + (i % nOut)] = 1;
  }
  return dataset(X, Y, nIn, nOut);
}

const bits = (v: Float32Array | Float64Array) => Array.from(new Uint32Array(v.slice().buffer));

describe('computeShards: a group of shards gives the bits of its shards one by one, in slots or straight into grad; BatchGradient, by runs and stripes, the same', () => {
  const nets: NetworkConfig[] = [
    { sizes: [37, 13, 9, 6], activation: 'relu', output: 'softmax' }, // odd sizes: every M, N and K tail of the GEMM tiles
    { sizes: [5, 11, 3], activation: 'tanh', output: 'linear', loss: 'mse' },
  ];
  for (const backend of backends) {
    for (const dtype of ['f32', 'f64'] as const) {
      for (const config of nets) {
        it(`${backend.name} ${dtype} ${config.sizes.join('-')}: batches 32/8, 37/8, 24/5, 7/3, 3/8`, () => {
          const net = Network.create({ ...config, dtype }, { seed: 2, backend });
          const data = rows(40, net.nIn, net.nOut, dtype, config.output === 'linear');
          const order = Int32Array.from({ length: 40 }, (_, i) => (i * 17) % 40);
          for (const [B, shardSize] of [[32, 8], [37, 8], [24, 5], [7, 3], [3, 8]]) {
            const nShards = shardCount(B, shardSize);
            const one = GradientSlots.allocate(net, nShards);
            const group = GradientSlots.allocate(net, nShards);
            const small = net.workspace(shardSize);
            const wide = net.workspace(groupRows(B, shardSize));
            expect(wide.maxB).toBe(shardSize * nShards); // these batches fit one group
            group.slots.fill(7); // what an earlier step left: overwritten, never added to
            for (let s = 0; s < nShards; s++) one.computeShard(s, small, data, order, 3 + s * shardSize, Math.min(shardSize, B - s * shardSize));
            group.computeShards(0, wide, data, order, 3, B, shardSize);
            expect(bits(group.slots)).toEqual(bits(one.slots));
            expect(Array.from(group.stats)).toEqual(Array.from(one.stats));
            expect(one.stats[0]).toBeGreaterThan(0); // a real loss was summed
            // straight into grad, in groups of two shards and then one by one: the bits of reducing the slots
            one.reduce(nShards);
            const direct = GradientSlots.allocate(net, nShards, 0);
            expect(direct.slots.length).toBe(0);
            for (const per of [2, 1]) {
              direct.grad.fill(3); // the last step's gradient: overwritten by shard 0
              for (let s = 0; s < nShards; s += per) {
                const B0 = Math.min(per * shardSize, B - s * shardSize);
                direct.computeShards(s, wide, data, order, 3 + s * shardSize, B0, shardSize, true);
              }
              expect(bits(direct.grad), `groups of ${per}`).toEqual(bits(one.grad));
              expect(Array.from(direct.stats)).toEqual(Array.from(one.stats));
            }
            // lanes' runs of 1, 2 and all shards into the batch's workspace, then stripes of 1 row up to whole layers
            for (const [run, stripe] of [[1, 1], [2, 40], [nShards, 1e9]]) {
              const bg = BatchGradient.allocate(net, B, shardSize, stripe);
              bg.grad.fill(5); // the last step's gradient: every stripe's first shard overwrites it
              for (let s = nShards - run; s > -run; s -= run) {
                // runs claimed out of order: the last first
                const first = Math.max(0, s);
                const r0 = first * shardSize;
                bg.computeRows(first, data, order, 3 + r0, Math.min((s < 0 ? run + s : run) * shardSize, B - r0));
              }
              for (let k = bg.stripes.length - 1; k >= 0; k--) bg.computeStripe(k, B);
              expect(bits(bg.grad), `runs of ${run}, stripes of ${stripe}`).toEqual(bits(one.grad));
              expect(Array.from(bg.stats)).toEqual(Array.from(one.stats));
              bg.release();
            }
            for (const x of [one, group, direct]) x.release();
            for (const w of [small, wide]) backend.release(w.arena);
          }
        });
      }
    }
  }

  it('groups hold whole shards, at most 256 rows (or one shard), no more than the batch needs', () => {
    expect(groupRows(32, 8)).toBe(32);
    expect(groupRows(37, 8)).toBe(40);
    expect(groupRows(1000, 32)).toBe(256);
    expect(groupRows(1000, 100)).toBe(200);
    expect(groupRows(1000, 300)).toBe(300);
    expect(groupRows(5, 8)).toBe(8);
  });

  it("a lane's run is an equal share of the batch's shards, at most 256 rows (or one shard)", () => {
    expect(claimShards(4, 8, 2)).toBe(2); // batch 32 in shards of 8
    expect(claimShards(8, 32, 2)).toBe(4); // batch 256 in shards of 32
    expect(claimShards(5, 8, 2)).toBe(3); // the last run is the shorter
    expect(claimShards(64, 16, 2)).toBe(16); // capped at 256 rows
    expect(claimShards(3, 300, 2)).toBe(1);
    expect(claimShards(1, 8, 4)).toBe(1);
  });

  it('gradient stripes: about equal shares of the parameters cut at whole output rows, a multiple of 4 rows when 4 fit, spanning layers', () => {
    const net = Network.create({ sizes: [784, 128, 64, 10] }); // P = 100480 + 8256 + 650
    const parts = (t: GradStripe[]) => t.map((x) => x.parts.map((p) => [p.l, p.k0, p.rows]));
    // two lanes' shares of 54693: the cut nearest is 68 rows of 785 (69.7 → a multiple of 4); the
    // second stripe ends layer 1 and holds layers 2 and 3 whole
    const two = gradStripes(net.layers, Math.ceil(net.P / 2));
    expect(parts(two)).toEqual([[[0, 0, 68]], [[0, 68, 60], [1, 0, 64], [2, 0, 10]]]);
    expect(two.map((x) => [x.from, x.to])).toEqual([[0, 68 * 785], [68 * 785, net.P]]);
    // 27300 asked: ⌈P / 27300⌉ = 5 shares of 21877, 27.9 rows → 28
    const five = gradStripes(net.layers, 27_300);
    expect(parts(five)).toEqual([[[0, 0, 28]], [[0, 28, 28]], [[0, 56, 28]], [[0, 84, 28]], [[0, 112, 16], [1, 0, 64], [2, 0, 10]]]);
    for (const t of [two, five]) {
      expect(t[0].from).toBe(0);
      expect(t.at(-1)!.to).toBe(net.P);
      for (let k = 1; k < t.length; k++) expect(t[k].from).toBe(t[k - 1].to);
    }
    // shares under 4 rows: cuts at any row; shares under one row: one row each, whatever its width
    expect(parts(gradStripes(net.layers, 1))).toEqual([...Array.from({ length: 128 }, (_, k) => [[0, k, 1]]), ...Array.from({ length: 64 }, (_, k) => [[1, k, 1]]), ...Array.from({ length: 10 }, (_, k) => [[2, k, 1]])]);
    expect(gradStripes(net.layers, 1e9)).toEqual([{ from: 0, to: net.P, parts: [{ l: 0, k0: 0, rows: 128 }, { l: 1, k0: 0, rows: 64 }, { l: 2, k0: 0, rows: 10 }] }]);
  });

  it("shards past 256 rows: each stripe adds a shard's own sum (the bits of its slot reduced into grad)", () => {
    const net = Network.create({ sizes: [5, 7, 3] }, { seed: 2 });
    const data = rows(700, 5, 3, 'f32', false);
    const order = Int32Array.from({ length: 700 }, (_, i) => (i * 31) % 700);
    const B = 650;
    const slots = GradientSlots.allocate(net, 3);
    const ws = net.workspace(300);
    for (let s = 0; s < 3; s++) slots.computeShard(s, ws, data, order, s * 300, Math.min(300, B - s * 300));
    slots.reduce(3);
    const bg = BatchGradient.allocate(net, B, 300, 12);
    for (let s = 0; s < 3; s++) bg.computeRows(s, data, order, s * 300, Math.min(300, B - s * 300));
    for (let k = 0; k < bg.stripes.length; k++) bg.computeStripe(k, B);
    expect(bits(bg.grad)).toEqual(bits(slots.grad));
  });
});

describe('gatherRows', () => {
  it('copies the listed rows, short rows by the loop and long ones by block copy, f64 data rounded into f32 as a store rounds', () => {
    for (const nIn of [3, 40]) {
      const rng = new Rng(nIn);
      const X = new Float64Array(6 * nIn).map(() => rng.uniform(-1, 1) / 3);
      const Y = new Float64Array(6 * 2).map((_, i) => i);
      const Xout = new Float32Array(3 * nIn);
      const Yout = new Float32Array(3 * 2);
      const idx = Int32Array.from([9, 5, 0, 2]);
      gatherRows(Xout, Yout, dataset(X, Y, nIn, 2), idx, 1, 3); // rows 5, 0, 2
      const want = [5, 0, 2].flatMap((r) => Array.from(X.subarray(r * nIn, (r + 1) * nIn), (v) => Math.fround(v)));
      expect(Array.from(Xout)).toEqual(want);
      expect(Array.from(Yout)).toEqual([10, 11, 0, 1, 4, 5]);
    }
  });
});

// The memory budget: a run's bytes are computed before allocating (and match what the
// allocators then take); sizes beyond the budget are a ConfigError with the bytes and the fix,
// never a RangeError from new SharedArrayBuffer, on the JS and the WASM backend.
import { describe, expect, it } from 'vitest';
import { bytesOf } from './arena.js';
import { ConfigError } from './errors.js';
import { gradCheck } from './gradcheck.js';
import type { Backend } from './kernels/index.js';
import { jsBackend } from './kernels/js.js';
import { DEFAULT_MEMORY_BUDGET, Network, Workspace, checkMemory, formatBytes, resolveSpec, trainingBytes } from './network.js';
import { spirals } from './test-utils/data.js';
import { wasmBackend } from './test-utils/backends.js';
import { Trainer } from './trainer.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** A JS backend that counts the bytes its arenas hand out. */
function countingBackend(): Backend & { bytes: number } {
  const b: Backend & { bytes: number } = {
    ...jsBackend,
    bytes: 0,
    arena(n) {
      b.bytes += n;
      return jsBackend.arena(n);
    },
    floats(dtype, n) {
      b.bytes += n * bytesOf(dtype);
      return jsBackend.floats(dtype, n);
    },
  };
  return b;
}

describe('memory budget', () => {
  it('trainingBytes adds up params, optimizer state, slots and scratch as the allocators take them', async () => {
    const spec = resolveSpec({ sizes: [2, 16, 8, 2], activation: 'tanh' });
    const P = 2 * 0 + 16 * 3 + 8 * 17 + 2 * 9; // nOut·(nIn+1) per layer
    const plan = trainingBytes(spec, { batchSize: 32, shardSize: 8, optimizer: 'adam' });
    expect(plan.params).toBe(2 * P * 4); // W and the pre-step backup
    expect(plan.optimizer).toBe(2 * P * 4); // m and v
    expect(plan.gradients).toBe(P * 4 + 4 * 16); // this thread: the shards' sums go straight into the gradient, 32/8 = 4 shard statistics
    const onWorkers = trainingBytes(spec, { batchSize: 32, shardSize: 8, optimizer: 'adam', workers: 2 });
    expect(onWorkers.gradients).toBe(P * 4 + 4 * 16); // workers: no slots either (core BatchGradient sums each stripe over the shards in place)
    expect(onWorkers.scratch).toBe(Workspace.bytes(spec, 32) + Workspace.bytes(spec, 32)); // the whole batch once, shared by every lane, and the evaluation chunk
    expect(trainingBytes(spec, { batchSize: 600, shardSize: 300 }).gradients).toBe((2 + 1) * P * 4 + 2 * 16); // this thread, shards past 256 rows: a slot each
    expect(plan.total).toBe(plan.params + plan.optimizer + plan.gradients + plan.scratch);
    // what a real run takes from the backend: never more than planned
    const backend = countingBackend();
    const net = Network.create({ sizes: [2, 16, 8, 2], activation: 'tanh' }, { seed: 1, backend });
    await new Trainer(net, { epochs: 1, batchSize: 32, shardSize: 8, optimizer: { name: 'adam', lr: 0.01 } }).fit(spirals(40, 1));
    expect(backend.bytes).toBeLessThanOrEqual(plan.total);
    expect(backend.bytes).toBeGreaterThanOrEqual(P * bytesOf('f32') + plan.optimizer + plan.gradients); // the plan does not under-count
  });

  it('a network too large for the budget is a ConfigError naming its bytes and what to shrink (JS and WASM)', () => {
    for (const backend of [jsBackend, wasmBackend]) {
      const e = thrown(() => Network.create({ sizes: [2, 1e12, 2] }, { backend }));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(/a 2-1000000000000-2 network \(5000000000002 parameters\) needs 18\.2 TiB \(20000000000008 bytes: parameters 18\.2 TiB\), over the memory budget of (4\.0 GiB|1024\.0 MiB|1\d\d\d\.\d MiB); use smaller or fewer layers/);
    }
    expect(thrown(() => Network.create({ sizes: [784, 50000, 10] }, { memoryBudget: 2 ** 20 })).message).toMatch(/over the memory budget of 1\.0 MiB/);
  });

  it('the WASM backend caps the budget at its 1 GiB memory', () => {
    expect(wasmBackend.maxBytes).toBeLessThanOrEqual(2 ** 30);
    const e = thrown(() => Network.create({ sizes: [10000, 30000, 10] }, { backend: wasmBackend, memoryBudget: 2 ** 40 }));
    expect(e.message).toMatch(/needs 1\.1 GiB .* over the memory budget of 10\d\d\.\d MiB/);
  });

  it('a Trainer whose gradient slots or scratch do not fit is refused before allocating, with the largest part named', () => {
    const net = Network.create({ sizes: [100, 1000, 10] }, { seed: 1 });
    // on this thread no shard of up to 256 rows has a slot (its sums go straight into the gradient): the batch fits
    expect(() => new Trainer(net, { epochs: 1, batchSize: 100000, shardSize: 32, memoryBudget: 2 ** 28 })).not.toThrow();
    // past 256 rows each of the 334 shards has one
    const slotted = trainingBytes(net.spec, { batchSize: 100000, shardSize: 300 });
    const e = thrown(() => checkMemory(slotted, 2 ** 27, 'training a 100-1000-10 network with batches of 100000'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/training a 100-1000-10 network with batches of 100000 needs \d+\.\d MiB \(\d+ bytes: parameters .*gradients 141\.\d MiB.*\), over the memory budget of 128\.0 MiB; use smaller or fewer layers/);
    // on workers no shard has a slot, but every lane shares one workspace for the whole batch
    const plan = trainingBytes(net.spec, { batchSize: 100000, shardSize: 32, workers: 2 });
    expect(thrown(() => checkMemory(plan, 2 ** 28, 'training a 100-1000-10 network with batches of 100000')).message).toMatch(/gradients 482\.5 KiB, scratch 1\.2 GiB\), over the memory budget of 256\.0 MiB; use a smaller batchSize, fewer workers or smaller layers/);
    const wide = Network.create({ sizes: [2, 3000000, 2] }, { seed: 1, memoryBudget: 2 ** 33 });
    expect(thrown(() => new Trainer(wide, { epochs: 1, batchSize: 256, shardSize: 256, optimizer: { name: 'sgd' }, memoryBudget: 2 ** 33 })).message).toMatch(/scratch \d+\.\d GiB\), over the memory budget of 8\.0 GiB; use a smaller batchSize, fewer workers or smaller layers/);
  });

  it('gradCheck checks its float64 copy and scratch against the budget', () => {
    const net = Network.create({ sizes: [2, 4, 2] }, { seed: 1 });
    expect(thrown(() => gradCheck(net, spirals(4, 1), { memoryBudget: 100 })).message).toMatch(/a gradient check of 2-4-2 on 8 rows needs .* over the memory budget of 100 bytes/);
  });

  it('checkMemory takes the app\'s words for what to shrink; formatBytes reads like a person writes', () => {
    const hints = { layers: 'shrink --hidden', scratch: 'lower --batch-size' };
    expect(thrown(() => checkMemory({ params: 2 ** 31 }, 2 ** 30, 'x', hints)).message).toMatch(/x needs 2\.0 GiB \(2147483648 bytes: parameters 2\.0 GiB\), over the memory budget of 1\.0 GiB; shrink --hidden$/);
    expect(() => checkMemory({ params: 10 }, 10, 'x')).not.toThrow();
    expect([formatBytes(512), formatBytes(1536), formatBytes(DEFAULT_MEMORY_BUDGET), formatBytes(1e30)]).toEqual(['512 bytes', '1.5 KiB', '4.0 GiB', '1.0e+30 bytes']);
  });
});

// #11's parallel-engine items, end to end on Node worker threads: stale shared copies, the step
// watchdog, errors that recur, interrupt latency, and a WASM heap that stays flat across fits.
import { Network, Trainer, dataset, type Dataset, type TrainConfig } from '@backprop/core';
import { now } from '@backprop/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerError, type ParallelEngine } from '../engine.js';
import { SIZES, bytes, checksum, makeData, train } from '../test-utils/fixtures.js';
import { newWasmBackend } from '../test-utils/wasm.js';
import { NodePool, nodeEngine, type NodeEngineOptions } from './index.js';

const config = { epochs: 2, batchSize: 40, shardSize: 8, seed: 11, validationSplit: 0.1, optimizer: { name: 'adam', lr: 0.01, l2: 1e-3 } };

const pool = new NodePool({ workers: 2 });
afterAll(() => pool.destroy());

/** A factory that also hands back the engine it built. */
function capture(options: NodeEngineOptions) {
  const box: { engine: ParallelEngine | null } = { engine: null };
  const factory = nodeEngine(options);
  return { box, engine: async (...args: Parameters<typeof factory>) => (box.engine = (await factory(...args)) as ParallelEngine) };
}

describe('a private (non-shared) dataset changed in place between fits', () => {
  it('the next parallel fit trains on the new rows, bit for bit like one thread', async () => {
    const base = makeData(203, 'f32');
    // private Float32Arrays, as a user would build them (not on shared memory)
    const data: Dataset = dataset(new Float32Array(base.X), new Float32Array(base.Y), base.nIn, base.nOut);
    expect(data.X.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const first = await train('f32', config, data, { engine: nodeEngine({ pool }) });
    expect(bytes(first.net.params)).toEqual(bytes((await train('f32', config, data)).net.params));
    // the user rescales the inputs and swaps two labels, in place, and fits again
    for (let i = 0; i < data.X.length; i++) data.X[i] *= 0.5;
    data.Y.copyWithin(0, 3, 6);
    const ref = await train('f32', config, data);
    const again = await train('f32', config, data, { engine: nodeEngine({ pool }) });
    expect(bytes(ref.net.params)).not.toEqual(bytes(first.net.params));
    expect(bytes(again.net.params)).toEqual(bytes(ref.net.params));
  });
});

describe('step watchdog', () => {
  const data = makeData(203, 'f32');

  it('a worker that hangs (neither throws nor exits) is replaced and the step retried: the same bits', async () => {
    const ref = await train('f32', config, data);
    const { box, engine } = capture({ workers: 2, retries: 1, stepTimeout: 300, faultInjection: { step: 3, shard: 2, kind: 'hang' } });
    const run = await train('f32', config, data, { engine });
    expect(box.engine!.retried).toBe(1);
    expect(bytes(run.net.params)).toEqual(bytes(ref.net.params));
  });

  it('without retries a hung step rejects with a WorkerError and the weights of the step before', async () => {
    const lent = new NodePool({ workers: 2 });
    try {
      const net = Network.create({ sizes: SIZES }, { seed: 3 });
      const sums: number[] = [checksum(net.params)];
      const engine = nodeEngine({ pool: lent, retries: 0, stepTimeout: 300, faultInjection: { step: 3, shard: 2, kind: 'hang' } });
      const t0 = now();
      const error = await new Trainer(net, config).fit(data, { engine, onBatch: (e) => (sums[e.step] = checksum(net.params)) }).then(() => null, (e: unknown) => e);
      expect(now() - t0).toBeLessThan(20_000);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as WorkerError).message).toMatch(/worker \d failed in shard 2 \(rows 16–23 of the batch\): no progress for 300 ms in its shard \(hung; stepTimeout\); its thread was replaced/);
      expect(checksum(net.params)).toBe(sums[2]);
      // the pool replaced the hung thread: it still trains, with the single-thread bits
      const after = await train('f32', { ...config, epochs: 1 }, data, { engine: nodeEngine({ pool: lent }) });
      expect(bytes(after.net.params)).toEqual(bytes((await train('f32', { ...config, epochs: 1 }, data)).net.params));
    } finally {
      await lent.destroy();
    }
  });

  it("rejects a step timeout that is not a positive integer", async () => {
    await expect(nodeEngine({ pool, stepTimeout: 0 })(Network.create({ sizes: SIZES }), data, { shardSize: 8, maxBatch: 40 })).rejects.toThrow(/stepTimeout must be an integer ≥ 1; got 0/);
  });
});

describe('errors that recur', () => {
  it('WASM memory exhausted is not retried, whatever `retries` says', async () => {
    const backend = await newWasmBackend();
    const data = makeData(203, 'f32');
    const net = Network.create({ sizes: SIZES }, { seed: 3, backend });
    const { box, engine } = capture({ pool, retries: 3, faultInjection: { step: 2, shard: 1, kind: 'oom' } });
    const error = await new Trainer(net, config).fit(data, { engine }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).message).toContain('the WASM memory is full');
    expect((error as WorkerError).message).toContain('not retried: it would recur');
    expect(box.engine!.retried).toBe(0);
  });

  it('a one-off error is still retried', async () => {
    const data = makeData(203, 'f32');
    const { box, engine } = capture({ pool, retries: 3, faultInjection: { step: 2, shard: 1, kind: 'throw' } });
    await train('f32', config, data, { engine });
    expect(box.engine!.retried).toBe(1);
  });
});

describe('interrupts', () => {
  it('an abort that arrives during a step (a timer, as Ctrl-C would) takes effect within one step', async () => {
    const data = makeData(203, 'f32');
    const net = Network.create({ sizes: SIZES }, { seed: 3 });
    const ac = new AbortController();
    const starts: number[] = []; // time each step ended (= the next one started)
    let due = Infinity;
    const trainer = new Trainer(net, { ...config, epochs: 400, batchSize: 10, shardSize: 8, validationSplit: 0 });
    const r = await trainer.fit(data, {
      engine: nodeEngine({ pool }),
      signal: ac.signal,
      onBatch: (e) => {
        starts.push(now());
        if (e.step === 20) {
          due = now() + 5;
          setTimeout(() => ac.abort(), 5);
        }
      },
    });
    expect(r.stopped).toBe('aborted');
    // steps that began after the abort was due: the one running when the timer could fire, at most one more
    const late = starts.filter((t) => t > due + 1).length;
    expect(late).toBeLessThanOrEqual(2);
  });
});

describe('WASM heap across fits on fresh pools', () => {
  /**
   * Heap growth per run over 3 runs on `data`, each on a fresh pool of `workers` (destroyed at
   * its end), after a first run on `first`; the bound: params, adam m and v (+ alignment).
   */
  async function growthPerRun(one: TrainConfig, first: Dataset, data: Dataset, workers: number): Promise<{ perRun: number; bound: number }> {
    const backend = await newWasmBackend();
    await train('f32', one, first, { backend, engine: nodeEngine({ workers }) });
    const top = backend.arena(16).base;
    for (let i = 0; i < 3; i++) await train('f32', one, data, { backend, engine: nodeEngine({ workers }) });
    return { perRun: (backend.arena(16).base - top) / 3, bound: 3 * Network.create({ sizes: SIZES }).P * 4 + 4096 };
  }

  it('does not grow beyond each run’s own parameters and optimizer state: dead threads’ scratch is reused', async () => {
    const data = makeData(203, 'f32');
    const { perRun, bound } = await growthPerRun({ ...config, epochs: 1 }, data, data, 2);
    expect(perRun).toBeLessThan(bound);
  });

  it('stays flat when some workers get no shard: each worker holds its scratch from the start', async () => {
    // The first run has one step of one shard: one of its 4 workers runs a kernel, the others
    // none. The next runs have 23 steps, so several of their workers do.
    const one = { ...config, epochs: 1, batchSize: 8, shardSize: 8, validationSplit: 0 }; // no evaluation on this thread
    const { perRun, bound } = await growthPerRun(one, makeData(8, 'f32'), makeData(203, 'f32'), 4);
    expect(perRun).toBeLessThan(bound);
  });
});

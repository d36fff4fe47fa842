// The calling thread as a lane (Node): a pool of N workers runs N − 1 threads beside the thread
// that calls fit. Its faults, and a pool thread that dies or hangs while it computes, still leave
// the weights as they were before the step; a retry gives the single-thread bits.
import { Network, Trainer, type TrainConfig } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerError, startEngine, type EngineFactory, type ParallelEngine, type ParallelOptions, type WorkerPool } from '../engine.js';
import { SIZES, bytes, checksum, makeData, train } from '../test-utils/fixtures.js';
import { newWasmBackend } from '../test-utils/wasm.js';
import { NodePool, nodeEngine } from './index.js';

const config: TrainConfig = { epochs: 3, batchSize: 40, shardSize: 8, seed: 11, validationSplit: 0.1, optimizer: { name: 'adam', lr: 0.01, l2: 1e-3 } };
const data = makeData(203, 'f32');

/** A factory that also hands back the engine it built. */
function capture(factory: EngineFactory) {
  const box: { engine: ParallelEngine | null } = { engine: null };
  return { box, engine: async (...args: Parameters<EngineFactory>) => (box.engine = (await factory(...args)) as ParallelEngine) };
}

/** No threads at all: the calling thread is the only lane, so every shard and stripe runs on it. */
const callerOnly: WorkerPool = { size: 0, canBlock: true, caller: true, serve: () => Promise.reject(new Error('this pool has no threads')), destroy: async () => {} };
const onCaller = (options: ParallelOptions = {}): EngineFactory => (net, d, opts) => startEngine(callerOnly, false, net, d, opts, options);

/** Trains until a fault stops it; the error, the trainer's last completed step, and the weights' checksums. */
async function failing(engine: EngineFactory) {
  const net = Network.create({ sizes: SIZES }, { seed: 3 });
  const trainer = new Trainer(net, config);
  const sums: number[] = [checksum(net.params)];
  const error = await trainer.fit(data, { engine, onBatch: (e) => (sums[e.step] = checksum(net.params)) }).then(() => null, (e: unknown) => e);
  return { error, step: trainer.state.step, checksum: checksum(net.params), sums };
}

describe('a pool of N workers', () => {
  const pools: NodePool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.destroy();
  });

  it('runs N − 1 threads and the calling thread as the Nth lane; caller: false runs N threads; 1 worker is one thread', async () => {
    const [three, waits, one] = [new NodePool({ workers: 3 }), new NodePool({ workers: 3, caller: false }), new NodePool({ workers: 1 })];
    pools.push(three, waits, one);
    expect([three.size, three.workers, three.caller]).toEqual([2, 3, true]);
    expect([waits.size, waits.workers, waits.caller]).toEqual([3, 3, false]);
    expect([one.size, one.workers, one.caller]).toEqual([1, 1, false]);
    const ref = await train('f32', config, data);
    for (const p of [three, waits, one]) {
      const { box, engine } = capture(nodeEngine({ pool: p }));
      const run = await train('f32', config, data, { engine });
      expect(box.engine!.workers).toBe(p.workers);
      expect(p.threads).toBe(p.size);
      expect(bytes(run.net.params), `${p.workers} workers, caller ${p.caller}`).toEqual(bytes(ref.net.params));
      // every lane computed: the calling thread's too
      expect([...box.engine!.busy].every((ms) => ms > 0), `busy ms per lane ${[...box.engine!.busy].join(', ')}`).toBe(true);
    }
  });
});

describe('the spin before sleeping', () => {
  it('is any number of µs from 0 (sleep at once: the same bits), and nothing else', async () => {
    const p = new NodePool({ workers: 2 });
    try {
      const ref = await train('f32', config, data);
      expect(bytes((await train('f32', config, data, { engine: nodeEngine({ pool: p, spin: 0 }) })).net.params)).toEqual(bytes(ref.net.params));
      for (const spin of [-1, 0.5, NaN]) {
        await expect(nodeEngine({ pool: p, spin })(Network.create({ sizes: SIZES }), data, { shardSize: 8, maxBatch: 40 })).rejects.toThrow(`spin must be an integer ≥ 0; got ${spin}`);
      }
    } finally {
      await p.destroy();
    }
  });
});

describe('the calling thread alone (a pool of no threads)', () => {
  it('gives the single-thread bits on the JS and the WASM kernels', async () => {
    const backend = await newWasmBackend();
    for (const b of [undefined, backend]) {
      const ref = await train('f32', config, data, { backend: b });
      const run = await train('f32', config, data, { backend: b, engine: onCaller() });
      expect(bytes(run.net.params)).toEqual(bytes(ref.net.params));
    }
  });

  it('a fault in its own lane rejects the step, names the shard, and leaves the weights as before the step', async () => {
    const failed = await failing(onCaller({ retries: 0, faultInjection: { step: 3, shard: 2, kind: 'throw' } }));
    expect(failed.error).toBeInstanceOf(WorkerError);
    const we = failed.error as WorkerError;
    expect([we.lane, we.shard]).toEqual([0, 2]);
    expect(we.message).toMatch(/^worker 0 failed in shard 2 \(rows 16–23 of the batch\): injected fault \(test only\) in shard 2; the weights were left as they were before this step$/);
    expect(failed.step).toBe(2);
    expect(failed.checksum).toBe(failed.sums[2]);
    expect(failed.checksum).toBe((await train('f32', config, data, { abortAt: 2 })).sums[2]);
  });

  it('a one-off fault is retried with the same bits; memory exhausted is not retried', async () => {
    const ref = await train('f32', config, data);
    const { box, engine } = capture(onCaller({ retries: 1, faultInjection: { step: 3, shard: 2, kind: 'throw' } }));
    expect(bytes((await train('f32', config, data, { engine })).net.params)).toEqual(bytes(ref.net.params));
    expect(box.engine!.retried).toBe(1);
    const oom = await failing(onCaller({ retries: 3, faultInjection: { step: 2, shard: 1, kind: 'oom' } }));
    expect((oom.error as WorkerError).message).toMatch(/the WASM memory is full.*not retried: it would recur/);
  });
});

describe('a pool thread that fails while the calling thread computes beside it', () => {
  it('exits: the step rejects with the weights as before it, or is retried on a new thread with the same bits', async () => {
    const ref = await train('f32', config, data);
    const failed = await failing(nodeEngine({ workers: 2, retries: 0, faultInjection: { step: 3, shard: 0, lane: 0, kind: 'exit' } }));
    expect(failed.error).toBeInstanceOf(WorkerError);
    expect((failed.error as WorkerError).lane).toBe(0);
    expect((failed.error as WorkerError).message).toContain('exited');
    expect(failed.step).toBeGreaterThanOrEqual(2);
    expect(failed.checksum).toBe(ref.sums[failed.step]);
    const { box, engine } = capture(nodeEngine({ workers: 2, retries: 1, faultInjection: { step: 3, shard: 0, lane: 0, kind: 'exit' } }));
    expect(bytes((await train('f32', config, data, { engine })).net.params)).toEqual(bytes(ref.net.params));
    expect(box.engine!.retried).toBe(1);
    expect(box.engine!.workers).toBe(2);
  });

  it('hangs: the calling thread stops waiting for its shards, the watchdog replaces it, the retry gives the same bits', async () => {
    const ref = await train('f32', config, data);
    const { box, engine } = capture(nodeEngine({ workers: 2, retries: 1, stepTimeout: 300, faultInjection: { step: 3, shard: 0, lane: 0, kind: 'hang' } }));
    expect(bytes((await train('f32', config, data, { engine })).net.params)).toEqual(bytes(ref.net.params));
    expect(box.engine!.retried).toBe(1);
  });
});

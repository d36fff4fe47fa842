// The Node adapter end to end: determinism across worker counts, faults, abort, resume.
import { Network, Trainer, loadModel, resumeTrainer, type DType, type Dataset, type TrainConfig } from '@backprop/core';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerError, type ParallelEngine } from '../engine.js';
import { SIZES, bytes, checksum, makeData, train } from '../test-utils/fixtures.js';
import { newWasmBackend } from '../test-utils/wasm.js';
import { NodePool, nodeEngine } from './index.js';

// 203 rows. With the 10% validation split, 183 training rows in batches of 40 end with a
// partial batch of 23 (shards of 8, 8, 7). Batches of 10 end with a partial batch of 3, and
// shards of 8 give 2 shards per step: fewer than most runs' workers (batch < shardSize · workers).
const configs: Record<string, TrainConfig> = {
  'batch 40, shards of 8, adam, validation split': { epochs: 5, batchSize: 40, shardSize: 8, seed: 11, validationSplit: 0.1, optimizer: { name: 'adam', lr: 0.01, l2: 1e-3 } },
  'batch 10, shards of 8, momentum': { epochs: 3, batchSize: 10, shardSize: 8, seed: 5, optimizer: { name: 'momentum', lr: 0.05 } },
  'batch 32, shards of 8, sgd, L1': { epochs: 3, batchSize: 32, shardSize: 8, seed: 9, optimizer: { name: 'sgd', lr: 0.1, l1: 1e-3 } },
  'batch 24, shards of 5, nesterov, L1 and L2': { epochs: 3, batchSize: 24, shardSize: 5, seed: 2, optimizer: { name: 'nesterov', lr: 0.05, l1: 1e-4, l2: 1e-3 } },
};
// Stripes of 52 of the P = 215 parameters: stripe edges fall inside rows (the bias and weights of
// one row in different stripes), and each worker updates the stripes it reduced.

// One pool per worker count, reused across runs: thread start-up is paid once. n workers are
// n − 1 threads and this one (the default); `waits`: n threads while this one only waits.
const pools = new Map<string, NodePool>();
const pool = (n: number, caller = true) => {
  const key = `${n} ${caller}`;
  if (!pools.has(key)) pools.set(key, new NodePool({ workers: n, caller }));
  return pools.get(key)!;
};
const LANES: [number, boolean][] = [[1, true], [2, true], [3, true], [4, true], [2, false], [3, false]];
const named = (n: number, caller: boolean) => `${n} workers${caller ? '' : ' (caller waits)'}`;
afterAll(async () => {
  for (const p of pools.values()) await p.destroy();
  for (const p of pools.values()) expect(p.threads).toBe(0);
});

describe.each(['f32', 'f64'] as DType[])('nodeEngine, %s', (dtype) => {
  const data = makeData(203, dtype);
  for (const [name, config] of Object.entries(configs)) {
    it(`1, 2, 3 and 4 workers (and 2, 3 with the caller waiting) give the single-thread weights bit for bit (${name})`, async () => {
      const ref = await train(dtype, config, data);
      expect(ref.trainer.state.step).toBeGreaterThan(20);
      for (const [n, caller] of LANES) {
        const run = await train(dtype, config, data, { engine: nodeEngine({ pool: pool(n, caller), stripe: 52 }) });
        expect(bytes(run.net.params), named(n, caller)).toEqual(bytes(ref.net.params));
        expect(run.losses, `${named(n, caller)}: batch losses`).toEqual(ref.losses);
        expect(run.trainer.state.history, `${named(n, caller)}: epoch events`).toEqual(
          ref.trainer.state.history.map((e) => ({ ...e, samplesPerSec: expect.any(Number), seconds: expect.any(Number) })),
        );
      }
    });
  }
});

// The WASM SIMD backend on every worker: the same module instantiated over the same shared
// memory in each thread, shard gradients and the striped reduction in WASM, the same bits as
// the single-thread Trainer on that backend (f64 runs on the JS loops inside it, also exact).
describe.each(['f32', 'f64'] as DType[])('nodeEngine on the WASM backend, %s', (dtype) => {
  const data = makeData(203, dtype);
  for (const [name, config] of Object.entries(configs)) {
    it(`1, 2, 3 and 4 workers (and 2, 3 with the caller waiting) give the single-thread WASM weights bit for bit (${name})`, async () => {
      const backend = await newWasmBackend();
      const ref = await train(dtype, config, data, { backend });
      expect(ref.net.backend.name).toBe('wasm');
      if (dtype === 'f32') expect(backend.owns(ref.net.params)).toBe(true);
      for (const [n, caller] of LANES) {
        const run = await train(dtype, config, data, { backend, engine: nodeEngine({ pool: pool(n, caller), stripe: 52 }) });
        expect(bytes(run.net.params), named(n, caller)).toEqual(bytes(ref.net.params));
        expect(run.losses, `${named(n, caller)}: batch losses`).toEqual(ref.losses);
      }
    });
  }

  it('a worker that throws on WASM rejects the step with the weights as before it; a retry gives the same bits', async () => {
    const backend = await newWasmBackend();
    const config = configs['batch 40, shards of 8, adam, validation split'];
    const ref = await train(dtype, config, data, { backend });
    const before = await train(dtype, config, data, { backend, abortAt: 2 });
    const net = Network.create({ sizes: SIZES, dtype }, { seed: 3, backend });
    const sums: number[] = [];
    const engine = nodeEngine({ pool: pool(2), retries: 0, faultInjection: { step: 3, shard: 2, kind: 'throw' } });
    const error = await new Trainer(net, config).fit(data, { engine, onBatch: (e) => (sums[e.step] = checksum(net.params)) }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(checksum(net.params)).toBe(before.sums[2]);
    const retried = await train(dtype, config, data, { backend, engine: nodeEngine({ pool: pool(2), retries: 1, faultInjection: { step: 3, shard: 2, kind: 'throw' } }) });
    expect(bytes(retried.net.params)).toEqual(bytes(ref.net.params));
  });
});

describe('WASM memory', () => {
  it('runs release their slots and scratch: many fits on one memory and pool do not grow it', async () => {
    const backend = await newWasmBackend();
    const data = makeData(203, 'f32');
    const config = { ...configs['batch 40, shards of 8, adam, validation split'], epochs: 1 };
    await train('f32', config, data, { backend, engine: nodeEngine({ pool: pool(2) }) });
    const top = backend.arena(16).base;
    for (let i = 0; i < 3; i++) await train('f32', config, data, { backend, engine: nodeEngine({ pool: pool(2) }) });
    // each run allocates new params and optimizer state (they live as long as their network), but
    // the engine's slots and the workers' scratch are handed back and reused
    const perRun = (backend.arena(16).base - top) / 3;
    const net = Network.create({ sizes: SIZES }, { backend });
    expect(perRun).toBeLessThan(4 * net.P * 4 + 4096);
  });
});

describe('faults', () => {
  const data = makeData(203, 'f32');
  const config = configs['batch 40, shards of 8, adam, validation split'];

  for (const kind of ['throw', 'exit'] as const) {
    it(`a worker that ${kind === 'throw' ? 'throws' : 'exits'} mid-step rejects the step, names the shard, and leaves the weights as before the step`, async () => {
      const failed = await failingRun(config, data, kind);
      expect(failed.error).toBeInstanceOf(WorkerError);
      const we = failed.error as WorkerError;
      expect(we.shard).toBe(2);
      expect(we.message).toContain('failed in shard 2 (rows 16–23 of the batch)');
      expect(we.message).toContain(kind === 'throw' ? 'injected fault (test only) in shard 2' : 'exited');
      // the same run on one thread, stopped after step 2: the failed run must hold exactly its weights
      const before = await train('f32', config, data, { abortAt: 2 });
      expect(failed.step).toBe(2);
      expect(failed.checksum).toBe(before.sums[2]);
      expect(failed.checksum).toBe(failed.sums[2]); // unchanged since the last completed step
    });

    it(`a step whose worker ${kind === 'throw' ? 'threw is retried' : 'exited is retried on a replacement worker'} with identical results`, async () => {
      const ref = await train('f32', config, data);
      let engine: ParallelEngine | null = null;
      const factory = nodeEngine({ workers: 2, retries: 1, faultInjection: { step: 3, shard: 2, kind } });
      const run = await train('f32', config, data, { engine: async (...args) => (engine = (await factory(...args)) as ParallelEngine) });
      expect(engine!.retried).toBe(1);
      expect(bytes(run.net.params)).toEqual(bytes(ref.net.params));
    });
  }
});

/** Runs into an injected fault at step 3, shard 2; returns the error, the trainer's step and the weights' checksums. */
async function failingRun(config: TrainConfig, data: Dataset, kind: 'throw' | 'exit') {
  const net = Network.create({ sizes: SIZES }, { seed: 3 });
  const trainer = new Trainer(net, config);
  const sums: number[] = [checksum(net.params)];
  const engine = nodeEngine({ workers: 2, retries: 0, faultInjection: { step: 3, shard: 2, kind } });
  const error = await trainer.fit(data, { engine, onBatch: (e) => (sums[e.step] = checksum(net.params)) }).then(() => null, (e: unknown) => e);
  return { error, step: trainer.state.step, checksum: checksum(net.params), sums };
}

describe('abort, resume, threads', () => {
  const data = makeData(203, 'f32');
  const config = configs['batch 40, shards of 8, adam, validation split'];

  it('an aborted run stops at a step boundary with the weights of that step', async () => {
    const ref = await train('f32', config, data, { abortAt: 7 });
    const run = await train('f32', config, data, { engine: nodeEngine({ workers: 2 }), abortAt: 7 });
    expect(run.stopped).toBe('aborted');
    expect(run.trainer.state.step).toBe(7);
    expect(bytes(run.net.params)).toEqual(bytes(ref.net.params));
  });

  it('saved mid-epoch and resumed on workers, a run ends with the uninterrupted weights', async () => {
    const full = await train('f32', config, data, { engine: nodeEngine({ pool: pool(2) }), saveAt: 7 });
    const file = loadModel(full.saved!);
    expect(file.training!.config.shardSize).toBe(8);
    expect(file.training!.state.step).toBe(7);
    const trainer = resumeTrainer(file);
    await trainer.fit(data, { engine: nodeEngine({ pool: pool(3) }) });
    expect(trainer.state.step).toBe(full.trainer.state.step);
    expect(bytes(file.net.params)).toEqual(bytes(full.net.params));
  });

  it('no thread is left behind: a process that trained, failed, aborted and closed engines exits by itself', async () => {
    const script = fileURLToPath(new URL('../test-utils/exit-check.ts', import.meta.url));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawnSync(process.execPath, ['--conditions=@backprop/source', '--import', tsx, script], { encoding: 'utf8', timeout: 50_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim().split('\n')).toEqual(['trained 2', 'failed WorkerError 1', 'aborted 4', 'closed unused', 'end of script']);
    expect(child.signal, 'killed by the timeout: something kept the process alive').toBeNull();
    expect(child.status).toBe(0);
  });

  it('a pool lent to an engine keeps its threads; destroy ends them all', async () => {
    const p = new NodePool({ workers: 3 }); // 2 threads and the calling one
    await train('f32', { ...config, epochs: 1 }, data, { engine: nodeEngine({ pool: p }) });
    expect(p.threads).toBe(2);
    await p.destroy();
    expect(p.threads).toBe(0);
  });
});

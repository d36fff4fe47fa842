// The striped update on the workers (#14): the fault guarantee of the undo log, and numeric
// failures reported as on one thread, with the weights and optimizer state of the step before.
import { Network, NumericError, Trainer, type Dataset, type TrainConfig } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerError, type ParallelEngine } from '../engine.js';
import { SIZES, bytes, checksum, makeData, train } from '../test-utils/fixtures.js';
import { newWasmBackend } from '../test-utils/wasm.js';
import { NodePool, nodeEngine, type NodeEngineOptions } from './index.js';

const pool = new NodePool({ workers: 2 });
afterAll(() => pool.destroy());

const adam: TrainConfig = { epochs: 2, batchSize: 40, shardSize: 8, seed: 11, validationSplit: 0.1, optimizer: { name: 'adam', lr: 0.01, l2: 1e-3 } };

/** Trains until the run fails; returns the error and checksums of the weights and each state vector after every step. */
async function failing(config: TrainConfig, data: Dataset, options: NodeEngineOptions | null, backend?: Awaited<ReturnType<typeof newWasmBackend>>) {
  const net = Network.create({ sizes: SIZES }, { seed: 3, backend });
  const trainer = new Trainer(net, config);
  const state = () => [checksum(net.params), ...Object.values(trainer.optimizer.state.vectors).map(checksum)];
  const after: number[][] = [state()];
  let engine: ParallelEngine | null = null;
  const factory = options && nodeEngine(options);
  const error = await trainer
    .fit(data, {
      engine: factory ? async (...a) => (engine = (await factory(...a)) as ParallelEngine) : undefined,
      onBatch: (e) => (after[e.step] = state()),
    })
    .then(() => null, (e: unknown) => e);
  return { error, after, now: state(), step: trainer.state.step, t: trainer.optimizer.state.t, net, engine: engine as ParallelEngine | null };
}

describe.each(['js', 'wasm'])('undo log per stripe (%s kernels)', (kind) => {
  const data = makeData(203, 'f32');

  it('a worker that fails after updating a stripe leaves the weights and the optimizer state of the step before', async () => {
    const backend = kind === 'wasm' ? await newWasmBackend() : undefined;
    const r = await failing(adam, data, { pool, stripe: 52, retries: 0, faultInjection: { step: 3, shard: 1, kind: 'throw', phase: 'update' } }, backend);
    expect(r.engine!.trainStep).toBeDefined(); // the workers did the update
    expect(r.error).toBeInstanceOf(WorkerError);
    expect((r.error as WorkerError).message).toContain('outside any shard');
    expect(r.step).toBe(2);
    expect(r.t).toBe(2);
    expect(r.now).toEqual(r.after[2]); // weights, m and v all as after step 2
    expect(r.after[2]).not.toEqual(r.after[1]);
  });

  it('retried after a failure mid-update, the run ends with the single-thread bits', async () => {
    const backend = kind === 'wasm' ? await newWasmBackend() : undefined;
    const ref = await train('f32', adam, data, { backend });
    const run = await train('f32', adam, data, { backend, engine: nodeEngine({ pool, stripe: 52, retries: 1, faultInjection: { step: 3, shard: 2, kind: 'throw', phase: 'update' } }) });
    expect(bytes(run.net.params)).toEqual(bytes(ref.net.params));
  });
});

describe('numbers that are not finite', () => {
  const data = makeData(203, 'f32');
  // momentum at absurd rates: 1e300 overflows the f32 weights in the first update (which the undo
  // log reverts, momentum v included); 1e36 leaves huge finite weights whose gradient is NaN next step
  it.each([
    [1e300, /^the weights of layer 1 overflowed to -?Infinity at epoch 1, step 1; restored/],
    [1e36, /^the gradient of layer 1 became NaN at epoch 1, step 2 \(loss NaN\)/],
  ])('at lr %d fail on the same step with the same message as one thread, the weights and state of the step before', async (lr, message) => {
    const wild: TrainConfig = { epochs: 3, batchSize: 40, shardSize: 8, seed: 11, validationSplit: 0, optimizer: { name: 'momentum', lr } };
    const one = await failing(wild, data, null);
    const par = await failing(wild, data, { pool, stripe: 52 });
    expect(one.error).toBeInstanceOf(NumericError);
    expect(par.error).toBeInstanceOf(NumericError);
    expect((par.error as Error).message).toBe((one.error as Error).message);
    expect((par.error as Error).message).toMatch(message);
    expect(par.step).toBe(one.step);
    expect(bytes(par.net.params)).toEqual(bytes(one.net.params)); // one thread restores its weights too
    expect(par.now).toEqual(par.after[par.step]); // and on the workers the momentum v is as it was as well
  });
});

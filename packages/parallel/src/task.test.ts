// The shared task code, run in this thread (no workers): hand-out, stripes and failure marking.
import { LocalEngine, Network, allocSlots, jsBackend, shardCount, sumStats, type Dataset } from '@backprop/core';
import { backendFrom, describeBackend } from './backend.js';
import { describe, expect, it } from 'vitest';
import { CMD, CMD_STEP, DONE, FAILED, FAILED_SHARD, GEN, LEFT, ROWS, SHARDS, SHARDS_DONE, START, controlBlock } from './control.js';
import { shareDataset } from './engine.js';
import { attach, failStep, runStep, type WorkerInit } from './task.js';
import { SIZES, bytes, makeData } from './test-utils/fixtures.js';

const host = { exit: () => { throw new Error('no exit in this test'); } };

/** Two lanes' views of one network, with the step's fields written as the engine writes them. */
function setup(data: Dataset, B: number, shardSize: number, stripe: number) {
  const net = Network.create({ sizes: SIZES }, { seed: 3 });
  const maxShards = shardCount(B, shardSize);
  const { slots, grad, stats } = allocSlots(net, maxShards);
  const ctl = controlBlock(2);
  const order = new Int32Array(new SharedArrayBuffer(data.N * 4));
  for (let i = 0; i < data.N; i++) order[i] = (i * 7) % data.N;
  const lane = (l: number): WorkerInit => ({
    lane: l, workers: 2, spec: net.spec, backend: { kind: 'js' }, params: net.params, data: shareDataset(data), order,
    slots, grad, stats, ws: net.workspace(shardSize), ctl, shardSize, maxShards, stripe, seenGen: 0, fault: null,
  });
  ctl[START] = 5;
  ctl[ROWS] = B;
  ctl[SHARDS] = maxShards;
  ctl[CMD] = CMD_STEP;
  ctl[GEN] = 1;
  return { net, order, grad, stats, ctl, lanes: [attach(lane(0)), attach(lane(1))] };
}

describe('task (one thread playing two workers)', () => {
  const data = makeData(64, 'f32');

  it('a lane that is first takes every shard; the result equals the single-thread engine', () => {
    // B = 37 rows in shards of 8: 5 shards, the last of 5 rows; stripes of 50 of the P = 215 parameters
    const { net, order, grad, stats, ctl, lanes } = setup(data, 37, 8, 50);
    runStep(lanes[0], 1, host); // lane 1 is "slow": lane 0 claims all 5 shards and every stripe
    expect(ctl[SHARDS_DONE]).toBe(5);
    expect(ctl[LEFT]).toBe(1);
    expect(ctl[DONE]).toBe(0); // not published until every lane has left the step
    runStep(lanes[1], 1, host); // claims nothing, leaves last
    expect(ctl[DONE]).toBe(1);

    const local = new LocalEngine(net, data, { shardSize: 8, maxBatch: 37 });
    const want = local.batch(order, 5, 37);
    expect(bytes(grad)).toEqual(bytes(local.grad));
    expect(sumStats(stats, 5)).toEqual(want);
  });

  it('views are views: a worker reads the shared weights and data, it does not copy them', () => {
    const { net, lanes } = setup(data, 16, 8, 64);
    expect(lanes[0].net.params.buffer).toBe(net.params.buffer);
    expect(lanes[0].init.data.X.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(lanes[1].init.data.X.buffer).toBe(lanes[0].init.data.X.buffer);
    expect(lanes[0].slotViews[1].flat.buffer).toBe(lanes[1].slotViews[1].flat.buffer);
  });

  it('a failed step releases the waiting lanes and skips the reduction', () => {
    const { grad, ctl, lanes } = setup(data, 16, 8, 64);
    grad.fill(7);
    failStep(ctl, 1);
    expect(ctl[FAILED]).toBe(1);
    expect(ctl[FAILED_SHARD]).toBe(1);
    runStep(lanes[0], 1, host); // would block forever waiting for shards if failure did not release it
    expect(Array.from(grad.subarray(0, 3))).toEqual([7, 7, 7]);
  });

  it('the injected fault fires once, on its step and shard', () => {
    const { ctl, lanes } = setup(data, 16, 8, 64);
    lanes[0].init.fault = { step: 0, shard: 1, kind: 'throw' };
    expect(() => runStep(lanes[0], 1, host)).toThrow('injected fault (test only) in shard 1');
  });
});

describe('backend descriptors', () => {
  it('the js backend crosses to workers as { kind: "js" } and comes back as the same kernels', () => {
    expect(describeBackend(jsBackend)).toEqual({ kind: 'js' });
    expect(backendFrom({ kind: 'js' })).toBe(jsBackend);
  });

  it('a backend workers cannot rebuild yet is refused on the main thread, with the fix', () => {
    expect(() => describeBackend({ ...jsBackend, name: 'wasm' })).toThrow('use the js backend with @backprop/parallel');
  });
});

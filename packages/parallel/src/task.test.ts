// The shared task code, run in this thread (no workers): hand-out, stripes and failure marking.
import { Network, jsBackend, type Backend, type Dataset } from '@backprop/core';
import { BatchGradient, LocalEngine, backendFrom, jsKernels, shardCount } from '@backprop/core/engine';
import { describe, expect, it } from 'vitest';
import { CMD, CMD_STEP, DONE, FAILED, FAILED_SHARD, GEN, LEFT, ROWS, SHARDS, SHARDS_DONE, START, controlBlock } from './control.js';
import { shareDataset } from './engine.js';
import { attach, failStep, runStep, type WorkerInit } from './task.js';
import { SIZES, bytes, makeData } from './test-utils/fixtures.js';
import { newWasmBackend } from './test-utils/wasm.js';

const wasm = await newWasmBackend();

const host = { exit: () => { throw new Error('no exit in this test'); }, threadId: 1 };

/** Two lanes' views of one network, with the step's fields written as the engine writes them. */
function setup(data: Dataset, B: number, shardSize: number, stripe: number, backend: Backend = jsBackend) {
  const net = Network.create({ sizes: SIZES, dtype: data.X instanceof Float64Array ? 'f64' : 'f32' }, { seed: 3, backend });
  const maxShards = shardCount(B, shardSize);
  const bg = BatchGradient.allocate(net, B, shardSize, stripe);
  const ctl = controlBlock(2);
  const shared = shareDataset(data); // once, as the engine does per fit
  const order = new Int32Array(new SharedArrayBuffer(data.N * 4));
  for (let i = 0; i < data.N; i++) order[i] = (i * 7) % data.N;
  const lane = (l: number): WorkerInit => ({
    lane: l, workers: 2, spec: net.spec, backend: backend.describe(), params: net.params, data: shared, order,
    batch: bg.share(), ctl, busy: new Float64Array(2), phases: new Float64Array(6), seenGen: 0, fault: null, update: null, spin: 50,
  });
  ctl[START] = 5;
  ctl[ROWS] = B;
  ctl[SHARDS] = maxShards;
  ctl[CMD] = CMD_STEP;
  ctl[GEN] = 1;
  return { net, order, grad: bg.grad, bg, ctl, lanes: [attach(lane(0)), attach(lane(1))] };
}

describe('task (one thread playing two workers)', () => {
  const data = makeData(64, 'f32');

  it('a lane that is first takes every shard; the result equals the single-thread engine', () => {
    // B = 37 rows in shards of 8: 5 shards, the last of 5 rows; 5 stripes of about 43 of the P = 215
    // parameters (asked for 50): layer 1's rows of 7 cut at multiples of 4 rows, layer 2's rows of 13
    // at any row, and the last stripe ends layer 2 and holds all of layer 3
    const { net, order, grad, bg, ctl, lanes } = setup(data, 37, 8, 50);
    expect(bg.stripes.map((t) => t.parts.map((p) => [p.l, p.k0, p.rows]))).toEqual([[[0, 0, 8]], [[0, 8, 4]], [[1, 0, 3]], [[1, 3, 4]], [[1, 7, 1], [2, 0, 3]]]);
    runStep(lanes[0], 1, host); // lane 1 is "slow": lane 0 claims all 5 shards and every stripe
    expect(ctl[SHARDS_DONE]).toBe(5);
    expect(ctl[LEFT]).toBe(1);
    expect(ctl[DONE]).toBe(0); // not published until every lane has left the step
    runStep(lanes[1], 1, host); // claims nothing, leaves last
    expect(ctl[DONE]).toBe(1);
    const [rows, dW, update] = lanes[0].init.phases; // lane 0's time by phase: the runs, the stripes' dW, no update (not asked)
    expect(rows).toBeGreaterThan(0);
    expect(dW).toBeGreaterThan(0);
    expect(update).toBe(0);
    expect(rows + dW).toBeLessThanOrEqual(lanes[0].init.busy[0]);

    const local = new LocalEngine(net, data, { shardSize: 8, maxBatch: 37 });
    const want = local.batch(order, 5, 37);
    expect(bytes(grad)).toEqual(bytes(local.grad));
    expect(bg.sumStats(5)).toEqual(want);
  });

  it('views are views: a worker reads the shared weights and data, it does not copy them', () => {
    const { net, lanes } = setup(data, 16, 8, 64);
    expect(lanes[0].net.params.buffer).toBe(net.params.buffer);
    expect(lanes[0].init.data.X.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(lanes[1].init.data.X.buffer).toBe(lanes[0].init.data.X.buffer);
    expect(lanes[0].bg.ws.X.buffer).toBe(lanes[1].bg.ws.X.buffer); // one workspace for the batch, shared
    expect(lanes[0].bg.ws.delta[1].byteOffset).toBe(lanes[1].bg.ws.delta[1].byteOffset);
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
    const { lanes } = setup(data, 16, 8, 64);
    lanes[0].init.fault = { step: 0, shard: 1, kind: 'throw' };
    expect(() => runStep(lanes[0], 1, host)).toThrow('injected fault (test only) in shard 1');
  });
});

describe('task on the WASM backend (one thread playing two workers)', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    it(`a worker instantiates the kernels over the same memory; its views and scratch live there; the step equals the single-thread engine (${dtype})`, () => {
      const data = makeData(64, dtype);
      const { net, order, grad, bg, lanes } = setup(data, 37, 8, 50, wasm);
      const w = lanes[0].net.backend as typeof wasm;
      expect(w.name).toBe('wasm');
      expect(w).not.toBe(wasm); // a new instance (its own packing scratch) …
      expect(w.memory).toBe(wasm.memory); // … over the same memory
      expect(lanes[1].net.backend).toBe(w); // instantiated once per thread and memory, then reused
      if (dtype === 'f32') {
        for (const v of [lanes[0].net.params, lanes[0].bg.grad, lanes[0].bg.ws.X, lanes[0].bg.ws.delta[0], lanes[1].bg.ws.a[1]]) expect(w.owns(v)).toBe(true);
      }
      expect(lanes[0].bg.ws.X.byteOffset).toBe(bg.ws.X.byteOffset); // the batch's one workspace, at the same place on every thread
      const before = w.fallbacks;
      runStep(lanes[0], 1, host);
      runStep(lanes[1], 1, host);
      if (dtype === 'f32') expect(w.fallbacks).toBe(before); // every kernel call ran in WASM
      else expect(w.fallbacks).toBeGreaterThan(before); // f64 runs on the JS loops inside the WASM backend
      const local = new LocalEngine(net, data, { shardSize: 8, maxBatch: 37 });
      const want = local.batch(order, 5, 37);
      expect(bytes(grad)).toEqual(bytes(local.grad));
      expect(bg.sumStats(5)).toEqual(want);
    });
  }

  it('the WASM reduceSlots gives the bits of core reduceSlots, stripe by stripe', () => {
    const P = 4099;
    const nShards = 7;
    const ar = wasm.arena(4 * (nShards + 1) * P + 64);
    const slots = ar.f32(nShards * P);
    for (let i = 0; i < slots.length; i++) slots[i] = Math.fround(Math.sin(i * 12.9898) * 1000 * (i % 13 === 0 ? 1e-6 : 1));
    const grad = ar.f32(P);
    const ref = new Float32Array(P);
    jsKernels.reduceSlots(ref, slots, nShards, P, 0, P);
    for (let from = 0; from < P; from += 1000) wasm.kernels.reduceSlots(grad, slots, nShards, P, from, Math.min(P, from + 1000));
    expect(bytes(grad)).toEqual(bytes(ref));
  });
});

describe('backend descriptors', () => {
  it('the wasm backend crosses to workers as its module and memory; a worker instance re-bases received views', () => {
    const d = wasm.describe();
    expect(d).toMatchObject({ kind: 'wasm', module: wasm.module, memory: wasm.memory });
    expect(wasm.describe()).toEqual(d); // one id per memory
    const b = backendFrom(d) as typeof wasm;
    const v = wasm.arena(64).f32(4);
    const received = structuredClone(v); // what postMessage delivers: the same memory behind a new buffer object
    expect(b.owns(received)).toBe(false);
    const adopted = b.adopt(received);
    expect(b.owns(adopted)).toBe(true);
    adopted[2] = 5;
    expect(v[2]).toBe(5);
  });

  it('the js backend crosses to workers as { kind: "js" } and comes back as the same kernels', () => {
    expect(jsBackend.describe()).toEqual({ kind: 'js' });
    expect(backendFrom({ kind: 'js' })).toBe(jsBackend);
  });

  it('a descriptor workers cannot rebuild is refused by name', () => {
    expect(() => backendFrom({ kind: 'gpu' } as never)).toThrow('workers cannot rebuild a "gpu" backend');
  });
});

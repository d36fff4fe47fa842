// Training from a BatchStream: a stream that replays the resident epoch order gives the resident
// weights bit for bit (one loop for both); a small shuffling window is deterministic, resumes
// mid-epoch exactly, and evaluateStream agrees with evaluate.
import { describe, expect, it } from 'vitest';
import { jsBackend } from './kernels/js.js';
import type { Dataset } from './dataset.js';
import { evaluate, evaluateStream } from './metrics.js';
import { Network } from './network.js';
import { Rng, mixSeed } from './rng.js';
import { isBatchStream, type BatchStream } from './stream.js';
import { spirals } from './test-utils/data.js';
import { Trainer } from './trainer.js';

const bytes = (v: Float32Array | Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Replays `data` in the order `orderOf(epoch)`, through a window of `capacity` rows (rows copied in per batch). */
function replay(data: Dataset, capacity: number, orderOf: (epoch: number) => Int32Array): BatchStream & { reads: number } {
  const window: Dataset = { X: jsBackend.floats('f32', capacity * data.nIn), Y: jsBackend.floats('f32', capacity * data.nOut), N: capacity, nIn: data.nIn, nOut: data.nOut };
  const order = new Int32Array(new SharedArrayBuffer(capacity * 4));
  let rows: ArrayLike<number> = [];
  let at = 0;
  const s = {
    window, order, N: data.N, reads: 0,
    async startEpoch(epoch: number) {
      rows = orderOf(epoch);
      at = 0;
    },
    async nextBatch(B: number) {
      const n = Math.min(B, capacity, rows.length - at);
      for (let b = 0; b < n; b++) {
        const r = rows[at + b];
        const slot = (s.reads + b) % capacity; // rows land in other slots every time
        window.X.set(data.X.subarray(r * data.nIn, (r + 1) * data.nIn), slot * data.nIn);
        window.Y.set(data.Y.subarray(r * data.nOut, (r + 1) * data.nOut), slot * data.nOut);
        order[b] = slot;
      }
      s.reads += n;
      at += n;
      return n;
    },
  };
  return s;
}

describe('Trainer on a BatchStream', () => {
  const data = spirals(60, 5);
  const config = { epochs: 3, batchSize: 16, optimizer: { name: 'adam' as const, lr: 0.01 }, seed: 4 };

  it('a stream replaying the resident epoch order trains the same weights, bit for bit', async () => {
    const a = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 1 });
    const ta = new Trainer(a, config);
    await ta.fit(data);
    const b = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 1 });
    const tb = new Trainer(b, config);
    const all = Int32Array.from({ length: data.N }, (_, i) => i);
    const stream = replay(data, 40, (e) => tb.epochOrder(all, e, new Int32Array(data.N)));
    expect(isBatchStream(stream)).toBe(true);
    const r = await tb.fit(stream);
    expect(r.history).toHaveLength(3);
    expect(bytes(b.params).equals(bytes(a.params))).toBe(true);
    expect(tb.state.step).toBe(ta.state.step);
  });

  it('resumes mid-epoch by replaying the stream: the same bits as an uninterrupted run', async () => {
    const shuffled = (e: number) => new Rng(mixSeed(9, e)).shuffle(Int32Array.from({ length: data.N }, (_, i) => i));
    const full = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 2 });
    await new Trainer(full, config).fit(replay(data, 24, shuffled));
    const cut = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 2 });
    const t = new Trainer(cut, config);
    const abort = new AbortController();
    const r = await t.fit(replay(data, 24, shuffled), { onBatch: (e) => e.step === 11 && abort.abort(), signal: abort.signal });
    expect(r.stopped).toBe('aborted');
    expect(t.state.batchInEpoch).toBeGreaterThan(0); // mid-epoch
    const resumed = new Trainer(cut, config);
    resumed.restore(t.state, t.optimizer.state);
    await resumed.fit(replay(data, 24, shuffled));
    expect(bytes(cut.params).equals(bytes(full.params))).toBe(true);
  });

  it('an abort asked on the last batch of an epoch lets that epoch finish, resident or streamed (the web app steps by epochs so)', async () => {
    const all = () => Int32Array.from({ length: data.N }, (_, i) => i);
    for (const source of ['resident', 'stream'] as const) {
      const net = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 1 });
      const t = new Trainer(net, config);
      const abort = new AbortController();
      const r = await t.fit(source === 'resident' ? data : replay(data, 30, all), { signal: abort.signal, onBatch: (e) => e.batch === e.batches && e.epoch === 2 && abort.abort() });
      expect([source, r.stopped, r.history.length, t.state.epoch, t.state.batchInEpoch]).toEqual([source, 'aborted', 2, 2, 0]);
    }
  });

  it('evaluateStream gives what evaluate gives; a validation stream is evaluated every epoch', async () => {
    const net = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 3 });
    const inOrder = () => Int32Array.from({ length: data.N }, (_, i) => i);
    const ev = await evaluateStream(net, replay(data, 50, inOrder));
    const ref = evaluate(net, data);
    expect(ev.N).toBe(ref.N);
    expect(ev.accuracy).toBe(ref.accuracy);
    expect(ev.confusion).toEqual(ref.confusion);
    expect(ev.loss).toBeCloseTo(ref.loss, 10);
    const t = new Trainer(net, { ...config, epochs: 2 });
    const r = await t.fit(replay(data, 30, inOrder), { validation: replay(data, 30, inOrder) });
    for (const e of r.history) expect(e.valLoss).toBeTypeOf('number');
    await expect(new Trainer(net, { ...config, validationSplit: 0.2 }).fit(replay(data, 30, inOrder))).rejects.toThrow(/a validation split cannot be cut from a batch stream/);
  });
});

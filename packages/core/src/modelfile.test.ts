// Model files: load(save(m)) predicts bit-identically; a checkpoint resumes bit-identically;
// corrupt, truncated, oversized and newer-version files are refused with a clear message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HIDDEN_ACTIVATIONS } from './activations.js';
import { ModelFileError } from './errors.js';
import { FORMAT_VERSION, crc32, loadModel, resumeTrainer, saveModel } from './modelfile.js';
import { Network } from './network.js';
import { identityPreprocessing } from './preprocess.js';
import { Rng } from './rng.js';
import { spirals } from './test-utils/data.js';
import { forge } from './test-utils/forge.js';
import { Trainer } from './trainer.js';

const same = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('model files', () => {
  it('load(save(m)) keeps spec, preprocessing and weights, and predicts bit-identically (f32 and f64)', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const net = Network.create({ sizes: [4, 6, 3], activation: 'tanh', dtype }, { seed: 3 });
      const pre = { ...identityPreprocessing(4, ['a', 'b', 'c']), source: 'test' };
      const file = loadModel(saveModel(net, { preprocessing: pre, meta: { note: 'x' } }));
      expect(file.net.spec).toEqual(net.spec);
      expect(file.preprocessing).toEqual(pre);
      expect(file.meta).toEqual({ note: 'x' });
      expect(same(file.net.params, net.params)).toBe(true);
      const X = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
      expect(same(file.net.predict(X, 10), net.predict(X, 10))).toBe(true);
      expect(file.training).toBeNull();
    }
  });

  it('a checkpoint saved mid-training resumes to the same bits as an uninterrupted run (adam, early stopping state)', async () => {
    const data = spirals(30, 5);
    const config = { epochs: 6, batchSize: 8, optimizer: { name: 'adam', lr: 0.01 }, seed: 4, validationSplit: 0.2, earlyStopping: { patience: 50 } };
    const full = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 1 });
    await new Trainer(full, config).fit(data);

    const part = Network.create({ sizes: [2, 8, 2], activation: 'tanh' }, { seed: 1 });
    const t1 = new Trainer(part, config);
    const ctl = new AbortController();
    await t1.fit(data, { signal: ctl.signal, onBatch: (e) => e.step === 11 && ctl.abort() }); // stop mid-epoch 2
    expect(t1.state.step).toBe(11);
    const saved = saveModel(part, { trainer: t1 });
    const t2 = resumeTrainer(loadModel(saved));
    const r = await t2.fit(data);
    expect(r.stopped).toBe('done');
    expect(t2.state.step).toBe(6 * 6); // 48 training rows → 6 batches per epoch
    expect(same(t2.net.params, full.params)).toBe(true);

    // Adam's running products βᵗ are in the header: 11 multiplications each, not Math.pow
    const H = new DataView(saved.buffer, saved.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(saved.subarray(16, 16 + H))) as { training: { optimizer: { powers?: object } } };
    let [p1, p2] = [1, 1];
    for (let i = 0; i < 11; i++) [p1, p2] = [p1 * 0.9, p2 * 0.999];
    expect(header.training.optimizer.powers).toEqual({ beta1: 0.9, beta2: 0.999, beta1t: p1, beta2t: p2 });
    // a checkpoint from before they were kept rebuilds them from t: still the uninterrupted bits
    delete header.training.optimizer.powers;
    const old = forge(header, saved.subarray(16 + H));
    expect(loadModel(old).training!.optimizer.powers).toBeUndefined();
    const t3 = resumeTrainer(loadModel(old));
    await t3.fit(data);
    expect(same(t3.net.params, full.params)).toBe(true);
  });

  it('resumeTrainer with a new lr continues from the saved state with it, and the next save records it', async () => {
    const data = spirals(30, 5);
    const config = { epochs: 2, batchSize: 8, optimizer: { name: 'momentum', lr: 0.05 }, seed: 4 };
    const net = Network.create({ sizes: [2, 6, 2], activation: 'tanh' }, { seed: 1 });
    const t = new Trainer(net, config);
    await t.fit(data);
    const saved = saveModel(net, { trainer: t });
    const same4 = resumeTrainer(loadModel(saved), { epochs: 4 });
    const lower = resumeTrainer(loadModel(saved), { epochs: 4, optimizer: { lr: 0.001 } });
    expect(lower.state.step).toBe(t.state.step); // the same position
    expect(lower.config.optimizer).toMatchObject({ name: 'momentum', lr: 0.001, momentum: 0.9 });
    await same4.fit(data);
    await lower.fit(data);
    expect(same(lower.net.params, same4.net.params)).toBe(false);
    expect(loadModel(saveModel(lower.net, { trainer: lower })).training!.config.optimizer.lr).toBe(0.001);
    // with no override the continued run is the uninterrupted 4-epoch run
    const full = Network.create({ sizes: [2, 6, 2], activation: 'tanh' }, { seed: 1 });
    await new Trainer(full, { ...config, epochs: 4 }).fit(data);
    expect(same(same4.net.params, full.params)).toBe(true);
  });

  it('refuses files that are not models, corrupt, truncated, oversized, or from a newer version', () => {
    const net = Network.create({ sizes: [3, 2] }, { seed: 1 });
    const good = saveModel(net);
    const expectError = (bytes: Uint8Array, pattern: RegExp, opts?: { maxBytes?: number }) => {
      let err: unknown;
      try {
        loadModel(bytes, opts);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ModelFileError);
      expect((err as Error).message).toMatch(pattern);
    };
    expectError(new TextEncoder().encode('sizes,784,10\n'), /not a backprop model file/);
    expectError(good.subarray(0, good.length - 5), /truncated|checksum/);
    expectError(good.subarray(0, 20), /truncated/);
    const flipped = good.slice();
    flipped[flipped.length - 2] ^= 0x40;
    expectError(flipped, /corrupt: its checksum/);
    const newer = good.slice();
    new DataView(newer.buffer).setUint32(4, FORMAT_VERSION + 1, true);
    expectError(newer, /newer than this backprop reads .*upgrade/);
    expectError(good, /over the 100-byte limit/, { maxBytes: 100 });
    // a well-formed file whose header lies about the parameter count
    const text = new TextDecoder().decode(good.subarray(16, 16 + new DataView(good.buffer).getUint32(8, true)));
    const header = JSON.parse(text);
    header.sections[0].length = 5;
    const forged = forge(header, good.subarray(16 + text.length));
    expectError(forged, /section params has 5 numbers but the architecture 3-2 has 8 parameters/);
    header.sections[0].length = 8;
    header.spec.activations = ['softmaxx'];
    expectError(forge(header, good.subarray(16 + text.length)), /header field spec\.activations\.0 is wrong \(invalid type: expected \("sigmoid" \|.*but received "softmaxx"\)/);
  });

  it('property: any architecture, activation and dtype survives save → load with identical bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 }),
        fc.constantFrom(...HIDDEN_ACTIVATIONS),
        fc.constantFrom('f32' as const, 'f64' as const),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (sizes, activation, dtype, seed) => {
          const output = sizes[sizes.length - 1] >= 2 ? 'softmax' : 'sigmoid';
          const net = Network.create({ sizes, activation, output, dtype }, { seed });
          const back = loadModel(saveModel(net)).net;
          expect(back.spec).toEqual(net.spec);
          expect(same(back.params, net.params)).toBe(true);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('a random byte flip anywhere is detected (never a silent wrong model)', () => {
    const good = saveModel(Network.create({ sizes: [5, 4, 3] }, { seed: 2 }));
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const bad = good.slice();
      bad[rng.int(bad.length)] ^= 1 << rng.int(8);
      expect(() => loadModel(bad)).toThrow(ModelFileError);
    }
  });
});


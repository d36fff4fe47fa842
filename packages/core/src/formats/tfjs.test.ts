// TF.js layers models: the export's layout, TensorFlow.js itself loading it (in-memory IO handler),
// models built and trained in TF.js imported and fine-tuned here, Keras converter output, round
// trips bit for bit, and every bad input refused with the layer or file named.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../dataset.js';
import { loadModel, saveModel } from '../modelfile.js';
import { Network } from '../network.js';
import { Trainer } from '../trainer.js';
import { mnistDigits } from '../test-utils/data.js';
import { expectClose } from '../test-utils/expect-close.js';
import { argmaxRows, everyActivation, formatError, networkInputs, rawRows, zscore } from '../test-utils/formats.js';
import { MAX_ELEMENTS } from './layers.js';
import { PREPROCESSING_DOC, exportTfjs, importTfjs, safeWeightsPath, tfjsWeightFiles, type TfjsFiles } from './tfjs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bytesOf = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** tf.loadLayersModel on the exported files through an in-memory IO handler. */
async function loadInTfjs(f: TfjsFiles): Promise<tfl.LayersModel> {
  const json = JSON.parse(f.modelJson);
  expect(json.weightsManifest[0].paths).toEqual([f.weightsFile]);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: f.weights.slice().buffer, userDefinedMetadata: json.userDefinedMetadata }));
}

function tfPredict(model: tfl.LayersModel, X: tf.Tensor2D): Float32Array {
  return tf.tidy(() => (model.predict(X) as tf.Tensor).dataSync() as Float32Array);
}

/** What tf.io writes for a model (model.json + one weights file), as strings and bytes. */
async function savedByTfjs(model: tfl.LayersModel, path = 'weights.bin'): Promise<{ json: string; files: Record<string, Uint8Array> }> {
  let a: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    a = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const json = JSON.stringify({ modelTopology: a!.modelTopology, format: a!.format, generatedBy: a!.generatedBy, convertedBy: a!.convertedBy, trainingConfig: a!.trainingConfig, weightsManifest: [{ paths: [`./${path}`], weights: a!.weightSpecs }] });
  return { json, files: { [path]: new Uint8Array(a!.weightData as ArrayBuffer) } };
}

/** A hand-written Keras/converter model.json: layers as given, weights as float32 in one file. */
function keras(layers: unknown[], weights: { name: string; shape: number[]; values?: number[] }[], o: { topology?: (layers: unknown[]) => unknown; paths?: string[]; extra?: object } = {}) {
  const specs = weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' }));
  const values = weights.flatMap((w) => w.values ?? Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) / 10 - 0.3));
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  const topology = o.topology ? o.topology(layers) : { class_name: 'Sequential', config: { name: 'sequential', layers } };
  const json = JSON.stringify({ format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology: topology, weightsManifest: [{ paths: o.paths ?? ['group1-shard1of1.bin'], weights: specs }], ...o.extra });
  return { json, files: { [(o.paths ?? ['group1-shard1of1.bin'])[0]]: bytes } as Record<string, Uint8Array>, bytes };
}
const dense = (name: string, units: number, activation: string | null, extra: object = {}) => ({ class_name: 'Dense', config: { name, units, activation, use_bias: true, ...extra } });
const denseWeights = (name: string, nIn: number, nOut: number) => [{ name: `${name}/kernel`, shape: [nIn, nOut] }, { name: `${name}/bias`, shape: [nOut] }];

/** The 2-2-1 network: W1 rows [b, w1, w2] = [0.5, 1, −1], [−0.5, 2, 0.25], tanh; W2 = [0.1, 1, −2], sigmoid. */
function tiny(): Network {
  const net = Network.create({ sizes: [2, 2, 1], activation: 'tanh', output: 'sigmoid' }, { seed: 1 });
  net.W[0].set([0.5, 1, -1, -0.5, 2, 0.25]);
  net.W[1].set([0.1, 1, -2]);
  return net;
}

describe('exportTfjs', () => {
  it('writes a Sequential of Dense layers; weights.bin holds kernel = W[:,1:]ᵀ then bias = W[:,0] per layer, in manifest order', () => {
    const f = exportTfjs(tiny(), null);
    const m = JSON.parse(f.modelJson);
    expect(m.format).toBe('layers-model');
    expect(m.modelTopology.class_name).toBe('Sequential');
    expect(m.modelTopology.config.layers.map((l: { class_name: string; config: { units: number; activation: string } }) => [l.class_name, l.config.units, l.config.activation])).toEqual([['Dense', 2, 'tanh'], ['Dense', 1, 'sigmoid']]);
    expect(m.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 2]);
    expect(m.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: [
      { name: 'dense_1/kernel', shape: [2, 2], dtype: 'float32' }, { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
      { name: 'dense_2/kernel', shape: [2, 1], dtype: 'float32' }, { name: 'dense_2/bias', shape: [1], dtype: 'float32' },
    ] }]);
    // kernel1[i][k] = W1[k][1 + i]: [[1, 2], [−1, 0.25]]
    expect(Array.from(new Float32Array(f.weights.slice().buffer))).toEqual([1, 2, -1, 0.25, 0.5, -0.5, 1, -2, Math.fround(0.1)]);
    expect(f.preprocessingJson).toBeNull();
  });

  it('a leaky-ReLU layer becomes a linear Dense followed by LeakyReLU(alpha = 0.01): tfjs has no such activation name', () => {
    const net = Network.create({ sizes: [3, 4, 2], activation: 'leaky_relu' }, { seed: 1 });
    const layers = JSON.parse(exportTfjs(net, null).modelJson).modelTopology.config.layers;
    expect(layers.map((l: { class_name: string }) => l.class_name)).toEqual(['Dense', 'LeakyReLU', 'Dense']);
    expect(layers[0].config.activation).toBe('linear');
    expect(layers[1].config.alpha).toBe(0.01);
  });

  it('saves the preprocessing beside the model (preprocessing.json, with how to apply it) and inside it (userDefinedMetadata)', () => {
    const pre = { features: ['u', 'v'], normalization: { kind: 'zscore' as const, shift: [1, 0], scale: [1, 0.5] }, labels: ['no', 'yes'] };
    const f = exportTfjs(tiny(), pre, { weightsFile: 'tiny.weights.bin' });
    expect(JSON.parse(f.preprocessingJson!)).toEqual({ format: 'backprop-preprocessing', version: 1, doc: PREPROCESSING_DOC, preprocessing: pre });
    expect(PREPROCESSING_DOC).toMatch(/\(x_j - normalization\.shift\[j\]\) \* normalization\.scale\[j\]/);
    const m = JSON.parse(f.modelJson);
    expect(m.userDefinedMetadata.backprop).toEqual({ spec: { sizes: [2, 2, 1], activations: ['tanh', 'sigmoid'], loss: 'bce' }, preprocessing: pre });
    expect(m.weightsManifest[0].paths).toEqual(['tiny.weights.bin']);
    expect(() => exportTfjs(tiny(), null, { weightsFile: '../w.bin' })).toThrow(/goes up a directory/);
  });
});

describe('TensorFlow.js loads the export', () => {
  it('every activation: tf.loadLayersModel (in-memory IO) predicts within 1e-5 of backprop', async () => {
    const N = 200;
    const X = Float32Array.from(rawRows(N, 5, 4), (v, i) => (v - 10 * ((i % 5) + 1)) / ((i % 5) + 1));
    for (const { name, net } of everyActivation(5)) {
      const model = await loadInTfjs(exportTfjs(net, null));
      const y = tfPredict(model, tf.tensor2d(X, [N, 5]));
      model.dispose();
      try {
        expectClose(y, net.predict(X, N), { atol: 1e-5 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('1,000 MNIST digits with the documented preprocessing applied in tfjs: within 1e-5 of predict, the same argmax', async () => {
    const train = mnistDigits(40, 100);
    const pre = zscore(train.X, train.N, 784, null);
    const net = Network.create({ sizes: [784, 24, 10] }, { seed: 5 });
    await new Trainer(net, { epochs: 1, batchSize: 20, optimizer: { name: 'sgd', lr: 0.05 }, seed: 1 }).fit(dataset(networkInputs(train.X, pre), train.Y, 784, 10));
    const f = exportTfjs(net, pre);
    const model = await loadInTfjs(f);
    const test = mnistDigits(100);
    const { shift, scale } = JSON.parse(f.preprocessingJson!).preprocessing.normalization;
    const y = tf.tidy(() => (model.predict(tf.mul(tf.sub(tf.tensor2d(Float32Array.from(test.X), [1000, 784]), tf.tensor1d(shift)), tf.tensor1d(scale))) as tf.Tensor).dataSync() as Float32Array);
    model.dispose();
    const want = net.predict(networkInputs(test.X, pre), 1000);
    expectClose(y, want, { atol: 1e-5 });
    expect(argmaxRows(y, 1000, 10)).toEqual(argmaxRows(want, 1000, 10));
  });
});

describe('importTfjs', () => {
  it('a model built and trained in TF.js, saved, predicts the same here within 1e-5, and fine-tunes', async () => {
    const data = rawRows(120, 4, 9);
    const Xs = Float32Array.from(data, (v, i) => (v - 10 * ((i % 4) + 1)) / ((i % 4) + 1));
    const Ys = new Float32Array(120 * 3);
    for (let i = 0; i < 120; i++) Ys[i * 3 + (Xs[i * 4] + Xs[i * 4 + 1] > 0.5 ? 0 : Xs[i * 4 + 2] > 0 ? 1 : 2)] = 1;
    const model = tfl.sequential({ layers: [
      tfl.layers.dense({ units: 8, activation: 'tanh', inputShape: [4], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dropout({ rate: 0.1, seed: 4 }),
      tfl.layers.dense({ units: 6, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      tfl.layers.leakyReLU({ alpha: 0.01 }),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xt = tf.tensor2d(Xs, [120, 4]);
    await model.fit(xt, tf.tensor2d(Ys, [120, 3]), { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
    const { json, files } = await savedByTfjs(model);
    const m = importTfjs(json, files);
    expect(m.net.spec).toEqual({ sizes: [4, 8, 6, 3], activations: ['tanh', 'leaky_relu', 'softmax'], loss: 'cce', dtype: 'f32' });
    expect(m.notes.join('\n')).toMatch(/\(Dropout\) dropped: it is the identity at inference/);
    expect(m.source.producer).toMatch(/TensorFlow\.js tfjs-layers v4/);
    expectClose(m.net.predict(Xs, 120), tfPredict(model, xt), { atol: 1e-5 });
    // fine-tunes: the loss goes down, and the model file it saves loads (what eval, predict and the web app read)
    const trainer = new Trainer(m.net, { epochs: 30, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, seed: 1 });
    const { history } = await trainer.fit(dataset(Xs, Ys, 4, 3));
    expect(history[history.length - 1].loss).toBeLessThan(0.8 * history[0].loss);
    const file = loadModel(saveModel(m.net, { preprocessing: m.preprocessing, trainer }));
    expect(bytesOf(file.net.predict(Xs, 120)).equals(bytesOf(m.net.predict(Xs, 120)))).toBe(true);
    expect(file.preprocessing!.labels).toEqual(['0', '1', '2']);
  });

  it('bpnn → tfjs → bpnn is bit-identical in the weights, for every activation, keeping the preprocessing and loss', () => {
    const pre = zscore(rawRows(40, 5, 2), 40, 5, ['a', 'b', 'c']);
    for (const { name, net } of everyActivation(5)) {
      const file = loadModel(saveModel(net, { preprocessing: pre }));
      const f = exportTfjs(file.net, file.preprocessing);
      const back = loadModel(saveModel(importTfjs(f.modelJson, { [f.weightsFile]: f.weights }).net, { preprocessing: pre }));
      expect(back.net.spec, name).toEqual(net.spec);
      expect(bytesOf(back.net.params).equals(bytesOf(net.params)), name).toBe(true);
      expect(importTfjs(f.modelJson, { [f.weightsFile]: f.weights }).preprocessing).toEqual(pre);
    }
  });

  it('reads Keras converter output: model_config, InputLayer, Activation and ReLU layers, a training_config loss, weights in two shards', () => {
    const { bytes } = keras([], [...denseWeights('dense', 3, 4), ...denseWeights('dense_1', 4, 2)]);
    const split = 20;
    const json = JSON.stringify({
      format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '2.15.0', backend: 'tensorflow',
        model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', name: 'dense_input' } },
          dense('dense', 4, 'linear'), { class_name: 'ReLU', config: { name: 're_lu', max_value: null, negative_slope: 0, threshold: 0 } },
          dense('dense_1', 2, null), { class_name: 'Activation', config: { name: 'activation', activation: 'sigmoid' } },
        ] } },
        training_config: { loss: 'mean_squared_error', optimizer_config: { class_name: 'Adam', config: {} } },
      },
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [...denseWeights('dense', 3, 4), ...denseWeights('dense_1', 4, 2)].map((w) => ({ ...w, dtype: 'float32' })) }],
    });
    const m = importTfjs(json, { 'group1-shard1of2.bin': bytes.subarray(0, split), 'group1-shard2of2.bin': bytes.subarray(split) });
    expect(m.net.spec).toEqual({ sizes: [3, 4, 2], activations: ['relu', 'sigmoid'], loss: 'mse', dtype: 'f32' });
    // W1[k] = [bias_k, kernel[0][k], kernel[1][k], kernel[2][k]]; each weight's i-th value is (i % 7)/10 − 0.3
    const v = (i: number) => Math.fround((i % 7) / 10 - 0.3);
    expect(Array.from(m.net.W[0].subarray(0, 4))).toEqual([v(0), v(0), v(4), v(8)]);
  });

  it('reads Functional chains (Keras 2 and 3 inbound nodes), scoped weight names, quantised uint8 and float16 weights', () => {
    const layers = [
      { class_name: 'InputLayer', name: 'inp', config: { name: 'inp', batch_shape: [null, 2] }, inbound_nodes: [] },
      { ...dense('d1', 2, 'softplus'), name: 'd1', inbound_nodes: [[['inp', 0, 0, {}]]] },
      { ...dense('d2', 2, 'softmax'), name: 'd2', inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['d1', 0, 0] } }], kwargs: {} }] },
    ];
    const topology = (l: unknown[]) => ({ class_name: 'Functional', config: { name: 'model', layers: l, input_layers: [['inp', 0, 0]], output_layers: [['d2', 0, 0]] } });
    const specs = [
      { name: 'model/d1/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'model/d1/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd2/kernel', shape: [2, 2], dtype: 'float32' }, { name: 'd2/bias', shape: [2], dtype: 'float32' },
    ];
    const bytes = new Uint8Array(4 + 4 + 16 + 8);
    bytes.set([0, 1, 2, 4], 0); // q·0.5 − 1 = −1, −0.5, 0, 1
    new DataView(bytes.buffer).setUint16(4, 0x3c00, true); // 1.0 in half precision
    new DataView(bytes.buffer).setUint16(6, 0xb800, true); // −0.5
    new Float32Array(bytes.buffer, 8, 6).set([1, 0, 0, 1, 0.25, -0.25]);
    const json = JSON.stringify({ format: 'layers-model', modelTopology: topology(layers), weightsManifest: [{ paths: ['w.bin'], weights: specs }] });
    const m = importTfjs(json, { 'w.bin': bytes });
    expect(m.net.spec.activations).toEqual(['softplus', 'softmax']);
    // kernel [[−1, −0.5], [0, 1]] → W1 rows [b, K[0][k], K[1][k]] = [1, −1, 0], [−0.5, −0.5, 1]
    expect(Array.from(m.net.W[0])).toEqual([1, -1, 0, -0.5, -0.5, 1]);
    expect(Array.from(m.net.W[1])).toEqual([0.25, 1, 0, -0.25, 0, 1]);
    expect(m.notes.join('\n')).toMatch(/quantised to uint8 by the converter/);
    const branched = layers.map((l) => (l.name === 'd2' ? { ...l, inbound_nodes: [[['inp', 0, 0, {}]]] } : l));
    formatError(() => importTfjs(JSON.stringify({ modelTopology: topology(branched), weightsManifest: [{ paths: ['w.bin'], weights: specs }] }), { 'w.bin': bytes }), /layer "d2" takes "inp", not the layer before it \("d1"\).*chain/);
  });

  it('refuses Conv2D, BatchNormalization, unknown activations, another leaky slope and a hidden softmax, naming the layer and the reason', () => {
    const w = denseWeights('dense', 4, 3);
    formatError(() => importTfjs(keras([{ class_name: 'Conv2D', config: { name: 'conv2d', filters: 8 } }, dense('dense', 3, 'relu')], w).json, {}), /layer "conv2d" \(Conv2D\) cannot be imported: convolutions/);
    formatError(() => importTfjs(keras([dense('dense', 3, 'relu', { batch_input_shape: [null, 4] }), { class_name: 'BatchNormalization', config: { name: 'batch_normalization' } }], w).json, {}), /layer "batch_normalization" \(BatchNormalization\) cannot be imported: normalisation layers/);
    formatError(() => importTfjs(keras([dense('dense', 3, 'elu')], w).json, {}), /layer "dense": activation "elu" is not one of backprop's/);
    formatError(() => importTfjs(keras([dense('dense', 3, 'leaky_relu')], w).json, {}), /layer "dense".*slope 0.2, not backprop's 0.01/);
    formatError(() => importTfjs(keras([dense('dense', 3, null), { class_name: 'LeakyReLU', config: { name: 'lr', alpha: 0.3 } }], w).json, {}), /layer "lr" \(LeakyReLU\) has slope alpha = 0.3/);
    formatError(() => importTfjs(keras([{ class_name: 'LSTM', config: { name: 'lstm' } }], w).json, {}), /layer "lstm" \(LSTM\) cannot be imported: recurrent/);
    formatError(() => importTfjs(keras([{ class_name: 'Reshape', config: { name: 'reshape' } }], w).json, {}), /layer "reshape" \(Reshape\) cannot be imported: backprop imports Dense/);
    const k = keras([dense('dense', 3, 'softmax'), dense('dense_1', 2, 'softmax')], [...w, ...denseWeights('dense_1', 3, 2)]);
    formatError(() => importTfjs(k.json, k.files), /layer "dense" is a hidden softmax/);
    const d = keras([dense('dense', 3, 'relu'), { class_name: 'Dropout', config: { name: 'dropout', rate: 0.5 } }], w);
    formatError(() => importTfjs(d.json, d.files, { dropout: 'refuse' }), /layer "dropout" \(Dropout\) refused: it is the identity at inference/);
    expect(importTfjs(d.json, d.files).notes[0]).toMatch(/layer "dropout" \(Dropout\) dropped/);
  });

  it('refuses a missing weights file, weights of the wrong size, and weight shapes that disagree with the topology', () => {
    const w = [...denseWeights('dense', 4, 3), ...denseWeights('dense_1', 3, 2)];
    const k = keras([dense('dense', 3, 'relu', { batch_input_shape: [null, 4] }), dense('dense_1', 2, 'softmax')], w);
    expect(importTfjs(k.json, k.files).net.spec.sizes).toEqual([4, 3, 2]);
    formatError(() => importTfjs(k.json, {}), /weights file "group1-shard1of1.bin" named by model.json is missing/);
    formatError(() => importTfjs(k.json, () => null), /is missing/);
    formatError(() => importTfjs(k.json, { 'group1-shard1of1.bin': k.bytes.subarray(0, 40) }), /holds 40 bytes but model.json declares 92 for its 4 weights; the weights are truncated/);
    const units = keras([dense('dense', 5, 'relu', { batch_input_shape: [null, 4] }), dense('dense_1', 2, 'softmax')], w);
    formatError(() => importTfjs(units.json, units.files), /layer "dense": kernel "dense\/kernel" has shape \[4, 3\] but the topology says \[4, 5\]/);
    const input = keras([dense('dense', 3, 'relu', { batch_input_shape: [null, 6] }), dense('dense_1', 2, 'softmax')], w);
    formatError(() => importTfjs(input.json, input.files), /kernel "dense\/kernel" has shape \[4, 3\] but the topology says \[6, 3\]/);
    const bias = keras([dense('dense', 3, 'relu'), dense('dense_1', 2, 'softmax')], [...denseWeights('dense', 4, 3).slice(0, 1), { name: 'dense/bias', shape: [4] }, ...denseWeights('dense_1', 3, 2)]);
    formatError(() => importTfjs(bias.json, bias.files), /bias "dense\/bias" has shape \[4\] but the layer has 3 units/);
    const chain = keras([dense('dense', 3, 'relu'), dense('dense_1', 2, 'softmax')], [...denseWeights('dense', 4, 3), ...denseWeights('dense_1', 5, 2)]);
    formatError(() => importTfjs(chain.json, chain.files), /layer "dense_1": kernel "dense_1\/kernel" has shape \[5, 2\] but the topology says \[3, 2\]/);
    const named = keras([dense('dense', 3, 'relu')], denseWeights('other', 4, 3));
    formatError(() => importTfjs(named.json, named.files), /no kernel for layer "dense" \(looked for "dense\/kernel" among other\/kernel, other\/bias\)/);
  });

  it('refuses weights paths that leave the directory of model.json, before reading any file', () => {
    const bad = ['../weights.bin', 'sub/../../weights.bin', '/etc/passwd', 'http://example.com/w.bin', 'file:///etc/passwd', 'C:\\w.bin', '..\\w.bin', '%2e%2e/w.bin', '%2E%2E%2Fw.bin', 'a%00.bin', '', './'];
    for (const path of bad) {
      const k = keras([dense('dense', 3, 'relu')], denseWeights('dense', 4, 3), { paths: [path] });
      const asked: string[] = [];
      formatError(() => importTfjs(k.json, (p) => (asked.push(p), k.bytes)), /weights path .*(goes up a directory|is absolute|URL or a drive|backslash or NUL|is empty|names a directory)/);
      formatError(() => tfjsWeightFiles(k.json), /model.json may only name files in its own directory/);
      expect(asked, path).toEqual([]);
    }
    expect(safeWeightsPath('./model.weights.bin')).toBe('model.weights.bin');
    expect(safeWeightsPath('shards/./group1-shard1of1.bin')).toBe('shards/group1-shard1of1.bin');
    expect(safeWeightsPath('my%20weights.bin')).toBe('my weights.bin');
    const ok = keras([dense('dense', 3, 'relu')], denseWeights('dense', 4, 3), { paths: ['./w.bin'] });
    expect(tfjsWeightFiles(ok.json)).toEqual(['w.bin']);
    expect(importTfjs(ok.json, { 'w.bin': ok.bytes }).net.spec.sizes).toEqual([4, 3]);
  });

  it('checks huge declared shapes and unit counts before allocating anything', () => {
    const read = () => new Uint8Array(8);
    const huge = keras([dense('dense', 3, 'relu')], [{ name: 'dense/kernel', shape: [1e6, 1e6], values: [] }, { name: 'dense/bias', shape: [3], values: [] }]);
    formatError(() => importTfjs(huge.json, read), new RegExp(`weight "dense/kernel" declares shape \\[1000000, 1000000\\], over ${MAX_ELEMENTS.toLocaleString('en-US')} numbers`));
    const units = keras([dense('dense', 1e12, 'relu')], [{ name: 'dense/kernel', shape: [4, 3], values: [] }]);
    formatError(() => importTfjs(units.json, read), /units declares shape \[1000000000000\]/);
    const negative = keras([dense('dense', 3, 'relu')], [{ name: 'dense/kernel', shape: [4, -3], values: [] }]);
    formatError(() => importTfjs(negative.json, read), /shape \[4, -3\]: every dimension must be a non-negative integer/);
  });

  it('names the classes: labels given override the file\'s, and must be one per output', () => {
    const k = keras([dense('dense', 3, 'softmax')], denseWeights('dense', 4, 3));
    const plain = importTfjs(k.json, k.files);
    expect(plain.preprocessing.labels).toEqual(['0', '1', '2']);
    expect(plain.notes).toContain('no label names in the file: the classes are called 0, 1, 2');
    const named = importTfjs(k.json, k.files, { labels: ['cat', 'dog', 'eel'] });
    expect(named.preprocessing.labels).toEqual(['cat', 'dog', 'eel']);
    expect(named.notes.join('\n')).not.toMatch(/label names/);
    expect(() => importTfjs(k.json, k.files, { labels: ['cat', 'dog'] })).toThrow(/2 label names given but the network has 3 outputs/);
    expect(() => importTfjs(k.json, k.files, { labels: ['cat', 'cat', 'eel'] })).toThrow(/one distinct name per output/);
    const reg = keras([dense('dense', 3, 'linear')], denseWeights('dense', 4, 3));
    expect(importTfjs(reg.json, reg.files).preprocessing.labels).toBeNull();
    expect(() => importTfjs(reg.json, reg.files, { labels: ['a', 'b', 'c'] })).toThrow(/label names are for classifiers/);
  });

  it('refuses a TF.js graph model, malformed JSON, and JSON that is not a layers model', () => {
    formatError(() => importTfjs(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }), {}), /graph model.*tfjs_layers_model/);
    formatError(() => importTfjs('{"modelTopology": ', {}), /model.json is not valid JSON/);
    formatError(() => importTfjs(new Uint8Array([0x08, 0x08, 0x12, 0x07]), {}), /model.json is not valid JSON/);
    formatError(() => importTfjs('{"modelTopology": {}}', {}), /not a TF.js layers model: weightsManifest/);
    formatError(() => importTfjs(JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [] }), {}), /no Dense layers/);
  });
});

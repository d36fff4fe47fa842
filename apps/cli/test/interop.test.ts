/**
 * `backprop export` and `backprop import` end to end: models trained by the CLI on iris and MNIST,
 * exported, run in onnxruntime-web and TensorFlow.js on raw rows; a model trained in TF.js imported,
 * fine-tuned with train --from, evaluated, predicted and explained; every bad input refused with
 * one line, exit 2, and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Preprocessing } from '@backprop/core';
import { applyPreprocessing, IRIS, IRIS_LABELS } from '@backprop/data';
import { loadForModel } from '../src/datasets.js';
import { dataOptions } from '../src/commands/train.js';
import { exportCommand } from '../src/commands/export.js';
import { importCommand } from '../src/commands/import.js';
import { isUsage } from '../src/errors.js';

const BIN = fileURLToPath(new URL('../bin/backprop.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'backprop-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await tf.setBackend('cpu');
});

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A usage error: exit 2, one line, no stack trace, and the directory unchanged (no output, no temp file). */
function expectRefused(args: string[], pattern: RegExp): void {
  const before = readdirSync(dir).sort();
  const r = cli(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(readdirSync(dir).sort()).toEqual(before);
}

/** The same check in this process (no start-up cost): the command throws a usage error and writes nothing. */
async function expectRefusedHere(run: () => Promise<number>, pattern: RegExp): Promise<void> {
  const before = readdirSync(dir).sort();
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(isUsage(err), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toMatch(/\n/);
  expect(readdirSync(dir).sort()).toEqual(before);
}
const importHere = (file: string, o: Parameters<typeof importCommand>[1] = { out: 'out.bpnn' }) => () =>
  importCommand(p(file), { ...o, out: o.out && p(o.out), preprocessing: o.preprocessing && p(o.preprocessing) });
const exportHere = (model: string, o: Parameters<typeof exportCommand>[1]) => () => exportCommand(p(model), { ...o, out: o.out && p(o.out) });

/** Largest |a − b| and whether every row's argmax agrees. */
function compare(a: ArrayLike<number>, b: ArrayLike<number>, K: number): { maxDiff: number; sameArgmax: boolean } {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let sameArgmax = true;
  for (let i = 0; i < a.length / K; i++) {
    let ka = 0;
    let kb = 0;
    for (let k = 0; k < K; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i * K + k] - b[i * K + k]));
      if (a[i * K + k] > a[i * K + ka]) ka = k;
      if (b[i * K + k] > b[i * K + kb]) kb = k;
    }
    if (ka !== kb) sameArgmax = false;
  }
  return { maxDiff, sameArgmax };
}

async function onnxRun(path: string, X: Float32Array, N: number, n0: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(path));
  try {
    return (await session.run({ x: new ort.Tensor('float32', X, [N, n0]) })).y.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** model.json + weights.bin from a directory, loaded by TensorFlow.js through an in-memory IO handler. */
async function tfjsLoad(modelDir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(modelDir, json.weightsManifest[0].paths[0]));
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
}

/** The documented use of preprocessing.json in tfjs: x' = (x − shift)·scale, then the model. */
function tfjsPredict(model: tfl.LayersModel, pre: Preprocessing | null, X: Float32Array, N: number, n0: number): Float32Array {
  return tf.tidy(() => {
    let x: tf.Tensor = tf.tensor2d(X, [N, n0]);
    if (pre) x = tf.mul(tf.sub(x, tf.tensor1d(pre.normalization.shift)), tf.tensor1d(pre.normalization.scale));
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

const irisRaw = Float32Array.from(IRIS.flatMap((r) => r.slice(0, 4)));

describe('export: the runtimes agree with predict on raw rows', () => {
  it('iris (z-score): onnxruntime-web and TensorFlow.js within 1e-5 of backprop on all 150 raw rows, the same argmax', async () => {
    const t = cli('train', '--data', 'iris', '--hidden', '8', '--epochs', '40', '--batch-size', '16', '--workers', '1', '-o', 'iris.bpnn');
    expect(t.code, t.stderr).toBe(0);
    const r = cli('export', 'iris.bpnn', '--format', 'onnx');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ONNX 4-8-3 .* → .*iris\.onnx/);
    const file = loadModel(readFileSync(p('iris.bpnn')));
    const want = file.net.predict(applyPreprocessing(file.preprocessing!, irisRaw), 150);
    const onnx = compare(await onnxRun(p('iris.onnx'), irisRaw, 150, 4), want, 3);
    expect(onnx.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(onnx.sameArgmax).toBe(true);

    // --no-preprocessing: the graph takes the normalised inputs
    await exportCommand(p('iris.bpnn'), { format: 'onnx', out: p('iris-normalised.onnx'), preprocessing: false });
    const inputs = Float32Array.from(applyPreprocessing(file.preprocessing!, irisRaw));
    expect(compare(await onnxRun(p('iris-normalised.onnx'), inputs, 150, 4), want, 3).maxDiff).toBeLessThanOrEqual(1e-5);

    const j = cli('export', 'iris.bpnn', '--format', 'tfjs', '-o', 'iris-tfjs', '--json');
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout).files.map((f: string) => f.replace(/.*iris-tfjs\//, ''))).toEqual(['preprocessing.json', 'weights.bin', 'model.json']);
    const pre = JSON.parse(readFileSync(p('iris-tfjs/preprocessing.json'), 'utf8')).preprocessing as Preprocessing;
    expect(pre).toEqual(file.preprocessing);
    const model = await tfjsLoad(p('iris-tfjs'));
    const tfjs = compare(tfjsPredict(model, pre, irisRaw, 150, 4), want, 3);
    model.dispose();
    expect(tfjs.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(tfjs.sameArgmax).toBe(true);
  });

  it('MNIST (min-max in the graph): onnxruntime-web and TensorFlow.js within 1e-5 on the 1,000 held-out raw digits, the same argmax', async () => {
    const t = cli('train', '--data', 'mnist', '--samples', '4000', '--test-split', '1000', '--normalize', 'minmax', '--hidden', '32', '--epochs', '2', '--workers', '1', '-o', 'mnist.bpnn');
    expect(t.code, t.stderr).toBe(0);
    expect(cli('export', 'mnist.bpnn', '--format', 'onnx', '-o', 'mnist.onnx').code).toBe(0);
    expect(cli('export', 'mnist.bpnn', '--format', 'tfjs', '-o', 'mnist-tfjs').code).toBe(0);
    const file = loadModel(readFileSync(p('mnist.bpnn')));
    const pre = file.preprocessing!;
    // the raw pixels (k/255) of the rows training held out: the same split, no normalisation
    const raw = { ...pre, normalization: { kind: 'none' as const, shift: pre.normalization.shift.map(() => 0), scale: pre.normalization.scale.map(() => 1) } };
    const { data } = await loadForModel('mnist', raw, dataOptions(file.meta.cli as Parameters<typeof dataOptions>[0]), true);
    expect(data.N).toBe(1000);
    const X = Float32Array.from(data.X);
    const want = file.net.predict(applyPreprocessing(pre, X), 1000);
    const onnx = compare(await onnxRun(p('mnist.onnx'), X, 1000, 784), want, 10);
    expect(onnx.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(onnx.sameArgmax).toBe(true);
    const model = await tfjsLoad(p('mnist-tfjs'));
    const tfjs = compare(tfjsPredict(model, pre, X, 1000, 784), want, 10);
    model.dispose();
    expect(tfjs.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(tfjs.sameArgmax).toBe(true);
    // and the model is a trained one: most held-out digits right
    let right = 0;
    for (let i = 0; i < 1000; i++) if (data.Y[i * 10 + argmax(want, i, 10)] === 1) right++;
    expect(right).toBeGreaterThan(800);
  });
});

function argmax(A: ArrayLike<number>, i: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (A[i * K + k] > A[i * K + best]) best = k;
  return best;
}

describe('import', () => {
  it('bpnn → tfjs → bpnn and bpnn → onnx → bpnn are bit-identical in the weights, keeping the preprocessing', () => {
    expect(cli('import', 'iris-tfjs', '-o', 'iris-back.bpnn').code).toBe(0);
    expect(cli('import', 'iris.onnx', '-o', 'iris-back-onnx.bpnn').code).toBe(0);
    const a = loadModel(readFileSync(p('iris.bpnn')));
    for (const back of ['iris-back.bpnn', 'iris-back-onnx.bpnn'].map((f) => loadModel(readFileSync(p(f))))) {
      expect(back.net.spec).toEqual(a.net.spec);
      expect(Buffer.from(back.net.params.buffer, back.net.params.byteOffset, back.net.params.byteLength).equals(Buffer.from(a.net.params.buffer, a.net.params.byteOffset, a.net.params.byteLength))).toBe(true);
      expect(back.preprocessing).toEqual(a.preprocessing);
    }
  });

  it('a model trained in TF.js, saved: imported, it predicts the same within 1e-5; train --from fine-tunes it; eval, predict and explain take it', async () => {
    const Y = new Float32Array(150 * 3);
    IRIS.forEach((r, i) => (Y[i * 3 + r[4]] = 1));
    const model = tfl.sequential({ layers: [
      tfl.layers.dense({ units: 6, activation: 'tanh', inputShape: [4], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dropout({ rate: 0.1, seed: 2 }),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    await model.fit(tf.tensor2d(irisRaw, [150, 4]), tf.tensor2d(Y, [150, 3]), { epochs: 10, batchSize: 16, shuffle: false, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    mkdirSync(p('keras'));
    writeFileSync(p('keras/model.json'), JSON.stringify({ modelTopology: artifacts!.modelTopology, format: 'layers-model', generatedBy: artifacts!.generatedBy, weightsManifest: [{ paths: ['./group1-shard1of1.bin'], weights: artifacts!.weightSpecs }] }));
    writeFileSync(p('keras/group1-shard1of1.bin'), new Uint8Array(artifacts!.weightData as ArrayBuffer));

    const r = cli('import', 'keras/model.json', '-o', 'keras.bpnn', '--labels', IRIS_LABELS.join(','));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported keras\/model\.json \(TF\.js layers model from TensorFlow\.js tfjs-layers v4\.\d+\.\d+\): 4-6-3 \(tanh, softmax; loss cce; 51 parameters; f32\) → keras\.bpnn/);
    expect(r.stderr).toMatch(/note: layer "dropout_Dropout\d+" \(Dropout\) dropped: it is the identity at inference/);
    expect(r.stderr).toMatch(/fine-tune it with: backprop train --from keras\.bpnn/);
    const imported = loadModel(readFileSync(p('keras.bpnn')));
    expect(imported.preprocessing!.labels).toEqual([...IRIS_LABELS]);
    const got = compare(imported.net.predict(irisRaw, 150), tf.tidy(() => (model.predict(tf.tensor2d(irisRaw, [150, 4])) as tf.Tensor).dataSync()), 3);
    expect(got.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(got.sameArgmax).toBe(true);

    const ev0 = JSON.parse(cli('eval', 'keras.bpnn', 'iris', '--json').stdout);
    const ft = cli('train', '--from', 'keras.bpnn', '--data', 'iris', '--epochs', '60', '--batch-size', '16', '--optimizer', 'adam', '--lr', '0.01', '--workers', '1', '-o', 'tuned.bpnn', '--json');
    expect(ft.code, ft.stderr).toBe(0);
    const events = ft.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'start', sizes: [4, 6, 3], activations: ['tanh', 'softmax'] });
    const epochs = events.filter((e) => e.event === 'epoch');
    expect(epochs[epochs.length - 1].loss).toBeLessThan(epochs[0].loss);
    const ev1 = JSON.parse(cli('eval', 'tuned.bpnn', 'iris', '--json').stdout);
    expect(ev1.N).toBe(30); // the held-out rows of the run's split
    expect(ev1.loss).toBeLessThan(ev0.loss);
    expect(cli('train', '--resume', 'tuned.bpnn', '--epochs', '61', '--workers', '1', '--force', '--json').code).toBe(0); // a fine-tuned run resumes like any other

    writeFileSync(p('flower.csv'), 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n');
    const pr = cli('predict', 'keras.bpnn', 'flower.csv');
    expect(pr.code, pr.stderr).toBe(0);
    expect(pr.stdout.split('\n')[0]).toBe('label,p_setosa,p_versicolor,p_virginica');
    const ex = cli('explain', 'keras.bpnn', '-x', '5.1,3.5,1.4,0.2', '-y', '0');
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/Network 4-6-3: φ = tanh on hidden layers, softmax on layer 2/);
    expect(ex.stdout).toMatch(/loss on this sample after the step/);
  });
});

describe('bad input: a clear error, exit 2, nothing written', () => {
  it('a truncated or non-ONNX file (the command as a user runs it: one line, exit 2)', async () => {
    const onnx = readFileSync(p('iris.onnx'));
    writeFileSync(p('cut.onnx'), onnx.subarray(0, onnx.length - 9));
    expectRefused(['import', 'cut.onnx', '-o', 'out.bpnn'], /cut\.onnx: not an ONNX model, or a truncated one/);
    writeFileSync(p('noise.onnx'), Buffer.from('PK\x03\x04 this is a zip file, not a model'));
    await expectRefusedHere(importHere('noise.onnx'), /noise\.onnx: not an ONNX model/);
    await expectRefusedHere(importHere('missing.onnx'), /missing\.onnx does not exist/);
  });

  it('model.json with a missing weights.bin, or weights whose shapes disagree with the topology', async () => {
    mkdirSync(p('noweights'));
    writeFileSync(p('noweights/model.json'), readFileSync(p('iris-tfjs/model.json')));
    await expectRefusedHere(importHere('noweights/model.json'), /weights file "weights\.bin" named by model\.json is missing/);
    const json = JSON.parse(readFileSync(p('iris-tfjs/model.json'), 'utf8'));
    mkdirSync(p('shapes'));
    json.weightsManifest[0].weights[0].shape = [4, 7];
    writeFileSync(p('shapes/model.json'), JSON.stringify(json));
    writeFileSync(p('shapes/weights.bin'), readFileSync(p('iris-tfjs/weights.bin')));
    await expectRefusedHere(importHere('shapes/model.json'), /weights file "weights\.bin" holds 268 bytes but model\.json declares 252 for its 4 weights/);
    json.weightsManifest[0].weights[0].shape = [4, 8];
    json.modelTopology.config.layers[0].config.units = 9;
    writeFileSync(p('shapes/model.json'), JSON.stringify(json));
    await expectRefusedHere(importHere('shapes/model.json'), /layer "dense_1": kernel "dense_1\/kernel" has shape \[4, 8\] but the topology says \[4, 9\]/);
  });

  it('an unsupported layer, named with the reason', async () => {
    const json = JSON.parse(readFileSync(p('iris-tfjs/model.json'), 'utf8'));
    json.modelTopology.config.layers.splice(1, 0, { class_name: 'BatchNormalization', config: { name: 'batch_normalization' } });
    mkdirSync(p('bn'));
    writeFileSync(p('bn/model.json'), JSON.stringify(json));
    writeFileSync(p('bn/weights.bin'), readFileSync(p('iris-tfjs/weights.bin')));
    await expectRefusedHere(importHere('bn'), /layer "batch_normalization" \(BatchNormalization\) cannot be imported: normalisation layers/);
  });

  it('weights paths outside the directory of model.json: "..", absolute, %-escaped, and a symlink out', async () => {
    writeFileSync(p('secret.bin'), readFileSync(p('iris-tfjs/weights.bin')));
    const json = JSON.parse(readFileSync(p('iris-tfjs/model.json'), 'utf8'));
    mkdirSync(p('evil'));
    json.weightsManifest[0].paths = ['../secret.bin'];
    writeFileSync(p('evil/model.json'), JSON.stringify(json));
    expectRefused(['import', 'evil/model.json', '-o', 'out.bpnn'], /weights path "\.\.\/secret\.bin" goes up a directory/);
    for (const [path, why] of [[p('secret.bin'), /is absolute/], ['%2e%2e/secret.bin', /goes up a directory/], ['sub/../../secret.bin', /goes up a directory/]] as const) {
      json.weightsManifest[0].paths = [path];
      writeFileSync(p('evil/model.json'), JSON.stringify(json));
      await expectRefusedHere(importHere('evil/model.json'), why as RegExp);
    }
    symlinkSync(p('secret.bin'), p('evil/link.bin'));
    json.weightsManifest[0].paths = ['link.bin'];
    writeFileSync(p('evil/model.json'), JSON.stringify(json));
    await expectRefusedHere(importHere('evil/model.json'), /weights path "link\.bin" resolves outside the directory of model\.json/);
  });

  it('huge declared shapes are refused before anything is allocated', async () => {
    const json = JSON.parse(readFileSync(p('iris-tfjs/model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [4, 4e9];
    json.modelTopology.config.layers[0].config.units = 4e9;
    mkdirSync(p('huge'));
    writeFileSync(p('huge/model.json'), JSON.stringify(json));
    writeFileSync(p('huge/weights.bin'), readFileSync(p('iris-tfjs/weights.bin')));
    await expectRefusedHere(importHere('huge/model.json'), /units declares shape \[4000000000\], over 268,435,456 numbers/);
    json.modelTopology.config.layers[0].config.units = 8;
    writeFileSync(p('huge/model.json'), JSON.stringify(json));
    await expectRefusedHere(importHere('huge/model.json'), /weight "dense_1\/kernel" declares shape \[4, 4000000000\], over 268,435,456 numbers/);
  });

  it('export: a file that is not a model, an existing output, an unknown format; import: an existing output, wrong --labels', async () => {
    expectRefused(['export', 'iris.bpnn', '--format', 'tflite'], /argument 'tflite' is invalid/);
    await expectRefusedHere(exportHere('flower.csv', { format: 'onnx', out: 'out.onnx' }), /not a backprop model file/);
    await expectRefusedHere(exportHere('iris.bpnn', { format: 'onnx' }), /iris\.onnx already exists; pass --force/);
    await expectRefusedHere(exportHere('iris.bpnn', { format: 'tfjs', out: 'iris-tfjs' }), /iris-tfjs\/preprocessing\.json already exists; pass --force/);
    await expectRefusedHere(exportHere('iris.bpnn', { format: 'tfjs', out: 'flower.csv' }), /flower\.csv exists and is not a directory/);
    await expectRefusedHere(importHere('iris-tfjs', { out: 'keras.bpnn' }), /keras\.bpnn already exists; pass --force/);
    await expectRefusedHere(importHere('iris-tfjs', { out: 'x.bpnn', labels: 'a,b' }), /2 label names given but the network has 3 outputs/);
    await expectRefusedHere(importHere('iris.onnx', { out: 'x.bpnn', preprocessing: 'iris-tfjs/preprocessing.json' }), /--preprocessing is for TF\.js models/);
    await expectRefusedHere(importHere('keras', { out: 'x.bpnn', strict: true }), /layer "dropout_Dropout\d+" \(Dropout\) refused: it is the identity at inference/);
  });
});

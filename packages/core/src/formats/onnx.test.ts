// ONNX export and import: the graph's structure, onnxruntime-web running it on raw rows (every
// activation, 1,000 MNIST digits), our own files and PyTorch-shaped graphs read back, bad files refused.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { Network } from '../network.js';
import { dataset } from '../dataset.js';
import { Trainer } from '../trainer.js';
import { mnistDigits } from '../test-utils/data.js';
import { expectClose } from '../test-utils/expect-close.js';
import { argmaxRows, everyActivation, formatError, networkInputs, rawRows, zscore } from '../test-utils/formats.js';
import { MAX_ELEMENTS } from './layers.js';
import { ONNX_IR_VERSION, ONNX_OPSET, exportOnnx, importOnnx } from './onnx.js';
import { AttributeProto_AttributeType, ModelProtoSchema, TensorProto_DataLocation, TensorProto_DataType, type ModelProto } from './onnx_pb.js';

beforeAll(() => {
  ort.env.wasm.numThreads = 1; // the WASM backend in this thread: no worker start-up, same result every run
});

/** y for N raw rows through onnxruntime-web. */
async function runOnnx(bytes: Uint8Array, X: ArrayLike<number>, N: number, n0: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(X), [N, n0]) });
    return out.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

const decode = (bytes: Uint8Array): ModelProto => fromBinary(ModelProtoSchema, bytes);
const floats = (raw: Uint8Array) => Array.from(new Float32Array(raw.slice().buffer));

/** The 2-2-1 network of the hand-worked case: W1 rows [b, w1, w2], tanh; W2 = [0.1, 1, −2], sigmoid. */
function tiny(): Network {
  const net = Network.create({ sizes: [2, 2, 1], activation: 'tanh', output: 'sigmoid' }, { seed: 1 });
  net.W[0].set([0.5, 1, -1, -0.5, 2, 0.25]);
  net.W[1].set([0.1, 1, -2]);
  return net;
}
const tinyPre = { features: ['u', 'v'], normalization: { kind: 'zscore' as const, shift: [1, 0], scale: [1, 0.5] }, labels: ['no', 'yes'] };

describe('exportOnnx', () => {
  it('writes opset 17 / IR 8 with input x [N, n0] float32, Sub → Mul, then Gemm(transB = 1) and φ per layer, output y', () => {
    const m = decode(exportOnnx(tiny(), tinyPre));
    expect(m.irVersion).toBe(BigInt(ONNX_IR_VERSION));
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(ONNX_OPSET).toBe(17);
    expect(m.producerName).toBe('backprop');
    const g = m.graph!;
    expect(g.node.map((n) => n.opType)).toEqual(['Sub', 'Mul', 'Gemm', 'Tanh', 'Gemm', 'Sigmoid']);
    expect(g.node.map((n) => [n.input, n.output])).toEqual([
      [['x', 'preprocess.shift'], ['x_shifted']], [['x_shifted', 'preprocess.scale'], ['x_normalized']],
      [['x_normalized', 'layer1.weight', 'layer1.bias'], ['net1']], [['net1'], ['a1']],
      [['a1', 'layer2.weight', 'layer2.bias'], ['net2']], [['net2'], ['y']],
    ]);
    const gemm = g.node[2].attribute.map((a) => [a.name, a.type === AttributeProto_AttributeType.INT ? Number(a.i) : a.f]);
    expect(gemm).toEqual([['alpha', 1], ['beta', 1], ['transB', 1]]);
    const x = g.input[0];
    expect(x.name).toBe('x');
    const t = x.type!.value.case === 'tensorType' ? x.type!.value.value : null;
    expect(t!.elemType).toBe(TensorProto_DataType.FLOAT);
    expect(t!.shape!.dim.map((d) => d.value.value)).toEqual(['N', 2n]);
    expect(g.output.map((o) => o.name)).toEqual(['y']);
  });

  it('Gemm weights are W[:,1:] row by row (nOut × nIn), the bias is column 0 of W, the statistics are the preprocessing', () => {
    const g = decode(exportOnnx(tiny(), tinyPre)).graph!;
    const init = Object.fromEntries(g.initializer.map((t) => [t.name, { dims: t.dims.map(Number), values: floats(t.rawData) }]));
    expect(init['layer1.weight']).toEqual({ dims: [2, 2], values: [1, -1, 2, 0.25] });
    expect(init['layer1.bias']).toEqual({ dims: [2], values: [0.5, -0.5] });
    expect(init['layer2.weight']).toEqual({ dims: [1, 2], values: [1, -2] });
    expect(init['layer2.bias']).toEqual({ dims: [1], values: [Math.fround(0.1)] });
    expect(init['preprocess.shift']).toEqual({ dims: [2], values: [1, 0] });
    expect(init['preprocess.scale']).toEqual({ dims: [2], values: [1, 0.5] });
  });

  it('puts the label names, feature names, whole preprocessing and architecture in metadata_props', () => {
    const m = decode(exportOnnx(tiny(), tinyPre));
    const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.labels)).toEqual(['no', 'yes']);
    expect(JSON.parse(meta.features)).toEqual(['u', 'v']);
    expect(JSON.parse(meta.preprocessing)).toEqual(tinyPre);
    expect(meta.preprocessing_in_graph).toBe('true');
    expect(meta.task).toBe('classification');
    expect(JSON.parse(meta['backprop.spec'])).toEqual({ sizes: [2, 2, 1], activations: ['tanh', 'sigmoid'], loss: 'bce' });
  });

  it('starts at the first Gemm without normalisation, or with preprocessing: false (the statistics stay in the metadata)', () => {
    const none = { ...tinyPre, normalization: { kind: 'none' as const, shift: [0, 0], scale: [1, 1] } };
    expect(decode(exportOnnx(tiny(), none)).graph!.node[0].opType).toBe('Gemm');
    expect(importOnnx(exportOnnx(tiny(), none)).preprocessing).toEqual(none);
    expect(decode(exportOnnx(tiny(), null)).graph!.node[0].opType).toBe('Gemm');
    const off = decode(exportOnnx(tiny(), tinyPre, { preprocessing: false }));
    expect(off.graph!.node[0].opType).toBe('Gemm');
    expect(off.metadataProps.find((p) => p.key === 'preprocessing_in_graph')!.value).toBe('false');
  });

  it('refuses derived features in the graph (it cannot compute them from x), naming them and the way out', () => {
    expect(() => exportOnnx(tiny(), { ...tinyPre, expand: ['u*v'] })).toThrow(ConfigError);
    expect(() => exportOnnx(tiny(), { ...tinyPre, expand: ['u*v'] })).toThrow(/derives features \(u\*v\).*--no-preprocessing/);
    expect(() => exportOnnx(tiny(), { ...tinyPre, normalization: { kind: 'zscore', shift: [1], scale: [1] } })).toThrow(/1 shifts and 1 scales but the network takes 2/);
    // a preprocessing step this export was not taught is refused, not left out of the graph
    const later = { ...tinyPre, fill: [0, 0] } as typeof tinyPre;
    expect(() => exportOnnx(tiny(), later)).toThrow(/preprocessing has fill, which this ONNX export cannot express as graph nodes/);
    expect(decode(exportOnnx(tiny(), later, { preprocessing: false })).graph!.node[0].opType).toBe('Gemm');
  });
});

describe('onnxruntime-web runs the export', () => {
  it('the hand-worked 2-2-1 case: y = σ(0.1 + tanh(−0.5) − 2·tanh(−0.25)) for raw x = [1, 2]', async () => {
    // x' = ((1 − 1)·1, (2 − 0)·0.5) = (0, 1); net1 = [0.5 + 0 − 1, −0.5 + 0 + 0.25] = [−0.5, −0.25]
    const y = await runOnnx(exportOnnx(tiny(), tinyPre), [1, 2], 1, 2);
    const expected = 1 / (1 + Math.exp(-(0.1 + Math.tanh(-0.5) - 2 * Math.tanh(-0.25))));
    expectClose(y, [expected], { atol: 1e-6 });
    expectClose(y, tiny().predict([0, 1], 1), { atol: 1e-6 });
  });

  it('every activation: raw rows in, outputs within 1e-5 of predict and the same argmax on every row', async () => {
    const N = 300;
    const X = rawRows(N, 5, 7);
    const pre = zscore(X, N, 5, ['a', 'b', 'c']);
    for (const { name, net } of everyActivation(5)) {
      const y = await runOnnx(exportOnnx(net, pre), X, N, 5);
      const want = net.predict(networkInputs(X, pre), N);
      try {
        expectClose(y, want, { atol: 1e-5 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      expect(argmaxRows(y, N, 3), name).toEqual(argmaxRows(want, N, 3));
    }
  });

  it('1,000 MNIST digits, raw pixels in (z-score in the graph): within 1e-5 of predict, the same argmax on every row', async () => {
    const train = mnistDigits(100, 100); // 1,000 training digits
    const pre = zscore(train.X, train.N, 784, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const Xn = networkInputs(train.X, pre);
    const net = Network.create({ sizes: [784, 32, 10], activation: 'relu' }, { seed: 2 });
    await new Trainer(net, { epochs: 2, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05 }, seed: 1 }).fit(dataset(Xn, train.Y, 784, 10));
    const test = mnistDigits(100); // 1,000 other digits
    const y = await runOnnx(exportOnnx(net, pre), test.X, 1000, 784);
    const want = net.predict(networkInputs(test.X, pre), 1000);
    expectClose(y, want, { atol: 1e-5 });
    expect(argmaxRows(y, 1000, 10)).toEqual(argmaxRows(want, 1000, 10));
    // a trained model, not a constant one: it gets most digits right
    const truth = argmaxRows(test.Y, 1000, 10);
    expect(argmaxRows(y, 1000, 10).filter((k, i) => k === truth[i]).length).toBeGreaterThan(700);
  });
});

/** A PyTorch-shaped graph: Flatten, Sub/Div by constants, MatMul + Add, Relu, Gemm (transB 0), Softmax. */
function torchLike(o: { op?: string; alpha?: number; branch?: boolean; dims?: bigint[]; rawBytes?: number; external?: boolean } = {}): Uint8Array {
  const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
  const t = (name: string, dims: number[], v: number[]) => ({ name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: f32(v) });
  const W1 = t('fc1.weight_T', [2, 3], [1, 2, 3, 4, 5, 6]); // (nIn, nOut): MatMul's layout
  if (o.dims) W1.dims = o.dims;
  if (o.rawBytes !== undefined) W1.rawData = W1.rawData.subarray(0, o.rawBytes);
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'pytorch',
    producerVersion: '2.3',
    opsetImport: [{ domain: '', version: 17n }],
    graph: {
      name: 'main_graph',
      input: [{ name: 'input', type: { value: { case: 'tensorType', value: { elemType: 1, shape: { dim: [{ value: { case: 'dimParam', value: 'batch' } }, { value: { case: 'dimValue', value: 1n } }, { value: { case: 'dimValue', value: 2n } }] } } } } }],
      output: [{ name: 'probs' }],
      initializer: [
        t('mean', [2], [10, 20]), t('std', [2], [2, 4]), W1, t('fc1.bias', [3], [0.1, 0.2, 0.3]),
        t('fc2.weight', [3, 2], [1, -1, 0.5, 0.5, -1, 1]), t('fc2.bias', [2], [0, 0.25]),
        ...(o.external ? [{ ...t('ext', [1], [1]), rawData: new Uint8Array(0), dataLocation: TensorProto_DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '../secret.bin' }] }] : []),
      ],
      node: [
        { opType: 'Flatten', input: ['input'], output: ['flat'], name: 'Flatten_0', attribute: [{ name: 'axis', type: 2, i: 1n }] },
        { opType: 'Sub', input: ['flat', 'mean'], output: ['centred'], name: 'Sub_1' },
        { opType: 'Div', input: ['centred', 'std'], output: ['scaled'], name: 'Div_2' },
        { opType: 'MatMul', input: ['scaled', o.external ? 'ext' : 'fc1.weight_T'], output: ['mm'], name: 'MatMul_3' },
        { opType: 'Add', input: ['mm', 'fc1.bias'], output: ['h'], name: 'Add_4' },
        { opType: o.op ?? 'Relu', input: ['h'], output: ['hr'], name: 'Act_5', attribute: o.alpha !== undefined ? [{ name: 'alpha', type: 1, f: o.alpha }] : [] },
        { opType: 'Gemm', input: ['hr', 'fc2.weight', 'fc2.bias'], output: ['logits'], name: 'Gemm_6' },
        ...(o.branch ? [{ opType: 'Relu', input: ['hr'], output: ['side'], name: 'Side_7' }] : []),
        { opType: 'Softmax', input: ['logits'], output: ['probs'], name: 'Softmax_8', attribute: [{ name: 'axis', type: 2, i: 1n }] },
      ],
    },
  });
  return toBinary(ModelProtoSchema, model);
}

describe('importOnnx', () => {
  it('reads its own export back bit-identically in the weights, with the exact preprocessing, labels and loss', () => {
    for (const { name, net } of everyActivation(5)) {
      const pre = zscore(rawRows(50, 5, 3), 50, 5, ['a', 'b', 'c']);
      const back = importOnnx(exportOnnx(net, pre));
      expect(back.net.spec, name).toEqual(net.spec);
      expect(Buffer.from(back.net.params.buffer, back.net.params.byteOffset, back.net.params.byteLength).equals(Buffer.from(net.params.buffer, net.params.byteOffset, net.params.byteLength)), name).toBe(true);
      expect(back.preprocessing).toEqual(pre);
      expect(back.notes).toEqual([]);
      expect(back.source).toEqual({ format: 'onnx', producer: 'backprop' });
    }
  });

  it('reads a PyTorch-shaped graph (Flatten, Sub/Div, MatMul + Add, Gemm, Softmax) that onnxruntime agrees with', async () => {
    const bytes = torchLike();
    const m = importOnnx(bytes);
    expect(m.net.spec).toEqual({ sizes: [2, 3, 2], activations: ['relu', 'softmax'], loss: 'cce', dtype: 'f32' });
    // MatMul's (nIn, nOut) kernel [[1,2,3],[4,5,6]] → W1 rows [b, w_k1, w_k2] = [0.1, 1, 4], [0.2, 2, 5], [0.3, 3, 6]
    expect(Array.from(m.net.W[0])).toEqual([0.1, 1, 4, 0.2, 2, 5, 0.3, 3, 6].map(Math.fround));
    // Gemm without transB reads fc2.weight as (nIn, nOut) too
    expect(Array.from(m.net.W[1])).toEqual([0, 1, 0.5, -1, 0.25, -1, 0.5, 1]);
    expect(m.preprocessing.normalization).toEqual({ kind: 'zscore', shift: [10, 20], scale: [0.5, 0.25] });
    expect(m.preprocessing.labels).toEqual(['0', '1']);
    expect(m.source).toEqual({ format: 'onnx', producer: 'pytorch 2.3' });
    expect(m.notes.join('\n')).toMatch(/Flatten "Flatten_0" dropped[\s\S]*Sub, Div by constants became the model's normalisation[\s\S]*no label names/);
    const X = [12, 18, 7, 30, 10, 20];
    const session = await ort.InferenceSession.create(bytes);
    const y = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(X), [3, 1, 2]) })).probs.data as Float32Array;
    await session.release();
    expectClose(m.net.predict(networkInputs(X, m.preprocessing), 3), y, { atol: 1e-6 });
  });

  it('refuses a truncated file, a file that is not ONNX, and an empty one', () => {
    const good = exportOnnx(tiny(), tinyPre);
    formatError(() => importOnnx(good.subarray(0, good.length - 7)), /not an ONNX model, or a truncated one/);
    formatError(() => importOnnx(good.subarray(0, 40)), /not an ONNX model, or a truncated one/);
    formatError(() => importOnnx(new TextEncoder().encode('{"modelTopology": {}}')), /not an ONNX model/);
    formatError(() => importOnnx(new Uint8Array(0)), /not an ONNX model/);
    formatError(() => importOnnx(good, { maxBytes: 100 }), /over the 100-byte limit/);
  });

  it('refuses what a dense network cannot be: Conv, LeakyRelu of another slope, a branching graph, naming the node', () => {
    formatError(() => importOnnx(torchLike({ op: 'Conv' })), /node "Act_5" \(Conv\) cannot be imported: backprop networks are dense layers/);
    formatError(() => importOnnx(torchLike({ op: 'Elu' })), /node "Act_5" \(Elu\)/);
    formatError(() => importOnnx(torchLike({ op: 'LeakyRelu', alpha: 0.2 })), /node "Act_5" \(LeakyRelu\).*slope alpha = 0.2.* 0.01/);
    expect(importOnnx(torchLike({ op: 'LeakyRelu', alpha: 0.01 })).net.spec.activations).toEqual(['leaky_relu', 'softmax']);
    formatError(() => importOnnx(torchLike({ branch: true })), /"hr" feeds 2 nodes.*chains/);
  });

  it('checks declared shapes against the data before allocating: huge dims, short raw data, external data', () => {
    formatError(() => importOnnx(torchLike({ dims: [1000000n, 1000000n] })), new RegExp(`declares shape \\[1000000, 1000000\\], over ${MAX_ELEMENTS.toLocaleString('en-US')} numbers`));
    formatError(() => importOnnx(torchLike({ dims: [2n, 4n] })), /declares shape \[2, 4\] \(32 bytes\) but holds 24 bytes/);
    formatError(() => importOnnx(torchLike({ rawBytes: 20 })), /holds 20 bytes/);
    formatError(() => importOnnx(torchLike({ external: true })), /tensor "ext" keeps its data in an external file/);
  });

  it('refuses metadata that disagrees with the graph (a modified file)', () => {
    const m = decode(exportOnnx(tiny(), tinyPre));
    const p = m.metadataProps.find((e) => e.key === 'preprocessing')!;
    p.value = JSON.stringify({ ...tinyPre, normalization: { kind: 'zscore', shift: [2, 0], scale: [1, 0.5] } });
    formatError(() => importOnnx(toBinary(ModelProtoSchema, m)), /Sub\/Mul constants differ from the preprocessing in its metadata/);
    p.value = '{"features": 3}';
    formatError(() => importOnnx(toBinary(ModelProtoSchema, m)), /metadata "preprocessing" is not a backprop preprocessing \(features:/);
  });
});

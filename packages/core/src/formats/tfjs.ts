/**
 * TensorFlow.js layers models (model.json + weights.bin, what tf.loadLayersModel reads), bytes in
 * and bytes out. A backprop network is a Sequential of Dense layers with kernel = W[:,1:]ᵀ and
 * bias = W[:,0] (leaky ReLU: a linear Dense then LeakyReLU(alpha 0.01), since tfjs has no such
 * activation name). Import reads those and Keras models converted by tensorflowjs_converter.
 */
import * as v from 'valibot';
import { LEAKY_SLOPE, type ActivationName } from '../activations.js';
import { ModelFileError } from '../errors.js';
import { pow2 } from '../math.js';
import type { LossName } from '../losses.js';
import { checkLoss, type Network } from '../network.js';
import type { Preprocessing } from '../preprocess.js';
import { utf8Decode } from '../platform.js';
import { denseW, elementCount, importedPreprocessing, lossFromKeras, matrixAndBias, networkFromLayers, type DenseLayer, type ImportedModel, type ImportOptions } from './layers.js';
import { checkPreprocessing, parseJson } from './preprocessing.js';

/** The files of a TF.js layers model, as bytes and text (write them side by side). */
export interface TfjsFiles {
  /** model.json: the topology, the weights manifest (naming `weightsFile`) and the preprocessing in userDefinedMetadata. */
  modelJson: string;
  /** File name the manifest gives the weights, relative to model.json. */
  weightsFile: string;
  /** Little-endian float32: per layer the kernel (nIn × nOut, row-major) then the bias. */
  weights: Uint8Array;
  /** preprocessing.json: what to apply to raw features before the model (null when the model has none). */
  preprocessingJson: string | null;
}

/** Keras/TF.js activation identifier of each of ours (leaky_relu is a LeakyReLU layer instead). */
const KERAS_ACTIVATION: Record<Exclude<ActivationName, 'leaky_relu'>, string> = {
  relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', softplus: 'softplus', softmax: 'softmax', linear: 'linear',
};

/** How preprocessing.json says what it is for (documentation travelling with the numbers). */
export const PREPROCESSING_DOC =
  'Apply before the model: for each feature j (in the order of "features"), x\'_j = (x_j - normalization.shift[j]) * normalization.scale[j]. ' +
  'With tfjs: tf.mul(tf.sub(tf.tensor2d(rows), shift), scale). Outputs are in the order of "labels" (classification) or "targets".';

/**
 * The TF.js layers-model files of a network. `weightsFile` is the name model.json gives the
 * weights (default "weights.bin"; tfjs's own downloads use "<name>.weights.bin").
 */
export function exportTfjs(net: Network, pre: Preprocessing | null, o: { weightsFile?: string; name?: string } = {}): TfjsFiles {
  const weightsFile = o.weightsFile ?? 'weights.bin';
  safeWeightsPath(weightsFile);
  const layers: unknown[] = [];
  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const parts: Float32Array[] = [];
  for (let l = 0; l < net.L; l++) {
    const { nIn, nOut, phi } = net.layers[l];
    const name = `dense_${l + 1}`;
    const { matrix: kernel, bias } = matrixAndBias(net.W[l], nIn, nOut, true);
    layers.push({
      class_name: 'Dense',
      config: {
        name, trainable: true, dtype: 'float32', units: nOut, activation: phi === 'leaky_relu' ? 'linear' : KERAS_ACTIVATION[phi], use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
        ...(l === 0 ? { batch_input_shape: [null, nIn] } : {}),
      },
    });
    if (phi === 'leaky_relu') layers.push({ class_name: 'LeakyReLU', config: { name: `leaky_re_lu_${l + 1}`, trainable: true, dtype: 'float32', alpha: LEAKY_SLOPE } });
    specs.push({ name: `${name}/kernel`, shape: [nIn, nOut], dtype: 'float32' }, { name: `${name}/bias`, shape: [nOut], dtype: 'float32' });
    parts.push(kernel, bias);
  }
  const bytes = new Uint8Array(parts.reduce((s, p) => s + 4 * p.length, 0));
  const dv = new DataView(bytes.buffer);
  let at = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++, at += 4) dv.setFloat32(at, p[i], true);
  const spec = { sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss };
  const model = {
    format: 'layers-model',
    generatedBy: 'backprop',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: o.name ?? 'backprop', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
    userDefinedMetadata: { backprop: { spec, preprocessing: pre } },
  };
  return {
    modelJson: JSON.stringify(model),
    weightsFile,
    weights: bytes,
    preprocessingJson: pre ? JSON.stringify({ format: 'backprop-preprocessing', version: 1, doc: PREPROCESSING_DOC, preprocessing: pre }, null, 1) : null,
  };
}

/** The preprocessing in a preprocessing.json (as exportTfjs writes it, or a bare Preprocessing object). */
export function readPreprocessingJson(json: string | Uint8Array): Preprocessing {
  const value = parseJson(typeof json === 'string' ? json : utf8Decode(json), 'preprocessing.json');
  const wrapped = value && typeof value === 'object' && (value as { format?: unknown }).format === 'backprop-preprocessing';
  return checkPreprocessing(wrapped ? (value as { preprocessing: unknown }).preprocessing : value, 'preprocessing.json');
}

// ---------------------------------------------------------------------------------------------
// Import

const Quantization = v.looseObject({ dtype: v.picklist(['uint8', 'uint16', 'float16']), scale: v.optional(v.number()), min: v.optional(v.number()) });
const WeightSpec = v.looseObject({ name: v.string(), shape: v.array(v.number()), dtype: v.optional(v.string()), quantization: v.optional(Quantization) });
const ModelJson = v.looseObject({
  format: v.optional(v.nullable(v.string())),
  generatedBy: v.optional(v.nullable(v.string())),
  convertedBy: v.optional(v.nullable(v.string())),
  modelTopology: v.record(v.string(), v.unknown()),
  weightsManifest: v.array(v.looseObject({ paths: v.array(v.string()), weights: v.array(WeightSpec) })),
  trainingConfig: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  userDefinedMetadata: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
});
type ModelJson = v.InferOutput<typeof ModelJson>;
type WeightSpec = v.InferOutput<typeof WeightSpec>;

/** Weight files by the path model.json gives them, or a function that reads one (null: missing). */
export type WeightFiles = Record<string, Uint8Array> | ((path: string) => Uint8Array | null | undefined);

export interface TfjsImportOptions extends ImportOptions {
  /** The preprocessing to attach (e.g. from preprocessing.json beside model.json); default: the one in userDefinedMetadata. */
  preprocessing?: Preprocessing | null;
  /** Dropout and noise layers are the identity at inference: drop them (default), or refuse the model. */
  dropout?: 'drop' | 'refuse';
}

/**
 * A weights path from a manifest, normalised ("./a.bin" → "a.bin"), refused when it could leave
 * the directory of model.json: absolute, "..", a URL or drive, backslashes, NUL. Percent-escapes
 * are decoded first, as a URL loader would.
 */
export function safeWeightsPath(path: string): string {
  let p: string;
  try {
    p = decodeURIComponent(path);
  } catch {
    throw new ModelFileError(`weights path "${path}" has a malformed %-escape`);
  }
  const refuse = (why: string): never => {
    throw new ModelFileError(`weights path "${path}" ${why}; model.json may only name files in its own directory (e.g. "weights.bin")`);
  };
  if (p.length === 0) refuse('is empty');
  if (p.includes('\0') || p.includes('\\')) refuse('contains a backslash or NUL');
  if (p.startsWith('/')) refuse('is absolute');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) refuse('is a URL or a drive path');
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) refuse('goes up a directory ("..")');
  if (segments.length === 0) refuse('names a directory, not a file');
  return segments.join('/');
}

function parseModelJson(modelJson: string | Uint8Array): ModelJson {
  const text = typeof modelJson === 'string' ? modelJson : utf8Decode(modelJson);
  const value = parseJson(text, 'model.json');
  if (value && typeof value === 'object' && (value as { format?: unknown }).format === 'graph-model') {
    throw new ModelFileError('model.json is a TF.js graph model (a converted SavedModel or frozen graph); backprop imports layers models: convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model');
  }
  const r = v.safeParse(ModelJson, value);
  if (!r.success) {
    const i = r.issues[0];
    const where = i.path?.map((p) => p.key).join('.') || 'the top level';
    throw new ModelFileError(`model.json is not a TF.js layers model: ${where}: ${i.message} (it needs "modelTopology" and "weightsManifest", as tf.io and tensorflowjs_converter write them)`);
  }
  return r.output;
}

/** The weight files model.json names, normalised and checked to stay inside its directory (read these, then importTfjs). */
export function tfjsWeightFiles(modelJson: string | Uint8Array): string[] {
  const m = parseModelJson(modelJson);
  return [...new Set(m.weightsManifest.flatMap((g) => g.paths.map(safeWeightsPath)))];
}

/** One layer of a Keras/TF.js topology: its class and config. */
interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound: string[];
}

const DROPPED_AT_INFERENCE = new Set(['Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']);

/** Why a layer class cannot be imported, in words. */
function refusal(cls: string): string {
  if (/Conv|Pool|Cropping|UpSampling|ZeroPadding/.test(cls)) return 'convolutions and pooling need spatial layers; backprop networks are dense (fully connected) layers only';
  if (/Normalization/.test(cls)) return 'normalisation layers keep statistics and a learned scale and shift that backprop\'s dense layers do not have; fold it into the neighbouring Dense, or retrain without it';
  if (/LSTM|GRU|RNN|Bidirectional|Embedding|Attention/.test(cls)) return 'recurrent, embedding and attention layers are not dense layers';
  return 'backprop imports Dense, Activation, ReLU, LeakyReLU (slope 0.01), Softmax, Flatten and (dropped) Dropout layers';
}

/** Our activation for a Keras/TF.js identifier, or a refusal naming the layer. */
function activation(name: unknown, layer: string): ActivationName {
  const id = name === null || name === undefined ? 'linear' : typeof name === 'string' ? name : typeof (name as { class_name?: unknown }).class_name === 'string' ? (name as { class_name: string }).class_name : '?';
  const key = id.toLowerCase().replace(/_/g, '');
  const ours: Record<string, ActivationName> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', softplus: 'softplus', softmax: 'softmax', linear: 'linear' };
  if (key in ours) return ours[key];
  if (key === 'leakyrelu') throw new ModelFileError(`layer "${layer}": the "${id}" activation string uses Keras's default slope 0.2, not backprop's 0.01; use a LeakyReLU layer with alpha 0.01`);
  throw new ModelFileError(`layer "${layer}": activation "${id}" is not one of backprop's (relu, tanh, sigmoid, softplus, softmax, linear; leaky relu with slope 0.01 as a LeakyReLU layer)`);
}

/** The layers in order, checked to form one chain (Sequential, or a Functional model that is one). */
function layerChain(topology: Record<string, unknown>): KerasLayer[] {
  const t = (topology.model_config ?? topology) as { class_name?: unknown; config?: unknown };
  const cls = t.class_name;
  const cfg = t.config as { layers?: unknown } | unknown[] | undefined;
  const list = Array.isArray(cfg) ? cfg : Array.isArray(cfg?.layers) ? cfg.layers : null;
  if ((cls !== 'Sequential' && cls !== 'Model' && cls !== 'Functional') || !list) {
    throw new ModelFileError(`model.json's topology is a ${String(cls)}, not a Sequential or Functional model with a list of layers`);
  }
  const layers = list.map((raw, i): KerasLayer => {
    const l = raw as { class_name?: unknown; config?: unknown; name?: unknown; inbound_nodes?: unknown };
    const config = (l.config && typeof l.config === 'object' ? l.config : {}) as Record<string, unknown>;
    const name = typeof config.name === 'string' ? config.name : typeof l.name === 'string' ? l.name : `layer ${i + 1}`;
    if (typeof l.class_name !== 'string') throw new ModelFileError(`model.json: layer ${i + 1} ("${name}") has no class_name`);
    return { class_name: l.class_name, name, config, inbound: inboundNames(l.inbound_nodes) };
  });
  if (cls !== 'Sequential') {
    // a Functional model is accepted when each layer takes exactly the one before it
    for (let i = 1; i < layers.length; i++) {
      if (layers[i].inbound.length !== 1 || layers[i].inbound[0] !== layers[i - 1].name) {
        throw new ModelFileError(`layer "${layers[i].name}" takes ${layers[i].inbound.length ? layers[i].inbound.map((n) => `"${n}"`).join(', ') : 'no input'}, not the layer before it ("${layers[i - 1].name}"); backprop imports a chain of layers, not a branching graph`);
      }
    }
  }
  return layers;
}

/** Names of the layers feeding a Functional layer (Keras 2 nested lists or Keras 3 keras_history). */
function inboundNames(nodes: unknown): string[] {
  const names: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      if (typeof x[0] === 'string' && typeof x[1] === 'number') names.push(x[0]);
      else x.forEach(walk);
    } else if (x && typeof x === 'object') {
      const h = (x as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (Array.isArray(h) && typeof h[0] === 'string') names.push(h[0]);
      else Object.values(x).forEach(walk);
    }
  };
  walk(nodes);
  return names;
}

/** Width of the rows a layer declares as its input (batch dimension dropped), or null. */
function declaredInput(c: Record<string, unknown>): number | null {
  const shape = (c.batch_input_shape ?? c.batch_shape);
  const dims = Array.isArray(shape) ? shape.slice(1) : Array.isArray(c.input_shape) ? c.input_shape : null;
  if (!dims || dims.length === 0 || !dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) return null;
  return elementCount(dims, 'the input');
}

/** Where each weight lives: its group, byte offset and size, checked against the files before anything is read. */
interface Located {
  spec: WeightSpec;
  bytes: Uint8Array;
  offset: number;
  count: number;
}

function locateWeights(m: ModelJson, files: WeightFiles): Map<string, Located> {
  const read = typeof files === 'function' ? files : (p: string) => files[p];
  const found = new Map<string, Located>();
  for (const group of m.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const raw of group.paths) {
      const p = safeWeightsPath(raw);
      const b = read(p) ?? (p !== raw ? read(raw) : undefined);
      if (!b) throw new ModelFileError(`weights file "${p}" named by model.json is missing; put it beside model.json`);
      parts.push(b);
    }
    let need = 0;
    const entries: { spec: WeightSpec; offset: number; count: number }[] = [];
    for (const spec of group.weights) {
      const count = elementCount(spec.shape, `weight "${spec.name}"`);
      const dtype = spec.quantization?.dtype ?? spec.dtype ?? 'float32';
      const size = dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'uint16' || dtype === 'float16' ? 2 : dtype === 'uint8' || dtype === 'bool' ? 1 : 0;
      if (size === 0) throw new ModelFileError(`weight "${spec.name}" has dtype "${dtype}", which TF.js weight files do not hold`);
      entries.push({ spec, offset: need, count });
      need += count * size;
    }
    const have = parts.reduce((s, b) => s + b.length, 0);
    if (have !== need) {
      const names = group.paths.map((p) => `"${p}"`).join(', ');
      throw new ModelFileError(`weights file${group.paths.length > 1 ? 's' : ''} ${names} ${group.paths.length > 1 ? 'hold' : 'holds'} ${have} bytes but model.json declares ${need} for its ${group.weights.length} weights; the weights are truncated or belong to another model`);
    }
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0];
    else {
      bytes = new Uint8Array(have); // shards of one group are one buffer, in order
      let at = 0;
      for (const b of parts) {
        bytes.set(b, at);
        at += b.length;
      }
    }
    for (const e of entries) found.set(e.spec.name, { ...e, bytes });
  }
  return found;
}

/** The values of one weight as float32 (dequantised when the converter quantised it). */
function values(w: Located): Float32Array {
  const { spec, bytes, offset, count } = w;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const out = new Float32Array(count);
  const q = spec.quantization;
  if (!q) {
    if ((spec.dtype ?? 'float32') !== 'float32') throw new ModelFileError(`weight "${spec.name}" has dtype ${spec.dtype}; Dense weights are float32`);
    for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
    return out;
  }
  if (q.dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = half(dv.getUint16(2 * i, true));
    return out;
  }
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  for (let i = 0; i < count; i++) out[i] = (q.dtype === 'uint8' ? dv.getUint8(i) : dv.getUint16(2 * i, true)) * scale + min;
  return out;
}

/** IEEE 754 half → number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * pow2(e - 15);
}

/** A layer's weight by its name (plain "dense/kernel", or under a scope "model/dense/kernel"). */
function weightOf(ws: Map<string, Located>, layer: string, kind: 'kernel' | 'bias'): Located | null {
  const exact = ws.get(`${layer}/${kind}`);
  if (exact) return exact;
  const scoped = [...ws.keys()].filter((k) => k.endsWith(`/${layer}/${kind}`) || k.endsWith(`/${layer}/${kind}:0`) || k === `${layer}/${kind}:0`);
  return scoped.length === 1 ? ws.get(scoped[0])! : null;
}

/**
 * A Network from a TF.js layers model (model.json text or bytes, and its weight files): Dense
 * layers with backprop's activations, Activation/ReLU/LeakyReLU(0.01)/Softmax layers folded into
 * the Dense before them, Flatten and Dropout dropped (the identity at inference). Conv,
 * BatchNormalization, other activations and branching graphs are refused with the layer named.
 */
export function importTfjs(modelJson: string | Uint8Array, files: WeightFiles, o: TfjsImportOptions = {}): ImportedModel {
  const maxBytes = o.maxBytes ?? 2 ** 31;
  if (modelJson.length > maxBytes) throw new ModelFileError(`model.json is ${modelJson.length} bytes, over the ${maxBytes}-byte limit`);
  const m = parseModelJson(modelJson);
  const chain = layerChain(m.modelTopology);
  const notes: string[] = [];
  // the topology first (cheap, and it names the layer at fault), then the weights
  const plan: { layer: KerasLayer; units: number; phi: ActivationName; bias: boolean }[] = [];
  let width: number | null = null;
  for (const L of chain) {
    const c = L.config;
    const what = `layer "${L.name}" (${L.class_name})`;
    if (plan.length === 0 && width === null) width = declaredInput(c);
    switch (L.class_name) {
      case 'InputLayer':
        continue;
      case 'Dense': {
        const units = c.units;
        if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) throw new ModelFileError(`${what} has units ${JSON.stringify(units)}; it needs a positive integer`);
        elementCount([units], `${what} units`);
        plan.push({ layer: L, units, phi: activation(c.activation, L.name), bias: c.use_bias !== false });
        continue;
      }
      case 'Flatten':
        if (plan.length === 0) notes.push(`${what} dropped: backprop takes each row as one flat vector, in the same (row-major) order`);
        continue;
      case 'Activation':
      case 'ReLU':
      case 'LeakyReLU':
      case 'Softmax': {
        const last = plan[plan.length - 1];
        if (!last) throw new ModelFileError(`${what} comes before any Dense layer; backprop's activations belong to a dense layer`);
        const phi = foldedActivation(L);
        if (last.phi !== 'linear') throw new ModelFileError(`${what} follows "${last.layer.name}", which already applies ${last.phi}; two activations in a row are not one of backprop's layers`);
        last.phi = phi;
        continue;
      }
      default:
        if (DROPPED_AT_INFERENCE.has(L.class_name)) {
          if (o.dropout === 'refuse') throw new ModelFileError(`${what} refused: it is the identity at inference, but fine-tuning here would train without it`);
          notes.push(`${what} dropped: it is the identity at inference (fine-tuning here trains without it)`);
          continue;
        }
        throw new ModelFileError(`${what} cannot be imported: ${refusal(L.class_name)}`);
    }
  }
  if (plan.length === 0) throw new ModelFileError('model.json has no Dense layers; backprop imports stacks of Dense (fully connected) layers');
  const ws = locateWeights(m, files);
  const layers: DenseLayer[] = [];
  let nIn = width;
  for (const { layer, units, phi, bias } of plan) {
    const kernel = weightOf(ws, layer.name, 'kernel');
    if (!kernel) throw new ModelFileError(`the weights manifest has no kernel for layer "${layer.name}" (looked for "${layer.name}/kernel" among ${[...ws.keys()].slice(0, 6).join(', ')}${ws.size > 6 ? ', …' : ''})`);
    const shape = kernel.spec.shape;
    if (shape.length !== 2 || shape[1] !== units || (nIn !== null && shape[0] !== nIn)) {
      throw new ModelFileError(`layer "${layer.name}": kernel "${kernel.spec.name}" has shape [${shape.join(', ')}] but the topology says [${nIn ?? '?'}, ${units}] (${nIn ?? '?'} inputs, ${units} units); the weights and the topology disagree`);
    }
    const b = bias ? weightOf(ws, layer.name, 'bias') : null;
    if (bias && !b) throw new ModelFileError(`the weights manifest has no bias for layer "${layer.name}" (looked for "${layer.name}/bias")`);
    if (b && (b.spec.shape.length !== 1 || b.spec.shape[0] !== units)) throw new ModelFileError(`layer "${layer.name}": bias "${b.spec.name}" has shape [${b.spec.shape.join(', ')}] but the layer has ${units} units; the weights and the topology disagree`);
    if (!bias) notes.push(`layer "${layer.name}" has no bias: imported with bias 0 (fine-tuning here trains one)`);
    if (kernel.spec.quantization) notes.push(`layer "${layer.name}": weights were quantised to ${kernel.spec.quantization.dtype} by the converter; imported as the dequantised float32 values`);
    layers.push({ name: layer.name, nIn: shape[0], nOut: units, phi, W: denseW(values(kernel), b ? values(b) : null, shape[0], units, true, o.dtype ?? 'f32') });
    nIn = units;
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it (the record's values are unknown); the linter's program sees valibot's output type differently
  const meta = (m.userDefinedMetadata?.backprop ?? null) as { preprocessing?: unknown; spec?: { loss?: unknown } } | null;
  const output = layers[layers.length - 1].phi;
  const training = (m.trainingConfig ?? (m.modelTopology.training_config as Record<string, unknown> | undefined)) ?? null;
  const loss = ourLoss(meta?.spec?.loss, output) ?? lossFromKeras(training?.loss, output);
  const net = networkFromLayers(layers, loss, o);
  const saved = o.preprocessing !== undefined ? o.preprocessing : meta?.preprocessing ? checkPreprocessing(meta.preprocessing, 'model.json userDefinedMetadata.backprop.preprocessing') : null;
  const pre = importedPreprocessing(net, saved, null, notes, o.labels);
  return { net, preprocessing: pre, notes, source: { format: 'tfjs', producer: [m.generatedBy, m.convertedBy].filter(Boolean).join(', ') || 'unknown' } };
}

/** The loss our own export recorded, when it still fits the output. */
function ourLoss(name: unknown, output: ActivationName): LossName | null {
  try {
    return typeof name === 'string' ? checkLoss(name, output) : null;
  } catch {
    return null;
  }
}

/** The activation an Activation/ReLU/LeakyReLU/Softmax layer applies, if it is one of ours. */
function foldedActivation(L: KerasLayer): ActivationName {
  const c = L.config;
  const what = `layer "${L.name}" (${L.class_name})`;
  if (L.class_name === 'Activation') return activation(c.activation, L.name);
  if (L.class_name === 'Softmax') {
    if (c.axis !== undefined && c.axis !== -1 && !(Array.isArray(c.axis) && c.axis.length === 1 && c.axis[0] === -1)) throw new ModelFileError(`${what} is over axis ${JSON.stringify(c.axis)}, not over a row's outputs (-1)`);
    return 'softmax';
  }
  if (L.class_name === 'ReLU') {
    if (c.max_value !== undefined && c.max_value !== null) throw new ModelFileError(`${what} is capped at ${JSON.stringify(c.max_value)}; backprop's relu is not`);
    if (typeof c.threshold === 'number' && c.threshold !== 0) throw new ModelFileError(`${what} has threshold ${c.threshold}; backprop's relu switches at 0`);
    const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
    if (slope === 0) return 'relu';
    if (Math.fround(slope) === Math.fround(LEAKY_SLOPE)) return 'leaky_relu';
    throw new ModelFileError(`${what} has negative slope ${slope}; backprop's leaky relu has slope ${LEAKY_SLOPE}`);
  }
  const alpha = typeof c.alpha === 'number' ? c.alpha : typeof c.negative_slope === 'number' ? c.negative_slope : 0.3; // Keras's default
  if (Math.fround(alpha) !== Math.fround(LEAKY_SLOPE)) throw new ModelFileError(`${what} has slope alpha = ${alpha}; backprop's leaky relu has the fixed slope ${LEAKY_SLOPE}`);
  return 'leaky_relu';
}

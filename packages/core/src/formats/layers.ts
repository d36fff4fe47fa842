/**
 * A network as other tools lay it out, both ways. Ours: W^[l] is nOut × (nIn+1) with the bias in
 * column 0. Keras/TF.js: kernel K = W[:,1:]ᵀ (nIn × nOut) and bias b = W[:,0]. ONNX Gemm with
 * transB = 1 (as PyTorch's nn.Linear.weight): W[:,1:] as is (nOut × nIn). Plus what every import
 * shares: checked sizes, the loss and preprocessing an imported network gets, and its notes.
 */
import type { ActivationName } from '../activations.js';
import type { DType, Floats } from '../arena.js';
import { ConfigError, ModelFileError } from '../errors.js';
import type { Backend } from '../kernels/index.js';
import { checkLoss, type LossName } from '../losses.js';
import { Network, resolveSpec } from '../network.js';
import { identityPreprocessing, type Preprocessing } from '../preprocess.js';

/** One dense layer read from a foreign file: a^[l] = φ(K ᵀ a^[l-1] + b). */
export interface DenseLayer {
  /** The layer's name in the source file, for error messages. */
  name: string;
  nIn: number;
  nOut: number;
  phi: ActivationName;
  /** W^[l] in our layout: (nOut, nIn+1), bias in column 0. */
  W: Float32Array | Float64Array;
}

/** What an import yields: a network that trains, evaluates and predicts like one trained here. */
export interface ImportedModel {
  net: Network;
  /** The saved preprocessing when the file carries one, else the identity on n^[0] features. */
  preprocessing: Preprocessing;
  /** What the import dropped, assumed or defaulted, one sentence each (print them). */
  notes: string[];
  /** Where it came from, for the model file's meta. */
  source: { format: 'onnx' | 'tfjs'; producer: string };
}

export interface ImportOptions {
  /** Element type of the imported network's weights (default f32, as the files store them). */
  dtype?: DType;
  backend?: Backend;
  /** Refuse inputs larger than this many bytes (default 2 GiB). */
  maxBytes?: number;
  /** Class names in output order, instead of the file's (a classifier with K outputs: K names; one sigmoid output: 2). */
  labels?: string[];
}

/** Largest tensor an import accepts, in elements: checked on declared shapes before anything is allocated. */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Number of elements of a declared shape, each dimension a non-negative integer and the product
 * at most MAX_ELEMENTS (so a huge declaration fails here, before any allocation).
 */
export function elementCount(shape: readonly unknown[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new ModelFileError(`${what} has shape [${shape.join(', ')}]: every dimension must be a non-negative integer`);
    n *= d;
    if (n > MAX_ELEMENTS) throw new ModelFileError(`${what} declares shape [${shape.join(', ')}], over ${MAX_ELEMENTS.toLocaleString('en-US')} numbers; backprop refuses tensors this large (is the file corrupt?)`);
  }
  return n;
}

/**
 * W[:,1:] and W[:,0] as float32. `transposed`: the matrix as the Keras/TF.js Dense kernel
 * K = W[:,1:]ᵀ (nIn, nOut); else as is (nOut, nIn), what ONNX Gemm with transB = 1 reads. The inverse of denseW.
 */
export function matrixAndBias(W: Floats, nIn: number, nOut: number, transposed: boolean): { matrix: Float32Array; bias: Float32Array } {
  const matrix = new Float32Array(nIn * nOut); // (nIn, nOut) or (nOut, nIn)
  const bias = new Float32Array(nOut); // (nOut)
  for (let k = 0; k < nOut; k++) {
    const row = k * (nIn + 1);
    bias[k] = W[row];
    for (let i = 0; i < nIn; i++) matrix[transposed ? i * nOut + k : k * nIn + i] = W[row + 1 + i];
  }
  return { matrix, bias };
}

/**
 * W (nOut, nIn+1) from a weight matrix and a bias (null: zeros). `transposed`: the matrix is
 * (nIn, nOut), the Keras kernel; else (nOut, nIn), the Gemm transB = 1 layout.
 */
export function denseW(matrix: ArrayLike<number>, bias: ArrayLike<number> | null, nIn: number, nOut: number, transposed: boolean, dtype: DType): Float32Array | Float64Array {
  const W = dtype === 'f64' ? new Float64Array(nOut * (nIn + 1)) : new Float32Array(nOut * (nIn + 1)); // (nOut, nIn+1)
  for (let k = 0; k < nOut; k++) {
    const row = k * (nIn + 1);
    W[row] = bias ? bias[k] : 0;
    for (let i = 0; i < nIn; i++) W[row + 1 + i] = transposed ? matrix[i * nOut + k] : matrix[k * nIn + i];
  }
  return W;
}

/**
 * The network the layers describe, with their weights. Each layer's input must be the previous
 * layer's output; hidden softmax and other combinations backprop cannot train are refused with
 * the layer named. `loss`: the source's training loss when it named one, else the default for φ^[L].
 */
export function networkFromLayers(layers: DenseLayer[], loss: LossName | null, o: ImportOptions = {}): Network {
  if (layers.length === 0) throw new ModelFileError('the model has no dense layers; backprop imports stacks of Dense (fully connected) layers');
  for (let l = 1; l < layers.length; l++) {
    if (layers[l].nIn !== layers[l - 1].nOut) throw new ModelFileError(`layer "${layers[l].name}" takes ${layers[l].nIn} inputs but the layer before it ("${layers[l - 1].name}") has ${layers[l - 1].nOut} outputs; the file's shapes disagree`);
  }
  for (let l = 0; l < layers.length - 1; l++) {
    if (layers[l].phi === 'softmax') throw new ModelFileError(`layer "${layers[l].name}" is a hidden softmax; backprop allows softmax only on the output layer`);
  }
  const sizes = [layers[0].nIn, ...layers.map((L) => L.nOut)];
  const output = layers[layers.length - 1].phi;
  let spec;
  try {
    spec = resolveSpec({ sizes, hiddenActivations: layers.slice(0, -1).map((L) => L.phi), output, loss: loss ?? undefined, dtype: o.dtype ?? 'f32' });
  } catch (e) {
    if (e instanceof ConfigError) throw new ModelFileError(`the model cannot be trained here: ${e.message}`);
    throw e;
  }
  const net = new Network(spec, undefined, o.backend);
  for (let l = 0; l < layers.length; l++) net.W[l].set(layers[l].W);
  return net;
}

/** Our loss for a Keras/TF.js loss name, or null when it has none of ours (the default for φ^[L] is then used). */
export function lossFromKeras(name: unknown, output: ActivationName): LossName | null {
  if (typeof name !== 'string') return null;
  const n = name.toLowerCase().replace(/[^a-z]/g, '');
  const loss: LossName | null =
    n === 'categoricalcrossentropy' || n === 'sparsecategoricalcrossentropy' ? 'cce'
    : n === 'binarycrossentropy' ? 'bce'
    : n === 'meansquarederror' || n === 'mse' ? 'mse'
    : null;
  if (loss === null) return null;
  try {
    return checkLoss(loss, output);
  } catch {
    return null;
  }
}

/**
 * The preprocessing of an imported network: the saved one when it fits (one shift and scale per
 * input, one label per output), else the identity on n^[0] features. A classifier without label
 * names gets `labels` (from the file's metadata) or "0"…"K−1".
 */
export function importedPreprocessing(net: Network, saved: Preprocessing | null, fileLabels: string[] | null, notes: string[], given?: string[]): Preprocessing {
  const K = net.nOut;
  const classify = net.task === 'classification';
  const fits = (names: string[]) => names.length === K || (K === 1 && names.length === 2);
  if (given) {
    if (!classify) throw new ConfigError(`label names are for classifiers, but the imported network is a regression (output ${net.output})`);
    if (!fits(given) || new Set(given).size !== given.length) throw new ConfigError(`${given.length} label names given but the network has ${K} output${K === 1 ? ' (give 2 names: negative, positive)' : 's'}; give one distinct name per output`);
  }
  const labels = given ?? fileLabels;
  if (labels && classify && !fits(labels)) throw new ModelFileError(`the file names ${labels.length} labels but the network has ${K} outputs; the labels belong to another model`);
  const pre = saved ? { ...saved } : identityPreprocessing(net.nIn, null);
  if (saved) {
    const { shift, scale } = saved.normalization;
    if (shift.length !== net.nIn || scale.length !== net.nIn) {
      throw new ModelFileError(`the saved preprocessing describes ${shift.length} inputs but the network takes ${net.nIn}; the preprocessing belongs to another model`);
    }
    if (saved.labels && classify && !fits(saved.labels)) throw new ModelFileError(`the saved preprocessing names ${saved.labels.length} labels but the network has ${K} outputs; the preprocessing belongs to another model`);
  } else {
    notes.push(`no preprocessing in the file: inputs are taken as they are (features x1…x${net.nIn}, no normalisation)`);
  }
  if (given) pre.labels = given.slice();
  if (classify && !pre.labels) {
    pre.labels = labels ?? Array.from({ length: K === 1 ? 2 : K }, (_, k) => String(k));
    if (!labels) notes.push(`no label names in the file: the classes are called ${pre.labels.length <= 4 ? pre.labels.join(', ') : `0…${pre.labels.length - 1}`}`);
  }
  return pre;
}

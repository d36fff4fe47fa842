/**
 * ONNX (opset 17, IR version 8), bytes in and bytes out. Export: raw features in, outputs out —
 *   x [N, n0] → Sub(shift) → Mul(scale) → per layer: net = Gemm(a, W[:,1:], W[:,0]; transB = 1), a = φ(net) → y
 * with labels and the preprocessing in metadata_props. Import: graphs of that shape (ours, and
 * PyTorch's Linear stacks: Gemm or MatMul + Add, elementwise activations) back into a Network.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { LEAKY_SLOPE, type ActivationName } from '../activations.js';
import type { Floats } from '../arena.js';
import { ConfigError, ModelFileError } from '../errors.js';
import type { LossName } from '../losses.js';
import { checkLoss, type Network } from '../network.js';
import type { Preprocessing } from '../preprocess.js';
import { denseW, elementCount, importedPreprocessing, networkFromLayers, matrixAndBias, type DenseLayer, type ImportedModel, type ImportOptions } from './layers.js';
import {
  AttributeProto_AttributeType as AttrType, AttributeProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProto_DataLocation as DataLocation,
  TensorProto_DataType as DataType, TensorProtoSchema, ValueInfoProtoSchema,
  type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto,
} from './onnx_pb.js';
import { parseLabels, parsePreprocessing } from './preprocessing.js';

/**
 * The operator set the export targets. 17 is the lowest the issue allows, so the widest range of
 * runtimes reads the files (onnxruntime ≥ 1.13, TensorRT 8.6, OpenVINO, coremltools); none of the
 * operators used (Gemm 13, Relu 14, LeakyRelu 16, Softmax 13, Sub/Mul 14, …) changed after it.
 */
export const ONNX_OPSET = 17;
/** The IR version that opset 17 was released with (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

/** ONNX operator of each activation, with its attributes. */
const OP: Record<ActivationName, string> = {
  relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', leaky_relu: 'LeakyRelu', softplus: 'Softplus', linear: 'Identity', softmax: 'Softmax',
};

export interface OnnxExportOptions {
  /**
   * Put the saved preprocessing in the graph as Sub/Mul nodes, so raw features go in (default).
   * false: the graph takes network inputs (already normalised); the preprocessing is only in the metadata.
   */
  preprocessing?: boolean;
  /** producer_version of the file (e.g. the app's version). */
  producerVersion?: string;
  /** Model doc string; default: the architecture in words. */
  doc?: string;
}

/** The bytes of an .onnx file computing y = the network's outputs for raw features x (as `predict` takes them). */
export function exportOnnx(net: Network, pre: Preprocessing | null, o: OnnxExportOptions = {}): Uint8Array {
  const n0 = net.nIn;
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  const inGraph = o.preprocessing !== false && pre !== null; // the graph applies all of it: raw features in
  if (pre) checkExportable(net, pre, inGraph);
  let a = 'x';
  if (inGraph && pre.normalization.kind !== 'none') {
    // x' = (x − shift)·scale, the arithmetic of normalizeRows (scale = 1/std or 1/(max − min))
    const { shift, scale } = pre.normalization;
    initializer.push(tensor('preprocess.shift', [n0], Float32Array.from(shift)), tensor('preprocess.scale', [n0], Float32Array.from(scale)));
    nodes.push(node('Sub', ['x', 'preprocess.shift'], ['x_shifted'], 'preprocess/Sub'), node('Mul', ['x_shifted', 'preprocess.scale'], ['x_normalized'], 'preprocess/Mul'));
    a = 'x_normalized';
  }
  for (let l = 0; l < net.L; l++) {
    const { nIn, nOut, phi } = net.layers[l];
    const L = l + 1;
    const { matrix: weight, bias } = matrixAndBias(net.W[l], nIn, nOut, false);
    initializer.push(tensor(`layer${L}.weight`, [nOut, nIn], weight), tensor(`layer${L}.bias`, [nOut], bias));
    // net = a·W[:,1:]ᵀ + W[:,0]: Gemm with transB = 1 reads W[:,1:] in our row order
    nodes.push(node('Gemm', [a, `layer${L}.weight`, `layer${L}.bias`], [`net${L}`], `layer${L}/Gemm`, [attrF('alpha', 1), attrF('beta', 1), attrI('transB', 1)]));
    const out = L === net.L ? 'y' : `a${L}`;
    const attrs = phi === 'leaky_relu' ? [attrF('alpha', LEAKY_SLOPE)] : phi === 'softmax' ? [attrI('axis', -1)] : [];
    nodes.push(node(OP[phi], [`net${L}`], [out], `layer${L}/${OP[phi]}`, attrs));
    a = out;
  }
  const metadata = metadataOf(net, pre, inGraph);
  const describe = `${net.spec.sizes.join('-')} dense network (${net.spec.activations.join(', ')}; trained with loss ${net.spec.loss})`;
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [{ domain: '', version: BigInt(ONNX_OPSET) }],
    producerName: 'backprop',
    producerVersion: o.producerVersion ?? '',
    docString: o.doc ?? `${describe}. Input x: ${inGraph ? 'raw features; the graph applies the saved preprocessing' : pre && pre.normalization.kind !== 'none' ? 'normalised features (apply metadata "preprocessing" first)' : 'features as they are'}. Output y: ${net.task === 'classification' ? 'class probabilities in the order of metadata "labels"' : 'predicted values'}.`,
    graph: {
      name: 'backprop',
      node: nodes,
      initializer,
      input: [valueInfo('x', n0, pre ? `features in order: ${pre.features.slice(0, 20).join(', ')}${pre.features.length > 20 ? ', …' : ''}` : '')],
      output: [valueInfo('y', net.nOut, pre?.labels ? `probabilities of ${pre.labels.slice(0, 20).join(', ')}${pre.labels.length > 20 ? ', …' : ''}` : '')],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return toBinary(ModelProtoSchema, model);
}

/** Preprocessing fields the graph expresses (or that need no node: names, the source, the shape version). */
const EXPRESSED = new Set(['version', 'features', 'normalization', 'labels', 'targets', 'expand', 'source']);

/** Refuses preprocessing that Sub/Mul nodes cannot express, rather than exporting a graph that computes something else. */
function checkExportable(net: Network, pre: Preprocessing, inGraph: boolean): void {
  const { shift, scale } = pre.normalization;
  if (inGraph && pre.expand && pre.expand.length > 0) {
    throw new ConfigError(`this model derives features (${pre.expand.join(', ')}) from its raw inputs, which the ONNX graph cannot compute from x; export with preprocessing off (CLI: --no-preprocessing) and feed the derived, normalised features`);
  }
  // a step added to Preprocessing later (and not taught to this export) must not be silently left out
  const other = Object.entries(pre).filter(([k, v]) => !EXPRESSED.has(k) && v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)).map(([k]) => k);
  if (inGraph && other.length > 0) {
    throw new ConfigError(`the model's preprocessing has ${other.join(', ')}, which this ONNX export cannot express as graph nodes; export with preprocessing off (CLI: --no-preprocessing) and apply the preprocessing in metadata "preprocessing" before the graph`);
  }
  if (shift.length !== net.nIn || scale.length !== net.nIn) {
    throw new ConfigError(`the preprocessing has ${shift.length} shifts and ${scale.length} scales but the network takes ${net.nIn} inputs; the model file is damaged`);
  }
}

/** metadata_props: label names, feature names and the whole preprocessing (JSON), and where it is applied. */
function metadataOf(net: Network, pre: Preprocessing | null, inGraph: boolean): Record<string, string> {
  const m: Record<string, string> = {
    task: net.task,
    'backprop.spec': JSON.stringify({ sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss }),
  };
  if (pre) {
    if (pre.labels) m.labels = JSON.stringify(pre.labels);
    if (pre.targets) m.targets = JSON.stringify(pre.targets);
    m.features = JSON.stringify(pre.features);
    m.preprocessing = JSON.stringify(pre); // shortest round-trip decimals: the exact f64 statistics
    m.preprocessing_in_graph = String(inGraph);
  }
  return m;
}

function tensor(name: string, dims: number[], values: Float32Array): TensorProto {
  // raw_data: little-endian float32, whatever the host's byte order
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: DataType.FLOAT, rawData: raw });
}

function node(opType: string, input: string[], output: string[], name: string, attribute: AttributeProto[] = []): NodeProto {
  return create(NodeProtoSchema, { opType, input, output, name, attribute });
}

function attrF(name: string, f: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f });
}

function attrI(name: string, i: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(i) });
}

/** A float32 tensor [N, n] value with a symbolic batch size N. */
function valueInfo(name: string, n: number, doc: string): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    docString: doc,
    type: { value: { case: 'tensorType', value: { elemType: DataType.FLOAT, shape: { dim: [{ value: { case: 'dimParam', value: 'N' } }, { value: { case: 'dimValue', value: BigInt(n) } }] } } } },
  });
}

// ---------------------------------------------------------------------------------------------
// Import

/** Our activation for an ONNX elementwise operator (LeakyRelu only with backprop's slope). */
function activationOf(n: NodeProto): ActivationName | null {
  switch (n.opType) {
    case 'Relu': return 'relu';
    case 'Tanh': return 'tanh';
    case 'Sigmoid': return 'sigmoid';
    case 'Softplus': return 'softplus';
    case 'Softmax': {
      const axis = intAttr(n, 'axis', -1);
      if (axis !== -1 && axis !== 1) throw unsupported(n, `softmax over axis ${axis} is not over the outputs of a row (axis −1 or 1)`);
      return 'softmax';
    }
    case 'LeakyRelu': {
      const alpha = floatAttr(n, 'alpha', 0.01);
      if (Math.fround(alpha) !== Math.fround(LEAKY_SLOPE)) throw unsupported(n, `its slope alpha = ${alpha} differs from backprop's fixed leaky-ReLU slope ${LEAKY_SLOPE}`);
      return 'leaky_relu';
    }
    default: return null;
  }
}

function unsupported(n: NodeProto, why: string): ModelFileError {
  return new ModelFileError(`node "${n.name || n.output[0]}" (${n.opType}) cannot be imported: ${why}`);
}

function attr(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attribute.find((a) => a.name === name);
}

function intAttr(n: NodeProto, name: string, dflt: number): number {
  const a = attr(n, name);
  return a ? Number(a.i) : dflt;
}

function floatAttr(n: NodeProto, name: string, dflt: number): number {
  const a = attr(n, name);
  return a ? a.f : dflt;
}

/** A constant's values, its size checked against the declared shape before any copy. */
function constant(t: TensorProto): { dims: number[]; values: Float32Array | Float64Array } {
  const what = `tensor "${t.name}"`;
  if (t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0) {
    throw new ModelFileError(`${what} keeps its data in an external file; save the model with the weights inside it (onnx.save(model, path, save_as_external_data=False))`);
  }
  const dims = t.dims.map((d) => (d > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(d)));
  const n = elementCount(dims, what);
  const f64 = t.dataType === DataType.DOUBLE;
  if (t.dataType !== DataType.FLOAT && !f64) throw new ModelFileError(`${what} has element type ${DataType[t.dataType] ?? t.dataType}; backprop imports float32 and float64 weights`);
  const size = f64 ? 8 : 4;
  if (t.rawData.length > 0) {
    if (t.rawData.length !== n * size) throw new ModelFileError(`${what} declares shape [${dims.join(', ')}] (${n * size} bytes) but holds ${t.rawData.length} bytes; the file is damaged`);
    const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const values = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = f64 ? dv.getFloat64(8 * i, true) : dv.getFloat32(4 * i, true);
    return { dims, values };
  }
  const data = f64 ? t.doubleData : t.floatData;
  if (data.length !== n) throw new ModelFileError(`${what} declares shape [${dims.join(', ')}] (${n} numbers) but holds ${data.length}; the file is damaged`);
  return { dims, values: f64 ? Float64Array.from(data) : Float32Array.from(data) };
}

/** The input row width a graph input declares, when it says (the batch dimension excluded). */
function declaredWidth(v: ValueInfoProto): number | null {
  const t = v.type?.value.case === 'tensorType' ? v.type.value.value : null;
  if (!t?.shape || t.shape.dim.length < 2) return null;
  let n = 1;
  for (const d of t.shape.dim.slice(1)) {
    if (d.value.case !== 'dimValue') return null;
    n *= Number(d.value.value);
  }
  return n;
}

/** Affine preprocessing x' = (x − shift)·scale read from leading Sub/Add/Mul/Div nodes. */
interface Affine {
  shift: number[];
  scale: number[];
  ops: string[];
}

/**
 * A Network from an .onnx file holding a stack of dense layers: Gemm (or MatMul + Add) per layer,
 * each followed by at most one elementwise activation; optional leading Flatten and Sub/Mul/Div/Add
 * by constants (the preprocessing). Anything else is refused with the node named.
 */
export function importOnnx(bytes: Uint8Array, o: ImportOptions = {}): ImportedModel {
  const maxBytes = o.maxBytes ?? 2 ** 31;
  if (bytes.length > maxBytes) throw new ModelFileError(`the file is ${bytes.length} bytes, over the ${maxBytes}-byte limit`);
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false });
  } catch (e) {
    throw new ModelFileError(`not an ONNX model, or a truncated one (${(e as Error).message}); pass a complete .onnx file`);
  }
  const g = model.graph;
  const opset = model.opsetImport.find((s) => s.domain === '' || s.domain === 'ai.onnx');
  if (model.irVersion <= 0n || !g || !opset || g.node.length === 0) {
    throw new ModelFileError('not an ONNX model (no IR version, graph or ai.onnx operator set in it), or a truncated one; pass a complete .onnx file');
  }
  const notes: string[] = [];
  const consts = new Map<string, TensorProto>();
  for (const t of g.initializer) consts.set(t.name, t);
  for (const n of g.node) {
    if (n.opType === 'Constant' && n.output.length === 1) {
      const t = attr(n, 'value');
      if (!t?.t) throw unsupported(n, 'only tensor-valued Constant nodes are supported');
      consts.set(n.output[0], { ...t.t, name: n.output[0] });
    }
  }
  const inputs = g.input.filter((v) => !consts.has(v.name));
  if (inputs.length !== 1 || g.output.length !== 1) throw new ModelFileError(`the graph has ${inputs.length} inputs and ${g.output.length} outputs; backprop imports graphs with one input (the features) and one output`);
  const consumers = new Map<string, NodeProto[]>();
  for (const n of g.node) {
    if (n.opType === 'Constant') continue;
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw unsupported(n, `it is from operator domain "${n.domain}"; backprop reads the standard ai.onnx operators`);
    for (const i of n.input) if (!consts.has(i)) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const next = (value: string): NodeProto | null => {
    const c = consumers.get(value) ?? [];
    if (c.length > 1) throw unsupported(c[1], `"${value}" feeds ${c.length} nodes; backprop imports chains (one layer after another), not branching graphs`);
    return c[0] ?? null;
  };
  const inputName = inputs[0].name;
  const outputName = g.output[0].name;
  const layers: DenseLayer[] = [];
  const affine: Affine = { shift: [], scale: [], ops: [] };
  let width = declaredWidth(inputs[0]);
  let value = inputName;
  let n = next(value);
  while (n) {
    const other = n.input.find((i) => i !== value);
    if (layers.length === 0 && (n.opType === 'Flatten' || n.opType === 'Reshape')) {
      if (n.opType === 'Flatten' && intAttr(n, 'axis', 1) !== 1) throw unsupported(n, 'only Flatten over axis 1 (each row to one vector) is supported');
      if (n.opType === 'Reshape') {
        const shape = other && consts.has(other) ? constantInts(consts.get(other)!) : null;
        if (!shape || shape.length !== 2 || (shape[0] !== -1 && shape[0] !== 0)) throw unsupported(n, 'only a Reshape of each row into one vector ([-1, n]) is supported');
        if (shape[1] > 0) width = shape[1];
      }
      notes.push(`${n.opType} "${n.name || n.output[0]}" dropped: backprop takes each row as one flat vector, in the same order`);
    } else if (layers.length === 0 && ['Sub', 'Add', 'Mul', 'Div'].includes(n.opType) && other !== undefined && consts.has(other)) {
      if (n.input[0] !== value) throw unsupported(n, 'the constant must be the second operand (x − c, x / c)');
      applyAffine(affine, n, constant(consts.get(other)!).values);
    } else if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      const layer = denseLayer(n, value, consts, next, o);
      if (width !== null && layers.length === 0 && width !== layer.layer.nIn) throw new ModelFileError(`the graph input "${inputName}" has ${width} features per row but node "${n.name || n.output[0]}" takes ${layer.layer.nIn}; the file's shapes disagree`);
      layers.push(layer.layer);
      n = layer.last;
    } else if (layers.length > 0 && (n.opType === 'Identity' || n.opType === 'Dropout')) {
      if (n.opType === 'Dropout') notes.push(`Dropout "${n.name || n.output[0]}" dropped: it is the identity at inference (fine-tuning here trains without dropout)`);
    } else {
      const phi = layers.length > 0 ? activationOf(n) : null;
      if (!phi) throw unsupported(n, layers.length === 0 ? 'only Flatten and Sub/Add/Mul/Div by constants may come before the first Gemm or MatMul' : 'backprop networks are dense layers (Gemm, MatMul + Add) with relu, tanh, sigmoid, leaky relu (slope 0.01), softplus, softmax or no activation');
      const last = layers[layers.length - 1];
      if (last.phi !== 'linear') throw unsupported(n, `layer "${last.name}" already has the activation ${last.phi}; two activations in a row are not one of backprop's layers`);
      last.phi = phi;
    }
    value = n.output[0];
    if (value === outputName) break;
    n = next(value);
  }
  if (value !== outputName) throw new ModelFileError(`the chain of nodes from "${inputName}" ends at "${value}", not at the graph output "${outputName}"; backprop imports one chain of layers from input to output`);
  const saved = metadataPreprocessing(model);
  const spec = metadata(model, 'backprop.spec');
  let loss: LossName | null = null;
  if (spec) {
    try {
      loss = checkLoss(String((JSON.parse(spec) as { loss?: unknown }).loss), layers[layers.length - 1].phi);
    } catch {
      loss = null;
    }
  }
  const net = networkFromLayers(layers, loss, o);
  const labels = metadata(model, 'labels');
  const pre = importedPreprocessing(net, resolvePreprocessing(saved, affine, net.nIn, notes), labels === undefined ? null : parseLabels(labels, 'the ONNX metadata "labels"'), notes, o.labels);
  return { net, preprocessing: pre, notes, source: { format: 'onnx', producer: `${model.producerName || 'unknown'}${model.producerVersion ? ` ${model.producerVersion}` : ''}`.trim() } };
}

function constantInts(t: TensorProto): number[] | null {
  if (t.dataType !== DataType.INT64 || t.rawData.length % 8 !== 0 || t.rawData.length > 64) return null;
  const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
  return Array.from({ length: t.rawData.length / 8 }, (_, i) => Number(dv.getBigInt64(8 * i, true)));
}

/** One Gemm (or MatMul, with the Add after it) as a dense layer; `last` is the node that ends it. */
function denseLayer(n: NodeProto, value: string, consts: Map<string, TensorProto>, next: (v: string) => NodeProto | null, o: ImportOptions): { layer: DenseLayer; last: NodeProto } {
  const name = n.name || n.output[0];
  if (n.input[0] !== value || !consts.has(n.input[1])) throw unsupported(n, 'the weights must be a constant (initializer) second input');
  const B = constant(consts.get(n.input[1])!);
  if (B.dims.length !== 2) throw unsupported(n, `its weight "${n.input[1]}" has ${B.dims.length} dimensions, not 2`);
  let transposed: boolean; // true: B is (nIn, nOut), the Keras kernel; false: (nOut, nIn)
  let biasName: string | undefined;
  let last = n;
  if (n.opType === 'Gemm') {
    if (floatAttr(n, 'alpha', 1) !== 1 || floatAttr(n, 'beta', 1) !== 1) throw unsupported(n, 'only alpha = beta = 1 (a plain A·B + C) is supported');
    if (intAttr(n, 'transA', 0) !== 0) throw unsupported(n, 'transA = 1 (a transposed input) is not a dense layer on rows');
    transposed = intAttr(n, 'transB', 0) === 0;
    biasName = n.input[2] || undefined;
  } else {
    transposed = true;
    const add = next(n.output[0]);
    if (add && add.opType === 'Add') {
      biasName = add.input.find((i) => i !== n.output[0]);
      last = add;
    }
  }
  const nIn = transposed ? B.dims[0] : B.dims[1];
  const nOut = transposed ? B.dims[1] : B.dims[0];
  let bias: Float32Array | Float64Array | null = null;
  if (biasName !== undefined) {
    const t = consts.get(biasName);
    if (!t) throw unsupported(last, `its bias "${biasName}" is not a constant`);
    bias = constant(t).values;
    if (bias.length !== nOut) throw new ModelFileError(`node "${name}": bias "${biasName}" has ${bias.length} numbers but the weight "${n.input[1]}" has ${nOut} outputs; the file's shapes disagree`);
  }
  return { layer: { name, nIn, nOut, phi: 'linear', W: denseW(B.values, bias, nIn, nOut, transposed, o.dtype ?? 'f32') }, last };
}

/** Folds x ← x − c, x + c, x·c, x / c into x' = (x − shift)·scale. */
function applyAffine(t: Affine, n: NodeProto, c: Floats): void {
  const m = Math.max(t.shift.length, c.length);
  const at = (v: Floats | number[], j: number, dflt: number) => (v.length === 0 ? dflt : v.length === 1 ? v[0] : v[j]);
  const shift: number[] = [];
  const scale: number[] = [];
  if (t.shift.length > 1 && c.length > 1 && c.length !== t.shift.length) throw unsupported(n, `its constant has ${c.length} numbers but the one before it has ${t.shift.length}`);
  for (let j = 0; j < m; j++) {
    let s0 = at(t.shift, j, 0);
    let k = at(t.scale, j, 1);
    const v = at(c, j, 0);
    // (x − s0)·k op v, kept in the form (x − s)·k
    if (n.opType === 'Sub') s0 += v / k;
    else if (n.opType === 'Add') s0 -= v / k;
    else if (n.opType === 'Mul') k *= v;
    else k /= v;
    if (!Number.isFinite(s0) || !Number.isFinite(k) || k === 0) throw unsupported(n, 'its constant makes the preprocessing degenerate (a zero or infinite scale)');
    shift.push(s0);
    scale.push(k);
  }
  t.ops.push(n.opType);
  t.shift = shift;
  t.scale = scale;
}

function metadata(model: ModelProto, key: string): string | undefined {
  return model.metadataProps.find((p) => p.key === key)?.value;
}

/** The preprocessing saved in metadata_props (ours), with whether the graph applies it. */
function metadataPreprocessing(model: ModelProto): { pre: Preprocessing; inGraph: boolean } | null {
  const json = metadata(model, 'preprocessing');
  if (json === undefined) return null;
  const pre = parsePreprocessing(json, 'the ONNX metadata "preprocessing"');
  return { pre, inGraph: metadata(model, 'preprocessing_in_graph') === 'true' };
}

/**
 * The imported model's preprocessing: the saved one (exact numbers) when the graph's own Sub/Mul
 * agree with it; else the graph's affine steps as shift and scale; else none.
 */
function resolvePreprocessing(saved: { pre: Preprocessing; inGraph: boolean } | null, affine: Affine, n0: number, notes: string[]): Preprocessing | null {
  const has = affine.ops.length > 0;
  if (has && affine.shift.length !== 1 && affine.shift.length !== n0) throw new ModelFileError(`the graph's preprocessing constants have ${affine.shift.length} numbers but the first layer takes ${n0} inputs; the file's shapes disagree`);
  const widen = (v: number[]) => (v.length === 1 ? new Array<number>(n0).fill(v[0]) : v);
  if (saved) {
    const { shift, scale } = saved.pre.normalization;
    const nodes = saved.inGraph && saved.pre.normalization.kind !== 'none';
    if (nodes !== has) throw new ModelFileError(`the metadata says the ${saved.pre.normalization.kind} normalisation is ${nodes ? '' : 'not '}in the graph, but the graph ${has ? 'has' : 'has no'} Sub/Mul steps before the first layer; the file was modified`);
    if (has) {
      const s = widen(affine.shift);
      const k = widen(affine.scale);
      const agree = shift.length === n0 && shift.every((v, j) => Math.abs(Math.fround(v) - s[j]) <= 1e-6 * (1 + Math.abs(v)) && Math.abs(Math.fround(scale[j]) - k[j]) <= 1e-6 * (1 + Math.abs(scale[j])));
      if (!agree) throw new ModelFileError('the graph\'s Sub/Mul constants differ from the preprocessing in its metadata; the file was modified');
    }
    return saved.pre;
  }
  if (!has) return null;
  notes.push(`the graph's leading ${affine.ops.join(', ')} by constants became the model's normalisation x' = (x − shift)·scale`);
  return {
    features: Array.from({ length: n0 }, (_, i) => `x${i + 1}`),
    normalization: { kind: 'zscore', shift: widen(affine.shift), scale: widen(affine.scale) },
    labels: null,
  };
}

/**
 * Model files, format version 1 (bytes in, bytes out: the same code in browsers and Node).
 *
 *   offset 0   "BPNN"                 magic
 *          4   u32 LE  version        (1)
 *          8   u32 LE  header bytes   H
 *         12   u32 LE  CRC-32 of everything after byte 16
 *         16   header: UTF-8 JSON (ModelHeader), padded with spaces to a multiple of 8
 *     16 + H   sections: raw little-endian floats, each at the offset its header entry gives
 *
 * The header holds the architecture (NetworkSpec), preprocessing, training config and
 * state, and the section table; `params` is the flat W vector (bias in column 0 of each
 * layer's rows). Reading parses JSON only (never evaluates code), validates the whole header
 * against a schema (valibot) so a crafted file fails with a ModelFileError naming the field,
 * and checks every size against the file before making a view.
 */
import * as v from 'valibot';
import { ACTIVATIONS } from './activations.js';
import type { DType, Floats } from './arena.js';
import { ConfigError, ModelFileError } from './errors.js';
import type { Backend } from './kernels/index.js';
import { LOSSES } from './losses.js';
import { layerTable, Network, resolveSpec, type NetworkSpec } from './network.js';
import { OPTIMIZERS, type OptimizerConfig, type OptimizerState } from './optimizers.js';
import { utf8Decode, utf8Encode } from './platform.js';
import { parsePreprocessing, PreprocessingSchema, type Preprocessing } from './preprocess.js';
import { SEED_MAX } from './rng.js';
import { Trainer, type EarlyStopping, type ResolvedTrainConfig, type TrainerState } from './trainer.js';

export const FORMAT_VERSION = 1;
const MAGIC = [0x42, 0x50, 0x4e, 0x4e]; // "BPNN"
const MAX_HEADER = 64 * 1024 * 1024;

interface Section {
  name: string;
  dtype: DType;
  offset: number; // bytes from the start of the body
  length: number; // elements
}

export interface ModelHeader {
  format: 'backprop-model';
  version: number;
  spec: NetworkSpec;
  preprocessing: Preprocessing | null;
  training: {
    config: ResolvedTrainConfig;
    state: TrainerState;
    optimizer: { t: number; vectors: string[] };
  } | null;
  meta: Record<string, unknown>;
  sections: Section[];
}

/** What a model file holds once read. */
export interface ModelFile {
  net: Network;
  preprocessing: Preprocessing | null;
  training: {
    config: ResolvedTrainConfig;
    state: TrainerState;
    optimizer: OptimizerState;
    bestParams: Floats | null;
  } | null;
  meta: Record<string, unknown>;
}

// The header schema. Numbers carry their ranges, so a value the code would trip over (a null
// section, a negative batch size, a 1e300 layer) is refused here, with its dotted path.
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const unitInterval = v.pipe(v.number(), v.minValue(0), v.ltValue(1));
const score = v.nullable(finite);

const EpochEventSchema = v.object({
  epoch: int(1), epochs: int(1), step: int(0), loss: finite, accuracy: score, valLoss: score, valAccuracy: score,
  samplesPerSec: nonNegative, seconds: nonNegative,
});

const HeaderSchema = v.object({
  format: v.literal('backprop-model'),
  version: int(1),
  spec: v.object({
    sizes: v.pipe(v.array(int(1, 2 ** 31 - 1)), v.minLength(2)),
    activations: v.array(v.picklist(ACTIVATIONS)),
    loss: v.picklist(LOSSES),
    dtype: v.picklist(['f32', 'f64']),
  }),
  preprocessing: v.nullable(PreprocessingSchema),
  training: v.nullable(v.object({
    config: v.object({
      epochs: int(1), batchSize: int(1), shardSize: int(1), seed: int(0, SEED_MAX), validationSplit: unitInterval,
      optimizer: v.object({
        name: v.picklist(OPTIMIZERS), lr: positive, momentum: unitInterval, beta1: unitInterval, beta2: unitInterval, eps: positive, l1: nonNegative, l2: nonNegative,
      }),
      earlyStopping: v.nullable(v.object({ patience: int(1), minDelta: nonNegative, restoreBest: v.boolean() })),
    }),
    state: v.object({
      epoch: int(0), batchInEpoch: int(0), step: int(0), epochLoss: finite, epochCorrect: int(0), epochSeen: int(0),
      best: v.nullable(finite), wait: int(0), history: v.array(EpochEventSchema),
    }),
    optimizer: v.object({ t: int(0), vectors: v.array(v.picklist(['m', 'v'])) }),
    kernels: v.optional(v.string()),
  })),
  meta: v.record(v.string(), v.unknown()),
  sections: v.array(v.object({
    name: v.pipe(v.string(), v.regex(/^(params|bestParams|optimizer\.[mv])$/, 'expected params, bestParams, optimizer.m or optimizer.v')),
    dtype: v.picklist(['f32', 'f64']),
    offset: int(0),
    length: int(0),
  })),
});

/** The header as JSON gave it, checked against the schema: the first problem names its field. */
function parseHeader(json: unknown): ModelHeader {
  const r = v.safeParse(HeaderSchema, json);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = v.getDotPath(issue) ?? 'header';
  const what = issue.message.replace(/^Invalid (\w+): (\w)/, (_, kind: string, c: string) => `invalid ${kind}: ${c.toLowerCase()}`);
  fail(`model file header field ${path} is wrong (${what}); the file is corrupt or was edited by hand`);
}

/** Fields that are each valid but do not fit together or with the network. */
function checkHeaderFits(h: ModelHeader, spec: NetworkSpec): void {
  const nIn = spec.sizes[0];
  const nOut = spec.sizes[spec.sizes.length - 1];
  const names = new Set<string>();
  for (const s of h.sections) {
    if (names.has(s.name)) fail(`model file header lists section ${s.name} twice; the file is corrupt`);
    names.add(s.name);
  }
  const pre = h.preprocessing;
  if (pre) {
    if (!pre.expand && pre.features.length !== nIn) fail(`model file header: preprocessing.features has ${pre.features.length} names but the network takes ${nIn} inputs; the file is corrupt`);
    if (pre.normalization.shift.length !== pre.features.length) fail(`model file header: preprocessing.normalization has ${pre.normalization.shift.length} shift values for ${pre.features.length} features; the file is corrupt`);
    if (pre.labels && !(pre.labels.length === nOut || (nOut === 1 && pre.labels.length === 2))) fail(`model file header: preprocessing.labels has ${pre.labels.length} names but the network has ${nOut} outputs; the file is corrupt`);
    if (pre.targets && pre.targets.length !== nOut) fail(`model file header: preprocessing.targets has ${pre.targets.length} names but the network has ${nOut} outputs; the file is corrupt`);
  }
  const t = h.training;
  if (t) {
    const name = t.config.optimizer.name;
    const want = name === 'adam' ? ['m', 'v'] : name === 'sgd' ? [] : ['v'];
    if (t.optimizer.vectors.length !== want.length || want.some((w) => !t.optimizer.vectors.includes(w))) {
      fail(`model file header: training.optimizer.vectors is [${t.optimizer.vectors.join(', ')}] but ${name} keeps [${want.join(', ')}]; the file is corrupt`);
    }
  }
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE), to tell a corrupted file from a valid one. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface SaveOptions {
  preprocessing?: Preprocessing | null;
  /** Include the optimizer state and loop position so training can resume exactly. */
  trainer?: Trainer | null;
  meta?: Record<string, unknown>;
}

/** Serialises a network (and optionally its trainer) into the bytes of a model file. */
export function saveModel(net: Network, opts: SaveOptions = {}): Uint8Array {
  const vectors: [string, Floats][] = [['params', net.params]];
  const t = opts.trainer ?? null;
  if (t) {
    for (const [name, v] of Object.entries(t.optimizer.state.vectors)) vectors.push([`optimizer.${name}`, v]);
    if (t.bestParams) vectors.push(['bestParams', t.bestParams]);
  }
  const sections: Section[] = [];
  let body = 0;
  for (const [name, v] of vectors) {
    sections.push({ name, dtype: v instanceof Float64Array ? 'f64' : 'f32', offset: body, length: v.length });
    body += v.byteLength;
  }
  const header: ModelHeader = {
    format: 'backprop-model',
    version: FORMAT_VERSION,
    spec: net.spec,
    preprocessing: opts.preprocessing ?? null,
    training: t
      ? { config: t.config, state: t.state, optimizer: { t: t.optimizer.state.t, vectors: Object.keys(t.optimizer.state.vectors) } }
      : null,
    meta: opts.meta ?? {},
    sections,
  };
  const json = utf8Encode(JSON.stringify(header));
  const H = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(16 + H + body);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, H, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, 16 + H);
  for (let s = 0; s < sections.length; s++) writeFloats(out, 16 + H + sections[s].offset, vectors[s][1]);
  dv.setUint32(12, crc32(out.subarray(16)), true);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeFloats(out: Uint8Array, at: number, v: Floats): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset);
  const f64 = v instanceof Float64Array;
  for (let i = 0; i < v.length; i++) {
    if (f64) dv.setFloat64(at + 8 * i, v[i], true);
    else dv.setFloat32(at + 4 * i, v[i], true);
  }
}

function readFloats(bytes: Uint8Array, at: number, dtype: DType, n: number): Floats {
  const out = dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, n * out.BYTES_PER_ELEMENT);
  for (let i = 0; i < n; i++) out[i] = dtype === 'f64' ? dv.getFloat64(8 * i, true) : dv.getFloat32(4 * i, true);
  return out;
}

function fail(msg: string): never {
  throw new ModelFileError(`${msg}`);
}

/** Reads a model file, checking magic, version, sizes, checksum and architecture. */
export function loadModel(bytes: Uint8Array, opts: { maxBytes?: number; backend?: Backend } = {}): ModelFile {
  const maxBytes = opts.maxBytes ?? 2 ** 31;
  if (bytes.length > maxBytes) fail(`model file is ${bytes.length} bytes, over the ${maxBytes}-byte limit; is this really a backprop model?`);
  if (bytes.length < 16 || MAGIC.some((m, i) => bytes[i] !== m)) fail('not a backprop model file (the first bytes are not "BPNN"); pass a file written by `backprop train` or saveModel()');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version > FORMAT_VERSION) fail(`model file has format version ${version}, newer than this backprop reads (${FORMAT_VERSION}); upgrade backprop to read it`);
  if (version < 1) fail(`model file has an invalid format version ${version}; the file is corrupt`);
  const H = dv.getUint32(8, true);
  if (H > MAX_HEADER || 16 + H > bytes.length) fail(`model file is truncated: its header claims ${H} bytes but the file has ${bytes.length - 16} after the preamble; copy the file again`);
  if (crc32(bytes.subarray(16)) !== dv.getUint32(12, true)) fail('model file is corrupt: its checksum does not match (truncated or modified); copy it again or retrain');
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(bytes.subarray(16, 16 + H)));
  } catch {
    fail('model file header is not valid JSON; the file is corrupt');
  }
  const header = parseHeader(json);
  if (header.version !== version) fail(`model file header says version ${header.version} but the preamble says ${version}; the file is corrupt`);
  const acts = header.spec.activations;
  if (acts.length !== header.spec.sizes.length - 1) fail(`model file header: spec.activations has ${acts.length} entries for ${header.spec.sizes.length - 1} layers; the file is corrupt`);
  let spec: NetworkSpec;
  try {
    spec = resolveSpec({ sizes: header.spec.sizes, hiddenActivations: acts.slice(0, -1), output: acts[acts.length - 1], loss: header.spec.loss, dtype: header.spec.dtype });
  } catch (e) {
    fail(`model file describes an invalid network: ${e instanceof ConfigError ? e.message : String(e)}`);
  }
  checkHeaderFits(header, spec);
  const { P } = layerTable(spec);
  const bodyStart = 16 + H;
  const sections = new Map<string, Floats>();
  for (const s of header.sections) {
    const esize = s.dtype === 'f64' ? 8 : 4;
    if (bodyStart + s.offset + s.length * esize > bytes.length) fail(`model file is truncated: section ${s.name} needs ${s.length * esize} bytes past the end of the file`);
    if (s.length !== P) fail(`section ${s.name} has ${s.length} numbers but the architecture ${spec.sizes.join('-')} has ${P} parameters`);
    if (s.dtype !== spec.dtype) fail(`section ${s.name} is ${s.dtype} but the network is ${spec.dtype}`);
    sections.set(s.name, readFloats(bytes, bodyStart + s.offset, s.dtype, s.length));
  }
  const params = sections.get('params') ?? fail('model file has no params section');
  const net = new Network(spec, undefined, opts.backend);
  net.params.set(params);
  let training: ModelFile['training'] = null;
  if (header.training) {
    const vectors: Record<string, Floats> = {};
    for (const name of header.training.optimizer.vectors) vectors[name] = sections.get(`optimizer.${name}`) ?? fail(`model file lacks optimizer state "${name}"`);
    training = {
      config: header.training.config,
      state: header.training.state,
      optimizer: { t: header.training.optimizer.t, vectors },
      bestParams: sections.get('bestParams') ?? null,
    };
  }
  // the schema checked each field; the cross-checks (lengths that must agree, shape version) are parsePreprocessing's
  const preprocessing = header.preprocessing === null ? null : parsePreprocessing(header.preprocessing, 'model file header: preprocessing');
  return { net, preprocessing, training, meta: header.meta };
}

/** Settings a resumed run may change; the new values are saved with its next checkpoint or model. */
export interface ResumeOverrides {
  epochs?: number;
  optimizer?: Partial<Pick<OptimizerConfig, 'lr' | 'momentum' | 'beta1' | 'beta2' | 'l1' | 'l2'>>;
  earlyStopping?: EarlyStopping | null;
  memoryBudget?: number;
}

/**
 * A Trainer that continues the run saved in a model file: bit-identically when nothing is
 * overridden; with a new lr (or epochs, …) it continues from the same state with that setting.
 */
export function resumeTrainer(file: ModelFile, overrides: ResumeOverrides = {}): Trainer {
  if (!file.training) throw new ConfigError('this model file has no training state (it was saved without a trainer); train a new model, or save checkpoints with the trainer');
  const { config, state, optimizer, bestParams } = file.training;
  const trainer = new Trainer(file.net, {
    ...config,
    epochs: overrides.epochs ?? config.epochs,
    optimizer: { ...config.optimizer, ...overrides.optimizer },
    earlyStopping: overrides.earlyStopping === undefined ? config.earlyStopping : overrides.earlyStopping,
    memoryBudget: overrides.memoryBudget,
  });
  trainer.restore(state, optimizer, bestParams);
  return trainer;
}

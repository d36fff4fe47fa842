/**
 * Network of L dense layers on one flat parameter vector: W^[l] is a view of shape
 * n^[l] × (n^[l-1]+1), bias in column 0. Batched forward and backward (mean-free sums of
 * per-sample δ·xᵀ) live side by side; `reference.ts` keeps the per-sample path of the note.
 */
import { ACTIVATIONS, HIDDEN_ACTIVATIONS, type ActivationName } from './activations.js';
import { align, bytesOf, type Arena, type DType, type Floats } from './arena.js';
import { DEFAULTS, defaultLoss } from './defaults.js';
import { ConfigError, ShapeError } from './errors.js';
import { checkInit, defaultInit, initLayer, type InitName } from './init.js';
import { SUM_ROWS, type Backend, type Kernels, type WeightGradMode } from './kernels/index.js';
import { jsBackend } from './kernels/js.js';
import { LOSSES, lossSum, outputDelta, type LossName } from './losses.js';
import { checkSeed, Rng } from './rng.js';
import { groupRows } from './shard.js';

/** What a user writes to describe a network. */
export interface NetworkConfig {
  /** [n^[0], n^[1], …, n^[L]]: inputs, hidden sizes, outputs. */
  sizes: number[];
  /** φ of every hidden layer (the note uses one φ for all). Default relu (DEFAULTS.activation). */
  activation?: ActivationName;
  /** Per-layer override for layers 1…L−1 (length L−1). */
  hiddenActivations?: ActivationName[];
  /** φ of layer L. Default softmax. */
  output?: ActivationName;
  /** Default: cce for softmax, bce for sigmoid, mse otherwise (defaultLoss). */
  loss?: LossName;
  dtype?: DType;
}

/** A checked, complete description: everything needed to rebuild the views. */
export interface NetworkSpec {
  sizes: number[];
  activations: ActivationName[]; // length L: φ of layers 1…L
  loss: LossName;
  dtype: DType;
}

export interface LayerInfo {
  nIn: number;
  nOut: number;
  phi: ActivationName;
  /** Index of W^[l][0][0] in the flat parameter vector. */
  offset: number;
  /** nOut · (nIn + 1). */
  size: number;
}

/** Checks an activation name and says which ones exist. */
function checkActivation(name: string, where: string): ActivationName {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown activation "${name}" for ${where}; use one of ${ACTIVATIONS.join(', ')}`);
  }
  return name as ActivationName;
}

/** Checks a loss name and its pairing with the output activation. */
export function checkLoss(name: string, output: ActivationName): LossName {
  if (!(LOSSES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown loss "${name}"; use one of ${LOSSES.join(', ')} (mse = ½Σ(y−a)², cce = categorical cross-entropy, bce = binary cross-entropy)`);
  }
  if ((name === 'cce' || name === 'bce') && output !== 'softmax' && output !== 'sigmoid') {
    throw new ConfigError(`loss "${name}" takes log a, so it needs outputs in (0, 1); use output "softmax" (or "sigmoid"), not "${output}"`);
  }
  return name as LossName;
}

/** Validates a config and fills the defaults. */
export function resolveSpec(config: NetworkConfig): NetworkSpec {
  const sizes = config.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ConfigError(`sizes must list at least the input and output sizes, e.g. [784, 128, 10]; got ${JSON.stringify(sizes)}`);
  }
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(`layer sizes must be positive integers; got ${JSON.stringify(sizes)}`);
  }
  const L = sizes.length - 1;
  const hidden = checkActivation(config.activation ?? DEFAULTS.activation, 'the hidden layers');
  const output = checkActivation(config.output ?? DEFAULTS.output, 'the output layer');
  const per = config.hiddenActivations;
  if (per && per.length !== L - 1) {
    throw new ConfigError(`hiddenActivations has ${per.length} entries but the network has ${L - 1} hidden layers; give one per hidden layer`);
  }
  const activations: ActivationName[] = [];
  for (let l = 1; l < L; l++) {
    const phi = per ? checkActivation(per[l - 1], `hidden layer ${l}`) : hidden;
    if (!(HIDDEN_ACTIVATIONS as readonly string[]).includes(phi)) {
      throw new ConfigError(`softmax mixes a whole layer and is only for the output; layer ${l} is hidden: use relu, tanh, sigmoid, leaky_relu, softplus or linear there`);
    }
    activations.push(phi);
  }
  activations.push(output);
  const loss = checkLoss(config.loss ?? defaultLoss(output), output);
  if (output === 'softmax' && sizes[L] < 2) {
    throw new ConfigError('softmax over a single output is always 1; use output "sigmoid" with loss "bce" for one class, or 2+ outputs');
  }
  const dtype = config.dtype ?? DEFAULTS.dtype;
  if (dtype !== 'f32' && dtype !== 'f64') throw new ConfigError(`dtype must be "f32" or "f64"; got "${String(dtype)}"`);
  return { sizes: sizes.slice(), activations, loss, dtype };
}

/** Layer table of a spec: sizes and offsets into the flat parameter vector. */
export function layerTable(spec: NetworkSpec): { layers: LayerInfo[]; P: number } {
  const layers: LayerInfo[] = [];
  let offset = 0;
  for (let l = 1; l < spec.sizes.length; l++) {
    const nIn = spec.sizes[l - 1];
    const nOut = spec.sizes[l];
    const size = nOut * (nIn + 1);
    layers.push({ nIn, nOut, phi: spec.activations[l - 1], offset, size });
    offset += size;
  }
  return { layers, P: offset };
}

/** One view per layer into a flat vector laid out like the parameters (weights or gradients). */
function layerViews(flat: Floats, layers: LayerInfo[]): Floats[] {
  return layers.map((L) => flat.subarray(L.offset, L.offset + L.size));
}

/** Writes the weight gradient of layer l (0-based) in a `backwardRows` call: x and δ are its B rows (a writer may cut them into shards). */
export type LayerWeights = (l: number, x: Floats, delta: Floats, B: number, nIn: number, nOut: number) => void;

/** Views of some rows of a workspace: X, Y and each layer's net, a, δ. */
export interface RowViews {
  X: Floats;
  Y: Floats;
  net: Floats[];
  a: Floats[];
  delta: Floats[];
}

/** Per-shard scratch: gathered inputs and targets, and net, a, δ for every layer. */
export class Workspace {
  readonly maxB: number;
  readonly X: Floats; // (maxB, n0)
  readonly Y: Floats; // (maxB, nL)
  readonly net: Floats[]; // net[l-1]: (maxB, n^[l])
  readonly a: Floats[]; //   a[l-1]:   (maxB, n^[l])
  readonly delta: Floats[]; // delta[l-1]: (maxB, n^[l]); also holds ∂L/∂a before φ' is applied
  /** The arena holding all of the above (a transient workspace gives it back with backend.release). */
  readonly arena: Arena;

  constructor(spec: NetworkSpec, maxB: number, ar: Arena) {
    const { sizes, dtype } = spec;
    this.maxB = maxB;
    this.arena = ar;
    this.X = ar.floats(dtype, maxB * sizes[0]);
    this.Y = ar.floats(dtype, maxB * sizes[sizes.length - 1]);
    this.net = [];
    this.a = [];
    this.delta = [];
    for (let l = 1; l < sizes.length; l++) {
      const n = maxB * sizes[l];
      const net = ar.floats(dtype, n);
      this.net.push(net);
      // linear layers keep a = net: one buffer, no copy
      this.a.push(spec.activations[l - 1] === 'linear' ? net : ar.floats(dtype, n));
      this.delta.push(ar.floats(dtype, n));
    }
  }

  /** Views of the shards' rows, by shard size (built once: a step allocates nothing). */
  private readonly shardViewCache = new Map<number, RowViews[]>();

  /**
   * For shards of `rows` rows, shard i's views of X, Y, net, a and δ from its first row i·rows
   * to the end of each buffer (kernels read only the rows they are given).
   */
  shardViews(rows: number): RowViews[] {
    let views = this.shardViewCache.get(rows);
    if (!views) {
      views = [];
      for (let r0 = 0; r0 < this.maxB; r0 += rows) {
        const from = (v: Floats) => v.subarray((r0 * v.length) / this.maxB);
        views.push({ X: from(this.X), Y: from(this.Y), net: this.net.map(from), a: this.a.map(from), delta: this.delta.map(from) });
      }
      this.shardViewCache.set(rows, views);
    }
    return views;
  }

  /** Arena bytes a workspace of this size needs. */
  static bytes(spec: NetworkSpec, maxB: number): number {
    const e = bytesOf(spec.dtype);
    const s = spec.sizes;
    let total = align(maxB * s[0] * e) + align(maxB * s[s.length - 1] * e);
    for (let l = 1; l < s.length; l++) total += 3 * align(maxB * s[l] * e);
    return total + 64;
  }
}

/** The most memory a run may plan for when no budget is given (a backend's own maximum can be lower). */
export const DEFAULT_MEMORY_BUDGET = 4 * 2 ** 30;

/** Bytes a training run needs, by part, computed before anything is allocated. */
export interface MemoryPlan {
  /** W (P numbers), the Trainer's pre-step backup, and the best weights when early stopping keeps them. */
  params: number;
  /** Optimizer state vectors: 0 (sgd), 1 (momentum, nesterov) or 2 (adam) of P numbers. */
  optimizer: number;
  /**
   * The gradient (P numbers) and each shard's statistics, plus one slot of P numbers per shard
   * on this thread's engine for shards past SUM_ROWS rows (none on workers: core BatchGradient).
   */
  gradients: number;
  /** net, a, δ of every layer for a group of shards on this thread (`groupRows`), or for the whole batch on workers (shared by all), and the evaluation chunk. */
  scratch: number;
  total: number;
}

/**
 * What `Trainer.fit` will allocate for `spec`: the same sums as the allocators (Network params,
 * Optimizer vectors, GradientSlots or BatchGradient, the evaluation workspace).
 */
export function trainingBytes(spec: NetworkSpec, o: { batchSize: number; shardSize: number; optimizer?: string; workers?: number; earlyStopping?: boolean }): MemoryPlan {
  const e = bytesOf(spec.dtype);
  const { P } = layerTable(spec);
  const vectors = o.optimizer === 'adam' ? 2 : o.optimizer === 'momentum' || o.optimizer === 'nesterov' ? 1 : 0;
  const shards = Math.ceil(o.batchSize / o.shardSize);
  const params = (o.earlyStopping ? 3 : 2) * P * e;
  const optimizer = vectors * P * e;
  const workers = o.workers ?? 1;
  const slots = workers <= 1 && o.shardSize > SUM_ROWS; // LocalEngine: shard sums straight into the gradient up to SUM_ROWS rows
  const gradients = ((slots ? shards : 0) + 1) * P * e + shards * 16;
  const engine = Workspace.bytes(spec, workers <= 1 ? groupRows(o.batchSize, o.shardSize) : o.batchSize); // LocalEngine's group, or the whole batch once for every lane
  const scratch = engine + Workspace.bytes(spec, Math.min(256, o.batchSize));
  return { params, optimizer, gradients, scratch, total: params + optimizer + gradients + scratch };
}

/** "1.5 GiB", "12 KiB", "3.2e13 bytes" for sizes beyond TiB. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  if (!Number.isFinite(x) || x >= 1024) return `${n.toExponential(1)} bytes`;
  return i === 0 ? `${n} bytes` : `${x.toFixed(1)} ${units[i]}`;
}

/** The budget in force: the caller's (default DEFAULT_MEMORY_BUDGET), capped by what the backend can hold. */
export function memoryBudget(backend: Backend, budget?: number): number {
  const b = budget ?? DEFAULT_MEMORY_BUDGET;
  if (!(b > 0)) throw new ConfigError(`memory budget must be a positive number of bytes; got ${b}`);
  return Math.min(b, backend.maxBytes ?? Infinity);
}

/** Words for what to shrink, so an app can name its own flags: for weight-sized parts, and for scratch. */
export interface ShrinkHints {
  layers: string;
  scratch: string;
}
const LIBRARY_HINTS: ShrinkHints = { layers: 'use smaller or fewer layers (sizes)', scratch: 'use a smaller batchSize, fewer workers or smaller layers' };

/**
 * Refuses a plan beyond the budget with the bytes of each part and the fix for the largest:
 * a ConfigError before anything is allocated, never a RangeError from the allocator.
 */
export function checkMemory(plan: Partial<MemoryPlan>, budget: number, what: string, hints: ShrinkHints = LIBRARY_HINTS): void {
  const parts: [keyof ShrinkHints, string, number][] = [
    ['layers', 'parameters', plan.params ?? 0],
    ['layers', 'optimizer state', plan.optimizer ?? 0],
    ['layers', 'gradients', plan.gradients ?? 0],
    ['scratch', 'scratch', plan.scratch ?? 0],
  ];
  const total = parts.reduce((s, p) => s + p[2], 0);
  if (total <= budget) return;
  const shown = parts.filter((p) => p[2] > 0);
  const largest = shown.reduce((a, b) => (b[2] > a[2] ? b : a));
  const fix = hints[largest[0]];
  throw new ConfigError(`${what} needs ${formatBytes(total)} (${total} bytes: ${shown.map((p) => `${p[1]} ${formatBytes(p[2])}`).join(', ')}), over the memory budget of ${formatBytes(budget)}; ${fix}`);
}

export class Network {
  readonly spec: NetworkSpec;
  readonly layers: LayerInfo[];
  /** Number of parameters (weights and biases). */
  readonly P: number;
  /** All parameters, one contiguous vector; W[l] are views into it. */
  readonly params: Floats;
  readonly W: Floats[];
  /** Kernels and the memory they address; params, scratch and gradient slots live there. */
  readonly backend: Backend;
  readonly kernels: Kernels;

  /** Attaches to an existing parameter vector (e.g. shared memory received by a worker), or allocates one within `budget` bytes. */
  constructor(spec: NetworkSpec, params?: Floats, backend: Backend = jsBackend, budget?: number) {
    this.spec = spec;
    const { layers, P } = layerTable(spec);
    this.layers = layers;
    this.P = P;
    if (params) {
      if (params.length !== P) throw new ShapeError(`parameter vector has ${params.length} numbers but sizes ${spec.sizes.join('-')} need ${P}`);
      const want = spec.dtype === 'f32' ? Float32Array : Float64Array;
      if (!(params instanceof want)) throw new ShapeError(`parameters must be a ${want.name} for dtype ${spec.dtype}`);
      this.params = params;
    } else {
      checkMemory({ params: P * bytesOf(spec.dtype) }, memoryBudget(backend, budget), `a ${spec.sizes.join('-')} network (${P} parameters)`);
      this.params = backend.floats(spec.dtype, P);
    }
    this.W = layerViews(this.params, layers);
    this.backend = backend;
    this.kernels = backend.kernels;
  }

  /** A new network with seeded initial weights. */
  static create(config: NetworkConfig, opts: { seed?: number; init?: InitName; backend?: Backend; memoryBudget?: number } = {}): Network {
    const spec = resolveSpec(config);
    const net = new Network(spec, undefined, opts.backend, opts.memoryBudget);
    net.initialize(checkSeed(opts.seed ?? 0), opts.init);
    return net;
  }

  get L(): number {
    return this.layers.length;
  }

  get nIn(): number {
    return this.spec.sizes[0];
  }

  get nOut(): number {
    return this.spec.sizes[this.spec.sizes.length - 1];
  }

  get output(): ActivationName {
    return this.spec.activations[this.L - 1];
  }

  /** Classification when outputs are probabilities (softmax/sigmoid), else regression. */
  get task(): 'classification' | 'regression' {
    return this.output === 'softmax' || this.output === 'sigmoid' ? 'classification' : 'regression';
  }

  /** Seeded initial weights: one generator walks the layers in order. */
  initialize(seed: number, init?: InitName): void {
    const rng = new Rng(seed);
    for (let l = 0; l < this.L; l++) {
      const { nIn, nOut, phi } = this.layers[l];
      initLayer(this.W[l], nIn, nOut, init ? checkInit(init) : defaultInit(phi), rng);
    }
  }

  /** Scratch for shards of up to maxB rows. */
  workspace(maxB: number): Workspace {
    return new Workspace(this.spec, maxB, this.backend.arena(Workspace.bytes(this.spec, maxB)));
  }

  /** Views of a gradient vector (length P) per layer, laid out like W. */
  gradViews(dW: Floats): Floats[] {
    if (dW.length !== this.P) throw new ShapeError(`gradient vector has ${dW.length} numbers, the network has ${this.P} parameters`);
    return layerViews(dW, this.layers);
  }

  /** Forward pass over the first B rows of ws.X: net^[l] = W^[l] x^[l-1], a^[l] = φ(net^[l]). Returns a^[L]. */
  forward(ws: RowViews, B: number): Floats {
    const k = this.kernels;
    let x = ws.X;
    for (let l = 0; l < this.L; l++) {
      const { nIn, nOut, phi } = this.layers[l];
      k.denseForward(ws.net[l], this.W[l], x, B, nIn, nOut);
      k.activationForward(phi, ws.a[l], ws.net[l], B, nOut);
      x = ws.a[l];
    }
    return ws.a[this.L - 1];
  }

  /**
   * Backward pass, mirroring forward from l = L down to 1: δ^[L] from the loss, then
   * dW^[l] += Δ^[l]ᵀ [1|a^[l-1]] and ∂L/∂a^[l-1] = (W^[l])ᵀ δ^[l] without element 0,
   * δ^[l-1] = ∂L/∂a^[l-1] ⊙ φ'(net^[l-1]). dW accumulates sums over the B rows (not means);
   * `mode` 'store' sets it to them (the same bits as accumulating into a zeroed dW).
   */
  backward(ws: Workspace, B: number, dW: Floats[], mode: WeightGradMode = 'accumulate'): void {
    const k = this.kernels;
    this.backwardRows(ws, B, (l, x, delta, n, nIn, nOut) => k.denseBackwardWeights(dW[l], delta, x, n, nIn, nOut, mode));
  }

  /**
   * `backward` over B rows of `ws` (a workspace or some rows' views): δ and ∂L/∂a run once over
   * all B rows (each output row of those kernels has the same operations whatever the row count
   * and position), and `weights(l, x, δ, B, …)` writes layer l's gradient sums from them, once
   * δ^[l] is in (a writer may cut the rows into shards). With `weights` null only the δ of every
   * layer are computed: the weight gradient is left to someone else (the parallel engine's
   * stripes, core BatchGradient).
   */
  backwardRows(ws: Workspace | RowViews, B: number, weights: LayerWeights | null): void {
    const k = this.kernels;
    const top = this.L - 1;
    outputDelta(k, this.spec.loss, this.output, ws.delta[top], ws.net[top], ws.a[top], ws.Y, B, this.nOut);
    for (let l = top; l >= 0; l--) {
      const { nIn, nOut } = this.layers[l];
      weights?.(l, l > 0 ? ws.a[l - 1] : ws.X, ws.delta[l], B, nIn, nOut);
      if (l > 0) {
        const below = this.layers[l - 1];
        k.denseBackwardInput(ws.delta[l - 1], ws.delta[l], this.W[l], B, nIn, nOut); // ∂L/∂a^[l-1]
        k.activationBackward(below.phi, ws.delta[l - 1], ws.delta[l - 1], ws.net[l - 1], ws.a[l - 1], B, below.nOut);
      }
    }
  }

  /** Σ over the first B rows of the per-sample loss, after forward (of `rows`: some rows' views, `Workspace.shardViews`). */
  lossSum(ws: Workspace | RowViews, B: number): number {
    const top = this.L - 1;
    return lossSum(this.spec.loss, this.output, ws.net[top], ws.a[top], ws.Y, B, this.nOut);
  }

  /** Outputs a^[L] for N rows of X (N × n^[0]), computed in chunks; a new array (N × n^[L]). */
  predict(X: ArrayLike<number>, N: number, chunk = 256): Floats {
    if (X.length !== N * this.nIn) throw new ShapeError(`inputs have ${X.length} numbers; ${N} rows × ${this.nIn} features need ${N * this.nIn}`);
    const out = this.spec.dtype === 'f32' ? new Float32Array(N * this.nOut) : new Float64Array(N * this.nOut);
    const ws = this.workspace(Math.max(1, Math.min(chunk, N)));
    try {
      for (let start = 0; start < N; start += ws.maxB) {
        const B = Math.min(ws.maxB, N - start);
        for (let i = 0; i < B * this.nIn; i++) ws.X[i] = X[start * this.nIn + i];
        const a = this.forward(ws, B);
        out.set(a.subarray(0, B * this.nOut), start * this.nOut);
      }
    } finally {
      this.backend.release(ws.arena); // transient scratch: reusable by the next call
    }
    return out;
  }

  /** Number of non-bias weights and biases, for summaries. */
  describe(): string {
    return `${this.spec.sizes.join('-')} (${this.spec.activations.join(', ')}; loss ${this.spec.loss}; ${this.P} parameters; ${this.spec.dtype})`;
  }
}

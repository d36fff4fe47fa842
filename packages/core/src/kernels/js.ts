/**
 * The reference kernel family: plain loops over typed arrays, f32 and f64. The three batched
 * shapes of a dense layer (DESIGN.md §5; W: (nOut, nIn+1) row-major with the bias in column 0,
 * X: (B, nIn)), the activation table, the optimizer updates, the slot reduction and the finite
 * scan. A faster family (kernels/wasm.ts) is a twin of these loops, or calls them.
 */
import { ACT, type ActivationName } from '../activations.js';
import { Arena, allocBuffer, align, bytesOf, type DType, type Floats, type FloatsOf } from '../arena.js';
import { ShapeError } from '../errors.js';
import type { Backend, Kernels } from './index.js';

/** net = X·W[:,1:]ᵀ + W[:,0]   net: (B, nOut). */
export function denseForward(net: Floats, W: Floats, X: Floats, B: number, nIn: number, nOut: number): void {
  const cols = nIn + 1;
  for (let b = 0; b < B; b++) {
    const xRow = b * nIn;
    const netRow = b * nOut;
    for (let k = 0; k < nOut; k++) {
      const wRow = k * cols;
      let s = W[wRow]; // x_0 = 1 picks up the bias
      for (let j = 0; j < nIn; j++) s += W[wRow + 1 + j] * X[xRow + j];
      net[netRow + k] = s;
    }
  }
}

/**
 * How the weight gradient meets what dW holds, Σ = Δᵀ·[1|X]:
 * - 'accumulate': dW += Σ, every product added into dW in turn;
 * - 'store': dW = Σ, the bits of 'accumulate' into a zeroed dW, with no pass that zeroes it;
 * - 'addSum': dW = dW + Σ, Σ summed on its own first (at most SUM_ROWS rows): the bits of storing
 *   Σ in a gradient slot and adding the slot into dW (reduceSlots), with no slot.
 */
export type WeightGradMode = 'accumulate' | 'store' | 'addSum';

/** Most rows of one 'addSum' call (the WASM kernel keeps Σ in registers over one block of rows). */
export const SUM_ROWS = 256;

/** A block of output rows of the weight gradient: 1 … nOut of them. */
export function checkRows(rows: number, nOut: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > nOut) throw new ShapeError(`a block of ${rows} output rows of a layer with ${nOut} outputs; pass 1 to ${nOut}`);
}

/** The 'addSum' row limit, checked by every kernel family before it writes. */
export function checkSumRows(mode: WeightGradMode, B: number): void {
  if (mode === 'addSum' && B > SUM_ROWS) throw new ShapeError(`the 'addSum' weight gradient takes at most ${SUM_ROWS} rows; got ${B}`);
}

/** One row of 'addSum' sums per precision (its sums round like dW's), grown on demand (this thread's). */
let sum32 = new Float32Array(0);
let sum64 = new Float64Array(0);
function sumScratch(like: Floats, n: number): Floats {
  if (like instanceof Float32Array) return sum32.length >= n ? sum32 : (sum32 = new Float32Array(n));
  return sum64.length >= n ? sum64 : (sum64 = new Float64Array(n));
}

/**
 * dW (+)= Δᵀ·[1|X] by `mode`: column 0 gets Σ_b δ_b, column j gets Σ_b δ_bk x_bj.   dW: (rows, nIn+1),
 * the first `rows` of the nOut outputs (default all): a block of outputs k0… passes dW and Δ
 * from there (Δ keeps its rows of nOut). Each output's sums are the same for any block.
 */
export function denseBackwardWeights(dW: Floats, delta: Floats, X: Floats, B: number, nIn: number, nOut: number, mode: WeightGradMode = 'accumulate', rows = nOut): void {
  checkSumRows(mode, B);
  checkRows(rows, nOut);
  weightRows(dW, delta, X, 0, B, nIn, nOut, mode, rows);
}

/** `denseBackwardWeights` over rows b0 … b0+B−1 of Δ and X (read in place: no views made per shard). */
function weightRows(dW: Floats, delta: Floats, X: Floats, b0: number, B: number, nIn: number, nOut: number, mode: WeightGradMode, rows: number): void {
  const cols = nIn + 1;
  const own = mode === 'addSum';
  const acc = own ? sumScratch(dW, cols) : dW; // the row's sums: in dW itself, or on their own
  for (let k = 0; k < rows; k++) {
    const wRow = k * cols;
    const o = own ? 0 : wRow;
    if (mode !== 'accumulate') acc.fill(0, o, o + cols); // zeroed while the row is in cache, not in a pass of its own
    for (let b = b0; b < b0 + B; b++) {
      const d = delta[b * nOut + k];
      if (d === 0) continue; // ReLU zeros are common; skipping them changes no sum
      const xRow = b * nIn;
      acc[o] += d;
      for (let j = 0; j < nIn; j++) acc[o + 1 + j] += d * X[xRow + j];
    }
    if (own) for (let j = 0; j < cols; j++) dW[wRow + j] += acc[j];
  }
}

/** How the first shard of `denseBackwardWeightsShards` meets dW; every later shard's sum is added. */
export type ShardsMode = Exclude<WeightGradMode, 'accumulate'>;

/**
 * dW = the weight gradient of B rows in shards of S rows (S ≤ SUM_ROWS), shard by shard in
 * order: the first shard's sum stored or added (`mode`), each later one's added; those calls
 * ('store' or 'addSum', then 'addSum' per shard) and their bits, for the first `rows` outputs
 * as `denseBackwardWeights` takes them.
 */
function denseBackwardWeightsShards(dW: Floats, delta: Floats, X: Floats, B: number, S: number, nIn: number, nOut: number, mode: ShardsMode = 'store', rows = nOut): void {
  checkShardRows(S);
  checkRows(rows, nOut);
  if (B <= 0) weightRows(dW, delta, X, 0, 0, nIn, nOut, mode, rows);
  for (let s0 = 0; s0 < B; s0 += S) weightRows(dW, delta, X, s0, Math.min(S, B - s0), nIn, nOut, s0 === 0 ? mode : 'addSum', rows);
}

/** Shards of the fused weight gradient: 1 … SUM_ROWS rows. */
export function checkShardRows(S: number): void {
  if (!Number.isInteger(S) || S < 1 || S > SUM_ROWS) throw new ShapeError(`shards of ${S} rows for the weight gradient; pass 1 to ${SUM_ROWS}`);
}

/** da = Δ·W[:,1:] (overwritten): ∂L/∂x = Wᵀδ with element 0 (the bias input) dropped.   da: (B, nIn). */
export function denseBackwardInput(da: Floats, delta: Floats, W: Floats, B: number, nIn: number, nOut: number): void {
  const cols = nIn + 1;
  for (let b = 0; b < B; b++) {
    const aRow = b * nIn;
    for (let j = 0; j < nIn; j++) da[aRow + j] = 0;
    for (let k = 0; k < nOut; k++) {
      const d = delta[b * nOut + k];
      if (d === 0) continue;
      const wRow = k * cols + 1;
      for (let j = 0; j < nIn; j++) da[aRow + j] += d * W[wRow + j];
    }
  }
}

/** a = φ(net) (the activation table's loop). */
function activationForward(name: ActivationName, a: Floats, net: Floats, B: number, n: number): void {
  ACT[name].forward(a, net, B, n);
}

/** δ = J_φᵀ g (the activation table's loop). */
function activationBackward(name: ActivationName, delta: Floats, g: Floats, net: Floats, a: Floats, B: number, n: number): void {
  ACT[name].backward(delta, g, net, a, B, n);
}

// The optimizer updates are elementwise over the views they are given: a stripe [from, to) of the
// parameters is updated by passing subarray views of params, grad and state (the same bits).
// Each returns whether every new weight is finite: Σ (w − w) over the stored weights is 0 for
// finite ones and NaN once any is ±Infinity or NaN (read back: an f32 store can overflow).

/** SGD on the flat vector: g = scale·grad (written back to grad); w ← w − η g. */
function sgdStep(params: Floats, grad: Floats, scale: number, lr: number): boolean {
  const P = params.length;
  let bad = 0;
  for (let i = 0; i < P; i++) {
    grad[i] *= scale; // stored, then read back: the mean gradient in the parameters' precision
    params[i] -= lr * grad[i];
    const w = params[i];
    bad += w - w;
  }
  return bad === 0;
}

/** g = scale·grad; v ← μv + g; w ← w − η v  (nesterov: w ← w − η (g + μv)). */
function momentumStep(params: Floats, grad: Floats, v: Floats, scale: number, lr: number, mu: number, nesterov: boolean): boolean {
  const P = params.length;
  let bad = 0;
  for (let i = 0; i < P; i++) {
    grad[i] *= scale;
    const g = grad[i];
    const vi = mu * v[i] + g;
    v[i] = vi;
    params[i] -= lr * (nesterov ? g + mu * vi : vi);
    const w = params[i];
    bad += w - w;
  }
  return bad === 0;
}

/** g = scale·grad; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η m̂/(√v̂ + ε), m̂ = m·c1, v̂ = v·c2. */
function adamStep(params: Floats, grad: Floats, m: Floats, v: Floats, scale: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): boolean {
  const P = params.length;
  let bad = 0;
  for (let i = 0; i < P; i++) {
    grad[i] *= scale;
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
    const w = params[i];
    bad += w - w;
  }
  return bad === 0;
}

/** grad[i] = Σ_s slots[s·P + i] for i in [from, to), summed in shard order s = 0, 1, … (DESIGN.md §4). */
function reduceSlots(grad: Floats, slots: Floats, nShards: number, P: number, from: number, to: number): void {
  for (let i = from; i < to; i++) grad[i] = slots[i];
  for (let s = 1; s < nShards; s++) {
    const base = s * P;
    for (let i = from; i < to; i++) grad[i] += slots[base + i];
  }
}

/** Index of the first NaN or ±Infinity in x[from, to), or −1. */
export function firstNonFinite(x: ArrayLike<number>, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

export const jsKernels: Kernels = {
  name: 'js',
  denseForward,
  denseBackwardWeights,
  denseBackwardWeightsShards,
  denseBackwardInput,
  activationForward,
  activationBackward,
  sgdStep,
  momentumStep,
  adamStep,
  reduceSlots,
  firstNonFinite,
};

/** The JS family's memory: every arena is a fresh SharedArrayBuffer (any thread's JS kernels read it). */
export const jsBackend: Backend = {
  name: 'js',
  kernels: jsKernels,
  arena: (bytes) => new Arena(allocBuffer(align(bytes))),
  floats<D extends DType>(dtype: D, n: number): FloatsOf<D> {
    return jsBackend.arena(n * bytesOf(dtype)).floats(dtype, n);
  },
  release: () => {}, // garbage-collected
  releaseScratch: () => {}, // no scratch of its own
  reserveScratch: () => {},
  adopt: (view) => view, // a posted view of a SharedArrayBuffer is already addressable
  describe: () => ({ kind: 'js' }),
};

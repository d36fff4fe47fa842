/**
 * A kernel family: the batched dense shapes plus the activation loops. `jsKernels` is the
 * reference; a WASM SIMD family implements the same interface on views into its memory.
 */
import { Arena, type Floats } from '../arena.js';
import { activationBackward, activationForward, type ActivationName } from '../activations.js';
import { adamStep, denseBackwardInput, denseBackwardWeights, denseForward, momentumStep, sgdStep } from './js.js';

export interface Kernels {
  readonly name: string;
  /** net = X·W[:,1:]ᵀ + W[:,0] */
  denseForward(net: Floats, W: Floats, X: Floats, B: number, nIn: number, nOut: number): void;
  /** dW += Δᵀ·[1|X] */
  denseBackwardWeights(dW: Floats, delta: Floats, X: Floats, B: number, nIn: number, nOut: number): void;
  /** da = Δ·W[:,1:] */
  denseBackwardInput(da: Floats, delta: Floats, W: Floats, B: number, nIn: number, nOut: number): void;
  /** a = φ(net) */
  activationForward(name: ActivationName, a: Floats, net: Floats, B: number, n: number): void;
  /** δ = J_φᵀ g */
  activationBackward(name: ActivationName, delta: Floats, g: Floats, net: Floats, a: Floats, B: number, n: number): void;

  /** g = scale·grad (written back to grad);  w ← w − η g. */
  sgdStep(params: Floats, grad: Floats, scale: number, lr: number): void;
  /** g = scale·grad;  v ← μv + g;  w ← w − η v  (nesterov: w ← w − η (g + μv)). */
  momentumStep(params: Floats, grad: Floats, v: Floats, scale: number, lr: number, mu: number, nesterov: boolean): void;
  /** g = scale·grad;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η m̂/(√v̂ + ε) at step t ≥ 1. */
  adamStep(params: Floats, grad: Floats, m: Floats, v: Floats, scale: number, lr: number, beta1: number, beta2: number, eps: number, t: number): void;

  // Optional fused loops over whole vectors (the WASM family has them; they accept any view
  // and fall back to plain loops themselves). Callers keep their own loop when one is absent.
  /** grad[i] = Σ_s slots[s·P + i] for i in [from, to), shards added in order (the same bits as the loop). */
  reduceSlots?(grad: Floats, slots: Floats, nShards: number, P: number, from: number, to: number): void;
  /** Index of the first NaN/±Infinity in x[from, to), or −1. */
  firstNonFinite?(x: Floats, from: number, to: number): number;
  /** Softmax + CCE output error δ = (Σy)·a − y per row.   delta, a, Y: (B, n). */
  softmaxCrossEntropyDelta?(delta: Floats, a: Floats, Y: Floats, B: number, n: number): void;
}

export const jsKernels: Kernels = {
  name: 'js',
  denseForward,
  denseBackwardWeights,
  denseBackwardInput,
  activationForward,
  activationBackward,
  sgdStep,
  momentumStep,
  adamStep,
};

/**
 * A backend pairs a kernel family with the memory its kernels can read: JS kernels read any
 * shared buffer; WASM kernels read only their own (shared) WebAssembly.Memory.
 */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  /** A fresh arena of at least `bytes` bytes in memory these kernels can address (zero-filled). */
  arena(bytes: number): Arena;
  /** The most bytes this backend's memory can hold in all (WASM: its maximum memory); absent: no fixed limit. */
  readonly maxBytes?: number;
  /**
   * Optional: gives an arena's memory back for reuse once no view of it is used any more (the
   * WASM backend's memory is never garbage-collected; JS arenas are, so they need not implement it).
   */
  release?(arena: Arena): void;
}

export const jsBackend: Backend = {
  name: 'js',
  kernels: jsKernels,
  arena: (bytes) => Arena.shared(bytes),
};

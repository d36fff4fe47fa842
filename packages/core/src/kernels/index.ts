/**
 * A kernel family: the batched dense shapes plus the activation loops. `jsKernels` is the
 * reference; a WASM SIMD family implements the same interface on views into its memory.
 */
import { Arena, type Floats } from '../arena.js';
import { activationBackward, activationForward, type ActivationName } from '../activations.js';
import { denseBackwardInput, denseBackwardWeights, denseForward } from './js.js';

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
}

export const jsKernels: Kernels = {
  name: 'js',
  denseForward,
  denseBackwardWeights,
  denseBackwardInput,
  activationForward,
  activationBackward,
};

/**
 * A backend pairs a kernel family with the memory its kernels can read: JS kernels read any
 * shared buffer; WASM kernels read only their own (shared) WebAssembly.Memory.
 */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  /** A fresh arena of at least `bytes` bytes in memory these kernels can address. */
  arena(bytes: number): Arena;
}

export const jsBackend: Backend = {
  name: 'js',
  kernels: jsKernels,
  arena: (bytes) => Arena.shared(bytes),
};

/**
 * The kernel contract and the backends that carry it. A `Kernels` family implements every
 * method (none is optional, so no caller ever asks whether one exists); `jsKernels` is the
 * reference, the WASM SIMD family its twin. A `Backend` pairs a family with the memory its
 * kernels address and allocates everything a model needs there; `describe()` and
 * `backendFrom()` carry it to a worker as a structured-cloneable descriptor.
 */
import type { ActivationName } from '../activations.js';
import type { Arena, DType, Floats, FloatsOf } from '../arena.js';
import { ConfigError } from '../errors.js';
import { jsBackend, type ShardsMode, type WeightGradMode } from './js.js';

export { SUM_ROWS, type WeightGradMode } from './js.js';
import { instantiateWasmBackend, type WasmBackend, type WasmMemory, type WasmModule } from './wasm.js';

/** Every loop of training: kernels return void (or an index) and write into their arguments. */
export interface Kernels {
  readonly name: string;
  /** net = X·W[:,1:]ᵀ + W[:,0] */
  denseForward(net: Floats, W: Floats, X: Floats, B: number, nIn: number, nOut: number): void;
  /**
   * dW += Δᵀ·[1|X], written as `mode` says (default 'accumulate'; 'addSum' takes at most SUM_ROWS rows),
   * for the first `rows` outputs (default nOut; a block k0… passes dW and Δ from there, Δ in rows of nOut)
   */
  denseBackwardWeights(dW: Floats, delta: Floats, X: Floats, B: number, nIn: number, nOut: number, mode?: WeightGradMode, rows?: number): void;
  /**
   * dW = Σ over shards of S rows (S ≤ SUM_ROWS), in order, of Δ_sᵀ·[1|X_s]: the first shard's sum
   * stored or added (`mode`, default 'store'), each later one's added; the bits of one
   * `denseBackwardWeights` call per shard ('store' or 'addSum', then 'addSum'), for the first `rows` outputs
   */
  denseBackwardWeightsShards(dW: Floats, delta: Floats, X: Floats, B: number, S: number, nIn: number, nOut: number, mode?: ShardsMode, rows?: number): void;
  /** da = Δ·W[:,1:] */
  denseBackwardInput(da: Floats, delta: Floats, W: Floats, B: number, nIn: number, nOut: number): void;
  /** a = φ(net) */
  activationForward(name: ActivationName, a: Floats, net: Floats, B: number, n: number): void;
  /** δ = J_φᵀ g (`delta` may alias `g`) */
  activationBackward(name: ActivationName, delta: Floats, g: Floats, net: Floats, a: Floats, B: number, n: number): void;

  // Elementwise over the views given: pass subarrays of params, grad and state to update a stripe.
  // Each returns true when every new weight is finite (checked in the same pass, so the caller
  // needs no second scan of the weights; false: at least one is ±Infinity or NaN).
  /** g = scale·grad (written back to grad);  w ← w − η g. */
  sgdStep(params: Floats, grad: Floats, scale: number, lr: number): boolean;
  /** g = scale·grad;  v ← μv + g;  w ← w − η v  (nesterov: w ← w − η (g + μv)). */
  momentumStep(params: Floats, grad: Floats, v: Floats, scale: number, lr: number, mu: number, nesterov: boolean): boolean;
  /**
   * g = scale·grad;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η m̂/(√v̂ + ε), m̂ = m·c1, v̂ = v·c2,
   * with the bias corrections c = 1/(1 − βᵗ) from the optimizer's running products βᵗ.
   */
  adamStep(params: Floats, grad: Floats, m: Floats, v: Floats, scale: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): boolean;

  /** grad[i] = Σ_s slots[s·P + i] for i in [from, to), shards added in order (the same bits in every family). */
  reduceSlots(grad: Floats, slots: Floats, nShards: number, P: number, from: number, to: number): void;
  /** Index of the first NaN/±Infinity in x[from, to), or −1. */
  firstNonFinite(x: Floats, from: number, to: number): number;
}

/** What a worker needs to rebuild a backend over the same memory (structured-cloneable). */
export type BackendDescriptor =
  | { kind: 'js' }
  /**
   * The WASM SIMD backend: instantiate `module` over `memory`. `id` names this (module, memory)
   * pair so a worker instantiates it once and reuses the instance (and its packing scratch)
   * across runs: a posted memory arrives as a new object every time.
   */
  | { kind: 'wasm'; module: WasmModule; memory: WasmMemory; id: string };

/**
 * A kernel family and the memory its kernels can read. It allocates everything a model needs:
 * parameters, optimizer state, gradient slots and scratch (JS: fresh SharedArrayBuffers; WASM:
 * regions of its one shared WebAssembly.Memory).
 */
export interface Backend {
  readonly name: 'js' | 'wasm';
  readonly kernels: Kernels;
  /** A fresh zero-filled arena of at least `bytes` bytes in memory these kernels address. */
  arena(bytes: number): Arena;
  /** One zero-filled vector of n numbers in that memory (its own arena). */
  floats<D extends DType>(dtype: D, n: number): FloatsOf<D>;
  /** Gives an arena back for reuse once no view of it is used (a no-op where memory is garbage-collected). */
  release(arena: Arena): void;
  /**
   * Gives back this thread's kernel scratch (WASM: the GEMM packing panels), taken again on the
   * next kernel call. A worker calls it when it leaves a run, so a thread that then ends leaks nothing.
   */
  releaseScratch(): void;
  /**
   * Takes this thread's kernel scratch now rather than on the first kernel call. A worker calls it
   * when it joins a run, so every run of k workers holds k scratch regions: which regions are
   * reused then never depends on which workers happened to run a kernel.
   */
  reserveScratch(): void;
  /** The same region as `view` (received by postMessage, e.g.), as a view these kernels address. */
  adopt<T extends Float32Array | Float64Array | Int32Array>(view: T): T;
  /** The descriptor `backendFrom` rebuilds this backend from on another thread. */
  describe(): BackendDescriptor;
  /** The most bytes this backend's memory can hold in all (WASM: its maximum memory); absent: no fixed limit. */
  readonly maxBytes?: number;
}

/** Instances this thread built, by descriptor id (most recent last; a few kept). */
const instances = new Map<string, WasmBackend>();
const KEEP = 4;

/** The backend a descriptor names (worker side): for WASM, the same module over the same memory (zero copies). */
export function backendFrom(desc: BackendDescriptor): Backend {
  if (desc.kind === 'js') return jsBackend;
  if (desc.kind === 'wasm') {
    let b = instances.get(desc.id);
    if (b) instances.delete(desc.id); // re-inserted below: most recently used last
    else b = instantiateWasmBackend({ module: desc.module, memory: desc.memory, id: desc.id });
    instances.set(desc.id, b);
    while (instances.size > KEEP) instances.delete(instances.keys().next().value!);
    return b;
  }
  throw new ConfigError(`workers cannot rebuild a "${(desc as { kind: string }).kind}" backend`);
}

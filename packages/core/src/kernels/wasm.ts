/**
 * WASM SIMD kernel family on one shared WebAssembly.Memory (DESIGN.md §3, §5). Every arena
 * the backend hands out is a region of that memory, so parameters, scratch and gradient
 * slots are addressable by the kernels with no copy, and a worker that instantiates the same
 * module over the same memory runs on the same tensors. float64 stays on the JS kernels.
 */
import { LEAKY_SLOPE, type ActivationName } from '../activations.js';
import { Arena, align, bytesOf, type DType, type Floats, type FloatsOf } from '../arena.js';
import { ConfigError, ShapeError } from '../errors.js';
import type { Backend, Kernels } from './index.js';
import { checkRows, checkShardRows, checkSumRows, jsKernels, SUM_ROWS, type WeightGradMode } from './js.js';

/** The kernel's codes of the weight-gradient modes (assembly/kernels.ts ACCUMULATE, STORE, ADD_SUM). */
const WEIGHT_GRAD_MODE: Record<WeightGradMode, number> = { accumulate: 0, store: 1, addSum: 2 };

// The few WebAssembly globals used here (core compiles without DOM/Node types).
/** A shared WebAssembly.Memory (its buffer is a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
/** A compiled WebAssembly.Module (opaque; structured-cloneable to workers). */
export type WasmModule = object;
/** The bytes of build/kernels.wasm. */
export type WasmBytes = ArrayBuffer | Uint8Array;
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
declare const WebAssembly: {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: WasmBytes) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => WasmInstance;
  compile(bytes: WasmBytes): Promise<WasmModule>;
  instantiate(m: WasmModule, imports: object): Promise<WasmInstance>;
  validate(bytes: WasmBytes): boolean;
};
/** Bytes per WebAssembly page. */
const WASM_PAGE = 65536;
/** Largest memory the module accepts (its `--maximumMemory`): 16384 pages = 1 GiB. */
export const WASM_MAX_PAGES = 16384;
/** Smallest memory the module accepts (its `--initialMemory`). */
const WASM_MIN_PAGES = 64;
/** Default size of a new memory: 256 pages = 16 MiB, grown on demand up to the maximum. */
const DEFAULT_INITIAL_PAGES = 256;

/** The raw exports of build/kernels.wasm: byte offsets and sizes in, nothing out. */
interface KernelExports {
  heapBase(): number;
  packBytes(): number;
  denseForward(net: number, W: number, X: number, B: number, nIn: number, nOut: number, pack: number): void;
  denseBackwardWeights(dW: number, delta: number, X: number, B: number, nIn: number, nOut: number, pack: number, mode: number, rows: number): void;
  denseBackwardWeightsShards(dW: number, delta: number, X: number, B: number, S: number, nIn: number, nOut: number, pack: number, mode: number, rows: number): void;
  sumRows(): number;
  denseBackwardInput(da: number, delta: number, W: number, B: number, nIn: number, nOut: number, pack: number): void;
  reluForward(a: number, net: number, len: number): void;
  reluBackward(delta: number, g: number, net: number, len: number): void;
  leakyReluForward(a: number, net: number, len: number, slope: number): void;
  leakyReluBackward(delta: number, g: number, net: number, len: number, slope: number): void;
  sigmoidBackward(delta: number, g: number, a: number, len: number): void;
  tanhBackward(delta: number, g: number, a: number, len: number): void;
  sigmoidForward(a: number, net: number, len: number): void;
  tanhForward(a: number, net: number, len: number): void;
  softplusForward(a: number, net: number, len: number): void;
  softplusBackward(delta: number, g: number, net: number, len: number): void;
  softmaxForward(a: number, net: number, B: number, n: number): void;
  sgdStep(params: number, grad: number, P: number, scale: number, lr: number): number; // 1: every new weight finite
  momentumStep(params: number, grad: number, v: number, P: number, scale: number, lr: number, mu: number, nesterov: number): number;
  adamStep(params: number, grad: number, m: number, v: number, P: number, scale: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, eps: number): number;
  reduceSlots(grad: number, slots: number, nShards: number, P: number, from: number, to: number): void;
  firstNonFinite(x: number, from: number, to: number): number;
}

/**
 * The activations with a WASM body (on byte offsets, B rows of n): relu and leaky relu in SIMD;
 * sigmoid, tanh, softplus and softmax on assembly/math.ts, the algorithm of src/math.ts (the
 * same bits; its f32-targeted forms, as the JS table on f32 views). linear runs the JS reference.
 */
const SIMD_FORWARD: Partial<Record<ActivationName, (ex: KernelExports, a: number, net: number, B: number, n: number) => void>> = {
  relu: (ex, a, net, B, n) => ex.reluForward(a, net, B * n),
  leaky_relu: (ex, a, net, B, n) => ex.leakyReluForward(a, net, B * n, LEAKY_SLOPE),
  sigmoid: (ex, a, net, B, n) => ex.sigmoidForward(a, net, B * n),
  tanh: (ex, a, net, B, n) => ex.tanhForward(a, net, B * n),
  softplus: (ex, a, net, B, n) => ex.softplusForward(a, net, B * n),
  softmax: (ex, a, net, B, n) => ex.softmaxForward(a, net, B, n),
};
const SIMD_BACKWARD: Partial<Record<ActivationName, (ex: KernelExports, delta: number, g: number, net: number, a: number, len: number) => void>> = {
  relu: (ex, delta, g, net, _a, len) => ex.reluBackward(delta, g, net, len),
  leaky_relu: (ex, delta, g, net, _a, len) => ex.leakyReluBackward(delta, g, net, len, LEAKY_SLOPE),
  sigmoid: (ex, delta, g, _net, a, len) => ex.sigmoidBackward(delta, g, a, len),
  tanh: (ex, delta, g, _net, a, len) => ex.tanhBackward(delta, g, a, len),
  softplus: (ex, delta, g, net, _a, len) => ex.softplusBackward(delta, g, net, len),
};

/** A backend whose arenas are regions of one shared WebAssembly.Memory. */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  /** The compiled module: `describe()` carries it and the memory to a worker (core `backendFrom`). */
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  /** Kernel calls that ran on the JS kernels because a view was float64 or outside this memory. */
  readonly fallbacks: number;
  /** True when `view` is a float32 view of this memory (so the WASM kernels can address it). */
  owns(view: Floats): boolean;
}

export interface WasmBackendOptions {
  /** The compiled module (from `compileKernels`, or received by a worker). */
  module?: WasmModule;
  /** The bytes of build/kernels.wasm, when no module is given. */
  bytes?: WasmBytes;
  /** A shared memory to run on (a worker passes the one it received); default: a new one. */
  memory?: WasmMemory;
  /** Pages of a new memory (default 256 = 16 MiB; it grows on demand). */
  initialPages?: number;
  /**
   * Maximum pages of a new memory (default and upper bound 16384 = 1 GiB). Browsers reserve the
   * maximum of a shared memory up front: choose it deliberately there.
   */
  maximumPages?: number;
}

// (module (func (result v128) i32.const 0 i8x16.splat)): validates only where SIMD128 exists.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // code: i32.const 0; i8x16.splat; end
]);

/** True where WebAssembly SIMD128 is available. */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** True where a shared WebAssembly.Memory can be created (browsers need cross-origin isolation). */
export function wasmSharedMemorySupported(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined' || typeof WebAssembly !== 'object') return false;
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Compiles the kernels' bytes once; the module can then be instantiated on any thread. */
export function compileKernels(bytes: WasmBytes): Promise<WasmModule> {
  return WebAssembly.compile(bytes);
}

/** Checks a memory maximum (in 64 KiB pages) against the module's limits. */
export function checkMaximumPages(maximumPages: number): void {
  if (!Number.isInteger(maximumPages) || maximumPages < WASM_MIN_PAGES || maximumPages > WASM_MAX_PAGES) {
    throw new ConfigError(`maximumPages must be an integer in [${WASM_MIN_PAGES}, ${WASM_MAX_PAGES}] (64 KiB pages); got ${maximumPages}`);
  }
}

/** A new shared memory sized for the kernels module. */
export function createKernelMemory(initialPages = DEFAULT_INITIAL_PAGES, maximumPages = WASM_MAX_PAGES): WasmMemory {
  checkMaximumPages(maximumPages);
  const initial = Math.min(maximumPages, Math.max(WASM_MIN_PAGES, initialPages));
  return new WebAssembly.Memory({ initial, maximum: maximumPages, shared: true });
}

/** Compiles (if needed) and instantiates the kernels; the backend's arenas live in `memory`. */
export async function createWasmBackend(opts: WasmBackendOptions): Promise<WasmBackend> {
  const module = opts.module ?? (opts.bytes ? await WebAssembly.compile(opts.bytes) : undefined);
  if (!module) throw new ConfigError('createWasmBackend needs the compiled kernels (module) or their bytes (bytes)');
  const memory = opts.memory ?? createKernelMemory(opts.initialPages, opts.maximumPages);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return wasmBackend(module, memory, instance);
}

/**
 * Synchronous instantiation for workers that received `{ module, memory }`: the same module over
 * the same memory, so the worker's kernels address the main thread's tensors.
 */
export function instantiateWasmBackend(opts: { module: WasmModule; memory: WasmMemory; id?: string }): WasmBackend {
  return wasmBackend(opts.module, opts.memory, new WebAssembly.Instance(opts.module, { env: { memory: opts.memory } }), opts.id);
}

/** Per-memory allocator header: one Int32 bump pointer just above the module's static data. */
function allocatorHeader(heapBase: number): number {
  return align(heapBase);
}

/**
 * Released regions shared by every thread of a memory: FREE_SLOTS pairs (size, start) right
 * after the bump pointer. A thread that ends (a pool destroyed after a fit) gives its scratch
 * back here, so the next threads reuse it and the heap stays flat across fits on fresh pools.
 * size 0: empty; −1: being written or taken by one thread (claimed with compareExchange).
 */
const FREE_SLOTS = 126;
const HEADER_BYTES = 16 + FREE_SLOTS * 8;

let nextId = 0; // names (module, memory) pairs made on this thread; a worker keeps the id it was given

function wasmBackend(module: WasmModule, memory: WasmMemory, instance: WasmInstance, id = `wasm-${nextId++}`): WasmBackend {
  const ex = instance.exports as unknown as KernelExports;
  if (ex.sumRows() !== SUM_ROWS) throw new ConfigError(`build/kernels.wasm sums 'addSum' gradients over ${ex.sumRows()} rows, the library over ${SUM_ROWS}: rebuild the kernels`);
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new ConfigError('the WASM kernels need a shared WebAssembly.Memory');
  const header = allocatorHeader(ex.heapBase());
  // The bump pointer lives in the memory itself, so every thread that shares the memory
  // allocates from it; Atomics make concurrent allocations disjoint. 0 means "not yet set".
  const top = new Int32Array(memory.buffer, header, 1);
  Atomics.compareExchange(top, 0, 0, header + HEADER_BYTES);
  const table = new Int32Array(memory.buffer, header + 16, 2 * FREE_SLOTS); // [size, start] pairs

  /** A released region of exactly n bytes from the shared table, or undefined. */
  function takeShared(n: number): number | undefined {
    for (let k = 0; k < FREE_SLOTS; k++) {
      if (Atomics.load(table, 2 * k) !== n || Atomics.compareExchange(table, 2 * k, n, -1) !== n) continue;
      const start = Atomics.load(table, 2 * k + 1);
      Atomics.store(table, 2 * k, 0);
      return start;
    }
    return undefined;
  }
  /** Puts a region in the shared table; false when the table is full. */
  function putShared(start: number, n: number): boolean {
    for (let k = 0; k < FREE_SLOTS; k++) {
      if (Atomics.load(table, 2 * k) !== 0 || Atomics.compareExchange(table, 2 * k, 0, -1) !== 0) continue;
      Atomics.store(table, 2 * k + 1, start);
      Atomics.store(table, 2 * k, n); // published last: a taker sees the start before the size
      return true;
    }
    return false;
  }

  // Released regions of this thread when the shared table is full, by size.
  const live = new Map<number, number>(); // start → size of regions this thread handed out
  const free = new Map<number, number[]>(); // size → starts
  /** A fresh region of `bytes` bytes (16-byte aligned, zero-filled), growing the memory when needed. */
  function region(bytes: number): { buffer: ArrayBufferLike; start: number; end: number } {
    const n = align(Math.max(16, bytes));
    const reuse = free.get(n)?.pop() ?? takeShared(n);
    if (reuse !== undefined) {
      const buffer = currentBuffer();
      new Uint8Array(buffer, reuse, n).fill(0);
      live.set(reuse, n);
      return { buffer, start: reuse, end: reuse + n };
    }
    const start = Atomics.add(top, 0, n);
    const end = start + n;
    if (start < 0 || end > WASM_MAX_PAGES * WASM_PAGE) {
      throw new ConfigError(`the WASM memory is full: ${n} more bytes would pass its 1 GiB maximum; use smaller batches or the js backend`);
    }
    // Threads growing at once may together grow more than needed, never less.
    const have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / WASM_PAGE));
      } catch {
        throw new ConfigError(`could not grow the WASM memory from ${have} to ${end} bytes (past its maximumPages, or the system refused); create the backend with a larger maximumPages`);
      }
    }
    live.set(start, n);
    // A grown shared memory keeps every old view valid; new views take the new (longer) buffer.
    return { buffer: currentBuffer(), start, end };
  }

  // Buffer objects of this memory seen by this thread: a shared memory's buffer object is
  // replaced when it grows (the old one stays valid over the old length), so views made
  // before and after a growth have different `buffer`s. Every buffer handed out is recorded.
  let current: ArrayBufferLike = memory.buffer;
  const known: ArrayBufferLike[] = [current];
  function currentBuffer(): ArrayBufferLike {
    const now = memory.buffer;
    if (now !== current) {
      current = now;
      known.push(now);
    }
    return now;
  }
  function ownsBuffer(buf: ArrayBufferLike): boolean {
    return buf === current || known.includes(buf) || currentBuffer() === buf;
  }
  function owns(v: Floats): boolean {
    return v instanceof Float32Array && ownsBuffer(v.buffer);
  }

  // This instance's packing scratch (each thread packs its own panels), taken on first use and
  // given back by releaseScratch when a worker leaves a run.
  let pack = 0;
  const packStart = (): number => (pack !== 0 ? pack : (pack = region(ex.packBytes()).start));
  let fallbacks = 0;
  /** True when every view is float32 in this memory; else counts a fallback to the JS kernels. */
  function addressable(...views: Floats[]): boolean {
    for (const v of views) {
      if (!owns(v)) {
        fallbacks++;
        return false;
      }
    }
    return true;
  }

  function need(v: Floats, n: number, what: string): void {
    if (v.length < n) throw new ShapeError(`${what} has ${v.length} numbers but the kernel needs ${n}`);
  }

  // Each method runs its SIMD body on views it can address and the JS reference (jsKernels) otherwise.
  const kernels: Kernels = {
    name: 'wasm',
    denseForward(net, W, X, B, nIn, nOut) {
      if (!addressable(net, W, X)) return jsKernels.denseForward(net, W, X, B, nIn, nOut);
      need(net, B * nOut, 'net');
      need(W, nOut * (nIn + 1), 'W');
      need(X, B * nIn, 'X');
      ex.denseForward(net.byteOffset, W.byteOffset, X.byteOffset, B, nIn, nOut, packStart());
    },
    denseBackwardWeights(dW, delta, X, B, nIn, nOut, mode = 'accumulate', rows = nOut) {
      if (!addressable(dW, delta, X)) return jsKernels.denseBackwardWeights(dW, delta, X, B, nIn, nOut, mode, rows);
      checkSumRows(mode, B);
      checkRows(rows, nOut);
      need(dW, rows * (nIn + 1), 'dW');
      need(delta, B > 0 ? (B - 1) * nOut + rows : 0, 'delta');
      need(X, B * nIn, 'X');
      ex.denseBackwardWeights(dW.byteOffset, delta.byteOffset, X.byteOffset, B, nIn, nOut, packStart(), WEIGHT_GRAD_MODE[mode], rows);
    },
    denseBackwardWeightsShards(dW, delta, X, B, S, nIn, nOut, mode = 'store', rows = nOut) {
      if (!addressable(dW, delta, X)) return jsKernels.denseBackwardWeightsShards(dW, delta, X, B, S, nIn, nOut, mode, rows);
      checkShardRows(S);
      checkRows(rows, nOut);
      need(dW, rows * (nIn + 1), 'dW');
      need(delta, B > 0 ? (B - 1) * nOut + rows : 0, 'delta');
      need(X, B * nIn, 'X');
      ex.denseBackwardWeightsShards(dW.byteOffset, delta.byteOffset, X.byteOffset, B, S, nIn, nOut, packStart(), WEIGHT_GRAD_MODE[mode], rows);
    },
    denseBackwardInput(da, delta, W, B, nIn, nOut) {
      if (!addressable(da, delta, W)) return jsKernels.denseBackwardInput(da, delta, W, B, nIn, nOut);
      need(da, B * nIn, 'da');
      need(delta, B * nOut, 'delta');
      need(W, nOut * (nIn + 1), 'W');
      ex.denseBackwardInput(da.byteOffset, delta.byteOffset, W.byteOffset, B, nIn, nOut, packStart());
    },
    activationForward(name, a, net, B, n) {
      const simd = SIMD_FORWARD[name];
      if (!simd || !addressable(a, net)) return jsKernels.activationForward(name, a, net, B, n);
      need(a, B * n, 'a');
      need(net, B * n, 'net');
      simd(ex, a.byteOffset, net.byteOffset, B, n);
    },
    activationBackward(name, delta, g, net, a, B, n) {
      const simd = SIMD_BACKWARD[name];
      if (!simd || !addressable(delta, g, net, a)) return jsKernels.activationBackward(name, delta, g, net, a, B, n);
      need(delta, B * n, 'delta');
      need(g, B * n, 'g');
      need(net, B * n, 'net');
      need(a, B * n, 'a');
      simd(ex, delta.byteOffset, g.byteOffset, net.byteOffset, a.byteOffset, B * n);
    },
    sgdStep(params, grad, scale, lr) {
      if (!addressable(params, grad)) return jsKernels.sgdStep(params, grad, scale, lr);
      const P = params.length;
      need(grad, P, 'grad');
      return ex.sgdStep(params.byteOffset, grad.byteOffset, P, scale, lr) !== 0;
    },
    momentumStep(params, grad, v, scale, lr, mu, nesterov) {
      if (!addressable(params, grad, v)) return jsKernels.momentumStep(params, grad, v, scale, lr, mu, nesterov);
      const P = params.length;
      need(grad, P, 'grad');
      need(v, P, 'v');
      return ex.momentumStep(params.byteOffset, grad.byteOffset, v.byteOffset, P, scale, lr, mu, nesterov ? 1 : 0) !== 0;
    },
    adamStep(params, grad, m, v, scale, lr, beta1, beta2, eps, c1, c2) {
      if (!addressable(params, grad, m, v)) return jsKernels.adamStep(params, grad, m, v, scale, lr, beta1, beta2, eps, c1, c2);
      const P = params.length;
      need(grad, P, 'grad');
      need(m, P, 'm');
      need(v, P, 'v');
      return ex.adamStep(params.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, P, scale, lr, beta1, beta2, c1, c2, eps) !== 0;
    },
    reduceSlots(grad, slots, nShards, P, from, to) {
      if (!addressable(grad, slots)) return jsKernels.reduceSlots(grad, slots, nShards, P, from, to);
      need(grad, to, 'grad');
      need(slots, (nShards - 1) * P + to, 'slots');
      ex.reduceSlots(grad.byteOffset, slots.byteOffset, nShards, P, from, to);
    },
    firstNonFinite(x, from, to) {
      if (!addressable(x)) return jsKernels.firstNonFinite(x, from, to);
      need(x, to, 'x');
      return ex.firstNonFinite(x.byteOffset, from, to);
    },
  };

  function give(start: number, n: number): void {
    if (putShared(start, n)) return;
    const list = free.get(n);
    if (list) list.push(start);
    else free.set(n, [start]);
  }

  const backend: WasmBackend = {
    name: 'wasm',
    kernels,
    module,
    memory,
    maxBytes: WASM_MAX_PAGES * WASM_PAGE - header - HEADER_BYTES,
    get fallbacks() {
      return fallbacks;
    },
    owns,
    adopt<T extends Float32Array | Float64Array | Int32Array>(view: T): T {
      const Ctor = view.constructor as new (b: ArrayBufferLike, off: number, len: number) => T;
      return new Ctor(currentBuffer(), view.byteOffset, view.length);
    },
    arena(bytes: number): Arena {
      const r = region(bytes);
      return new Arena(r.buffer, r.start, r.end);
    },
    floats<D extends DType>(dtype: D, n: number): FloatsOf<D> {
      return backend.arena(n * bytesOf(dtype)).floats(dtype, n);
    },
    release(arena: Arena): void {
      const n = live.get(arena.base);
      if (n === undefined || !ownsBuffer(arena.buffer)) return; // not ours, or released already
      live.delete(arena.base);
      give(arena.base, n);
    },
    reserveScratch(): void {
      packStart();
    },
    releaseScratch(): void {
      if (pack === 0) return;
      live.delete(pack);
      give(pack, align(Math.max(16, ex.packBytes())));
      pack = 0;
    },
    describe: () => ({ kind: 'wasm', module, memory, id }),
  };
  return backend;
}

/**
 * WASM SIMD kernel family on one shared WebAssembly.Memory (DESIGN.md §3, §5). Every arena
 * the backend hands out is a region of that memory, so parameters, scratch and gradient
 * slots are addressable by the kernels with no copy, and a worker that instantiates the same
 * module over the same memory runs on the same tensors. float64 stays on the JS kernels.
 */
import { Arena, align, type Floats } from '../arena.js';
import { activationBackward as jsActivationBackward, activationForward as jsActivationForward, type ActivationName } from '../activations.js';
import { ConfigError, ShapeError } from '../errors.js';
import { reduceSlots as jsReduceSlots } from '../shard.js';
import { jsBackend, jsKernels, type Backend, type Kernels } from './index.js';

// The few WebAssembly globals used here (core compiles without DOM/Node types).
/** A shared WebAssembly.Memory (its buffer is a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
/** A compiled WebAssembly.Module (opaque; structured-cloneable to workers). */
export type WasmModule = object;
type WasmBytes = ArrayBuffer | Uint8Array;
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
declare const URL: new (url: string, base: string) => WasmUrl;
declare global {
  interface ImportMeta {
    url: string;
  }
}
/** A URL (the global URL type is not in core's ES2022 lib). */
export interface WasmUrl {
  readonly href: string;
}
declare const fetch: (url: WasmUrl | string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Bytes per WebAssembly page. */
export const WASM_PAGE = 65536;
/** Largest memory the module accepts (its `--maximumMemory`): 16384 pages = 1 GiB. */
export const WASM_MAX_PAGES = 16384;
/** Smallest memory the module accepts (its `--initialMemory`). */
const WASM_MIN_PAGES = 64;
/** Default size of a new memory: 256 pages = 16 MiB, grown on demand up to the maximum. */
const DEFAULT_INITIAL_PAGES = 256;

/** Activation codes of the AssemblyScript kernels (assembly/kernels.ts). */
const ACTIVATION_CODES: Readonly<Record<ActivationName, number>> = {
  sigmoid: 0, tanh: 1, relu: 2, leaky_relu: 3, linear: 4, softplus: 5, softmax: 6,
};

/** The raw exports of build/kernels.wasm: byte offsets and sizes in, nothing out. */
interface KernelExports {
  heapBase(): number;
  packBytes(): number;
  denseForward(net: number, W: number, X: number, B: number, nIn: number, nOut: number, pack: number): void;
  denseBackwardWeights(dW: number, delta: number, X: number, B: number, nIn: number, nOut: number, pack: number): void;
  denseBackwardInput(da: number, delta: number, W: number, B: number, nIn: number, nOut: number, pack: number): void;
  activationForward(code: number, a: number, net: number, B: number, n: number): void;
  activationBackward(code: number, delta: number, g: number, net: number, a: number, B: number, n: number): void;
  softmaxCrossEntropyDelta(delta: number, a: number, Y: number, B: number, n: number): void;
  sgdStep(params: number, grad: number, P: number, scale: number, lr: number): void;
  momentumStep(params: number, grad: number, v: number, P: number, scale: number, lr: number, mu: number, nesterov: number): void;
  adamStep(params: number, grad: number, m: number, v: number, P: number, scale: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, eps: number): void;
  zero(x: number, n: number): void;
  reduceSlots(grad: number, slots: number, nShards: number, P: number, from: number, to: number): void;
  firstNonFinite(x: number, from: number, to: number): number;
}

/** The Kernels interface with every optional fused loop present, plus `zero` (f32 in WASM; anything else on JS loops). */
export interface WasmKernels extends Required<Kernels> {
  /** x ← 0. */
  zero(x: Floats): void;
}

/** A backend whose arenas are regions of one shared WebAssembly.Memory. */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  readonly kernels: WasmKernels;
  /** The compiled module: post `{ module, memory }` to a worker and call `instantiateWasmBackend` there. */
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  /** Kernel calls that ran on the JS kernels instead: float64 views, or views outside this memory. */
  readonly fallbacks: number;
  /** True when `view` is a float32 view of this memory (so the WASM kernels can address it). */
  owns(view: Floats): boolean;
  /** Gives an arena's region back: this thread's next arena of the same size reuses it (zero-filled). */
  release(arena: Arena): void;
  /** The same region as `view` (received by postMessage, e.g.) as a view of this thread's memory object. */
  adopt<T extends Float32Array | Float64Array | Int32Array>(view: T): T;
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

/** Which kernel family to run: `auto` picks WASM when SIMD and shared memory are available. */
export type BackendChoice = 'auto' | 'js' | 'wasm';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'js', 'wasm'];

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

/** Where the build puts the kernels: packages/core/build/kernels.wasm (bundlers emit it as an asset). */
export function kernelsWasmUrl(): WasmUrl {
  return new URL('../../build/kernels.wasm', import.meta.url);
}

/** Fetches and compiles the kernels (browsers; in Node read the file at `kernelsWasmUrl()` and pass `bytes`). */
export async function fetchKernels(url: WasmUrl | string = kernelsWasmUrl()): Promise<WasmModule> {
  const res = await fetch(url);
  if (!res.ok) throw new ConfigError(`could not load the WASM kernels from ${typeof url === 'string' ? url : url.href} (HTTP ${res.status}); run "pnpm --filter @backprop/core build:wasm"`);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** Compiles the kernels' bytes once; the module can then be instantiated on any thread. */
export function compileKernels(bytes: WasmBytes): Promise<WasmModule> {
  return WebAssembly.compile(bytes);
}

/** A new shared memory sized for the kernels module. */
export function createKernelMemory(initialPages = DEFAULT_INITIAL_PAGES, maximumPages = WASM_MAX_PAGES): WasmMemory {
  if (!Number.isInteger(maximumPages) || maximumPages < WASM_MIN_PAGES || maximumPages > WASM_MAX_PAGES) {
    throw new ConfigError(`maximumPages must be an integer in [${WASM_MIN_PAGES}, ${WASM_MAX_PAGES}] (64 KiB pages); got ${maximumPages}`);
  }
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
export function instantiateWasmBackend(opts: { module: WasmModule; memory: WasmMemory }): WasmBackend {
  return wasmBackend(opts.module, opts.memory, new WebAssembly.Instance(opts.module, { env: { memory: opts.memory } }));
}

/** Checks a backend name (e.g. a command-line flag). */
export function checkBackendChoice(name: string): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown backend "${name}"; use auto (WASM when SIMD and shared memory are available), wasm or js`);
  }
  return name as BackendChoice;
}

/**
 * Picks the kernel family: `js` always; `wasm` or fails with the reason; `auto` is WASM when
 * SIMD and shared memory are available and the kernels can be loaded, JS otherwise.
 * `load` supplies the module or bytes (fetch in a browser, read the file in Node).
 */
export async function selectBackend(
  choice: BackendChoice = 'auto',
  load?: () => WasmBackendOptions | Promise<WasmBackendOptions>,
): Promise<Backend> {
  if (choice === 'js') return jsBackend;
  const missing = !wasmSimdSupported() ? 'WebAssembly SIMD' : !wasmSharedMemorySupported() ? 'shared WebAssembly memory (cross-origin isolation in browsers)' : !load ? 'the kernels module (pass a loader)' : null;
  if (missing) {
    if (choice === 'wasm') throw new ConfigError(`the WASM backend needs ${missing}, which is not available here; use the js backend`);
    return jsBackend;
  }
  if (choice === 'wasm') return createWasmBackend(await load!());
  try {
    return await createWasmBackend(await load!());
  } catch {
    return jsBackend; // auto: a kernels file that cannot be loaded leaves the JS kernels
  }
}

/** Per-memory allocator header: one Int32 bump pointer just above the module's static data. */
function allocatorHeader(heapBase: number): number {
  return align(heapBase);
}

function wasmBackend(module: WasmModule, memory: WasmMemory, instance: WasmInstance): WasmBackend {
  const ex = instance.exports as unknown as KernelExports;
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new ConfigError('the WASM kernels need a shared WebAssembly.Memory');
  const header = allocatorHeader(ex.heapBase());
  // The bump pointer lives in the memory itself, so every thread that shares the memory
  // allocates from it; Atomics make concurrent allocations disjoint. 0 means "not yet set".
  const top = new Int32Array(memory.buffer, header, 1);
  Atomics.compareExchange(top, 0, 0, header + 16);

  // Released regions of this thread, by size, for reuse by this thread's next arena of that size.
  const live = new Map<number, number>(); // start → size of regions this thread handed out
  const free = new Map<number, number[]>(); // size → starts
  /** A fresh region of `bytes` bytes (16-byte aligned, zero-filled), growing the memory when needed. */
  function region(bytes: number): { buffer: ArrayBufferLike; start: number; end: number } {
    const n = align(Math.max(16, bytes));
    const reuse = free.get(n)?.pop();
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

  const packRegion = region(ex.packBytes());
  const pack = packRegion.start; // this instance's scratch: each thread packs its own panels
  let fallbacks = 0;
  const f32 = (v: Floats): boolean => v instanceof Float32Array;

  function need(v: Floats, n: number, what: string): void {
    if (v.length < n) throw new ShapeError(`${what} has ${v.length} numbers but the kernel needs ${n}`);
  }

  const kernels: WasmKernels = {
    name: 'wasm',
    denseForward(net, W, X, B, nIn, nOut) {
      if (!(owns(net) && owns(W) && owns(X))) {
        fallbacks++;
        return jsKernels.denseForward(net, W, X, B, nIn, nOut);
      }
      need(net, B * nOut, 'net');
      need(W, nOut * (nIn + 1), 'W');
      need(X, B * nIn, 'X');
      ex.denseForward(net.byteOffset, W.byteOffset, X.byteOffset, B, nIn, nOut, pack);
    },
    denseBackwardWeights(dW, delta, X, B, nIn, nOut) {
      if (!(owns(dW) && owns(delta) && owns(X))) {
        fallbacks++;
        return jsKernels.denseBackwardWeights(dW, delta, X, B, nIn, nOut);
      }
      need(dW, nOut * (nIn + 1), 'dW');
      need(delta, B * nOut, 'delta');
      need(X, B * nIn, 'X');
      ex.denseBackwardWeights(dW.byteOffset, delta.byteOffset, X.byteOffset, B, nIn, nOut, pack);
    },
    denseBackwardInput(da, delta, W, B, nIn, nOut) {
      if (!(owns(da) && owns(delta) && owns(W))) {
        fallbacks++;
        return jsKernels.denseBackwardInput(da, delta, W, B, nIn, nOut);
      }
      need(da, B * nIn, 'da');
      need(delta, B * nOut, 'delta');
      need(W, nOut * (nIn + 1), 'W');
      ex.denseBackwardInput(da.byteOffset, delta.byteOffset, W.byteOffset, B, nIn, nOut, pack);
    },
    activationForward(name, a, net, B, n) {
      if (!(owns(a) && owns(net))) {
        fallbacks++;
        return jsActivationForward(name, a, net, B, n);
      }
      need(a, B * n, 'a');
      need(net, B * n, 'net');
      ex.activationForward(ACTIVATION_CODES[name], a.byteOffset, net.byteOffset, B, n);
    },
    activationBackward(name, delta, g, net, a, B, n) {
      if (!(owns(delta) && owns(g) && owns(net) && owns(a))) {
        fallbacks++;
        return jsActivationBackward(name, delta, g, net, a, B, n);
      }
      need(delta, B * n, 'delta');
      need(g, B * n, 'g');
      need(net, B * n, 'net');
      need(a, B * n, 'a');
      ex.activationBackward(ACTIVATION_CODES[name], delta.byteOffset, g.byteOffset, net.byteOffset, a.byteOffset, B, n);
    },
    softmaxCrossEntropyDelta(delta, a, Y, B, n) {
      if (!(owns(delta) && owns(a) && owns(Y))) {
        fallbacks++;
        for (let b = 0; b < B; b++) {
          const row = b * n;
          let sy = 0;
          for (let k = 0; k < n; k++) sy += Y[row + k];
          for (let k = 0; k < n; k++) delta[row + k] = sy * a[row + k] - Y[row + k];
        }
        return;
      }
      need(delta, B * n, 'delta');
      need(a, B * n, 'a');
      need(Y, B * n, 'Y');
      ex.softmaxCrossEntropyDelta(delta.byteOffset, a.byteOffset, Y.byteOffset, B, n);
    },
    sgdStep(params, grad, scale, lr) {
      const P = params.length;
      if (!(owns(params) && owns(grad))) {
        fallbacks++;
        return jsKernels.sgdStep(params, grad, scale, lr);
      }
      need(grad, P, 'grad');
      ex.sgdStep(params.byteOffset, grad.byteOffset, P, scale, lr);
    },
    momentumStep(params, grad, v, scale, lr, mu, nesterov) {
      const P = params.length;
      if (!(owns(params) && owns(grad) && owns(v))) {
        fallbacks++;
        return jsKernels.momentumStep(params, grad, v, scale, lr, mu, nesterov);
      }
      need(grad, P, 'grad');
      need(v, P, 'v');
      ex.momentumStep(params.byteOffset, grad.byteOffset, v.byteOffset, P, scale, lr, mu, nesterov ? 1 : 0);
    },
    adamStep(params, grad, m, v, scale, lr, beta1, beta2, eps, t) {
      const P = params.length;
      if (!(owns(params) && owns(grad) && owns(m) && owns(v))) {
        fallbacks++;
        return jsKernels.adamStep(params, grad, m, v, scale, lr, beta1, beta2, eps, t);
      }
      const c1 = 1 / (1 - Math.pow(beta1, t));
      const c2 = 1 / (1 - Math.pow(beta2, t));
      need(grad, P, 'grad');
      need(m, P, 'm');
      need(v, P, 'v');
      ex.adamStep(params.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, P, scale, lr, beta1, beta2, c1, c2, eps);
    },
    reduceSlots(grad, slots, nShards, P, from, to) {
      if (!(owns(grad) && owns(slots))) {
        fallbacks++;
        return jsReduceSlots(grad, slots, nShards, P, from, to);
      }
      need(grad, to, 'grad');
      need(slots, (nShards - 1) * P + to, 'slots');
      ex.reduceSlots(grad.byteOffset, slots.byteOffset, nShards, P, from, to);
    },
    firstNonFinite(x, from, to) {
      if (!owns(x)) {
        fallbacks++;
        for (let i = from; i < to; i++) if (!Number.isFinite(x[i])) return i;
        return -1;
      }
      need(x, to, 'x');
      return ex.firstNonFinite(x.byteOffset, from, to);
    },
    zero(x) {
      if (!owns(x)) {
        fallbacks++;
        x.fill(0);
        return;
      }
      ex.zero(x.byteOffset, x.length);
    },
  };

  return {
    name: 'wasm',
    kernels,
    module,
    memory,
    maxBytes: WASM_MAX_PAGES * WASM_PAGE - header,
    get fallbacks() {
      return fallbacks;
    },
    owns: (v) => f32(v) && owns(v),
    adopt<T extends Float32Array | Float64Array | Int32Array>(view: T): T {
      const Ctor = view.constructor as new (b: ArrayBufferLike, off: number, len: number) => T;
      return new Ctor(currentBuffer(), view.byteOffset, view.length);
    },
    arena(bytes: number): Arena {
      const r = region(bytes);
      return new Arena(r.buffer, r.start, r.end);
    },
    release(arena: Arena): void {
      const n = live.get(arena.base);
      if (n === undefined || !ownsBuffer(arena.buffer)) return; // not ours, or released already
      live.delete(arena.base);
      const list = free.get(n);
      if (list) list.push(arena.base);
      else free.set(n, [arena.base]);
    },
  };
}

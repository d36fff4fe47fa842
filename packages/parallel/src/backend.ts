/**
 * Backends cross to workers as serialisable descriptors: a worker rebuilds the same kernels
 * over the same memory. JS kernels read any shared buffer, so `{ kind: 'js' }` is all they
 * need; WASM kernels need their compiled module and the shared WebAssembly.Memory, which a
 * worker instantiates once (per memory) and then reuses for every training run.
 */
import { ConfigError, instantiateWasmBackend, jsBackend, type Backend, type Floats, type WasmBackend, type WasmMemory, type WasmModule } from '@backprop/core';

export type BackendDescriptor =
  | { kind: 'js' }
  /**
   * The WASM SIMD backend: instantiate `module` over `memory` in the worker. `id` names this
   * (module, memory) pair so a worker instantiates it once and reuses the instance (and its
   * packing scratch) across runs: a posted memory arrives as a new object every time.
   */
  | { kind: 'wasm'; module: WasmModule; memory: WasmMemory; id: string };

const ids = new WeakMap<object, string>();
let nextId = 0; // unique per main thread, which is the only thread that posts to its pool's workers

function isWasm(b: Backend): b is WasmBackend {
  const w = b as Partial<WasmBackend>;
  return b.name === 'wasm' && w.module !== undefined && w.memory !== undefined && typeof w.adopt === 'function';
}

/** The descriptor a worker needs to rebuild `backend` (main-thread side). */
export function describeBackend(backend: Backend): BackendDescriptor {
  if (backend.name === 'js') return { kind: 'js' };
  if (isWasm(backend)) {
    let id = ids.get(backend.memory);
    if (id === undefined) ids.set(backend.memory, (id = `wasm-${nextId++}`));
    return { kind: 'wasm', module: backend.module, memory: backend.memory, id };
  }
  throw new ConfigError(`the "${backend.name}" backend cannot run on workers; use the js or wasm backend with @backprop/parallel`);
}

/** Instances this thread built, by descriptor id (most recent last; a few kept). */
const instances = new Map<string, WasmBackend>();
const KEEP = 4;

/** The backend a descriptor names (worker side): for WASM, the same module over the same memory (zero copies). */
export function backendFrom(desc: BackendDescriptor): Backend {
  if (desc.kind === 'js') return jsBackend;
  if (desc.kind === 'wasm') {
    let b = instances.get(desc.id);
    if (b) {
      instances.delete(desc.id); // re-inserted below: most recently used last
    } else {
      b = instantiateWasmBackend({ module: desc.module, memory: desc.memory });
    }
    instances.set(desc.id, b);
    while (instances.size > KEEP) instances.delete(instances.keys().next().value!);
    return b;
  }
  throw new ConfigError(`workers cannot rebuild a "${(desc as { kind: string }).kind}" backend`);
}

/**
 * The same region as `view`, addressable by `backend`'s kernels: a view that arrived by
 * postMessage sits on a new buffer object, which the WASM backend does not recognise as its
 * memory until it is re-based (`adopt`). JS views are returned as they are.
 */
export function adoptView<T extends Floats | Int32Array>(backend: Backend, view: T): T {
  return isWasm(backend) ? backend.adopt(view) : view;
}

/**
 * Backends cross to workers as serialisable descriptors: a worker rebuilds the same kernels
 * over the same memory. JS kernels read any shared buffer, so `{ kind: 'js' }` is all they
 * need; WASM kernels need their compiled module and the shared WebAssembly.Memory.
 */
import { ConfigError, jsBackend, type Backend } from '@backprop/core';

export type BackendDescriptor =
  | { kind: 'js' }
  /** Hook for the WASM SIMD backend: instantiate `module` over `memory` in the worker. */
  | { kind: 'wasm'; module: unknown; memory: unknown };

/** The descriptor a worker needs to rebuild `backend` (main-thread side). */
export function describeBackend(backend: Backend): BackendDescriptor {
  if (backend.name === 'js') return { kind: 'js' };
  // WASM hook: core's WasmBackend carries `module` and `memory`; return
  // { kind: 'wasm', module: backend.module, memory: backend.memory } once backendFrom handles it.
  throw new ConfigError(`the "${backend.name}" backend cannot run on workers yet; use the js backend with @backprop/parallel`);
}

/** The backend a descriptor names (worker side). */
export function backendFrom(desc: BackendDescriptor): Backend {
  if (desc.kind === 'js') return jsBackend;
  // WASM hook: return core's instantiateWasmBackend({ module, memory }) (same module, same memory,
  // zero copies), and have task.ts `attach` pass the views it received through `backend.adopt`.
  throw new ConfigError(`workers cannot rebuild a "${desc.kind}" backend yet`);
}

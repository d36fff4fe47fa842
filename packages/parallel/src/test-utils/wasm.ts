// Test helper: a WASM SIMD backend from @backprop/core's packaged build/kernels.wasm.
import { createWasmBackend, loadKernels, type WasmBackend } from '@backprop/core/engine';

/** A WASM backend on a fresh shared memory (build the kernels with `pnpm --filter @backprop/core build:wasm`). */
export async function newWasmBackend(): Promise<WasmBackend> {
  return createWasmBackend({ module: await loadKernels() });
}

// Node-only test helper: a WASM SIMD backend from @backprop/core's build/kernels.wasm.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmBackend, kernelsWasmUrl, type WasmBackend } from '@backprop/core/engine';

/** A WASM backend on a fresh shared memory (build the kernels with `pnpm --filter @backprop/core build:wasm`). */
export function newWasmBackend(): Promise<WasmBackend> {
  const path = fileURLToPath(kernelsWasmUrl().href);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path} is missing: run "pnpm --filter @backprop/core build:wasm"`, { cause: e });
  }
  return createWasmBackend({ bytes });
}

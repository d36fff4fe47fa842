// The kernel families every core test runs against (DESIGN.md §5: one suite, every backend).
// The WASM family is read from build/kernels.wasm, which `pnpm test` builds first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../kernels/index.js';
import { jsBackend } from '../kernels/js.js';
import { kernelsWasmUrl } from '../kernels/load.js';
import { createWasmBackend, type WasmBackend } from '../kernels/wasm.js';

/** build/kernels.wasm; run `pnpm --filter @backprop/core build:wasm` if it is missing. */
export function kernelsWasmBytes(): Uint8Array {
  const path = fileURLToPath(kernelsWasmUrl().href);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path} is missing: run "pnpm --filter @backprop/core build:wasm" (core's test script does it first)`, { cause: e });
  }
}

/** A WASM backend on a fresh shared memory. */
export function newWasmBackend(): Promise<WasmBackend> {
  return createWasmBackend({ bytes: kernelsWasmBytes() });
}

export const wasmBackend: WasmBackend = await newWasmBackend();

export const backends: Backend[] = [jsBackend, wasmBackend];

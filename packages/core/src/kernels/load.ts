/**
 * Finding, loading and choosing the WASM SIMD kernels. The `.wasm` ships inside this package at
 * build/kernels.wasm and is found from this module's own location, `new URL(…, import.meta.url)`:
 * Node resolves it to the installed file, and bundlers (Vite dev and build, webpack, esbuild)
 * emit it as an asset and rewrite the URL. Reading the bytes is the one platform-specific step,
 * behind the `#read-kernels` import (package.json `imports`): `node` reads file: URLs from disk,
 * every other host (browsers, Web Workers) fetches.
 */
import { ConfigError, isUserError } from '../errors.js';
import { readKernels } from '#read-kernels';
import type { Backend } from './index.js';
import { jsBackend } from './js.js';
import {
  checkMaximumPages, compileKernels, createWasmBackend, wasmSharedMemorySupported, wasmSimdSupported,
  type WasmBackendOptions, type WasmBytes, type WasmModule,
} from './wasm.js';

// The web-platform globals used here (core compiles without DOM/Node types).
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

/** Which kernel family to run: `auto` picks WASM when SIMD and shared memory are available. */
export type BackendChoice = 'auto' | 'js' | 'wasm';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'js', 'wasm'];

/** Checks a backend name (e.g. a command-line flag). */
export function checkBackendChoice(name: string): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown backend "${name}"; use auto (WASM when SIMD and shared memory are available), wasm or js`);
  }
  return name as BackendChoice;
}

/** The packaged kernels: build/kernels.wasm next to this module (bundlers emit it as an asset). */
export function kernelsWasmUrl(): WasmUrl {
  return new URL('../../build/kernels.wasm', import.meta.url);
}

/** Compiled modules by URL: a thread compiles the kernels once, however many backends it makes. */
const compiled = new Map<string, Promise<WasmModule>>();

/**
 * Reads and compiles the kernels from `url` (default: the file inside this package), once per
 * thread and URL. Every failure is a ConfigError naming the URL, the cause and the fix: a
 * missing file, an HTTP error, a page served instead of the `.wasm`, bytes that do not compile.
 */
export function loadKernels(url: WasmUrl | string = kernelsWasmUrl()): Promise<WasmModule> {
  const href = typeof url === 'string' ? url : url.href;
  let module = compiled.get(href);
  if (!module) {
    module = readAndCompile(href);
    compiled.set(href, module);
    module.catch(() => compiled.delete(href)); // a later call tries again
  }
  return module;
}

async function readAndCompile(href: string): Promise<WasmModule> {
  const where = `the WASM kernels from ${href}`;
  const hint = href.startsWith('file:')
    ? 'the installed @backprop/core is incomplete: reinstall it (in the backprop repository: pnpm --filter @backprop/core build:wasm)'
    : 'serve build/kernels.wasm of @backprop/core at that URL (bundlers emit it as an asset), or pass { url } where it is hosted';
  let bytes: WasmBytes;
  try {
    bytes = await readKernels(href);
  } catch (e) {
    throw new ConfigError(`could not load ${where}: ${message(e)}; ${hint}`);
  }
  const head = (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).subarray(0, 16);
  if (!(head[0] === 0x00 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d)) {
    const text = String.fromCharCode(...head).replace(/[^\x20-\x7e]/g, '.');
    throw new ConfigError(`could not load ${where}: it is not a WebAssembly file (${bytes.byteLength} bytes beginning "${text}"), e.g. an HTML page a server sends for unknown paths; ${hint}`);
  }
  try {
    return await compileKernels(bytes);
  } catch (e) {
    throw new ConfigError(`${where} did not compile (${message(e)}): the file is damaged or from another build; ${hint}`);
  }
}

/** Supplies the kernels yourself (a cache, a service worker, a test): the module or its bytes, plus memory sizes. */
export type KernelsLoader = () => WasmBackendOptions | Promise<WasmBackendOptions>;

export interface SelectBackendOptions {
  /** Where the kernels are hosted (a CDN, a service-worker route); default: the file inside this package. */
  url?: WasmUrl | string;
  /** Loads the kernels instead of `url`. */
  load?: KernelsLoader;
  /** Pages of the new shared memory (see WasmBackendOptions). */
  initialPages?: number;
  /** Maximum pages of the new shared memory; browsers reserve it up front (see WasmBackendOptions). */
  maximumPages?: number;
}

/** The chosen backend and why, as a sentence an app can show (`auto` fell back to JS: the cause). */
export interface BackendSelection {
  readonly backend: Backend;
  readonly reason: string;
}

/** Why WASM cannot run on this host, or null when SIMD and shared memory are there. */
function missingCapability(): string | null {
  if (typeof WebAssembly !== 'object') return 'this runtime has no WebAssembly';
  if (!wasmSimdSupported()) return 'this runtime has no WebAssembly SIMD (it needs Chrome 91, Firefox 89, Safari 16.4, Node 16.4 or later)';
  if (wasmSharedMemorySupported()) return null;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'this page is not cross-origin isolated, so it cannot share WebAssembly memory (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  return 'this runtime cannot create a shared WebAssembly.Memory (SharedArrayBuffer or Atomics is missing)';
}
declare const WebAssembly: object | undefined;

/**
 * Picks the kernel family and says why. `js`: the JS kernels. `wasm`: the WASM SIMD kernels, or
 * a ConfigError naming what is missing. `auto`: WASM where SIMD and shared memory exist and the
 * kernels load, else JS with the cause in `reason`. With no options the packaged `.wasm` is
 * found by itself (Node from node_modules, bundlers, Web Workers); `url` or a loader (the
 * second argument may be the loader itself) serve custom hosting.
 */
export async function selectBackend(choice: BackendChoice = 'auto', options: SelectBackendOptions | KernelsLoader = {}): Promise<BackendSelection> {
  checkBackendChoice(choice);
  const opts = typeof options === 'function' ? { load: options } : options;
  if (opts.maximumPages !== undefined) checkMaximumPages(opts.maximumPages); // a mistake, never a fallback
  if (choice === 'js') return { backend: jsBackend, reason: 'the JS kernels were asked for' };
  let cause = missingCapability();
  if (!cause) {
    try {
      const sizes = { initialPages: opts.initialPages, maximumPages: opts.maximumPages };
      const backend = opts.load
        ? await createWasmBackend({ ...sizes, ...(await opts.load()) })
        : await createWasmBackend({ ...sizes, module: await loadKernels(opts.url) });
      return { backend, reason: 'WebAssembly SIMD and shared memory are available, so the WASM SIMD kernels run' };
    } catch (e) {
      cause = isUserError(e) ? e.message : `the WASM kernels could not be set up (${message(e)})`;
    }
  }
  if (choice === 'wasm') throw new ConfigError(`the WASM kernels cannot run: ${cause}; use the js kernels, or auto (which falls back to them)`);
  return { backend: jsBackend, reason: `${cause}; the JS kernels run instead` };
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
}

/**
 * Arena: one block of shared memory that hands out aligned typed-array views. Parameters,
 * gradient slots, optimizer state and scratch are all views into arenas, so workers that
 * receive the buffer once see the same tensors (DESIGN.md §3). Arenas come from a Backend
 * (`backend.arena(bytes)`): the JS backend's are fresh SharedArrayBuffers, the WASM backend's
 * are regions of its one WebAssembly.Memory. Nothing else in core allocates tensors.
 */
import { ConfigError, ShapeError } from './errors.js';

export type DType = 'f32' | 'f64';
export type Floats = Float32Array | Float64Array;
export type FloatsOf<D extends DType> = D extends 'f32' ? Float32Array : Float64Array;

/** Bytes per element of a dtype. */
export function bytesOf(dtype: DType): number {
  return dtype === 'f32' ? 4 : 8;
}

/** True where this runtime can create a SharedArrayBuffer (browsers need cross-origin isolation). */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined';
}

/** A SharedArrayBuffer when available, else a plain ArrayBuffer (single-thread fallback). */
export function allocBuffer(bytes: number): ArrayBufferLike {
  try {
    return sharedMemoryAvailable() ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  } catch (e) {
    // the last line of defence behind checkMemory: the system refused (RangeError), say so plainly
    if (e instanceof RangeError) throw new ConfigError(`could not allocate ${bytes} bytes of memory (the system refused: ${e.message}); use smaller layers or batches`);
    throw e;
  }
}

const ALIGN = 16; // 16-byte alignment: SIMD loads in the WASM kernels want it

/** A bump allocator over one buffer. Views are never freed individually; drop the arena. */
export class Arena {
  readonly buffer: ArrayBufferLike;
  /** First byte this arena may hand out (WASM memory reserves its low bytes). */
  readonly base: number;
  /** One past the last byte this arena may hand out (a region of a larger shared memory ends early). */
  readonly end: number;
  private top: number;

  constructor(buffer: ArrayBufferLike, base = 0, end = buffer.byteLength) {
    this.buffer = buffer;
    this.base = align(base);
    this.end = end;
    this.top = this.base;
  }

  /** Bytes handed out so far (including alignment padding). */
  get used(): number {
    return this.top - this.base;
  }

  get capacity(): number {
    return this.end - this.base;
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.buffer, this.take(n * 4), n);
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.buffer, this.take(n * 8), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.buffer, this.take(n * 4), n);
  }

  /** A float view of the given dtype. */
  floats<D extends DType>(dtype: D, n: number): FloatsOf<D> {
    return (dtype === 'f32' ? this.f32(n) : this.f64(n)) as FloatsOf<D>;
  }

  private take(bytes: number): number {
    const at = this.top;
    const end = align(at + bytes);
    if (end > this.end) {
      throw new ShapeError(
        `arena is full: asked for ${bytes} bytes with ${this.end - at} left; ask the backend for a larger arena (Workspace.bytes gives what a workspace needs)`,
      );
    }
    this.top = end;
    return at;
  }
}

/** Round up to the arena alignment. */
export function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

// @backprop/parallel/browser: data-parallel training on Web Workers (comlink). Needs
// cross-origin isolation (COOP: same-origin, COEP: require-corp) for shared memory.
import { ConfigError } from '@backprop/core';
import { parallelAvailable, startEngine, type EngineFactory, type ParallelOptions } from '../engine.js';
import { BrowserPool } from './pool.js';

export interface BrowserEngineOptions extends ParallelOptions {
  /** Web Workers (default: navigator.hardwareConcurrency); ignored when `pool` is given. */
  workers?: number;
  /** A pool to reuse across fits; the engine then leaves its workers running on close. */
  pool?: BrowserPool;
}

/** `trainer.fit(data, { engine: browserEngine({ workers: 4 }) })`: the same results, on every core. */
export function browserEngine(options: BrowserEngineOptions = {}): EngineFactory {
  return (net, data, opts) => {
    if (!parallelAvailable()) {
      return Promise.reject(new ConfigError('this page is not cross-origin isolated, so it cannot share memory with workers: serve it with COOP: same-origin and COEP: require-corp, or train on one thread'));
    }
    const own = !options.pool;
    const pool = options.pool ?? new BrowserPool({ workers: options.workers });
    return startEngine(pool, own, net, data, opts, options);
  };
}

export { BrowserPool } from './pool.js';
export type { BrowserPoolOptions } from './pool.js';

// @backprop/parallel/node: data-parallel training on worker threads (piscina).
import { startEngine, threadFault, type EngineFactory, type ParallelOptions } from '../engine.js';
import { NodePool } from './pool.js';

export interface NodeEngineOptions extends ParallelOptions {
  /**
   * Threads that compute each step (default: os.availableParallelism()): this thread and
   * workers − 1 pool threads (see NodePoolOptions); ignored when `pool` is given.
   */
  workers?: number;
  /** This thread computes one of the `workers` lanes (default true; see NodePoolOptions.caller); ignored when `pool` is given. */
  caller?: boolean;
  /** A pool to reuse across fits; the engine then leaves its threads running on close. */
  pool?: NodePool;
}

/** `trainer.fit(data, { engine: nodeEngine({ workers: 2 }) })`: the same results, on every core. */
export function nodeEngine(options: NodeEngineOptions = {}): EngineFactory {
  return (net, data, opts) => {
    const own = !options.pool;
    const pool = options.pool ?? new NodePool({ workers: options.workers, caller: (options.caller ?? true) && !threadFault(options) });
    return startEngine(pool, own, net, data, opts, options);
  };
}

export { NodePool } from './pool.js';
export type { NodePoolOptions } from './pool.js';

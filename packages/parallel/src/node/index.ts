// @backprop/parallel/node: data-parallel training on worker threads (piscina).
import { startEngine, type EngineFactory, type ParallelOptions } from '../engine.js';
import { NodePool } from './pool.js';

export interface NodeEngineOptions extends ParallelOptions {
  /** Worker threads (default: os.availableParallelism()); ignored when `pool` is given. */
  workers?: number;
  /** A pool to reuse across fits; the engine then leaves its threads running on close. */
  pool?: NodePool;
}

/** `trainer.fit(data, { engine: nodeEngine({ workers: 2 }) })`: the same results, on every core. */
export function nodeEngine(options: NodeEngineOptions = {}): EngineFactory {
  return (net, data, opts) => {
    const own = !options.pool;
    const pool = options.pool ?? new NodePool({ workers: options.workers });
    return startEngine(pool, own, net, data, opts, options);
  };
}

export { NodePool } from './pool.js';
export type { NodePoolOptions } from './pool.js';

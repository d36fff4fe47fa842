// @backprop/parallel: data-parallel training on shared memory, bit-identical to one thread.
// The engines live in the platform subpaths "./node" (piscina) and "./browser" (comlink);
// what a new platform adapter builds on is at "./engine".
export { WorkerError, parallelAvailable, shareDataset } from './engine.js';
export type { EngineFactory, ParallelOptions } from './engine.js';

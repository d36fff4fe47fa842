// @backprop/parallel: data-parallel training on shared memory, bit-identical to one thread.
// Platform adapters live in the subpaths "./node" (piscina) and "./browser" (comlink).
export { backendFrom, describeBackend } from './backend.js';
export type { BackendDescriptor } from './backend.js';
export { ParallelEngine, WorkerError, isShared, parallelAvailable, shareDataset } from './engine.js';
export type { EngineFactory, ParallelOptions, WorkerPool } from './engine.js';
export { attach, runStep, serve } from './task.js';
export type { FaultInjection, WorkerHost, WorkerInit, WorkerState } from './task.js';

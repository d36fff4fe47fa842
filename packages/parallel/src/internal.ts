// @backprop/parallel/engine: what a platform adapter builds on (src/node and src/browser are two):
// the engine that steps long-lived workers through a control block, the pool contract it drives,
// and the worker side of a step (`serve`), which imports only @backprop/core.
export { ParallelEngine, checkWorkers, isShared, startEngine } from './engine.js';
export type { WorkerPool } from './engine.js';
export { serve } from './task.js';
export type { FaultInjection, WorkerHost, WorkerInit } from './task.js';

/**
 * Piscina worker: one long-running task per training run serves every step (task.ts), so a
 * step costs an Atomics wake-up instead of a piscina round trip. 'ping' is an empty task the
 * bench uses to measure that round trip.
 */
import { threadId } from 'node:worker_threads';
import { serve, type WorkerInit } from '../task.js';

export type NodeTask = { kind: 'serve'; init: WorkerInit } | { kind: 'ping' };

export default function run(task: NodeTask): number {
  if (task.kind === 'ping') return 0;
  serve(task.init, { exit: (code) => process.exit(code), threadId });
  return 0;
}

/**
 * How many gradient workers a run gets when the choice is `auto`: splitting a batch costs a
 * round trip to every worker per step (≈ 0.1–0.3 ms in a browser), so it pays only when a
 * batch holds enough work: B·P multiply-adds (forward) plus twice that (backward). The page
 * shows the reason, e.g. "batch 10 is too small to split: 1 worker".
 */
import { defaultShardSize, shardCount } from '@backprop/core/engine';
import type { WorkerChoice } from './state.js';

/** Multiply-adds of one batch's forward pass (B·P) below which one thread is fastest. */
const SPLIT_WORK = 250_000;
/** More than this many workers has not been faster on the page's networks (and browsers cap threads). */
const MAX_AUTO = 4;

export type WorkersReason =
  | { kind: 'chosen'; n: number } // the link or the control asked for n
  | { kind: 'notIsolated' } // no shared memory: 1 worker
  | { kind: 'tooSmall'; batch: number; work: number } // too little work per batch to split
  | { kind: 'split'; batch: number; shards: number; n: number; cores: number };

export interface WorkerPlan {
  workers: number;
  reason: WorkersReason;
}

/** Workers for a choice, a batch size B and a network of P parameters on a page with `cores` cores. */
export function planWorkers(choice: WorkerChoice, B: number, P: number, isolated: boolean, cores: number): WorkerPlan {
  if (!isolated) return { workers: 1, reason: { kind: 'notIsolated' } };
  if (choice !== 'auto') return { workers: choice, reason: { kind: 'chosen', n: choice } };
  const work = B * P;
  if (work < SPLIT_WORK) return { workers: 1, reason: { kind: 'tooSmall', batch: B, work } };
  const shards = shardCount(B, defaultShardSize(B, P));
  const n = Math.max(1, Math.min(MAX_AUTO, cores, shards));
  if (n === 1) return { workers: 1, reason: { kind: 'tooSmall', batch: B, work } };
  return { workers: n, reason: { kind: 'split', batch: B, shards, n, cores } };
}

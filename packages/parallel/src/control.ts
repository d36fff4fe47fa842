/**
 * The control block: a few Int32 words in shared memory through which the main thread steps
 * long-lived workers (an Atomics barrier instead of one message per step) and workers hand
 * out shards and reduction stripes to each other with atomic counters.
 */
import { jsBackend } from '@backprop/core';

/** Step generation: the main thread bumps it to start a step (or to stop); workers wait on it. */
export const GEN = 0;
/** What a new generation means: STEP or STOP. */
export const CMD = 1;
/** The step's rows are order[START … START+ROWS), cut into SHARDS shards. */
export const START = 2;
export const ROWS = 3;
export const SHARDS = 4;
/** Next shard to hand out: a worker claims shard s = Atomics.add(NEXT_SHARD, 1). */
export const NEXT_SHARD = 5;
/** Shards whose slot is written; reduction waits until it reaches SHARDS. */
export const SHARDS_DONE = 6;
/** Next parameter stripe to reduce. */
export const NEXT_STRIPE = 7;
/** Workers that have left the current step; the last one to leave publishes DONE. */
export const LEFT = 8;
/** Last completed generation; the main thread waits on it. */
export const DONE = 9;
/** 1 once a step has failed: workers stop claiming shards and skip the reduction. */
export const FAILED = 10;
/** First shard that failed (-1: none or unknown). */
export const FAILED_SHARD = 11;
/** Batch calls so far (1-based; unchanged by a retry). */
export const STEP = 12;
/** TEST ONLY: 1 once the injected fault has fired, so a retry runs clean. */
export const FAULT_FIRED = 13;
/** Lanes that have built their views in the current serve session (the watchdog waits for all). */
export const ATTACHED = 14;
/** 1 when the workers also apply the optimizer to each stripe they reduce (ParallelEngine.trainStep). */
export const UPDATE = 15;
/** 1 once a stripe's gradient, the loss or a stripe's new weights were not finite: the step is undone. */
export const NUMERIC = 17;
/** BUSY + w: the shard worker lane w is computing, IN_STRIPES while it reduces stripes, or IDLE. */
export const BUSY = 24;
export const IDLE = -1;
export const IN_STRIPES = -2;

/** Index of lane w's thread id (0: not attached yet), after the BUSY words. */
export function threadSlot(workers: number, lane: number): number {
  return BUSY + workers + lane;
}

export const CMD_STEP = 0;
export const CMD_STOP = 1;

/** Added to SHARDS_DONE on failure so no worker keeps waiting for the missing shards. */
export const FAIL_BUMP = 1 << 24;

/** A zeroed control block for `workers` lanes, on shared memory. */
export function controlBlock(workers: number): Int32Array {
  const n = BUSY + 2 * workers;
  const ctl = jsBackend.arena(n * 4).i32(n);
  ctl.fill(IDLE, BUSY, BUSY + workers);
  ctl[FAILED_SHARD] = -1;
  return ctl;
}

/**
 * The worker side of a data-parallel step (platform-neutral: imports only @backprop/core).
 * A lane builds views of the shared tensors once, then serves steps: it claims runs of
 * consecutive shards from an atomic counter and runs each as one group (one GEMM per layer over
 * its rows: forward, statistics, δ) into the batch's shared workspace, waits until every shard's
 * δ is in, then claims stripes of output rows and sums each stripe's weight gradient over the
 * shards in shard order straight into the gradient (core `BatchGradient`: the sums of the
 * single-thread engine), and updates it. Who computes a shard or a stripe never changes a bit.
 */
import { Network, type Dataset, type Floats, type NetworkSpec } from '@backprop/core';
import {
  BatchGradient, backendFrom, claimShards, now, updateRange, type BackendDescriptor, type OptimizerConfig, type SharedBatch,
} from '@backprop/core/engine';
import {
  ATTACHED, BUSY, CMD, CMD_STOP, DONE, FAIL_BUMP, FAILED, FAILED_SHARD, FAULT_FIRED, GEN, IDLE, IN_STRIPES, LEFT, NEXT_SHARD, NEXT_STRIPE, NUMERIC, ROWS, SHARDS,
  SHARDS_DONE, START, STEP, UPDATE, threadSlot,
} from './control.js';

/**
 * TEST ONLY: make one shard fail once (on the given batch call, 1-based), to prove that a
 * failing worker never leaves the weights half-updated. Never set this in real training.
 */
export interface FaultInjection {
  step: number;
  shard: number;
  /**
   * 'throw': the shard throws; 'exit': the worker thread exits (Node only); 'hang': the worker
   * blocks forever, neither throwing nor exiting (the watchdog's case); 'oom': the shard throws
   * the WASM-memory-full error on every attempt, as a real one would recur.
   */
  kind: 'throw' | 'exit' | 'hang' | 'oom';
  /** 'update': fire right after stripe `shard` has been updated (the weights half-updated); default 'shard'. */
  phase?: 'shard' | 'update';
  /**
   * Fire only on this lane, at the first shard it computes from batch call `step` on (`shard`
   * is then ignored), or, in a step where the other lanes took every shard before it came, when it
   * finds none left: the way to end a pool thread while the calling thread computes beside it.
   * Never the calling thread's lane with 'exit' or 'hang'.
   */
  lane?: number;
}

/**
 * The optimizer on the workers: its config and state vectors, and the undo log. Before a worker
 * updates stripe k it copies the stripe's weights and state into the log at the same offsets and
 * sets logged[k] = the step's generation; a failed step is undone by copying the logged stripes back.
 */
export interface SharedUpdate {
  config: Required<OptimizerConfig>;
  vectors: Record<string, Floats>; // the optimizer's state, P numbers each
  undo: { params: Floats; vectors: Record<string, Floats> };
  logged: Int32Array; // (stripes)
  corrections: Float64Array; // (2) this step's bias corrections c1, c2 (Optimizer.corrections), set before each step
}

/** Everything a worker receives, once: shared views plus sizes. Serialisable (structured clone). */
export interface WorkerInit {
  lane: number; // this worker's index in the control block
  workers: number;
  spec: NetworkSpec;
  backend: BackendDescriptor; // core backend.describe(): rebuilt here by backendFrom
  params: Floats; // (P) the weights; workers only read them
  data: Dataset; // X (N, nIn), Y (N, nOut) on shared memory
  order: Int32Array; // the epoch's sample order
  batch: SharedBatch; // the batch's workspace, the gradient, per-shard stats, the stripes
  ctl: Int32Array; // the control block (control.ts)
  /** busy[lane]: ms this lane spent computing shards and stripes (not waiting), summed over steps. */
  busy: Float64Array;
  /** phases[PHASES·lane + p]: ms of this lane in phase p (`PHASES`), summed over steps. */
  phases: Float64Array;
  /** GEN when this serve call was issued: a larger GEN is a step to run. */
  seenGen: number;
  fault: FaultInjection | null;
  /** The optimizer, when the workers apply it (null: they only reduce the gradient). */
  update: SharedUpdate | null;
  /** µs of wall time a lane spins on a control word before it sleeps (ParallelOptions.spin). */
  spin: number;
}

/** Phases a lane's time is summed by (WorkerInit.phases, ParallelEngine.phases): runs of shards (forward, statistics, δ), stripes' dW, their undo log, update and check. */
export const PHASES = 3;
const PHASE_ROWS = 0;
const PHASE_DW = 1;
const PHASE_UPDATE = 2;

/** What differs between platforms inside a worker. */
export interface WorkerHost {
  /** End this worker thread now (used only by fault injection). */
  exit(code: number): void;
  /** This thread's id (Node: worker_threads.threadId), published so the pool can replace a hung thread. */
  threadId: number;
}

/** A worker's views, built once from its WorkerInit. */
export interface WorkerState {
  init: WorkerInit;
  net: Network;
  /** The engine's batch workspace and gradient, as views this worker's kernels can address. */
  bg: BatchGradient;
  /** The init's update, re-based onto this worker's backend. */
  update: SharedUpdate | null;
}

/**
 * Builds the views once; nothing is allocated per step. With the WASM backend the worker
 * instantiates the same module over the same memory (core `backendFrom`), re-bases the shared
 * views onto it (`backend.adopt`), and takes its scratch from the memory's shared bump allocator.
 */
export function attach(init: WorkerInit): WorkerState {
  const backend = backendFrom(init.backend);
  const net = new Network(init.spec, backend.adopt(init.params), backend);
  const bg = BatchGradient.attach(net, init.batch);
  // Taken now, not on this worker's first shard: a worker that gets no shard in a run would
  // otherwise hold no scratch, and the next run would grow the heap by a region it cannot reuse.
  backend.reserveScratch();
  const u = init.update;
  const adoptAll = (r: Record<string, Floats>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, backend.adopt(v)]));
  const update = u && { config: u.config, vectors: adoptAll(u.vectors), undo: { params: backend.adopt(u.undo.params), vectors: adoptAll(u.undo.vectors) }, logged: u.logged, corrections: u.corrections };
  return { init, net, bg, update };
}

/** Gives the worker's scratch back to the backend: WASM memory is reused by the next run, on this thread or a new one. */
export function detach(st: WorkerState): void {
  st.bg.release();
  st.net.backend.releaseScratch();
}

/**
 * The serve loop of one long-lived worker: wait for a new generation, run the step, repeat
 * until told to stop. One call serves every step of a training run (no message per step).
 */
export function serve(init: WorkerInit, host: WorkerHost): void {
  const st = attach(init);
  const ctl = init.ctl;
  let seen = init.seenGen;
  Atomics.store(ctl, threadSlot(init.workers, init.lane), host.threadId);
  Atomics.add(ctl, ATTACHED, 1);
  try {
    for (;;) {
      waitWhile(ctl, GEN, seen, init.spin);
      const gen = Atomics.load(ctl, GEN);
      if (gen === seen) continue;
      seen = gen;
      if (Atomics.load(ctl, CMD) === CMD_STOP) return;
      try {
        runStep(st, gen, host);
      } catch (e) {
        failStep(ctl, Math.max(-1, Atomics.load(ctl, BUSY + init.lane))); // −1: outside any shard (e.g. a stripe)
        throw e; // the pool rejects this worker's serve call with the original error
      }
    }
  } finally {
    detach(st);
  }
}

/**
 * Returns once ctl[i] !== v (or after a spurious wake-up). Spins at most `us` µs first: a step on
 * the WASM kernels lasts well under a millisecond, so an Atomics.wait/notify round trip (tens of
 * µs when the thread has to be rescheduled) would be a large share of it; past the budget the
 * thread sleeps and burns nothing.
 */
export function waitWhile(ctl: Int32Array, i: number, v: number, us: number, ms?: number): boolean {
  if (Atomics.load(ctl, i) !== v) return true;
  const until = now() + us / 1000;
  do {
    for (let n = 0; n < 64; n++) if (Atomics.load(ctl, i) !== v) return true;
  } while (now() < until);
  return Atomics.wait(ctl, i, v, ms) !== 'timed-out'; // returns at once if ctl[i] has already moved on
}

/** Marks the step failed and releases every worker waiting for the missing shards. */
export function failStep(ctl: Int32Array, shard: number): void {
  Atomics.compareExchange(ctl, FAILED_SHARD, -1, shard);
  Atomics.store(ctl, FAILED, 1);
  Atomics.add(ctl, SHARDS_DONE, FAIL_BUMP);
  Atomics.notify(ctl, SHARDS_DONE);
}

/**
 * One step on this lane: runs of shards (forward and δ) while any are left, then gradient
 * stripes while any are left. The last lane to leave publishes DONE = gen for the main thread.
 */
export function runStep(st: WorkerState, gen: number, host: WorkerHost, maxWaitMs?: number): void {
  const { init, bg } = st;
  const { ctl, lane, data, order, fault } = init;
  const { shardSize } = bg;
  const t0 = now();
  let waited = 0;
  const start = Atomics.load(ctl, START);
  const B = Atomics.load(ctl, ROWS);
  const nShards = Atomics.load(ctl, SHARDS);
  // 1. runs of shards, handed out dynamically: a fast core simply claims more of them. A run is
  //    an equal share of the batch (at most 256 rows), so balanced cores claim once each and get
  //    the grouped GEMMs of the local engine: forward, statistics and δ of its rows, into the
  //    batch's workspace (no weight gradient yet: it needs every shard)
  const g = claimShards(nShards, shardSize, init.workers);
  for (;;) {
    if (Atomics.load(ctl, FAILED) !== 0) break;
    const first = Atomics.add(ctl, NEXT_SHARD, g);
    if (first >= nShards) {
      // TEST ONLY: a lane's fault fires even when the other lanes left it no shard (a thread that
      // starts its step late may find every shard taken, step after step)
      if (fault !== null && fault.lane === lane && fault.phase !== 'update') injectFault(ctl, fault, -1, lane, host);
      break;
    }
    const n = Math.min(g, nShards - first);
    if (fault !== null && fault.phase !== 'update') {
      for (let s = first; s < first + n; s++) {
        Atomics.store(ctl, BUSY + lane, s); // an injected fault names its own shard
        injectFault(ctl, fault, s, lane, host);
      }
    }
    // A fault inside the run's kernels names the run's first shard (the run is retried whole).
    Atomics.store(ctl, BUSY + lane, first);
    const r0 = first * shardSize;
    const rows = Math.min(n * shardSize, B - r0);
    bg.computeRows(first, data, order, start + r0, rows);
    Atomics.store(ctl, BUSY + lane, IDLE);
    if (Atomics.add(ctl, SHARDS_DONE, n) + n === nShards) Atomics.notify(ctl, SHARDS_DONE);
  }
  const phase = PHASES * lane;
  init.phases[phase + PHASE_ROWS] += now() - t0;
  // 2. wait until every shard's δ is in (or the step failed)
  //    (the calling thread waits at most maxWaitMs, then leaves the stripes to the workers: a
  //    worker that died would otherwise block it for good, and with it the watchdog)
  let reduce = true;
  if (Atomics.load(ctl, SHARDS_DONE) < nShards) {
    const w0 = now();
    for (;;) {
      const done = Atomics.load(ctl, SHARDS_DONE);
      if (done >= nShards) break;
      if (!waitWhile(ctl, SHARDS_DONE, done, init.spin, maxWaitMs)) {
        reduce = false;
        break;
      }
    }
    waited = now() - w0;
  }
  // 3. the weight gradient by stripes of output rows: each stripe's sums over the shards in
  //    shard order s = 0, 1, … straight into grad, and, when asked, its check and update in the
  //    same pass while it is in cache
  if (reduce && Atomics.load(ctl, FAILED) === 0) {
    Atomics.store(ctl, BUSY + lane, IN_STRIPES);
    const update = Atomics.load(ctl, UPDATE) === 1 ? st.update : null;
    if (update && !Number.isFinite(bg.sumStats(nShards).loss)) Atomics.store(ctl, NUMERIC, 1);
    for (;;) {
      if (Atomics.load(ctl, FAILED) !== 0 || (update && Atomics.load(ctl, NUMERIC) !== 0)) break; // checked before a claim: a claimed stripe is finished
      const k = Atomics.add(ctl, NEXT_STRIPE, 1);
      if (k >= bg.stripes.length) break;
      const q0 = now();
      bg.computeStripe(k, B); // every family: the one-thread engine's sums, in shard order
      const q1 = now();
      init.phases[phase + PHASE_DW] += q1 - q0;
      if (update) {
        updateStripe(st, update, k, B, gen, host);
        init.phases[phase + PHASE_UPDATE] += now() - q1;
      }
    }
    Atomics.store(ctl, BUSY + lane, IDLE);
  }
  // 4. leave; the last one out tells the main thread (nobody touches this step's memory after)
  init.busy[lane] += now() - t0 - waited;
  if (Atomics.add(ctl, LEFT, 1) + 1 === init.workers) {
    Atomics.store(ctl, DONE, gen);
    Atomics.notify(ctl, DONE);
  }
}

/**
 * Logs and updates one stripe: the stripe's weights and state go to the undo log before the
 * update; new weights that are not finite (the update kernel checks them in its own pass) mark
 * the step failed, and the engine then copies every logged stripe back. A gradient that is not
 * finite needs no scan of its own: it makes its weights not finite (w − η·NaN, w − η·∞, and
 * Adam's m/√v of ∞/∞ are NaN or ±∞), and the failure message reads the raw sums again.
 */
function updateStripe(st: WorkerState, u: SharedUpdate, k: number, B: number, gen: number, host: WorkerHost): void {
  const { net, bg, init } = st;
  const { from, to } = bg.stripes[k];
  const ctl = init.ctl;
  const kernels = net.kernels;
  const params = net.params;
  u.undo.params.set(params.subarray(from, to), from);
  for (const key in u.vectors) u.undo.vectors[key].set(u.vectors[key].subarray(from, to), from);
  Atomics.store(u.logged, k, gen); // after the copy: a stripe marked logged has a complete copy
  if (!updateRange(u.config, u.vectors, params, bg.grad, B, net.layers, from, to, { c1: u.corrections[0], c2: u.corrections[1] }, kernels)) Atomics.store(ctl, NUMERIC, 1);
  if (init.fault !== null && init.fault.phase === 'update') injectFault(ctl, init.fault, k, init.lane, host);
}

/** TEST ONLY: fires the injected fault on its batch call and shard, once ('oom': on every attempt; FAULT_FIRED counts them). */
function injectFault(ctl: Int32Array, fault: FaultInjection, s: number, lane: number, host: WorkerHost): void {
  const step = Atomics.load(ctl, STEP);
  if (fault.lane !== undefined ? lane !== fault.lane || step < fault.step : s !== fault.shard || step !== fault.step) return;
  if (fault.kind === 'oom') {
    Atomics.add(ctl, FAULT_FIRED, 1);
    throw new Error('the WASM memory is full: 1048576 more bytes would pass its 1 GiB maximum; use smaller batches or the js backend (injected, test only)');
  }
  if (Atomics.compareExchange(ctl, FAULT_FIRED, 0, 1) !== 0) return;
  if (fault.kind === 'exit') host.exit(3);
  if (fault.kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never woken: blocks without burning a core
  throw new Error(`injected fault (test only) in shard ${s}`);
}

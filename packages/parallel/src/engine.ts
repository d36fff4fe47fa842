/**
 * ParallelEngine: core's GradientEngine on a pool of long-lived workers and, in Node, the calling
 * thread. The main thread writes a step's indices into the control block and bumps a generation;
 * every lane computes runs of shards (forward, δ), then stripes of the weight gradient, each
 * summed over the shards in shard order, and their update (task.ts, core BatchGradient).
 */
import { ConfigError, ShapeError, jsBackend, type Dataset, type Floats, type Network } from '@backprop/core';
import {
  BatchGradient, macrotask, now, shardCount, type Arena, type BackendDescriptor, type BatchStats, type BiasCorrections, type EngineOptions, type GradientEngine, type Optimizer,
  type TrainStepResult,
} from '@backprop/core/engine';
import {
  ATTACHED, BUSY, CMD, CMD_STEP, CMD_STOP, DONE, FAIL_BUMP, FAILED, FAILED_SHARD, GEN, IDLE, IN_STRIPES, LEFT, NEXT_SHARD, NEXT_STRIPE, NUMERIC, ROWS, SHARDS,
  SHARDS_DONE, START, STEP, UPDATE, controlBlock, threadSlot,
} from './control.js';
import { PHASES, attach, detach, failStep, runStep, waitWhile, type FaultInjection, type SharedUpdate, type WorkerHost, type WorkerInit, type WorkerState } from './task.js';

/** Threads that run `serve` (task.ts); one adapter per platform (src/node, src/browser). */
export interface WorkerPool {
  /** Number of worker threads. */
  readonly size: number;
  /**
   * Runs task.ts `serve(init)` on a worker for lane `init.lane` until the engine stops it.
   * Rejects if that worker throws or dies. A pool runs one engine at a time.
   */
  serve(init: WorkerInit): Promise<void>;
  /** Ends every thread. */
  destroy(): Promise<void>;
  /**
   * Ends the thread serving `lane` (Node: the thread whose id is `threadId`), so its serve call
   * rejects and a new thread takes its place for the next serve. The watchdog's way out of a
   * worker that hangs; without it a hung step cannot be retried.
   */
  replace?(lane: number, threadId: number): void;
  /**
   * True when this thread may block in Atomics.wait (Node's main thread may; a browser's may
   * not). The engine then waits for a short step synchronously: a futex wake-up costs a few µs,
   * an Atomics.waitAsync promise tens of µs — a large share of a step on the WASM kernels.
   */
  readonly canBlock?: boolean;
  /**
   * True when the calling thread computes a lane of each step beside the `size` threads (the
   * OpenMP and PyTorch model: Node's main thread would otherwise only wait, and waking it after
   * the workers finish costs a futex round trip and a reschedule per step). Needs `canBlock`.
   */
  readonly caller?: boolean;
}

/** Longest synchronous wait for a step (ms); a longer step (or a dead worker) is awaited asynchronously. */
const BLOCK_MS = 20;

export interface ParallelOptions {
  /**
   * Times a failed step is run again (default 1). A retry recomputes every shard: the same bits.
   * Errors that would recur (memory exhausted, a worker that cannot build its views) are not retried.
   */
  retries?: number;
  /**
   * Step watchdog (ms, default 60000): a step in which no worker makes progress (claims or
   * finishes a shard or stripe) for this long has a hung worker; the engine replaces its thread
   * and runs the step again (within `retries`), or rejects with a WorkerError.
   */
  stepTimeout?: number;
  /**
   * About how many parameters a stripe of the weight gradient and update holds (default: each
   * lane's share, P / lanes, at least 4096). The parameters are cut into ⌈P / stripe⌉ stripes of
   * about equal size at whole output rows (core `gradStripes`), and lanes claim them one by one
   * after the step's δ are in. Every lane leaves that wait at the same moment, so one stripe per
   * lane is an even split; each stripe re-packs its layers' input rows, so more, smaller stripes
   * cost more than they balance on the machines measured (bench/README.md, 2026-12-08).
   */
  stripe?: number;
  /**
   * µs of wall time a thread spins on the step's control words before it sleeps in
   * Atomics.wait (default 200; like OpenMP's KMP_BLOCKTIME, bounded in time, not in iterations).
   * A sleeping thread costs a futex wake-up when the step goes on: a few µs on bare metal, up to
   * hundreds on a virtual machine whose idle vCPU must be rescheduled. A spin burns its core.
   * The default outlasts the calling thread's turn between two steps (the Trainer's bookkeeping
   * and the next post: 40–200 µs measured), so a worker that finished first is still spinning
   * when the next step is posted, and posting it needs no futex wake.
   */
  spin?: number;
  /** TEST ONLY: make one shard fail once (task.ts). Never set this in real training. */
  faultInjection?: FaultInjection | null;
}

/** TEST ONLY: a fault that ends or hangs whichever thread meets it: the calling thread must not take a lane then. */
export function threadFault(options: ParallelOptions): boolean {
  const f = options.faultInjection;
  return !!f && (f.kind === 'exit' || f.kind === 'hang') && f.lane === undefined;
}

/** The builder Trainer.fit takes as `engine`. */
export type EngineFactory = (net: Network, data: Dataset, opts: EngineOptions) => Promise<GradientEngine>;

/** A step failed on a worker; the weights are as they were before the step. */
export class WorkerError extends Error {
  readonly code = 'E_WORKER';
  /** Shard being computed when the worker failed (-1: outside any shard, e.g. the reduction). */
  readonly shard: number;
  /** Worker lane that failed. */
  readonly lane: number;
  constructor(message: string, shard: number, lane: number, cause: unknown) {
    super(message, { cause });
    this.name = 'WorkerError';
    this.shard = shard;
    this.lane = lane;
  }
}

/** True when this runtime can share memory with workers (browsers need cross-origin isolation). */
export function parallelAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics !== 'undefined';
}

/** True when a typed array lives on shared memory (a SharedArrayBuffer or a shared WebAssembly.Memory). */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * The same array on shared memory: itself if already shared, else a fresh copy in the JS
 * backend's memory. Never cached: a caller may change a private array in place between fits,
 * and a cached copy would then train the workers on stale rows while one thread sees the new ones.
 */
function shareArray(a: Floats): Floats {
  if (isShared(a)) return a;
  const copy = jsBackend.floats(a instanceof Float64Array ? 'f64' : 'f32', a.length);
  copy.set(a);
  return copy;
}

/**
 * A dataset whose X and Y are on shared memory: workers get views, never copies. Shared arrays
 * are used in place; private ones are copied once per call (each engine, i.e. each fit).
 */
export function shareDataset(data: Dataset): Dataset {
  if (isShared(data.X) && isShared(data.Y)) return data;
  return { X: shareArray(data.X), Y: shareArray(data.Y), N: data.N, nIn: data.nIn, nOut: data.nOut };
}

interface Fault {
  lane: number;
  error: unknown;
  /** Lanes that made no progress within stepTimeout (their threads are replaced). */
  hung?: number[];
}

/** An error that a retry would only meet again: memory exhausted, or a worker that failed before it could serve. */
function recurs(f: Fault, attached: boolean): boolean {
  if (f.hung) return false;
  if (!attached) return true;
  const e = f.error;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return /WASM memory is full|could not grow the WASM memory|out of memory|allocation failed|Maximum memory size|Invalid typed array length|Invalid array buffer length/i.test(text);
}

/** The long-running serve calls of one set of views (one per lane). */
interface Session {
  order: Int32Array;
  tasks: Promise<void>[];
  /** Settles with the first lane that failed or stopped unasked. */
  fault: Promise<Fault>;
  stopping: boolean;
}

type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
declare function setTimeout(f: () => void, ms: number): unknown;
declare function clearTimeout(t: unknown): void;

/** Resolves when ctl[i] === want, or early when `cancelled()` (checked after every wake-up). */
async function waitFor(ctl: Int32Array, i: number, want: number, cancelled: () => boolean): Promise<void> {
  for (;;) {
    const v = Atomics.load(ctl, i);
    if (v === want || cancelled()) return;
    if (waitAsync) {
      const r = waitAsync(ctl, i, v);
      if (r.async) await r.value;
    } else {
      await new Promise<void>((resolve) => setTimeout(resolve, 0)); // runtimes without Atomics.waitAsync poll
    }
  }
}

/** The calling thread as a lane: it is never ended (no test fault exits or hangs it); −1 marks it attached. */
const CALLER_HOST: WorkerHost = {
  exit: () => {
    throw new Error('the calling thread cannot exit as a worker would');
  },
  threadId: -1,
};

/** Waits synchronously, at most BLOCK_MS (spinning the first `spinUs` µs), until step `gen` is done or has failed. */
function blockFor(ctl: Int32Array, gen: number, spinUs = 0): void {
  const deadline = now() + BLOCK_MS;
  for (let spin = spinUs; ; spin = 0) {
    const v = Atomics.load(ctl, DONE);
    if (v === gen || Atomics.load(ctl, FAILED) !== 0) return;
    const left = deadline - now();
    if (left <= 0) return;
    waitWhile(ctl, DONE, v, spin, left);
  }
}

export class ParallelEngine implements GradientEngine {
  readonly grad: Floats;
  readonly workers: number;
  /** Steps run again after a worker failed (each retry recomputes every shard). */
  retried = 0;
  /** Steps posted to the workers (retries included). */
  steps = 0;
  /**
   * busy[lane]: ms that worker lane spent computing shards and stripes, not waiting, over every
   * step of this engine: the parallel part of a step, next to its wall time (bench/scaling.ts).
   */
  readonly busy: Float64Array;
  /**
   * phases[3·lane + p]: ms of that lane in runs of shards (p = 0: forward, statistics, δ, the
   * claims around them), in its stripes' dW (1) and in their undo log, update and check (2),
   * over every step: where `busy` goes (bench/scaling.ts prints it per lane).
   */
  readonly phases: Float64Array;
  private readonly ctl: Int32Array;
  private readonly bg: BatchGradient;
  private readonly data: Dataset;
  private readonly backend: BackendDescriptor;
  private readonly ownOrder: Int32Array;
  private readonly retries: number;
  private readonly stepTimeout: number;
  private readonly spin: number;
  private readonly fault: FaultInjection | null;
  private session: Session | null = null;
  private closed = false;
  /** The calling thread's lane (the last one), or -1 when only the pool's threads compute. */
  private readonly callerLane: number;
  /** The calling thread's views for the current session (task.ts attach), when it computes a lane. */
  private callerState: WorkerState | null = null;
  /** The optimizer the workers apply (trainStep), its shared views and the arena of its undo log. */
  private readonly optimizer: Optimizer | null;
  private readonly update: SharedUpdate | null = null;
  private readonly undoArena: Arena | null = null;
  /** Generation of the last step posted (stripes logged with it are undone if it fails). */
  private gen = 0;
  readonly trainStep?: (order: Int32Array, start: number, B: number, c: BiasCorrections) => Promise<TrainStepResult>;

  constructor(
    private readonly pool: WorkerPool,
    private readonly net: Network,
    data: Dataset,
    private readonly opts: EngineOptions,
    options: ParallelOptions = {},
    private readonly ownsPool = false,
  ) {
    if (!parallelAvailable()) {
      throw new ConfigError('shared memory is not available here: browsers need cross-origin isolation (COOP: same-origin, COEP: require-corp); train on one thread instead');
    }
    if (!isShared(net.params)) throw new ConfigError('the network parameters are not on shared memory; create the network with a backend whose arena is shared');
    this.retries = intAtLeast(options.retries ?? 1, 0, 'retries');
    this.stepTimeout = intAtLeast(options.stepTimeout ?? 60_000, 1, 'stepTimeout');
    this.spin = intAtLeast(options.spin ?? 200, 0, 'spin');
    this.backend = net.backend.describe();
    this.callerLane = pool.caller === true && pool.canBlock === true && !threadFault(options) ? pool.size : -1;
    this.workers = pool.size + (this.callerLane >= 0 ? 1 : 0);
    const stripe = intAtLeast(options.stripe ?? Math.max(4096, Math.ceil(net.P / this.workers)), 1, 'stripe');
    // in the backend's memory (WASM: addressable by every worker's kernels)
    this.bg = BatchGradient.allocate(net, opts.maxBatch, opts.shardSize, stripe);
    this.grad = this.bg.grad;
    this.data = shareDataset(data);
    this.ctl = controlBlock(this.workers);
    this.busy = new Float64Array(new SharedArrayBuffer(8 * this.workers));
    this.phases = new Float64Array(new SharedArrayBuffer(8 * PHASES * this.workers));
    this.ownOrder = jsBackend.arena(opts.maxBatch * 4).i32(opts.maxBatch);
    this.fault = options.faultInjection ?? null;
    this.optimizer = opts.optimizer ?? null;
    if (this.optimizer) {
      // the undo log: a copy of the weights and of each state vector, in the backend's memory
      const { dtype } = net.spec;
      const P = net.P;
      const keys = Object.keys(this.optimizer.state.vectors);
      const e = dtype === 'f32' ? 4 : 8;
      const arena = net.backend.arena((1 + keys.length) * (P * e + 16) + 64);
      this.undoArena = arena;
      const vectors: Record<string, Floats> = {};
      for (const k of keys) vectors[k] = arena.floats(dtype, P);
      this.update = {
        config: this.optimizer.config, vectors: this.optimizer.state.vectors,
        undo: { params: arena.floats(dtype, P), vectors },
        logged: jsBackend.arena(4 * this.bg.stripes.length).i32(this.bg.stripes.length),
        corrections: jsBackend.arena(16).f64(2),
      };
      this.trainStep = (order, start, B, c) => this.runTrainStep(order, start, B, c);
    }
  }

  /**
   * The whole step on the workers: shards, then per stripe reduce, finite check, undo log and
   * update (SGD, momentum, Nesterov, Adam, L1/L2). This thread only posts the step and waits.
   * Any failure (a worker, or numbers that are not finite) copies the logged stripes back.
   */
  private async runTrainStep(order: Int32Array, start: number, B: number, c: BiasCorrections): Promise<TrainStepResult> {
    Atomics.store(this.ctl, UPDATE, 1);
    // plain stores: the Atomics.store that posts the step publishes them to the workers
    const corrections = this.update?.corrections;
    if (corrections) {
      corrections[0] = c.c1;
      corrections[1] = c.c2;
    }
    try {
      const stats = await this.batch(order, start, B);
      if (Atomics.load(this.ctl, NUMERIC) === 0) return { ...stats, numeric: false, overflow: null };
      // not finite: note the first weight that overflowed, undo, and leave the raw gradient for the message
      const params = this.net.params;
      const i = this.net.kernels.firstNonFinite(params, 0, params.length);
      const overflow = i >= 0 ? { index: i, value: params[i] } : null;
      this.undo();
      for (let k = 0; k < this.bg.stripes.length; k++) this.bg.computeStripe(k, B); // the raw sums again (updated stripes scaled theirs)
      return { ...stats, numeric: true, overflow };
    } finally {
      Atomics.store(this.ctl, UPDATE, 0);
    }
  }

  /** Copies every stripe logged in the last step back from the undo log (no worker is in a step). */
  private undo(): void {
    const u = this.update;
    if (!u) return;
    const params = this.net.params;
    for (let k = 0; k < u.logged.length; k++) {
      if (u.logged[k] !== this.gen) continue;
      const { from, to } = this.bg.stripes[k];
      params.set(u.undo.params.subarray(from, to), from);
      for (const key in u.vectors) u.vectors[key].set(u.undo.vectors[key].subarray(from, to), from);
      u.logged[k] = 0;
    }
  }

  /** Σ over rows order[start … start+B) of δ·xᵀ into `grad`; rejects with a WorkerError naming the shard if a worker fails. */
  async batch(order: Int32Array, start: number, B: number): Promise<BatchStats> {
    if (this.closed) throw new ConfigError('this parallel engine is closed; start a new fit');
    if (!Number.isInteger(B) || B < 1 || B > this.opts.maxBatch) throw new ShapeError(`batch of ${B} rows; this engine holds 1 to ${this.opts.maxBatch}`);
    if (start < 0 || start + B > order.length) throw new ShapeError(`rows ${start}…${start + B} are outside the order of ${order.length} samples`);
    Atomics.add(this.ctl, STEP, 1);
    for (let attempt = 0; ; attempt++) {
      const r = await this.step(order, start, B);
      if (!('lane' in r)) return r;
      this.undo(); // a worker failed: put back any stripe already updated
      if (attempt < this.retries && !this.closed && !r.recurs) {
        this.retried++; // every shard is recomputed: the same bits
        continue;
      }
      throw this.describe(r, B, attempt);
    }
  }

  private async step(order: Int32Array, start: number, B: number): Promise<BatchStats | (Fault & { shard: number; recurs: boolean })> {
    const ctl = this.ctl;
    let rows = order;
    let first = start;
    if (!isShared(order)) {
      // an order on private memory: share just this batch's indices
      this.ownOrder.set(order.subarray(start, start + B));
      rows = this.ownOrder;
      first = 0;
    }
    if (this.session && this.session.order !== rows) await this.halt();
    const session = this.session ?? this.startServing(rows);
    const nShards = shardCount(B, this.opts.shardSize);
    Atomics.store(ctl, START, first);
    Atomics.store(ctl, ROWS, B);
    Atomics.store(ctl, SHARDS, nShards);
    Atomics.store(ctl, NEXT_SHARD, 0);
    Atomics.store(ctl, SHARDS_DONE, 0);
    Atomics.store(ctl, NEXT_STRIPE, 0);
    Atomics.store(ctl, LEFT, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, FAILED_SHARD, -1);
    Atomics.store(ctl, NUMERIC, 0);
    Atomics.store(ctl, CMD, CMD_STEP);
    const gen = Atomics.add(ctl, GEN, 1) + 1;
    this.gen = gen; // every plain write above is visible to a worker that sees gen
    this.steps++;
    Atomics.notify(ctl, GEN);
    let callerFault: Fault | null = null;
    if (this.pool.canBlock) {
      // One event-loop turn per step, taken while the workers compute: a signal (Ctrl-C), timer
      // or message that arrived during the last step runs then, so an abort is seen at the next
      // step boundary (20–60 µs a step on a VM). When this thread computes a lane it takes the
      // turn after its lane, while the last worker finishes, not before: it then starts its
      // rows as soon as the workers do, and the turn overlaps their tail.
      const own = this.callerState;
      if (!own) await macrotask();
      else {
        // this thread's own lane: it claims shards and stripes like any worker (never the watchdog's
        // business: a fault in it throws here), and leaves the stripes to the workers if they lag
        try {
          runStep(own, gen, CALLER_HOST, BLOCK_MS);
        } catch (error) {
          failStep(ctl, Math.max(-1, Atomics.load(ctl, BUSY + this.callerLane)));
          Atomics.store(ctl, BUSY + this.callerLane, IDLE);
          callerFault = { lane: this.callerLane, error };
        }
        await macrotask(); // after its lane, while the last worker finishes
      }
      // then a blocking wait (a futex wake-up is cheaper than a promise), after a short spin when
      // this thread computed: the last worker is then usually a few µs from done
      if (callerFault === null) blockFor(ctl, gen, own ? this.spin : 0);
    }
    if (callerFault === null && Atomics.load(ctl, DONE) === gen && Atomics.load(ctl, FAILED) === 0 && !session.stopping) return this.bg.sumStats(nShards);
    const watchdog = callerFault !== null || Atomics.load(ctl, DONE) === gen ? null : this.watch(session);
    const outcome = callerFault ?? (await Promise.race([
      waitFor(ctl, DONE, gen, () => session.stopping).then(() => null), session.fault, ...(watchdog ? [watchdog.stalled] : []),
    ]));
    watchdog?.stop();
    if (outcome === null && Atomics.load(ctl, FAILED) === 0 && !session.stopping) return this.bg.sumStats(nShards);
    const fault = outcome ?? { lane: -1, error: new Error('the step was stopped') };
    const busy = fault.lane >= 0 ? Atomics.load(ctl, BUSY + fault.lane) : IDLE;
    const shard = busy >= 0 ? busy : Atomics.load(ctl, FAILED_SHARD);
    const attached = fault.lane < 0 || Atomics.load(ctl, threadSlot(this.workers, fault.lane)) !== 0;
    if (fault.hung) {
      if (!this.pool.replace) {
        this.session = null; // a hung thread cannot be ended here: abandon this session and the engine
        this.closed = true;
        return { ...fault, shard, recurs: true };
      }
      for (const lane of fault.hung) if (lane !== this.callerLane) this.pool.replace(lane, Atomics.load(ctl, threadSlot(this.workers, lane)));
    }
    await this.halt(); // every surviving worker has left the step (a replaced one has ended) before we return
    return { ...fault, shard, recurs: recurs(fault, attached) };
  }

  /**
   * The step watchdog: polls the step's progress counters and settles with the hung lanes when
   * none has moved for stepTimeout ms once every lane has attached (a thread that is still
   * starting is the pool's business, not a hang).
   */
  private watch(session: Session): { stalled: Promise<Fault>; stop(): void } {
    const ctl = this.ctl;
    const progress = () => [NEXT_SHARD, SHARDS_DONE, NEXT_STRIPE, LEFT, ATTACHED].map((i) => Atomics.load(ctl, i)).join();
    let last = progress();
    let since = now();
    let timer: unknown = null;
    let stopped = false;
    const stalled = new Promise<Fault>((resolve) => {
      const tick = () => {
        if (stopped || session.stopping) return;
        const p = progress();
        if (p !== last || Atomics.load(ctl, ATTACHED) < this.workers) {
          last = p;
          since = now();
        } else if (now() - since >= this.stepTimeout) {
          const hung: number[] = [];
          // the calling thread is never hung here: it is running this timer
          for (let lane = 0; lane < this.pool.size; lane++) if (Atomics.load(ctl, BUSY + lane) !== IDLE) hung.push(lane);
          if (hung.length === 0) for (let lane = 0; lane < this.pool.size; lane++) hung.push(lane);
          const where = Atomics.load(ctl, BUSY + hung[0]) === IN_STRIPES ? 'in the reduction' : 'in its shard';
          resolve({ lane: hung[0], hung, error: new Error(`no progress for ${this.stepTimeout} ms ${where} (hung; stepTimeout)`) });
          return;
        }
        timer = setTimeout(tick, Math.min(1000, Math.max(1, this.stepTimeout / 4)));
      };
      tick();
    });
    return { stalled, stop: () => { stopped = true; if (timer !== null) clearTimeout(timer); } };
  }

  private describe(f: Fault & { shard: number; recurs: boolean }, B: number, retries: number): WorkerError {
    const size = this.opts.shardSize;
    const where = f.shard >= 0
      ? `shard ${f.shard} (rows ${f.shard * size}–${Math.min(B, (f.shard + 1) * size) - 1} of the batch)`
      : 'outside any shard';
    const cause = f.error instanceof Error ? f.error.message : String(f.error);
    const again = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    const how = f.hung ? (this.pool.replace ? '; its thread was replaced' : '; it cannot be ended here, so this engine is closed') : f.recurs && this.retries > 0 ? '; not retried: it would recur' : '';
    return new WorkerError(`worker ${f.lane} failed in ${where}${again}: ${cause}${how}; the weights were left as they were before this step`, f.shard, f.lane, f.error);
  }

  /** Starts one long-running serve call per lane; each gets the shared views once. */
  private startServing(order: Int32Array): Session {
    const ctl = this.ctl;
    let report!: (f: Fault) => void;
    const session: Session = { order, tasks: [], fault: new Promise<Fault>((r) => (report = r)), stopping: false };
    const seenGen = Atomics.load(ctl, GEN);
    Atomics.store(ctl, CMD, CMD_STEP);
    Atomics.store(ctl, ATTACHED, 0);
    ctl.fill(IDLE, BUSY, BUSY + this.workers);
    ctl.fill(0, threadSlot(this.workers, 0));
    for (let lane = 0; lane < this.workers; lane++) {
      const init: WorkerInit = {
        lane, workers: this.workers, spec: this.net.spec, backend: this.backend,
        params: this.net.params, data: this.data, order, batch: this.bg.share(),
        ctl, busy: this.busy, phases: this.phases,
        seenGen, fault: this.fault, update: this.update, spin: this.spin,
      };
      if (lane === this.callerLane) {
        this.callerState = attach(init);
        Atomics.store(ctl, threadSlot(this.workers, lane), CALLER_HOST.threadId);
        Atomics.add(ctl, ATTACHED, 1);
        continue;
      }
      const unasked = new Error('the worker stopped serving unasked');
      session.tasks.push(this.pool.serve(init).then(
        () => { if (!session.stopping) report({ lane, error: unasked }); },
        (error: unknown) => { if (!session.stopping) report({ lane, error }); },
      ));
    }
    this.session = session;
    return session;
  }

  /** Stops every serve call (finishing or abandoning the current step) and waits for them. */
  private async halt(): Promise<void> {
    const session = this.session;
    if (!session) return;
    session.stopping = true;
    const ctl = this.ctl;
    Atomics.store(ctl, FAILED, 1); // workers in a step stop claiming shards and skip the reduction
    Atomics.add(ctl, SHARDS_DONE, FAIL_BUMP);
    Atomics.notify(ctl, SHARDS_DONE);
    Atomics.store(ctl, CMD, CMD_STOP);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    await Promise.all(session.tasks);
    Atomics.notify(ctl, DONE); // wakes this thread's pending wait, if a fault won the race
    if (this.callerState) detach(this.callerState);
    this.callerState = null;
    this.session = null;
  }

  /** Stops the workers; ends the pool's threads when this engine created the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.halt();
      this.bg.release(); // every worker has left: the memory can be reused (WASM memory is not collected)
      if (this.undoArena) this.net.backend.release(this.undoArena);
    } finally {
      if (this.ownsPool) await this.pool.destroy();
    }
  }
}

function intAtLeast(x: number, min: number, what: string): number {
  if (!Number.isInteger(x) || x < min) throw new ConfigError(`${what} must be an integer ≥ ${min}; got ${x}`);
  return x;
}

/** Builds an engine on a pool, destroying a pool it owns if setup fails. */
export async function startEngine(pool: WorkerPool, ownsPool: boolean, net: Network, data: Dataset, opts: EngineOptions, options: ParallelOptions): Promise<ParallelEngine> {
  try {
    return new ParallelEngine(pool, net, data, opts, options, ownsPool);
  } catch (e) {
    if (ownsPool) await pool.destroy();
    throw e;
  }
}

/** Checks a worker count. */
export function checkWorkers(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ConfigError(`workers must be an integer from 1 to 256; got ${n}`);
  return n;
}

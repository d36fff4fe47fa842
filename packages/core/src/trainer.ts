/**
 * The training loop: epochs of seeded shuffled mini-batches, one optimizer step per batch,
 * validation, events for progress UIs, early stopping, abort at a step boundary, and a
 * state that a checkpoint saves so a resumed run continues bit-identically. Where the batch
 * gradient is computed is the engine's business (this thread, or workers).
 */
import type { Floats } from './arena.js';
import { macrotask, now } from './clock.js';
import { checkDataset, subset, type Dataset } from './dataset.js';
import { DEFAULTS, defaultShardSize, validationRows } from './defaults.js';
import { LocalEngine, type EngineOptions, type GradientEngine, type TrainStepResult } from './engine.js';
import { ConfigError, NumericError } from './errors.js';
import { jsBackend } from './kernels/js.js';
import { evaluate, evaluateStream } from './metrics.js';
import { checkMemory, memoryBudget, trainingBytes, type Network } from './network.js';
import type { AbortSignalLike } from './platform.js';
import { Optimizer, regularisationLoss, resolveOptimizer, type OptimizerConfig, type OptimizerSettings, type OptimizerState } from './optimizers.js';
import { checkSeed, mixSeed, permutation, Rng } from './rng.js';
import type { BatchStats } from './shard.js';
import { isBatchStream, type BatchStream } from './stream.js';

export interface EarlyStopping {
  /** Epochs without improvement of the monitored loss before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement. */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  /**
   * Rows per shard; default `defaultShardSize(batch, P)`: min(32, ⌈batch/4⌉), more for a small
   * network so no shard is too little work to hand out. Saved with the model; never depends on workers.
   */
  shardSize?: number;
  optimizer?: OptimizerSettings;
  seed?: number;
  /** Fraction of the data held out for validation when no validation set is given. */
  validationSplit?: number;
  earlyStopping?: EarlyStopping | null;
  /**
   * Bytes the run may allocate (params, optimizer state, gradient slots, scratch; default
   * DEFAULT_MEMORY_BUDGET, capped by the backend's maximum). Checked before allocating; not saved.
   */
  memoryBudget?: number;
}

export type ResolvedTrainConfig = Required<Omit<TrainConfig, 'optimizer' | 'earlyStopping' | 'memoryBudget'>> & {
  optimizer: Required<OptimizerConfig>;
  earlyStopping: Required<EarlyStopping> | null;
};

export interface BatchEvent {
  epoch: number; // 1-based
  batch: number; // 1-based within the epoch
  batches: number;
  step: number; // optimizer steps so far
  loss: number; // mean over the batch
  accuracy: number | null;
  samplesPerSec: number;
}

export interface EpochEvent {
  epoch: number;
  epochs: number;
  step: number;
  loss: number; // mean over the epoch's training rows (+ regularisation)
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  samplesPerSec: number;
  seconds: number;
}

/** Everything a checkpoint needs to continue bit-identically. */
export interface TrainerState {
  epoch: number; // completed epochs
  batchInEpoch: number; // batches done in the current epoch
  step: number;
  epochLoss: number; // running sums of the current epoch
  epochCorrect: number;
  epochSeen: number;
  best: number | null;
  wait: number;
  history: EpochEvent[];
}

export interface FitOptions {
  validation?: Dataset | BatchStream;
  /** Builds the gradient engine; default: a LocalEngine on this thread. */
  engine?: (net: Network, data: Dataset, opts: EngineOptions) => GradientEngine | Promise<GradientEngine>;
  signal?: AbortSignalLike;
  onBatch?: (e: BatchEvent) => void;
  onEpoch?: (e: EpochEvent) => void;
  /** Emit a batch event every n batches (default 1). */
  batchEventEvery?: number;
  /**
   * Let the host's event loop run at least this often (ms, default 50): a synchronous engine
   * never returns to it, and without a turn no abort, Ctrl-C or UI message could arrive.
   */
  yieldEveryMs?: number;
}

export interface FitResult {
  stopped: 'done' | 'early' | 'aborted';
  history: EpochEvent[];
  workers: number;
}

/** Validates a training config and fills its defaults (the shard size's depends on the network's P parameters). */
function resolveTrainConfig(c: TrainConfig, P: number): ResolvedTrainConfig {
  const intAtLeast = (x: unknown, min: number, what: string, fix: string): number => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) throw new ConfigError(`${what} must be an integer ≥ ${min}; got ${String(x)}. ${fix}`);
    return x;
  };
  const batchSize = intAtLeast(c.batchSize, 1, 'batch size', 'Try 32.');
  const epochs = intAtLeast(c.epochs, 1, 'epochs', 'Try 10.');
  const shardSize = intAtLeast(c.shardSize ?? defaultShardSize(batchSize, P), 1, 'shard size', 'Leave it unset for the default.');
  const validationSplit = c.validationSplit ?? DEFAULTS.validationSplit;
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new ConfigError(`validation split must be in [0, 1); got ${validationSplit}`);
  const es = c.earlyStopping;
  if (es) intAtLeast(es.patience, 1, 'early-stopping patience', 'Try 3.');
  const seed = checkSeed(c.seed ?? DEFAULTS.seed);
  return {
    epochs,
    batchSize,
    shardSize,
    seed,
    validationSplit,
    optimizer: resolveOptimizer(c.optimizer ?? {}),
    earlyStopping: es ? { patience: es.patience, minDelta: es.minDelta ?? 0, restoreBest: es.restoreBest ?? true } : null,
  };
}

const VALIDATION_STREAM = 0x5a17; // seed stream for the validation split

export class Trainer {
  readonly net: Network;
  readonly config: ResolvedTrainConfig;
  readonly optimizer: Optimizer;
  state: TrainerState;
  /** Weights of the best epoch, when early stopping restores them. */
  bestParams: Floats | null = null;

  constructor(net: Network, config: TrainConfig) {
    this.net = net;
    this.config = resolveTrainConfig(config, net.P);
    const { batchSize, shardSize, optimizer, earlyStopping } = this.config;
    const plan = trainingBytes(net.spec, { batchSize, shardSize, optimizer: optimizer.name, earlyStopping: Boolean(earlyStopping?.restoreBest) });
    checkMemory(plan, memoryBudget(net.backend, config.memoryBudget), `training a ${net.spec.sizes.join('-')} network with batches of ${batchSize}`);
    this.optimizer = new Optimizer(this.config.optimizer, net.P, net.spec.dtype, net.backend);
    this.state = { epoch: 0, batchInEpoch: 0, step: 0, epochLoss: 0, epochCorrect: 0, epochSeen: 0, best: null, wait: 0, history: [] };
  }

  /** Continue a saved run: the same config, optimizer state and loop position. */
  restore(state: TrainerState, optimizer: OptimizerState, bestParams: Floats | null = null): void {
    this.state = JSON.parse(JSON.stringify(state)) as TrainerState;
    this.optimizer.load(optimizer);
    this.bestParams = bestParams ? bestParams.slice() : null;
  }

  /** Splits off the seeded validation rows; returns the training row indices and the validation set. */
  split(data: Dataset, validation?: Dataset): { rows: Int32Array; validation: Dataset | null } {
    const { validationSplit, seed } = this.config;
    if (validation || validationSplit === 0) {
      const rows = new Int32Array(data.N);
      for (let i = 0; i < data.N; i++) rows[i] = i;
      return { rows, validation: validation ?? null };
    }
    const idx = permutation(data.N, mixSeed(seed, VALIDATION_STREAM));
    const nVal = validationRows(data.N, validationSplit);
    if (nVal === 0 || nVal === data.N) throw new ConfigError(`validation split ${validationSplit} of ${data.N} rows leaves an empty side; use more data or another split`);
    return { rows: idx.slice(nVal).sort(), validation: subset(data, idx.subarray(0, nVal)) };
  }

  /** Sample order of an epoch: the training rows shuffled by a generator seeded with (seed, epoch). */
  epochOrder(rows: Int32Array, epoch: number, out: Int32Array): Int32Array {
    out.set(rows);
    new Rng(mixSeed(this.config.seed, epoch + 1)).shuffle(out);
    return out;
  }

  /**
   * Trains on a resident dataset (an epoch is a seeded permutation of its rows) or on a batch
   * stream (an epoch is whatever the stream gives for that epoch, e.g. a file read through a
   * seeded shuffle buffer). Either way the engine reads rows of shared memory by index.
   */
  async fit(data: Dataset | BatchStream, opts: FitOptions = {}): Promise<FitResult> {
    const net = this.net;
    const { batchSize, shardSize } = this.config;
    const stream = isBatchStream(data) ? data : null;
    if (stream && this.config.validationSplit > 0) throw new ConfigError('a validation split cannot be cut from a batch stream; give the stream\'s own validation rows as `validation`');
    const resident = stream ? null : (data as Dataset);
    let rows: Int32Array | null = null;
    let validation = opts.validation ?? null;
    if (resident && validation && isBatchStream(validation)) rows = this.split(resident, resident).rows; // all rows: the validation rows come from elsewhere
    else if (resident) ({ rows, validation } = this.split(resident, (validation as Dataset | null) ?? undefined));
    const window = stream ? stream.window : resident!;
    checkDataset(window, net.nIn, net.nOut, 'training data');
    if (validation && !isBatchStream(validation)) checkDataset(validation, net.nIn, net.nOut, 'validation data');
    const N = stream ? stream.N : rows!.length;
    const engineOpts: EngineOptions = { shardSize, maxBatch: Math.min(batchSize, stream ? window.N : N), optimizer: this.optimizer };
    const engine = opts.engine ? await opts.engine(net, window, engineOpts) : new LocalEngine(net, window, engineOpts);
    const source = stream ? streamBatches(stream, batchSize) : this.residentBatches(rows!, batchSize);
    try {
      return await this.loop(engine, source, Math.ceil(N / batchSize), validation, opts);
    } finally {
      await engine.close();
    }
  }

  /** Batches of a resident dataset: epoch e is the training rows shuffled by (seed, e), cut in order. */
  private residentBatches(rows: Int32Array, batchSize: number): Batches {
    const order = jsBackend.arena(rows.length * 4).i32(rows.length); // shared: workers read it
    const b: Batch = { order, start: 0, B: 0 }; // one object, moved along: `next` runs every step
    let start = 0;
    return {
      start: async (epoch, skip) => {
        this.epochOrder(rows, epoch, order);
        start = skip * batchSize;
      },
      next: () => {
        if (start >= rows.length) return null;
        b.start = start;
        b.B = Math.min(batchSize, rows.length - start);
        start += b.B;
        return b;
      },
    };
  }

  private async loop(engine: GradientEngine, source: Batches, batches: number, validation: Dataset | BatchStream | null, opts: FitOptions): Promise<FitResult> {
    const net = this.net;
    const { epochs, earlyStopping } = this.config;
    const { l1, l2 } = this.config.optimizer;
    const backup = net.params.slice();
    const every = Math.max(1, opts.batchEventEvery ?? 1);
    const yieldEveryMs = opts.yieldEveryMs ?? 50;
    let lastYield = now();
    const st = this.state;
    let stopped: FitResult['stopped'] = 'done';
    while (st.epoch < epochs) {
      await source.start(st.epoch, st.batchInEpoch); // a resumed run continues mid-epoch
      const t0 = now();
      const seenAtStart = st.epochSeen;
      while (st.batchInEpoch < batches) {
        // a tiny network's step takes µs: only what must happen each step does (no awaits on
        // values that are already there, one clock read, no objects made)
        let tb = now();
        if (tb - lastYield >= yieldEveryMs) {
          await macrotask(); // an abort requested meanwhile is seen just below, at this step boundary
          lastYield = tb = now();
        }
        if (opts.signal?.aborted) return { stopped: 'aborted', history: st.history, workers: engine.workers };
        const next = source.next();
        const batch = isPromise(next) ? await next : next;
        if (!batch) break; // a stream that ran out early: end the epoch here
        const { order, start, B } = batch;
        let stats: BatchStats;
        if (engine.trainStep) {
          // the engine checks and updates (on its workers); a failed step left everything as it was
          const r = await engine.trainStep(order, start, B, this.optimizer.corrections());
          if (r.numeric) this.numericFailure(r, engine.grad, st.epoch + 1, st.step + 1);
          this.optimizer.advance();
          stats = r;
        } else {
          const r = engine.batch(order, start, B);
          stats = isPromise(r) ? await r : r;
          this.checkFinite(stats.loss, engine.grad, st.epoch + 1, st.step + 1);
          backup.set(net.params);
          if (!this.optimizer.step(net.params, engine.grad, B, net.layers)) this.overflowed(backup, st.epoch + 1, st.step + 1);
        }
        st.step++;
        st.batchInEpoch++;
        st.epochLoss += stats.loss;
        st.epochCorrect += stats.correct;
        st.epochSeen += B;
        if (opts.onBatch && (st.batchInEpoch % every === 0 || st.batchInEpoch === batches)) {
          opts.onBatch({
            epoch: st.epoch + 1, batch: st.batchInEpoch, batches, step: st.step,
            loss: stats.loss / B, accuracy: net.task === 'classification' ? stats.correct / B : null,
            samplesPerSec: B / Math.max(1e-9, (now() - tb) / 1000),
          });
        }
      }
      const seconds = (now() - t0) / 1000;
      const reg = regularisationLoss(net.params, net.layers, l1, l2);
      const val = validation ? (isBatchStream(validation) ? await evaluateStream(net, validation) : evaluate(net, validation)) : null;
      const event: EpochEvent = {
        epoch: st.epoch + 1, epochs, step: st.step,
        loss: st.epochLoss / st.epochSeen + reg,
        accuracy: net.task === 'classification' ? st.epochCorrect / st.epochSeen : null,
        valLoss: val ? val.loss + reg : null,
        valAccuracy: val ? val.accuracy : null,
        samplesPerSec: (st.epochSeen - seenAtStart) / Math.max(1e-9, seconds),
        seconds,
      };
      st.history.push(event);
      st.epoch++;
      st.batchInEpoch = 0;
      st.epochLoss = 0;
      st.epochCorrect = 0;
      st.epochSeen = 0;
      opts.onEpoch?.(event);
      if (earlyStopping && this.earlyStop(event, earlyStopping)) {
        stopped = 'early';
        break;
      }
    }
    return { stopped, history: st.history, workers: engine.workers };
  }

  /** Tracks the monitored loss; true when patience has run out (and the best weights are restored). */
  private earlyStop(e: EpochEvent, es: Required<EarlyStopping>): boolean {
    const st = this.state;
    const monitored = e.valLoss ?? e.loss;
    if (st.best === null || monitored < st.best - es.minDelta) {
      st.best = monitored;
      st.wait = 0;
      if (es.restoreBest) this.bestParams = this.net.params.slice();
      return false;
    }
    st.wait++;
    if (st.wait < es.patience) return false;
    if (es.restoreBest && this.bestParams) this.net.params.set(this.bestParams);
    return true;
  }

  /** A NaN/Inf loss or gradient stops training before the weights are touched, naming layer and step. */
  private checkFinite(loss: number, grad: Floats, epoch: number, step: number): void {
    const i = this.net.kernels.firstNonFinite(grad, 0, grad.length); // one scan: the layers lie end to end
    if (i >= 0) {
      throw new NumericError(`the gradient of layer ${this.layerOf(i) + 1} became ${grad[i]} at epoch ${epoch}, step ${step} (loss ${loss}); the weights were left as they were before this step. Lower the learning rate or normalise the inputs.`);
    }
    if (!Number.isFinite(loss)) {
      throw new NumericError(`the loss became ${loss} at epoch ${epoch}, step ${step}; the weights were left as they were before this step. Lower the learning rate or normalise the inputs.`);
    }
  }

  /** The error of a step an engine reported not finite: the same message as this thread's checks give. */
  private numericFailure(r: TrainStepResult, grad: Floats, epoch: number, step: number): never {
    this.checkFinite(r.loss, grad, epoch, step);
    throw overflowError(this.layerOf(r.overflow?.index ?? 0), r.overflow?.value ?? NaN, epoch, step);
  }

  /** The layer (0-based) whose weights hold flat parameter index i. */
  private layerOf(i: number): number {
    return Math.max(0, this.net.layers.findIndex(({ offset, size }) => i >= offset && i < offset + size));
  }

  /** An update whose new weights are not finite (the kernels said so) is undone, so the weights are never left half-updated. */
  private overflowed(backup: Floats, epoch: number, step: number): never {
    const { params } = this.net;
    const i = Math.max(0, this.net.kernels.firstNonFinite(params, 0, params.length));
    const w = params[i];
    params.set(backup);
    throw overflowError(this.layerOf(i), w, epoch, step);
  }
}

/** A step whose new weights were not finite (layer l, 0-based), after they were put back: one message for both step paths. */
function overflowError(l: number, w: number, epoch: number, step: number): NumericError {
  return new NumericError(`the weights of layer ${l + 1} overflowed to ${w} at epoch ${epoch}, step ${step}; restored the weights from before this step. Lower the learning rate.`);
}

/** Rows order[start … start+B) of the engine's data. */
interface Batch {
  order: Int32Array;
  start: number;
  B: number;
}

/** Where the loop gets its batches. */
interface Batches {
  /** Begins an epoch, skipping `skip` batches already done (a resumed run). */
  start(epoch: number, skip: number): Promise<void>;
  /** The next batch (valid until the next call), or null at the end of the epoch; a stream's comes later. */
  next(): Batch | null | Promise<Batch | null>;
}

/** A result still to come: awaiting one that is already there would cost a turn of the microtask queue each step. */
function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

/** Batches of a stream; a resumed epoch replays the stream's first batches without training on them. */
function streamBatches(stream: BatchStream, batchSize: number): Batches {
  return {
    start: async (epoch, skip) => {
      await stream.startEpoch(epoch);
      for (let k = 0; k < skip; k++) await stream.nextBatch(batchSize);
    },
    next: async () => {
      const B = await stream.nextBatch(batchSize);
      return B > 0 ? { order: stream.order, start: 0, B } : null;
    },
  };
}

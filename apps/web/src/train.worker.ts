/**
 * The training thread. It builds what a `TrainJob` describes (protocol.ts), owns the Network
 * and the Trainer, runs `Trainer.fit` on the gradient engine (shard workers on shared memory),
 * and reports progress through a callback at most every ~60 ms, so the page thread only draws.
 * It knows nothing about tabs. Play/pause/step map to fit + an abort flag checked at batch
 * boundaries; a resumed fit continues the same seeded epoch order. The pace (epochs per second)
 * is applied before each batch (pace.ts); the loss history it reports is bounded (history.ts),
 * and the Trainer's own per-epoch history is trimmed, so hours of Play use constant memory.
 *
 * Kernels: the network lives on core's WASM SIMD backend (one shared WebAssembly.Memory,
 * which @backprop/parallel posts to every pool worker) when the job asks for it and the page
 * can run it (SIMD + cross-origin isolation + the kernels file); otherwise on the JS kernels.
 */
import * as Comlink from 'comlink';
import {
  SHORT_HASH, Trainer, batchesPerEpoch as epochBatches, evaluate, isUserError, predictedClass, saveModel, selectBackend, weightsHash,
  type Backend, type Dataset, type Preprocessing, type Network, type NetworkSpec,
} from '@backprop/core';
import {
  argmax, now, sharedMemoryAvailable, wasmSharedMemorySupported, wasmSimdSupported, type WasmBackend,
} from '@backprop/core/engine';
import { fetchMnist } from '@backprop/data';
import { buildData } from './datasets.js';
import { BoundedHistory, type EpochPoint } from './history.js';
import type { LessonOptimizer } from './lesson.js';
import { PacedEngine, Pacer } from './pace.js';
import { CheckedEngine, WorkerSet, type CheckStats } from './pool.js';
import { createNetwork, type TrainJob } from './protocol.js';
import { resolveKernels, type KernelChoice, type KernelsUsed } from './state.js';

export interface Update {
  epoch: number;
  step: number;
  /** Fraction of the current run target done (digits progress bar). */
  progress: number;
  /** The bounded loss/accuracy record, when it changed since the last update (else null). */
  series: EpochPoint[] | null;
  last: EpochPoint | null;
  /** Mean batch loss and accuracy about 20 times per epoch (x = optimizer step), when changed (else null). */
  steps: EpochPoint[] | null;
  /** Samples per second over the last quarter second; 0 when not running. */
  samplesPerSec: number;
  workers: number;
  /** The kernel family the gradients run on (every worker runs the same). */
  kernels: KernelsUsed;
  params: Float32Array;
  check: CheckStats | null;
  running: boolean;
}

/** Why the requested kernels were not used (the page words it), or null. */
export type KernelsNote = { kind: 'wasmUnavailable' } | { kind: 'wasmFailed'; detail: string } | null;

export interface SetupInfo {
  spec: NetworkSpec;
  P: number;
  nTrain: number;
  nTest: number;
  batchesPerEpoch: number;
  shared: boolean;
  kernels: KernelsUsed;
  kernelsNote: KernelsNote;
  /** The data's preprocessing (digits: the pixel features and labels), saved in exported models; null for the playground's points. */
  preprocessing: Preprocessing | null;
}

/** The optimizer's real running state (step count t and the state vectors, float64 copies), for the lesson. */
export type OptimizerSnapshot = LessonOptimizer & { vectors: Record<string, Float64Array> };

/** Maximum size of one WASM memory: 256 MiB (browsers reserve a shared memory's maximum up front). */
const WASM_MAX_PAGES = 4096;
/**
 * A WASM memory hands out regions that are never garbage-collected (parameters and optimizer
 * state live as long as the backend), so after this many bytes a reset starts a fresh memory;
 * the old one is collected once the network and the pool workers let go of it.
 */
const WASM_RENEW_BYTES = 64 * 2 ** 20;
/** A run has no planned end: Play stops by pause. */
const FOREVER = Number.MAX_SAFE_INTEGER;
/** Trainer epochs kept in its own state (saved in a model file); older ones are in the bounded record. */
const TRAINER_HISTORY = 100;

let wasm: WasmBackend | null = null;

/**
 * The backend for a kernels choice. Core's selectBackend decides (the kernels.wasm packaged in
 * @backprop/core, compiled once per thread; SIMD and cross-origin isolation checked) and says why
 * when the JS kernels run. The WASM backend is reused across resets and renewed when its memory fills.
 */
async function backendFor(choice: KernelChoice): Promise<{ backend: Backend; note: KernelsNote }> {
  if (choice !== 'js' && wasm && wasm.memory.buffer.byteLength <= WASM_RENEW_BYTES) return { backend: wasm, note: null };
  const { backend, reason } = await selectBackend(choice === 'js' ? 'js' : 'auto', { maximumPages: WASM_MAX_PAGES });
  if (backend.name === 'wasm') {
    wasm = backend as WasmBackend;
    return { backend, note: null };
  }
  if (choice === 'js') return { backend, note: null };
  // a page that cannot run WASM at all: only a link that asked for it is told (the isolation badge says why);
  // a page that could, but whose kernels did not load: core's sentence names the cause
  if (!(wasmSimdSupported() && wasmSharedMemorySupported())) return { backend, note: resolveKernels(choice, false).fellBack ? { kind: 'wasmUnavailable' } : null };
  return { backend, note: { kind: 'wasmFailed', detail: reason } };
}

const pool = new WorkerSet();
const record = new BoundedHistory(512);
const steps = new BoundedHistory(512);
let stepsSent = -1;
let recent = { loss: 0, correct: 0, n: 0 };
let net: Network | null = null;
let trainer: Trainer | null = null;
let train: Dataset | null = null;
let test: Dataset | null = null;
let preprocessing: Preprocessing | null = null;
let onUpdate: ((u: Update) => void) | null = null;
let abort = { aborted: false };
let running: Promise<void> | null = null;
let sentVersion = -1;
let check: CheckStats | null = null;
let rate = { samples: 0, t: 0, value: 0 };
let kernelsUsed: KernelsUsed = 'js';
let pace = Infinity;
let pacer: Pacer | null = null;

/**
 * The job's data: the playground's points, or the 10k digits from the IDX files the app serves,
 * split exactly as the CLI splits them (@backprop/data), with their preprocessing (saved in a model file).
 */
async function loadData(job: TrainJob): Promise<{ train: Dataset; test: Dataset; preprocessing: Preprocessing | null }> {
  if (job.data.kind === 'points') {
    const d = buildData(job.data.spec, job.data.custom);
    return { train: d.train, test: d.test, preprocessing: null };
  }
  const d = await fetchMnist(job.data.url, { seed: job.data.seed });
  return { train: d.train, test: d.test!, preprocessing: d.preprocessing };
}

const batchesPerEpoch = (): number => (trainer && train ? epochBatches(train.N, trainer.config, true) : 1); // the validation set is given

function report(progress: number): void {
  if (!onUpdate || !net || !trainer) return;
  const changed = record.version !== sentVersion;
  sentVersion = record.version;
  const stepsChanged = steps.version !== stepsSent;
  stepsSent = steps.version;
  onUpdate({
    epoch: trainer.state.epoch, step: trainer.state.step, progress, series: changed ? record.series() : null, last: record.last, steps: stepsChanged ? steps.series() : null,
    samplesPerSec: running ? rate.value : 0, workers: pool.size, kernels: kernelsUsed, params: Float32Array.from(net.params),
    check: check ? { ...check } : null, running: running !== null,
  });
}

const api = {
  async setup(job: TrainJob, workers: number, withCheck: boolean, cb: (u: Update) => void): Promise<SetupInfo> {
    api.pause();
    if (running) await running;
    onUpdate = cb;
    record.clear();
    steps.clear();
    sentVersion = stepsSent = -1;
    recent = { loss: 0, correct: 0, n: 0 };
    check = withCheck ? { batches: 0, seen: 0, mismatches: 0 } : null;
    net = trainer = null;
    const { backend, note } = await backendFor(job.kernels);
    kernelsUsed = backend.name === 'wasm' ? 'wasm' : 'js';
    rate = { samples: 0, t: 0, value: 0 };
    const d = await loadData(job);
    train = d.train;
    test = d.test;
    preprocessing = d.preprocessing;
    net = createNetwork(job, backend);
    trainer = new Trainer(net, { epochs: FOREVER, ...job.train });
    pacer = new Pacer(pace, batchesPerEpoch());
    await api.setWorkers(workers);
    return { spec: net.spec, P: net.P, nTrain: train.N, nTest: test.N, batchesPerEpoch: batchesPerEpoch(), shared: sharedMemoryAvailable(), kernels: kernelsUsed, kernelsNote: note, preprocessing };
  },

  /** Worker count for the next run (1 = this thread only). Takes effect at the next play/step. */
  async setWorkers(n: number): Promise<number> {
    const W = sharedMemoryAvailable() ? Math.max(1, Math.min(8, Math.floor(n))) : 1;
    if (running) throw new Error('pause before changing the worker count');
    await pool.resize(W);
    return W;
  },

  setCheck(on: boolean): void {
    check = on ? { batches: 0, seen: 0, mismatches: 0 } : null;
  },

  /** Epochs per second (Infinity: as fast as it goes); takes effect at the next batch, also while running. */
  setPace(p: number): void {
    pace = p;
    pacer?.set(p, batchesPerEpoch());
  },

  /** Trains until `untilEpoch` completes or pause(); resolves when stopped. Rejects with a user-facing message. */
  async run(untilEpoch: number, throttleMs = 60): Promise<void> {
    if (!net || !trainer || !train || !test || !pacer) throw new Error('nothing to train yet');
    if (running) return running;
    const t = trainer;
    const p = pacer;
    abort = { aborted: false };
    const mine = abort;
    const startEpoch = t.state.epoch;
    const bpe = batchesPerEpoch();
    const stepEvery = Math.max(1, Math.floor(bpe / 20));
    let last = 0;
    rate = { samples: 0, t: now(), value: 0 };
    p.set(pace, bpe);
    const progress = (): number => {
      const span = untilEpoch - startEpoch;
      return span > 0 && Number.isFinite(span) ? Math.min(1, (t.state.epoch - startEpoch + t.state.batchInEpoch / bpe) / span) : 0;
    };
    const tick = (B: number): void => {
      rate.samples += B;
      const tn = now();
      if (tn - rate.t > 250) {
        rate.value = (rate.samples * 1000) / (tn - rate.t);
        rate.samples = 0;
        rate.t = tn;
      }
      if (tn - last > throttleMs) {
        last = tn;
        report(progress());
      }
    };
    running = (async () => {
      try {
        await t.fit(train, {
          validation: test,
          signal: mine,
          yieldEveryMs: 12, // pause and worker-count messages get through between steps
          engine: async (n, data, opts) => new PacedEngine(new CheckedEngine(await pool.engine(n, data, opts), n, data, opts, check), p, () => mine.aborted),
          onBatch: (e) => {
            const B = Math.min(t.config.batchSize, train!.N);
            recent.loss += e.loss * B;
            recent.correct += (e.accuracy ?? 0) * B;
            recent.n += B;
            if (e.step % stepEvery === 0) {
              steps.push({ epoch: e.step, loss: recent.loss / recent.n, accuracy: e.accuracy === null ? null : recent.correct / recent.n, valLoss: null, valAccuracy: null });
              recent = { loss: 0, correct: 0, n: 0 };
            }
            tick(B);
            if (e.batch === e.batches && e.epoch >= untilEpoch) mine.aborted = true;
          },
          onEpoch: (e) => {
            record.push({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss, accuracy: e.accuracy, valAccuracy: e.valAccuracy });
            const h = t.state.history;
            if (h.length > 2 * TRAINER_HISTORY) h.splice(0, h.length - TRAINER_HISTORY);
          },
        });
      } catch (err) {
        throw new Error(isUserError(err) ? err.message : `training stopped: ${(err as Error).message}`, { cause: err });
      } finally {
        running = null;
        rate.value = 0;
        report(progress());
      }
    })();
    return running;
  },

  pause(): void {
    abort.aborted = true;
  },

  /** Test accuracy and loss of the current weights. */
  evaluate(): { loss: number; accuracy: number | null } {
    if (!net || !test) throw new Error('nothing to evaluate yet');
    const e = evaluate(net, test);
    return { loss: e.loss, accuracy: e.accuracy };
  },

  /** For each test row: the true class and the predicted one (classification), for a confusion matrix. */
  testPredictions(): { truth: Int32Array; predicted: Int32Array } {
    if (!net || !test) throw new Error('nothing to evaluate yet');
    const N = test.N;
    const nOut = test.nOut;
    const out = net.predict(test.X, N);
    const truth = new Int32Array(N);
    const predicted = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      truth[i] = argmax(test.Y, i * nOut, nOut);
      predicted[i] = predictedClass(out, i, nOut);
    }
    return Comlink.transfer({ truth, predicted }, [truth.buffer, predicted.buffer]);
  },

  /** The test rows' pixels and true classes (for a gallery of digits); copies, transferred. */
  testSet(): { X: Float32Array; truth: Int32Array; nIn: number } {
    if (!test) throw new Error('nothing loaded yet');
    const X = Float32Array.from(test.X);
    const truth = new Int32Array(test.N);
    for (let i = 0; i < test.N; i++) truth[i] = argmax(test.Y, i * test.nOut, test.nOut);
    return Comlink.transfer({ X, truth, nIn: test.nIn }, [X.buffer, truth.buffer]);
  },

  /** The optimizer's state as it is now (float64 copies), for the lesson's update step. */
  optimizer(): OptimizerSnapshot {
    if (!trainer) throw new Error('nothing to train yet');
    const o = trainer.optimizer;
    const vectors: Record<string, Float64Array> = {};
    for (const [k, vec] of Object.entries(o.state.vectors)) vectors[k] = Float64Array.from(vec);
    return { ...o.config, t: o.state.t, vectors };
  },

  /**
   * The weights as they are now and their hash (weightsHash, first SHORT_HASH hex digits), read
   * from the network that trains: the page's copy follows progress messages, which may lag.
   */
  snapshot(): { params: Float32Array; hash: string } {
    if (!net) throw new Error('no model yet');
    const params = Float32Array.from(net.params);
    return Comlink.transfer({ params, hash: weightsHash(net.params).slice(0, SHORT_HASH) }, [params.buffer]);
  },

  save(meta: Record<string, unknown>): Uint8Array {
    if (!net || !trainer) throw new Error('no model to save yet');
    const bytes = saveModel(net, { trainer, meta, preprocessing }); // the CLI maps data to inputs with the preprocessing
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

export type TrainApi = typeof api;
Comlink.expose(api);

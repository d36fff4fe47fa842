/**
 * The training thread. It owns the Network and the Trainer, runs `Trainer.fit` with the
 * PoolEngine (shard workers on shared memory), and reports progress through a callback at
 * most every ~60 ms, so the page thread only draws. Play/pause/step map to fit + an abort
 * flag checked at batch boundaries; a resumed fit continues the same seeded epoch order.
 *
 * Kernels: the network lives on core's WASM SIMD backend (one shared WebAssembly.Memory,
 * which @backprop/parallel posts to every pool worker) when the state asks for it and the page
 * can run it (SIMD + cross-origin isolation + the kernels file); otherwise on the JS kernels.
 */
import * as Comlink from 'comlink';
import { Network, Trainer, batchesPerEpoch, evaluate, isUserError, jsBackend, saveModel, type Backend, type Dataset, type EpochEvent, type NetworkSpec } from '@backprop/core';
import {
  createWasmBackend, fetchKernels, now, sharedMemoryAvailable, wasmSharedMemorySupported, wasmSimdSupported, type WasmBackend, type WasmModule,
} from '@backprop/core/engine';
import { fetchMnist } from '@backprop/data';
import { buildData, type Points } from './datasets.js';
import { errorText } from './messages.js';
import { CheckedEngine, WorkerSet, type CheckStats } from './pool.js';
import { layerSizes, resolveKernels, type KernelChoice, type KernelsUsed, type PlayState } from './state.js';

export type Setup =
  | { kind: 'playground'; state: PlayState; custom: Points | null }
  | { kind: 'digits'; url: string; hidden: number[]; batch: number; lr: number; seed: number; kernels: KernelChoice };

export interface Update {
  epoch: number;
  step: number;
  /** Fraction of the current run target done (digits progress bar). */
  progress: number;
  /** New epoch rows since the last update. */
  history: { loss: number; valLoss: number | null; accuracy: number | null; valAccuracy: number | null }[];
  samplesPerSec: number;
  workers: number;
  /** The kernel family the gradients run on (every worker runs the same). */
  kernels: KernelsUsed;
  params: Float32Array;
  check: CheckStats | null;
  running: boolean;
}

export interface SetupInfo {
  spec: NetworkSpec;
  nTrain: number;
  nTest: number;
  shared: boolean;
  kernels: KernelsUsed;
  /** Why the requested kernels could not be used (shown as a message), or null. */
  kernelsNote: string | null;
}

/** Maximum size of one WASM memory: 256 MiB (browsers reserve a shared memory's maximum up front). */
const WASM_MAX_PAGES = 4096;
/**
 * A WASM memory hands out regions that are never garbage-collected (parameters and optimizer
 * state live as long as the backend), so after this many bytes a reset starts a fresh memory;
 * the old one is collected once the network and the pool workers let go of it.
 */
const WASM_RENEW_BYTES = 64 * 2 ** 20;

let kernelsModule: Promise<WasmModule> | null = null;
let wasm: WasmBackend | null = null;

/** The backend for a kernels choice: the WASM backend (created once, renewed when its memory fills) or the JS kernels. */
async function backendFor(choice: KernelChoice): Promise<{ backend: Backend; note: string | null }> {
  const capable = wasmSimdSupported() && wasmSharedMemorySupported();
  if (choice === 'js' || !capable) {
    const { note } = resolveKernels(choice, false);
    return { backend: jsBackend, note };
  }
  try {
    kernelsModule ??= fetchKernels();
    const module = await kernelsModule;
    if (!wasm || wasm.memory.buffer.byteLength > WASM_RENEW_BYTES) wasm = await createWasmBackend({ module, maximumPages: WASM_MAX_PAGES });
    return { backend: wasm, note: null };
  } catch (err) {
    kernelsModule = null; // try again at the next reset
    return { backend: jsBackend, note: `Could not load the WASM kernels (${errorText(err)}); training on the JS kernels.` };
  }
}

const pool = new WorkerSet();
let net: Network | null = null;
let trainer: Trainer | null = null;
let train: Dataset | null = null;
let test: Dataset | null = null;
let onUpdate: ((u: Update) => void) | null = null;
let abort = { aborted: false };
let running: Promise<void> | null = null;
let sent = 0;
let check: CheckStats | null = null;
let rate = { samples: 0, t: 0, value: 0 };
let kernelsUsed: KernelsUsed = 'js';

/** The 10k digits from the IDX files the app serves, split exactly as the CLI splits them (@backprop/data). */
async function loadDigits(url: string, seed: number): Promise<{ train: Dataset; test: Dataset }> {
  const d = await fetchMnist(url, { seed });
  return { train: d.train, test: d.test! };
}

function report(progress: number): void {
  if (!onUpdate || !net || !trainer) return;
  const hist = trainer.state.history.slice(sent).map((e: EpochEvent) => ({ loss: e.loss, valLoss: e.valLoss, accuracy: e.accuracy, valAccuracy: e.valAccuracy }));
  sent = trainer.state.history.length;
  onUpdate({
    epoch: trainer.state.epoch, step: trainer.state.step, progress, history: hist,
    samplesPerSec: rate.value, workers: pool.size, kernels: kernelsUsed, params: Float32Array.from(net.params),
    check: check ? { ...check } : null, running: running !== null,
  });
}

const api = {
  async setup(cfg: Setup, workers: number, withCheck: boolean, cb: (u: Update) => void): Promise<SetupInfo> {
    api.pause();
    if (running) await running;
    onUpdate = cb;
    sent = 0;
    check = withCheck ? { batches: 0, mismatches: 0 } : null;
    net = trainer = null;
    const { backend, note } = await backendFor(cfg.kind === 'playground' ? cfg.state.kernels : cfg.kernels);
    kernelsUsed = backend.name === 'wasm' ? 'wasm' : 'js';
    rate = { samples: 0, t: 0, value: 0 };
    if (cfg.kind === 'playground') {
      const s = cfg.state;
      const d = buildData(s, cfg.custom);
      train = d.train;
      test = d.test;
      net = Network.create({ sizes: layerSizes(s), activation: s.activation, output: s.output }, { seed: s.seed, backend }); // the loss is core's defaultLoss(output)
      trainer = new Trainer(net, { epochs: 1_000_000, batchSize: s.batch, seed: s.seed, optimizer: { name: s.optimizer, lr: s.lr, l1: s.l1, l2: s.l2 } });
    } else {
      const d = await loadDigits(cfg.url, cfg.seed);
      train = d.train;
      test = d.test;
      net = Network.create({ sizes: [784, ...cfg.hidden, 10], activation: 'relu', output: 'softmax' }, { seed: cfg.seed, backend });
      trainer = new Trainer(net, { epochs: 1_000_000, batchSize: cfg.batch, seed: cfg.seed, optimizer: { name: 'adam', lr: cfg.lr } });
    }
    await api.setWorkers(workers);
    return { spec: net.spec, nTrain: train.N, nTest: test.N, shared: sharedMemoryAvailable(), kernels: kernelsUsed, kernelsNote: note };
  },

  /** Worker count for the next run (1 = this thread only). Takes effect at the next play/step. */
  async setWorkers(n: number): Promise<number> {
    const W = sharedMemoryAvailable() ? Math.max(1, Math.min(8, Math.floor(n))) : 1;
    if (running) throw new Error('pause before changing the worker count');
    await pool.resize(W);
    return W;
  },

  setCheck(on: boolean): void {
    check = on ? { batches: 0, mismatches: 0 } : null;
  },

  /** Trains until `untilEpoch` completes or pause(); resolves when stopped. Rejects with a user-facing message. */
  async run(untilEpoch: number, throttleMs = 60): Promise<void> {
    if (!net || !trainer || !train || !test) throw new Error('nothing to train yet');
    if (running) return running;
    const t = trainer;
    abort = { aborted: false };
    const mine = abort;
    const startEpoch = t.state.epoch;
    let last = 0;
    rate = { samples: 0, t: now(), value: rate.value };
    const progress = (): number => {
      const span = untilEpoch - startEpoch;
      return span > 0 && Number.isFinite(span) ? Math.min(1, (t.state.epoch - startEpoch + t.state.batchInEpoch / batchesPerEpoch(train!.N, t.config, true)) / span) : 0;
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
          engine: async (n, data, opts) => new CheckedEngine(await pool.engine(n, data, opts), n, data, opts, check),
          onBatch: (e) => {
            tick(Math.min(t.config.batchSize, train!.N));
            if (e.batch === e.batches && e.epoch >= untilEpoch) mine.aborted = true;
          },
        });
      } catch (err) {
        throw new Error(isUserError(err) ? err.message : `training stopped: ${(err as Error).message}`, { cause: err });
      } finally {
        running = null;
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

  save(meta: Record<string, unknown>): Uint8Array {
    if (!net || !trainer) throw new Error('no model to save yet');
    const bytes = saveModel(net, { trainer, meta });
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

export type TrainApi = typeof api;
Comlink.expose(api);

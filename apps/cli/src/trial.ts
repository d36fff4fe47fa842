/**
 * One trial of a sweep, trained through `backprop train`'s own code (freshRun / resumedRun, the
 * Trainer, the worker-pool engine, saveModel): the trial pauses at epoch boundaries (every K
 * epochs for a checkpoint, at each halving rung), and a paused trial goes on from exactly where it
 * stopped, so a trial paused, checkpointed, killed and resumed elsewhere ends on the same bits as
 * one that never paused. Its model file is a pure function of the trial (not of the sweep's name):
 * no time, path or thread count is written into it.
 */
import { saveModel, weightsHash, type Dataset, type EpochEvent, type FitOptions } from '@backprop/core';
import { LocalEngine, mixSeed, permutation, subset, type GradientEngine } from '@backprop/core/engine';
import { pauses, rungs, type TrialOutcome, type TrialPayload, type TrialRunner } from '@backprop/cluster';
import { NodePool, nodeEngine } from '@backprop/parallel/node';
import { evaluateOn, residentRows } from './datasets.js';
import { UsageError } from './errors.js';
import type { CliMeta } from './meta.js';
import { parseSetting, settingKey } from './train-options.js';
import { DEFAULT_SEED, freshRun, resumedRun, type Run, type TrainFlags } from './commands/train.js';

/** The train flags of a trial: base settings, then the swept ones, each checked as its flag checks it. */
function trialFlags(p: TrialPayload, data: string, workers: number): TrainFlags {
  const f: Record<string, unknown> = { workers, data };
  for (const [k, x] of Object.entries({ ...p.base, ...p.params })) {
    f[settingKey(k)] = typeof x === 'boolean' ? x : parseSetting(k, Array.isArray(x) ? x.join('-') : String(x));
  }
  if (p.seed !== null) f.seed = p.seed;
  return f as unknown as TrainFlags;
}

/** Stream id of the fold split (one partition for every trial of a sweep: folds are comparable). */
const FOLD_STREAM = 0xf01d;

/** Fold i of k: a seeded partition of the training rows into k near-equal parts; part i validates. */
function foldSplit(train: Dataset, fold: { k: number; i: number }, seed: number): { train: Dataset; validation: Dataset } {
  const idx = permutation(train.N, mixSeed(seed, FOLD_STREAM));
  const lo = Math.floor((fold.i * train.N) / fold.k);
  const hi = Math.floor(((fold.i + 1) * train.N) / fold.k);
  if (hi - lo === 0 || hi - lo === train.N) throw new UsageError(`--folds ${fold.k} on ${train.N} training rows leaves an empty fold; use fewer folds or more data`);
  const rest = Int32Array.from([...idx.subarray(0, lo), ...idx.subarray(hi)]).sort();
  return { train: subset(train, rest), validation: subset(train, idx.slice(lo, hi).sort()) };
}

/**
 * Worker-thread pools kept across trials (a pool starts in about a second; a trial may take less),
 * one per trial running at once; each trial's engine borrows one and gives it back.
 */
class Pools {
  private readonly free = new Map<number, NodePool[]>();
  private readonly all: NodePool[] = [];
  /** `caller`: this thread computes a lane of each trial's steps (only when one trial runs at a time: it cannot compute for two). */
  constructor(private readonly caller: boolean) {}
  take(workers: number): NodePool {
    const p = this.free.get(workers)?.pop();
    if (p) return p;
    const fresh = new NodePool({ workers, caller: this.caller });
    this.all.push(fresh);
    return fresh;
  }
  give(workers: number, p: NodePool): void {
    this.free.set(workers, [...(this.free.get(workers) ?? []), p]);
  }
  async close(): Promise<void> {
    await Promise.all(this.all.map((p) => p.destroy()));
  }
}

/** One engine for all the pauses of a trial, on a borrowed pool (or this thread), closed at the end. */
function keptEngine(workers: number, offThread: boolean, pools: Pools) {
  const pool = workers > 1 || offThread ? pools.take(workers) : null;
  const factory: NonNullable<FitOptions['engine']> = pool ? nodeEngine({ pool }) : (net, data, opts) => new LocalEngine(net, data, opts);
  let engine: GradientEngine | null = null;
  return {
    factory: async (...args: Parameters<typeof factory>): Promise<GradientEngine> => {
      const e = (engine ??= await factory(...args));
      return { get grad() { return e.grad; }, workers: e.workers, batch: (order, start, B) => e.batch(order, start, B), close: async () => {} };
    },
    close: async () => {
      await engine?.close();
      if (pool) pools.give(workers, pool);
    },
  };
}

/** The settings recorded in a trial's model: what the trial is, not where or how fast it ran. */
function trialMeta(run: Run, p: TrialPayload): CliMeta {
  const dataName = p.data.kind === 'builtin' ? p.data.spec : p.data.name;
  // threads change no bit (DESIGN.md §4); recorded as 1 so every copy of a trial is the same file
  const { dataPath: _path, defaultOut: _default, ...meta } = { ...run.meta, data: dataName, out: `trial-${p.index}.bpnn`, workers: 1 };
  // keys in one order: a checkpoint's meta comes back through the schema in the schema's order
  return Object.fromEntries(Object.entries(meta).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))) as unknown as CliMeta;
}

/**
 * The CLI's TrialRunner. `offThread`: run single-thread trials on a worker thread too, so that
 * several trials at once (--concurrency) use several cores.
 */
export function trialRunner(offThread: boolean): { run: TrialRunner; close(): Promise<void> } {
  const pools = new Pools(!offThread);
  const run: TrialRunner = async (p, ctx): Promise<TrialOutcome> => {
    const t0 = performance.now();
    const run = ctx.checkpoint ? await resumedRun({ workers: ctx.workers, data: ctx.data }, `trial ${p.index}'s checkpoint`, ctx.checkpoint) : await freshRun(trialFlags(p, ctx.data, ctx.workers), false);
    const resumedFrom = ctx.checkpoint ? run.trainer.state.epoch : null;
    const { net, trainer, pre, test } = run;
    let train = run.train;
    let validation: Dataset | undefined;
    if (p.fold) {
      if (trainer.config.validationSplit > 0) throw new UsageError('--folds makes the validation rows of each trial, and --val-split cuts others; pass one of them');
      ({ train, validation } = foldSplit(residentRows(train), p.fold, (p.base.seed as number | undefined) ?? DEFAULT_SEED));
    }
    const epochs = trainer.config.epochs;
    const rungEpochs = p.halving ? rungs(p.halving, epochs) : [];
    const stopsAt = pauses(epochs, p.checkpointEvery, rungEpochs);
    const meta = trialMeta(run, p);
    // the data by its name, not by this machine's path to it (a worker reads a cached <sha256>.csv)
    const source = pre.source === undefined ? pre : { ...pre, source: pre.source.split(ctx.data).join(meta.data) };
    const bytes = () => {
      // timings are the machine's, not the trial's: out of the file, so every copy has the same bytes
      for (const e of trainer.state.history) Object.assign(e, { seconds: 0, samplesPerSec: 0 });
      return saveModel(net, { preprocessing: source, trainer, meta: { cli: meta, trial: { index: p.index, params: p.params, seed: p.seed, fold: p.fold } } });
    };
    const engine = keptEngine(ctx.workers, offThread, pools);
    let halted = false;
    try {
      for (;;) {
        const pause = new AbortController();
        const drain = () => pause.abort();
        if (ctx.signal.aborted) pause.abort();
        ctx.signal.addEventListener('abort', drain);
        const onEpoch = (e: EpochEvent) => {
          ctx.onEpoch({ epoch: e.epoch, epochs: e.epochs, loss: e.loss, valLoss: e.valLoss, valAccuracy: e.valAccuracy });
          if (stopsAt.has(e.epoch)) pause.abort(); // seen at the next step boundary: the epoch's end
        };
        let result;
        try {
          result = await trainer.fit(train, { engine: engine.factory, signal: pause.signal, validation, onEpoch, batchEventEvery: Number.MAX_SAFE_INTEGER });
        } finally {
          ctx.signal.removeEventListener('abort', drain);
        }
        if (result.stopped !== 'aborted') break;
        const st = trainer.state;
        if (ctx.signal.aborted) {
          await ctx.onCheckpoint(bytes(), st.epoch);
          return { state: 'drained', epoch: st.epoch };
        }
        if (st.batchInEpoch === 0 && st.epoch % p.checkpointEvery === 0) await ctx.onCheckpoint(bytes(), st.epoch);
        if (st.batchInEpoch === 0 && rungEpochs.includes(st.epoch)) {
          const last = st.history[st.history.length - 1];
          if (!(await ctx.atRung(st.epoch, last.valLoss ?? last.loss))) {
            halted = true;
            break;
          }
        }
      }
    } finally {
      await engine.close();
    }
    const last = trainer.state.history[trainer.state.history.length - 1];
    const ev = test ? await evaluateOn(net, test) : null;
    return {
      state: halted ? 'stopped' : 'done',
      model: bytes(),
      metrics: {
        epochs: trainer.state.epoch, loss: last?.loss ?? null, accuracy: last?.accuracy ?? null, valLoss: last?.valLoss ?? null, valAccuracy: last?.valAccuracy ?? null,
        testLoss: ev?.loss ?? null, testAccuracy: ev?.accuracy ?? null, weights: weightsHash(net.params), resumedFrom, seconds: (performance.now() - t0) / 1000,
      },
    };
  };
  return { run, close: () => pools.close() };
}

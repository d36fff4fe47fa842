/**
 * `backprop train`: load data, build W^[1…L], run the Trainer with progress, evaluate on the
 * held-out rows, save the model atomically. Ctrl-C stops at a step boundary and writes a
 * checkpoint (weights + optimizer state + loop position) that `--resume` continues bit-exactly.
 */
import * as core from '@backprop/core';
import * as engine from '@backprop/core/engine';
import { evaluate, Network, resumeTrainer, saveModel, ShapeError, Trainer, type Backend, type Dataset, type Preprocessing } from '@backprop/core';
import type { NormalizationKind } from '@backprop/data';
import { existsSync } from 'node:fs';
import { loadTraining, type LoadOptions } from '../datasets.js';
import { DEFAULT_TRAIN, defaultLr } from '../defaults.js';
import { engineFor } from '../engine.js';
import { UsageError } from '../errors.js';
import { checkWritable, readModel, writeAtomic } from '../files.js';
import { c, emit, fmt, outputMode, plot, Progress, say, table } from '../ui.js';

export interface TrainFlags {
  data: string;
  layers?: number[];
  hidden: number[];
  activation: string;
  output: string;
  loss?: string;
  init?: string;
  optimizer: string;
  lr?: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  l1?: number;
  l2?: number;
  batchSize: number;
  epochs?: number;
  workers: number;
  seed: number;
  valSplit: number;
  testSplit?: number;
  labelColumn?: string;
  normalize?: string;
  noise?: number;
  samples?: number;
  patience?: number;
  minDelta?: number;
  kernels: string;
  out?: string;
  checkpoint?: string;
  resume?: string;
  /** Fine-tune: start from this model's architecture, weights and preprocessing (e.g. an imported one). */
  from?: string;
  force?: boolean;
  json?: boolean;
  dtype?: string;
}

export const DEFAULT_EPOCHS = DEFAULT_TRAIN.epochs;
/** Exit codes after a signal: 128 + its number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** Where `train` writes when no -o is given; rerunning overwrites it (as cc does a.out). */
export const DEFAULT_OUT = 'model.bpnn';

/** Data-loading settings saved in the model so `eval` and `--resume` rebuild the same rows. */
interface CliMeta {
  data: string;
  seed: number;
  testSplit?: number;
  labelColumn?: string;
  normalization?: NormalizationKind;
  noise?: number;
  samples?: number;
  out: string;
  /** True when `out` is the default path, which a later run may overwrite. */
  defaultOut?: boolean;
  kernels: string;
  /** The kernels the run actually used (js or wasm): a resumed run must use the same to stay bit-identical. */
  backend?: string;
  workers: number;
  /** The model a fine-tuning run started from (--from). */
  from?: string;
}

/** The data options a model's saved CLI settings stand for. */
export function dataOptions(m: Partial<CliMeta> | undefined, seed = 1): LoadOptions {
  return { seed: m?.seed ?? seed, testSplit: m?.testSplit, labelColumn: m?.labelColumn, normalization: m?.normalization, noise: m?.noise, samples: m?.samples };
}

/**
 * The output check: an explicit path that exists needs --force; the default path is the
 * tool's own scratch output and is overwritten, unless what is there is not a model file.
 */
function checkOut(meta: CliMeta, force: boolean): string | null {
  if (!meta.defaultOut || force || !existsSync(meta.out)) {
    checkWritable(meta.out, force);
    return null;
  }
  try {
    readModel(meta.out);
  } catch {
    throw new UsageError(`${meta.out} exists and is not a backprop model; pass -o to choose another path, or --force to overwrite it`);
  }
  return `overwriting ${meta.out} from an earlier run (the default output; pass -o FILE to keep models apart)`;
}

/**
 * Maps --kernels to a core backend with core's selectBackend, which finds @backprop/core's packaged
 * kernels.wasm by itself. The WASM SIMD kernels run on every worker (@backprop/parallel posts the
 * module and the shared memory to each). `auto` that ends on the JS kernels says why, once, on
 * stderr; `wasm` that cannot run fails with the reason (a ConfigError: one line, exit 2).
 */
export async function backendFor(kernels: string): Promise<Backend> {
  const choice = engine.checkBackendChoice(kernels);
  const { backend, reason } = await core.selectBackend(choice);
  if (choice === 'auto' && backend.name !== 'wasm') process.stderr.write(c.yellow(`note: ${reason}`) + '\n');
  return backend;
}

export async function train(f: TrainFlags): Promise<number> {
  const mode = outputMode(Boolean(f.json));
  const t0 = performance.now();
  let net: Network;
  let trainer: Trainer;
  let pre: Preprocessing;
  let meta: CliMeta;
  let train: Dataset;
  let test: Dataset | null;
  let description: string;
  let overwriteNote: string | null = null;
  const workers = f.workers;
  if (f.resume) {
    let file = readModel(f.resume);
    if (!file.training) throw new UsageError(`${f.resume} has no training state to resume (it was saved without a trainer); fine-tune it with --from ${f.resume} --data <data>, or train a new model`);
    const saved = file.meta.cli as CliMeta | undefined;
    if (!saved) throw new UsageError(`${f.resume} was not written by \`backprop train\`; resume it from code with resumeTrainer()`);
    meta = { ...saved, data: f.data ?? saved.data, out: f.out ?? saved.out, defaultOut: f.out === undefined && saved.defaultOut };
    if (saved.backend === 'wasm') {
      // the same kernels as the interrupted run (on any number of workers), so the result stays bit-identical
      file = readModel(f.resume, await backendFor('wasm'));
    }
    const loaded = await loadTraining(meta.data, dataOptions(meta));
    ({ train, test, description } = loaded);
    pre = file.preprocessing ?? loaded.preprocessing;
    net = file.net;
    trainer = resumeTrainer(file, { epochs: f.epochs });
    say(mode, `resuming ${f.resume}: epoch ${trainer.state.epoch + 1}, step ${trainer.state.step}`);
  } else {
    meta = {
      data: f.data ?? 'mnist', seed: f.seed, testSplit: f.testSplit, labelColumn: f.labelColumn,
      normalization: f.normalize as NormalizationKind | undefined, noise: f.noise, samples: f.samples,
      out: f.out ?? DEFAULT_OUT, defaultOut: f.out === undefined, kernels: f.kernels, workers: f.workers,
    };
    overwriteNote = checkOut(meta, Boolean(f.force));
    // --from: the model's own preprocessing maps the data onto its inputs and labels
    const base = f.from ? readModel(f.from) : null;
    if (f.from) meta.from = f.from;
    const loaded = await loadTraining(meta.data, dataOptions(meta), base?.preprocessing);
    ({ train, test, description, preprocessing: pre } = loaded);
    const sizes = base ? base.net.spec.sizes : f.layers ?? [train.nIn, ...f.hidden, train.nOut];
    if (sizes[0] !== train.nIn || sizes[sizes.length - 1] !== train.nOut) {
      const fixed = [train.nIn, ...sizes.slice(1, -1), train.nOut].join('-');
      if (base) throw new ShapeError(`${f.from} is a ${sizes.join('-')} network but ${meta.data} has ${train.nIn} features and ${train.nOut} outputs; fine-tune it on data of its shape`);
      throw new ShapeError(`layer sizes ${sizes.join('-')} do not match the data: ${meta.data} has ${train.nIn} features and ${train.nOut} outputs; use --layers ${fixed}`);
    }
    const backend = await backendFor(f.kernels);
    meta.backend = backend.name;
    if (base) {
      net = new Network(base.net.spec, undefined, backend); // its weights, in the memory the kernels read
      net.params.set(base.net.params);
    } else {
      net = Network.create(
        { sizes, activation: f.activation as core.ActivationName, output: f.output as core.ActivationName, loss: f.loss as core.LossName | undefined, dtype: (f.dtype ?? 'f32') as core.DType },
        { seed: f.seed, init: f.init as core.InitName | undefined, backend },
      );
    }
    trainer = new Trainer(net, {
      epochs: f.epochs ?? DEFAULT_EPOCHS,
      batchSize: f.batchSize,
      seed: f.seed,
      validationSplit: f.valSplit,
      optimizer: { name: f.optimizer, lr: f.lr ?? defaultLr(f.optimizer), momentum: f.momentum, beta1: f.beta1, beta2: f.beta2, l1: f.l1, l2: f.l2 },
      earlyStopping: f.patience ? { patience: f.patience, minDelta: f.minDelta ?? 0 } : null,
    });
  }
  if (f.resume) overwriteNote = checkOut(meta, Boolean(f.force));
  if (overwriteNote) say(mode, c.yellow(`note: ${overwriteNote}`));
  const checkpoint = f.checkpoint ?? `${meta.out}.ckpt`;
  const engine = engineFor(workers);
  const cfg = trainer.config;
  say(mode, `${c.bold('data')}    ${description}${test ? `; ${train.N} train / ${test.N} test rows` : ''}`);
  say(mode, `${c.bold('network')} ${net.describe()}`);
  say(mode, `${c.bold('train')}   ${cfg.optimizer.name} lr ${cfg.optimizer.lr}, batch ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}, ${workers} worker${workers === 1 ? '' : 's'}, ${net.kernels.name} kernels`);
  if (mode === 'json') emit({ event: 'start', data: meta.data, sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss, parameters: net.P, optimizer: cfg.optimizer, batchSize: cfg.batchSize, epochs: cfg.epochs, seed: cfg.seed, workers, kernels: net.kernels.name, trainRows: train.N, testRows: test?.N ?? 0 });

  // Ctrl-C (SIGINT) or SIGTERM stops at the next step boundary and writes a checkpoint; the exit
  // code is 128 + the signal number (130, 143), as a shell reports a process the signal ended.
  // A second signal exits at once, without a checkpoint.
  const abort = new AbortController();
  let stopSignal: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    if (stopSignal) process.exit(SIGNAL_EXIT[sig]);
    stopSignal = sig;
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = new Progress(mode, workers);
  const batches = core.batchesPerEpoch(train.N, cfg);
  let result: core.FitResult;
  try {
    result = await trainer.fit(train, {
      engine,
      signal: abort.signal,
      onBatch: (e) => progress.batch(e),
      onEpoch: (e) => progress.epoch(e),
      batchEventEvery: mode === 'tty' ? Math.max(1, Math.floor(batches / 100)) : mode === 'json' ? Math.max(1, Math.floor(batches / 20)) : batches,
    });
  } finally {
    progress.stop();
  }
  const saveOpts = { preprocessing: pre, trainer, meta: { cli: meta, savedAt: new Date().toISOString() } };
  if (result.stopped === 'aborted') {
    writeAtomic(checkpoint, saveModel(net, saveOpts));
    const st = trainer.state;
    const resume = `backprop train --resume ${checkpoint}`;
    if (mode === 'json') emit({ event: 'interrupted', signal: stopSignal, epoch: st.epoch + 1, step: st.step, checkpoint, resume });
    say(mode, `\ninterrupted at epoch ${st.epoch + 1}, step ${st.step}; checkpoint written to ${checkpoint}`);
    say(mode, `resume with: ${c.bold(resume)}`);
    return SIGNAL_EXIT[stopSignal ?? 'SIGINT'];
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  writeAtomic(meta.out, saveModel(net, saveOpts));
  const seconds = (performance.now() - t0) / 1000;
  const last = result.history[result.history.length - 1];
  const ev = test ? evaluate(net, test) : null;
  if (mode === 'json') {
    emit({ event: 'done', stopped: result.stopped, epochs: result.history.length, steps: trainer.state.step, loss: last?.loss ?? null, accuracy: last?.accuracy ?? null, testLoss: ev?.loss ?? null, testAccuracy: ev?.accuracy ?? null, model: meta.out, seconds, workers: result.workers });
    return 0;
  }
  const rows: (string | number)[][] = [
    ['epochs', `${result.history.length}${result.stopped === 'early' ? ' (early stop)' : ''}`],
    ['steps', trainer.state.step],
    ['train loss', fmt.loss(last?.loss ?? null)],
    ['train accuracy', fmt.pct(last?.accuracy ?? null)],
  ];
  if (last?.valLoss != null) rows.push(['val loss', fmt.loss(last.valLoss)], ['val accuracy', fmt.pct(last.valAccuracy)]);
  if (ev) rows.push(['test loss', fmt.loss(ev.loss)], ['test accuracy', c.green(c.bold(fmt.pct(ev.accuracy)))]);
  rows.push(['workers', result.workers], ['time', fmt.secs(seconds)], ['model', meta.out]);
  const chart = plot(result.history);
  if (chart) process.stderr.write(chart + '\n');
  process.stdout.write(table(['summary', ''], rows) + '\n');
  if (ev?.accuracy != null) process.stdout.write(`test accuracy: ${fmt.pct(ev.accuracy)} on ${ev.N} held-out rows\n`);
  return 0;
}

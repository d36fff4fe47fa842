/**
 * `backprop train`: load data, build W^[1…L], run the Trainer with progress, evaluate on the
 * held-out rows, save the model atomically. Ctrl-C stops at a step boundary and writes a
 * checkpoint (weights + optimizer state + loop position) that `--resume` continues bit-exactly.
 */
import * as core from '@backprop/core';
import { Network, resumeTrainer, saveModel, ShapeError, Trainer, type Backend, type BatchStream, type Dataset, type Preprocessing } from '@backprop/core';
import type { NormalizationKind } from '@backprop/data';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkTabularFlags, evaluateOn, loadTraining, regressionOn, widthsOf, type LoadOptions } from '../datasets.js';
import type { MissingFlag } from '../options.js';
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
  // tabular data (CSV): one-hot columns, missing values, regression targets
  categorical?: (string | number)[];
  missing?: MissingFlag;
  normalizeTargets?: string;
  stream?: boolean;
  bufferRows?: number;
}

export const DEFAULT_EPOCHS = DEFAULT_TRAIN.epochs;
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
  categorical?: (string | number)[];
  missing?: MissingFlag;
  targetNormalization?: NormalizationKind;
  stream?: boolean;
  bufferRows?: number;
}

/** The data options a model's saved CLI settings stand for. */
export function dataOptions(m: Partial<CliMeta> | undefined, seed = 1): LoadOptions {
  return { seed: m?.seed ?? seed, testSplit: m?.testSplit, labelColumn: m?.labelColumn, normalization: m?.normalization, noise: m?.noise, samples: m?.samples, categorical: m?.categorical, missing: m?.missing, targetNormalization: m?.targetNormalization, stream: m?.stream, bufferRows: m?.bufferRows };
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

/** The compiled kernels' bytes, read from @backprop/core's build/kernels.wasm. */
async function wasmBytes(): Promise<{ bytes: Uint8Array }> {
  const url = core.kernelsWasmUrl();
  try {
    return { bytes: await readFile(new URL(url.href)) };
  } catch {
    throw new UsageError(`WASM kernels are not available: ${fileURLToPath(url.href)} is missing; run "pnpm --filter @backprop/core build:wasm", or use --kernels js`);
  }
}

/**
 * Maps --kernels to a core backend. The WASM SIMD kernels run on every worker (@backprop/parallel
 * posts the module and the shared memory to each), so `auto` picks them on any worker count
 * where SIMD and shared memory exist, and the JS kernels otherwise.
 */
export async function backendFor(kernels: string): Promise<Backend> {
  const choice = core.checkBackendChoice(kernels);
  if (choice === 'js') return core.jsBackend;
  if (choice === 'wasm') {
    if (!core.wasmSimdSupported() || !core.wasmSharedMemorySupported()) throw new UsageError('WASM kernels are not available here (this Node lacks WebAssembly SIMD or shared memory); use --kernels js');
    return core.selectBackend('wasm', wasmBytes);
  }
  const backend = await core.selectBackend('auto', wasmBytes);
  if (backend.name === 'js' && core.wasmSimdSupported() && core.wasmSharedMemorySupported()) {
    // auto fell back although this Node could run WASM: the kernels file is missing or broken
    process.stderr.write(`note: training on the JS kernels (about 10× slower): ${fileURLToPath(core.kernelsWasmUrl().href)} is missing or unreadable; run "pnpm --filter @backprop/core build:wasm"\n`);
  }
  return backend;
}

export async function train(f: TrainFlags): Promise<number> {
  const mode = outputMode(Boolean(f.json));
  const t0 = performance.now();
  let net: Network;
  let trainer: Trainer;
  let pre: Preprocessing;
  let meta: CliMeta;
  let train: Dataset | BatchStream;
  let test: Dataset | BatchStream | null;
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
      ...tabularMeta(f),
    };
    overwriteNote = checkOut(meta, Boolean(f.force));
    // --from: the model's own preprocessing maps the data onto its inputs and labels
    const base = f.from ? readModel(f.from) : null;
    if (f.from) meta.from = f.from;
    const loaded = await loadTraining(meta.data, dataOptions(meta), base?.preprocessing);
    ({ train, test, description, preprocessing: pre } = loaded);
    checkTabularFlags(f, meta.data, pre);
    tabularNotes(mode, loaded);
    const { nIn, nOut } = widthsOf(train);
    const sizes = base ? base.net.spec.sizes : f.layers ?? [nIn, ...f.hidden, nOut];
    if (sizes[0] !== nIn || sizes[sizes.length - 1] !== nOut) {
      const fixed = [nIn, ...sizes.slice(1, -1), nOut].join('-');
      if (base) throw new ShapeError(`${f.from} is a ${sizes.join('-')} network but ${meta.data} has ${nIn} features and ${nOut} outputs; fine-tune it on data of its shape`);
      throw new ShapeError(`layer sizes ${sizes.join('-')} do not match the data: ${meta.data} has ${nIn} features and ${nOut} outputs; use --layers ${fixed}`);
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

  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      abort.abort();
      return;
    }
    // A terminal Ctrl-C reaches both the launcher and this process; only a later press forces exit.
    if (interrupts > 2) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const progress = new Progress(mode, workers);
  const batches = Math.ceil(train.N * (1 - cfg.validationSplit) / cfg.batchSize);
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
    if (mode === 'json') emit({ event: 'interrupted', epoch: st.epoch + 1, step: st.step, checkpoint, resume });
    say(mode, `\ninterrupted at epoch ${st.epoch + 1}, step ${st.step}; checkpoint written to ${checkpoint}`);
    say(mode, `resume with: ${c.bold(resume)}`);
    return 130;
  }
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  writeAtomic(meta.out, saveModel(net, saveOpts));
  const seconds = (performance.now() - t0) / 1000;
  const last = result.history[result.history.length - 1];
  const ev = test ? await evaluateOn(net, test) : null;
  const reg = test && pre.labels === null ? await regressionOn(net, test, pre) : null; // in the targets' own units
  if (mode === 'json') {
    emit({ event: 'done', stopped: result.stopped, epochs: result.history.length, steps: trainer.state.step, loss: last?.loss ?? null, accuracy: last?.accuracy ?? null, testLoss: ev?.loss ?? null, testAccuracy: ev?.accuracy ?? null, ...(reg ? { testRmse: reg.rmse, testMae: reg.mae } : {}), model: meta.out, seconds, workers: result.workers });
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
  if (reg) rows.push(['test RMSE (target units)', fmt.loss(reg.rmse)], ['test MAE (target units)', fmt.loss(reg.mae)]);
  rows.push(['workers', result.workers], ['time', fmt.secs(seconds)], ['model', meta.out]);
  const chart = plot(result.history);
  if (chart) process.stderr.write(chart + '\n');
  process.stdout.write(table(['summary', ''], rows) + '\n');
  if (ev?.accuracy != null) process.stdout.write(`test accuracy: ${fmt.pct(ev.accuracy)} on ${ev.N} held-out rows\n`);
  return 0;
}

// ── tabular data (CSV): --categorical, --missing, target normalisation ──────────────────────────

/** The tabular settings of a new run, saved with the model so --resume reads the data the same way. */
function tabularMeta(f: TrainFlags): Pick<CliMeta, 'categorical' | 'missing' | 'targetNormalization' | 'stream' | 'bufferRows'> {
  // a linear output can reach any value: z-score; a bounded one (sigmoid, tanh, relu…) gets targets in [0, 1]
  const targetNormalization = (f.normalizeTargets ?? (f.output === 'linear' ? 'zscore' : 'minmax')) as NormalizationKind;
  if (f.bufferRows !== undefined && !f.stream) throw new UsageError('--buffer-rows sets the shuffle buffer of --stream; pass --stream too, or leave it out');
  return { categorical: f.categorical, missing: f.missing, targetNormalization, stream: f.stream, bufferRows: f.bufferRows };
}

/** Dropped rows and unseen categories, said once before training. */
function tabularNotes(mode: ReturnType<typeof outputMode>, d: { dropped: number; warnings: string[] }): void {
  if (d.dropped > 0) say(mode, c.yellow(`note: dropped ${d.dropped} row${d.dropped === 1 ? '' : 's'} with a missing value (--missing drop)`));
  for (const w of d.warnings) say(mode, c.yellow(`note: ${w}`));
}

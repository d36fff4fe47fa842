/**
 * `backprop train`: load data, build W^[1…L], run the Trainer with progress, evaluate on the
 * held-out rows, save the model atomically. Ctrl-C stops at a step boundary and writes a
 * checkpoint (weights + optimizer state + loop position) that `--resume` continues bit-exactly.
 */
import * as core from '@backprop/core';
import { evaluate, Network, resumeTrainer, saveModel, ShapeError, Trainer, type Backend, type Dataset, type Preprocessing } from '@backprop/core';
import { loadTraining } from '../datasets.js';
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
  patience?: number;
  minDelta?: number;
  kernels: string;
  out: string;
  checkpoint?: string;
  resume?: string;
  force?: boolean;
  json?: boolean;
  dtype?: string;
}

export const DEFAULT_EPOCHS = 10;

/** Data-loading settings saved in the model so `--resume` reloads the same rows. */
interface CliMeta {
  data: string;
  seed: number;
  testSplit?: number;
  labelColumn?: string;
  out: string;
  kernels: string;
  workers: number;
}

/** Maps --kernels to a core backend; the WASM one when core exports it. */
export async function backendFor(kernels: string): Promise<Backend> {
  const anyCore = core as Record<string, unknown>;
  const wasmFactory = (anyCore.wasmBackend ?? anyCore.createWasmBackend ?? anyCore.loadWasmBackend) as (() => Backend | Promise<Backend>) | Backend | undefined;
  const wasm = async (): Promise<Backend | null> => {
    if (!wasmFactory) return null;
    return typeof wasmFactory === 'function' ? await wasmFactory() : wasmFactory;
  };
  if (kernels === 'js') return core.jsBackend;
  if (kernels === 'wasm') {
    const b = await wasm();
    if (!b) throw new UsageError('WASM kernels are not available in this build of @backprop/core; use --kernels js (or auto)');
    return b;
  }
  if (kernels === 'auto') return (await wasm().catch(() => null)) ?? core.jsBackend;
  throw new UsageError(`--kernels must be auto, js or wasm; got "${kernels}"`);
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
  if (f.resume) {
    const file = readModel(f.resume);
    if (!file.training) throw new UsageError(`${f.resume} has no training state to resume (it was saved without a trainer); train a new model instead`);
    const saved = file.meta.cli as CliMeta | undefined;
    if (!saved) throw new UsageError(`${f.resume} was not written by \`backprop train\`; resume it from code with resumeTrainer()`);
    meta = { ...saved, data: f.data ?? saved.data, out: f.out ?? saved.out };
    const loaded = await loadTraining(meta.data, { seed: meta.seed, testSplit: meta.testSplit, labelColumn: meta.labelColumn });
    ({ train, test, description } = loaded);
    pre = file.preprocessing ?? loaded.preprocessing;
    net = file.net;
    trainer = resumeTrainer(file, { epochs: f.epochs });
    say(mode, `resuming ${f.resume}: epoch ${trainer.state.epoch + 1}, step ${trainer.state.step}`);
  } else {
    meta = { data: f.data ?? 'mnist', seed: f.seed, testSplit: f.testSplit, labelColumn: f.labelColumn, out: f.out ?? 'model.bpnn', kernels: f.kernels, workers: f.workers };
    checkWritable(meta.out, Boolean(f.force));
    const loaded = await loadTraining(meta.data, { seed: f.seed, testSplit: f.testSplit, labelColumn: f.labelColumn });
    ({ train, test, description, preprocessing: pre } = loaded);
    const sizes = f.layers ?? [train.nIn, ...f.hidden, train.nOut];
    if (sizes[0] !== train.nIn || sizes[sizes.length - 1] !== train.nOut) {
      const fixed = [train.nIn, ...sizes.slice(1, -1), train.nOut].join('-');
      throw new ShapeError(`layer sizes ${sizes.join('-')} do not match the data: ${meta.data} has ${train.nIn} features and ${train.nOut} outputs; use --layers ${fixed}`);
    }
    const backend = await backendFor(f.kernels);
    net = Network.create(
      { sizes, activation: f.activation as core.ActivationName, output: f.output as core.ActivationName, loss: f.loss as core.LossName | undefined, dtype: (f.dtype ?? 'f32') as core.DType },
      { seed: f.seed, init: f.init as core.InitName | undefined, backend },
    );
    trainer = new Trainer(net, {
      epochs: f.epochs ?? DEFAULT_EPOCHS,
      batchSize: f.batchSize,
      seed: f.seed,
      validationSplit: f.valSplit,
      optimizer: { name: f.optimizer, lr: f.lr ?? (f.optimizer === 'adam' ? 0.001 : 0.03), momentum: f.momentum, beta1: f.beta1, beta2: f.beta2, l1: f.l1, l2: f.l2 },
      earlyStopping: f.patience ? { patience: f.patience, minDelta: f.minDelta ?? 0 } : null,
    });
  }
  if (f.resume) checkWritable(meta.out, Boolean(f.force));
  const checkpoint = f.checkpoint ?? `${meta.out}.ckpt`;
  const { engine, note } = await engineFor(f.workers);
  if (note) say(mode, c.yellow(`note: ${note}`));
  const cfg = trainer.config;
  say(mode, `${c.bold('data')}    ${description}${test ? `; ${train.N} train / ${test.N} test rows` : ''}`);
  say(mode, `${c.bold('network')} ${net.describe()}`);
  say(mode, `${c.bold('train')}   ${cfg.optimizer.name} lr ${cfg.optimizer.lr}, batch ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}, ${f.workers} worker${f.workers === 1 ? '' : 's'}, ${net.kernels.name} kernels`);
  if (mode === 'json') emit({ event: 'start', data: meta.data, sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss, parameters: net.P, optimizer: cfg.optimizer, batchSize: cfg.batchSize, epochs: cfg.epochs, seed: cfg.seed, workers: f.workers, trainRows: train.N, testRows: test?.N ?? 0 });

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
  const progress = new Progress(mode, f.workers);
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

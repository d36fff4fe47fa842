/**
 * `backprop train`: load data, build W^[1…L], run the Trainer with progress, evaluate on the
 * held-out rows, save the model atomically. A signal (Ctrl-C, SIGTERM, SIGHUP) stops at a step
 * boundary and writes a checkpoint (weights + optimizer state + loop position) that `--resume`
 * continues bit-exactly; the exit code is then 128 + the signal's number.
 *
 * Every flag does what it says or is refused naming the conflict: a checkpoint fixes the
 * architecture and the data split, so those flags are errors with --resume, while --lr, the
 * optimizer's other settings, --epochs and early stopping take effect from the checkpoint's step
 * on and are recorded in the model (meta.cli.changes).
 */
import * as core from '@backprop/core';
import { Network, resumeTrainer, saveModel, ShapeError, Trainer, type Backend, type BatchStream, type Dataset, type Preprocessing } from '@backprop/core';
import * as engine from '@backprop/core/engine';
import { checkMemory, memoryBudget, resolveSpec, trainingBytes } from '@backprop/core/engine';
import { findIdxFiles } from '@backprop/data/node';
import type { NormalizationKind } from '@backprop/data';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { checkTabularFlags, evaluateOn, loadTraining, regressionOn, widthsOf } from '../datasets.js';
import type { MissingFlag } from '../options.js';
import { defaultWorkers, trainDefaults } from '../defaults.js';
import { engineFor } from '../engine.js';
import { UsageError } from '../errors.js';
import { checkWritable, modelFromBytes, readModel, removeStaleTemps, writeAtomic, type ReadModel } from '../files.js';
import { dataKind, dataOptions, locateData, type Change, type CliMeta } from '../meta.js';
import { onSignal, signalExitCode, type Signal } from '../process-io.js';
import { c, ce, emit, fmt, outputMode, plot, Progress, say, table } from '../ui.js';

export interface TrainFlags {
  data?: string;
  layers?: number[];
  hidden?: number[];
  activation?: string;
  output?: string;
  loss?: string;
  init?: string;
  optimizer?: string;
  lr?: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  l1?: number;
  l2?: number;
  batchSize?: number;
  epochs?: number;
  workers: number;
  seed?: number;
  valSplit?: number;
  testSplit?: number;
  labelColumn?: string;
  normalize?: string;
  noise?: number;
  samples?: number;
  patience?: number;
  minDelta?: number;
  kernels?: string;
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

export const DEFAULT_SEED = 1;
/** Where `train` writes when no -o is given; rerunning overwrites it (as cc does a.out). */
export const DEFAULT_OUT = 'model.bpnn';

/** "--batch-size" for the flag key "batchSize". */
const flag = (key: string) => `--${key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
/** A flag value in a message: numbers and words as typed, anything structured as JSON. */
const shown = (x: unknown): string => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x));
const given = (f: TrainFlags, keys: (keyof TrainFlags)[]) => keys.filter((k) => f[k] !== undefined);

/** The CLI's words for what to shrink when a run does not fit in memory. */
const SHRINK = { layers: 'use smaller or fewer layers (--hidden or --layers)', scratch: 'use a smaller --batch-size, fewer --workers or smaller layers' };

/** The memory a run may take: half of this machine's memory, capped by the backend's own maximum (WASM: 1 GiB). */
export function cliMemoryBudget(backend: Backend): number {
  return memoryBudget(backend, Math.floor(totalmem() / 2));
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
  checkWritable(meta.out, true); // a directory is refused even here
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
 * stderr; `wasm` that cannot run fails with the reason (a ConfigError: one line, exit 2). Float64
 * weights run on the JS kernels (the WASM kernels compute float32 only).
 */
export async function backendFor(kernels: string, dtype = 'f32'): Promise<Backend> {
  const choice = engine.checkBackendChoice(kernels);
  if (dtype === 'f64' && choice !== 'js') {
    if (choice === 'wasm') throw new UsageError('--kernels wasm computes float32 only and --dtype f64 asks for float64 weights; drop one of them');
    return core.jsBackend;
  }
  const { backend, reason } = await core.selectBackend(choice);
  if (choice === 'auto' && backend.name !== 'wasm') process.stderr.write(ce.yellow(`note: ${reason}`) + '\n');
  return backend;
}

/** Data flags that mean nothing for this kind of data are refused, naming the conflict. */
async function checkDataFlags(f: Pick<TrainFlags, 'noise' | 'labelColumn' | 'testSplit'>, spec: string, where = ''): Promise<void> {
  const kind = dataKind(spec);
  if (kind === 'missing') return; // the loader says what is wrong with the path
  if (f.noise !== undefined && kind !== 'synthetic') throw new UsageError(`--noise applies to the synthetic 2-D sets (circle, xor, spiral, …) and ${spec}${where} is ${kind === 'csv' ? 'a CSV file' : kind === 'idx' ? 'IDX files' : `the ${kind} set`}; drop --noise`);
  if (f.labelColumn !== undefined && kind !== 'csv') throw new UsageError(`--label-column picks a column of a CSV file and ${spec}${where} is ${kind === 'idx' ? 'IDX files (labels come from the labels file)' : `the built-in ${kind} set`}; drop --label-column`);
  if (f.testSplit !== undefined && kind === 'idx' && (await findIdxFiles(spec)).testImages) {
    throw new UsageError(`--test-split splits a test set off the training rows, but ${spec} has t10k test files, which are the test set; drop --test-split, or remove the t10k files to split one off`);
  }
}

/** Optimizer settings that belong to another optimizer are refused. */
function checkOptimizerFlags(f: TrainFlags, optimizer: string, source: string): void {
  if (f.momentum !== undefined && optimizer !== 'momentum' && optimizer !== 'nesterov') throw new UsageError(`--momentum sets μ of momentum and nesterov, and ${source} is ${optimizer}; drop --momentum, or use --optimizer momentum`);
  for (const k of given(f, ['beta1', 'beta2'])) if (optimizer !== 'adam') throw new UsageError(`${flag(k)} sets a β of adam, and ${source} is ${optimizer}; drop ${flag(k)}, or use --optimizer adam`);
}

export interface Run {
  net: Network;
  trainer: Trainer;
  pre: Preprocessing;
  meta: CliMeta;
  train: Dataset | BatchStream;
  test: Dataset | BatchStream | null;
  description: string;
  notes: string[];
}

/** The model and checkpoint paths, checked before any work; returns notes to print. */
function checkOutputs(f: TrainFlags, meta: CliMeta, force: boolean): string[] {
  const notes: string[] = [];
  const overwrite = checkOut(meta, force);
  if (overwrite) notes.push(overwrite);
  const checkpoint = checkpointPath(f, meta);
  if (checkpoint === meta.out) throw new UsageError(`--checkpoint and -o are both ${checkpoint}; the checkpoint of an interrupted run would replace the model: choose two paths`);
  checkWritable(checkpoint, true); // overwritten by design, but never a directory or an unwritable folder
  for (const p of [meta.out, checkpoint]) for (const name of removeStaleTemps(p)) notes.push(`removed ${name}, a temp file left by a process that died`);
  return notes;
}

const checkpointPath = (f: TrainFlags, meta: CliMeta) => f.checkpoint ?? `${meta.out}.ckpt`;

/**
 * A new run: data, defaults for it, memory check, network (fresh, or --from a model), trainer.
 * `outputs` false: no output paths are checked (a sweep's trial hands its model bytes back).
 */
export async function freshRun(f: TrainFlags, outputs = true): Promise<Run> {
  if (f.layers && f.hidden) throw new UsageError('--layers gives every layer size and --hidden only the hidden ones; pass one of them');
  if (f.from) {
    const fixed = given(f, ['layers', 'hidden', 'activation', 'output', 'loss', 'init', 'dtype', 'normalize']);
    if (fixed.length) throw new UsageError(`${fixed.map(flag).join(', ')}: --from ${f.from} fine-tunes that model, whose architecture and preprocessing are fixed; drop ${fixed.length === 1 ? 'it' : 'them'}, or train a new model without --from`);
  }
  if (f.minDelta !== undefined && f.patience === undefined) throw new UsageError('--min-delta is the improvement early stopping waits for, and early stopping is off; add --patience N, or drop --min-delta');
  const seed = f.seed ?? DEFAULT_SEED;
  const data = f.data ?? 'mnist';
  await checkDataFlags(f, data);
  const meta: CliMeta = {
    data, seed, testSplit: f.testSplit, labelColumn: f.labelColumn,
    normalization: f.normalize as NormalizationKind | undefined, noise: f.noise, samples: f.samples,
    out: f.out ?? DEFAULT_OUT, defaultOut: f.out === undefined, kernels: f.kernels ?? 'auto', workers: f.workers,
    ...tabularMeta(f),
  };
  const notes = outputs ? checkOutputs(f, meta, Boolean(f.force)) : [];
  // --from: the model's own preprocessing maps the data onto its inputs and labels
  const base = f.from ? readModel(f.from) : null;
  if (f.from) meta.from = f.from;
  const loaded = await loadTraining(meta.data, dataOptions(meta), base?.preprocessing);
  Object.assign(meta, await locateData(meta.data));
  const { train, test } = loaded;
  checkTabularFlags(f, meta.data, loaded.preprocessing);
  notes.push(...tabularNotes(loaded));
  const { nIn, nOut } = widthsOf(train);
  const task = loaded.preprocessing.labels ? 'classification' : 'regression';
  const d = trainDefaults({ nIn, trainRows: Math.round(train.N * (1 - (f.valSplit ?? 0))), task }, { optimizer: f.optimizer, batchSize: f.batchSize });
  checkOptimizerFlags(f, d.optimizer, f.optimizer ? 'the optimizer' : `the default optimizer for ${d.regime}`);
  const sizes = base ? base.net.spec.sizes : f.layers ?? [nIn, ...(f.hidden ?? d.hidden), nOut];
  if (sizes[0] !== nIn || sizes[sizes.length - 1] !== nOut) {
    const fixed = [nIn, ...sizes.slice(1, -1), nOut].join('-');
    if (base) throw new ShapeError(`${f.from} is a ${sizes.join('-')} network but ${meta.data} has ${nIn} features and ${nOut} outputs; fine-tune it on data of its shape`);
    throw new ShapeError(`layer sizes ${sizes.join('-')} do not match the data: ${meta.data} has ${nIn} features and ${nOut} outputs; use --layers ${fixed}`);
  }
  const dtype = (base?.net.spec.dtype ?? f.dtype ?? 'f32') as core.DType;
  const config: core.NetworkConfig = { sizes, activation: (f.activation ?? d.activation) as core.ActivationName, output: (f.output ?? d.output) as core.ActivationName, loss: f.loss as core.LossName | undefined, dtype };
  const spec = base ? base.net.spec : resolveSpec(config);
  const backend = await backendFor(meta.kernels, dtype);
  meta.backend = backend.name;
  const budget = cliMemoryBudget(backend);
  const earlyStopping = f.patience ? { patience: f.patience, minDelta: f.minDelta ?? 0 } : null;
  const shardSize = engine.defaultShardSize(d.batchSize, engine.layerTable(spec).P);
  checkMemory(trainingBytes(spec, { batchSize: d.batchSize, shardSize, optimizer: d.optimizer, workers: f.workers, earlyStopping: Boolean(earlyStopping) }), budget, `training ${sizes.join('-')} with batches of ${d.batchSize} on ${f.workers} worker${f.workers === 1 ? '' : 's'}`, SHRINK);
  let net: Network;
  if (base) {
    net = new Network(spec, undefined, backend, budget); // its weights, in the memory the kernels read
    net.params.set(base.net.params);
  } else {
    net = Network.create(config, { seed, init: f.init as core.InitName | undefined, backend, memoryBudget: budget });
  }
  const trainer = new Trainer(net, {
    epochs: f.epochs ?? d.epochs,
    batchSize: d.batchSize,
    seed,
    validationSplit: f.valSplit ?? 0,
    optimizer: { name: d.optimizer, lr: f.lr ?? d.lr, momentum: f.momentum, beta1: f.beta1, beta2: f.beta2, l1: f.l1, l2: f.l2 },
    earlyStopping,
    memoryBudget: budget,
  });
  return { net, trainer, pre: loaded.preprocessing, meta, train, test, description: loaded.description, notes };
}

/** Where the checkpoint's data is now: its absolute path (checked), or --data, said so. */
async function resumeData(f: TrainFlags, saved: CliMeta, notes: string[]): Promise<{ spec: string; located: Pick<CliMeta, 'dataPath' | 'dataCheck'> }> {
  const savedSpec = saved.dataPath ?? saved.data;
  if (f.data !== undefined) {
    const located = await locateData(f.data);
    const same = located.dataCheck && saved.dataCheck && located.dataCheck.sha256 === saved.dataCheck.sha256;
    if (f.data !== savedSpec && !same) notes.push(`using --data ${f.data} instead of the checkpoint's data ${savedSpec}${saved.dataCheck && located.dataCheck ? ' (its content differs: the run continues on other rows, not bit-identically)' : ''}`);
    return { spec: f.data, located };
  }
  if (!saved.dataPath) return { spec: saved.data, located: {} }; // a built-in set, or a checkpoint from before paths were recorded
  if (!existsSync(saved.dataPath)) throw new UsageError(`the checkpoint's data ${saved.dataPath} no longer exists; pass --data PATH to point at it`);
  const located = await locateData(saved.dataPath);
  if (saved.dataCheck && located.dataCheck && located.dataCheck.sha256 !== saved.dataCheck.sha256) {
    throw new UsageError(`${saved.dataPath} changed since the checkpoint was written (${located.dataCheck.size} bytes, sha256 ${located.dataCheck.sha256.slice(0, 12)}…; the checkpoint's had ${saved.dataCheck.size} bytes, ${saved.dataCheck.sha256.slice(0, 12)}…); resuming would train on other rows: pass --data ${saved.dataPath} to continue on it anyway`);
  }
  return { spec: saved.dataPath, located };
}

/**
 * A run continued from a checkpoint, with the flags it may change applied and recorded. `bytes`:
 * the checkpoint's bytes, named `resume` in messages (a sweep's trial: no output paths are checked).
 */
export async function resumedRun(f: TrainFlags, resume: string, bytes?: Uint8Array): Promise<Run> {
  if (f.from) throw new UsageError(`--resume continues ${resume} with its own weights and --from starts from ${f.from}'s; pass one of them`);
  const read = (backend?: Backend) => (bytes ? modelFromBytes(bytes, resume, backend) : readModel(resume, backend));
  let file: ReadModel = read();
  if (!file.training) throw new UsageError(`${resume} has no training state to resume (it was saved without a trainer); fine-tune it with --from ${resume} --data <data>, or train a new model`);
  const saved = file.cli;
  if (!saved) throw new UsageError(`${resume} was not written by \`backprop train\`; resume it from code with resumeTrainer()`);
  const cfg = file.training.config;
  const arch = given(f, ['layers', 'hidden', 'activation', 'output', 'loss', 'init', 'dtype']);
  if (arch.length) throw new UsageError(`${arch.map(flag).join(', ')} ${arch.length === 1 ? 'changes' : 'change'} the architecture, which a checkpoint fixes (${file.net.describe()}); drop ${arch.length === 1 ? 'it' : 'them'} to resume, or train a new model without --resume`);
  const fixed: [keyof TrainFlags, unknown][] = [
    ['seed', saved.seed], ['valSplit', cfg.validationSplit], ['batchSize', cfg.batchSize], ['optimizer', cfg.optimizer.name], ['testSplit', saved.testSplit],
    ['labelColumn', saved.labelColumn], ['normalize', saved.normalization], ['noise', saved.noise], ['samples', saved.samples],
  ];
  const clash = fixed.filter(([k, v]) => f[k] !== undefined && f[k] !== v);
  if (clash.length) {
    throw new UsageError(`${clash.map(([k, v]) => `${flag(k)} ${shown(f[k])} (the checkpoint's: ${v === undefined || v === null ? 'unset' : shown(v)})`).join(', ')}: a checkpoint fixes the data split, the shuffles and the optimizer state; drop ${clash.length === 1 ? 'it' : 'them'} to resume, or train a new model without --resume`);
  }
  checkOptimizerFlags(f, cfg.optimizer.name, "the checkpoint's optimizer");
  if (f.epochs !== undefined && f.epochs <= file.training.state.epoch) throw new UsageError(`--epochs ${f.epochs}: the checkpoint has done ${file.training.state.epoch} epochs already; ask for more, e.g. --epochs ${file.training.state.epoch + 10}`);
  if (f.minDelta !== undefined && f.patience === undefined && !cfg.earlyStopping) throw new UsageError('--min-delta is the improvement early stopping waits for, and the checkpoint trains without early stopping; add --patience N, or drop --min-delta');

  const meta: CliMeta = { ...saved, data: f.data ?? saved.data, out: f.out ?? saved.out, defaultOut: f.out === undefined && saved.defaultOut, workers: f.workers };
  const notes = bytes ? [] : checkOutputs(f, meta, Boolean(f.force) || meta.out === resume);
  const { spec, located } = await resumeData(f, saved, notes);
  Object.assign(meta, located);
  const kernels = f.kernels ?? saved.backend ?? 'js';
  if (f.kernels !== undefined && saved.backend && f.kernels !== 'auto' && f.kernels !== saved.backend) notes.push(`the checkpoint ran on ${saved.backend} kernels; continuing on ${f.kernels} (the last bits differ from an uninterrupted run)`);
  const backend = await backendFor(kernels === 'auto' ? saved.backend ?? 'auto' : kernels, file.net.spec.dtype);
  if (backend.name !== 'js') file = read(backend); // the same kernels as the interrupted run: bit-identical
  meta.backend = backend.name;
  const loaded = await loadTraining(spec, dataOptions(meta));

  // settings that change from here on, recorded in the model
  const set: Record<string, number> = {};
  const optimizer: core.ResumeOverrides['optimizer'] = {};
  for (const k of ['lr', 'momentum', 'beta1', 'beta2', 'l1', 'l2'] as const) {
    const value = f[k];
    if (value !== undefined && value !== cfg.optimizer[k]) {
      optimizer[k] = value;
      set[k] = value;
      notes.push(`continuing with ${k} ${value} (the checkpoint had ${cfg.optimizer[k]}); recorded in the model`);
    }
  }
  let earlyStopping: engine.EarlyStopping | null | undefined;
  if (f.patience !== undefined || f.minDelta !== undefined) {
    earlyStopping = { patience: f.patience ?? cfg.earlyStopping?.patience ?? 1, minDelta: f.minDelta ?? cfg.earlyStopping?.minDelta ?? 0 };
    set.patience = earlyStopping.patience;
    set.minDelta = earlyStopping.minDelta ?? 0;
  }
  if (f.epochs !== undefined && f.epochs !== cfg.epochs) set.epochs = f.epochs;
  const trainer = resumeTrainer(file, { epochs: f.epochs, optimizer, earlyStopping, memoryBudget: cliMemoryBudget(backend) });
  if (Object.keys(set).length) {
    const change: Change = { epoch: trainer.state.epoch, step: trainer.state.step, set };
    meta.changes = [...(saved.changes ?? []), change];
  }
  notes.push(`resuming ${resume}: epoch ${trainer.state.epoch + 1}, step ${trainer.state.step}`);
  return { net: file.net, trainer, pre: file.preprocessing ?? loaded.preprocessing, meta, train: loaded.train, test: loaded.test, description: loaded.description, notes };
}

export async function train(f: TrainFlags): Promise<number> {
  const mode = outputMode(Boolean(f.json));
  const t0 = performance.now();
  const run = f.resume ? await resumedRun(f, f.resume) : await freshRun(f);
  const { net, trainer, pre, meta, train, test } = run;
  const checkpoint = checkpointPath(f, meta);
  const cores = defaultWorkers();
  if (f.workers > cores) {
    // oversubscribed: lanes that share a core wait for each other at every step's barrier (bench/scaling.ts, 2N)
    run.notes.push(`${f.workers} workers on ${cores} core${cores === 1 ? '' : 's'}: workers that share a core wait for each other at every step, so this likely trains slower than --workers ${cores}`);
  }
  for (const n of run.notes) say(mode, ce.yellow(`note: ${n}`));
  const engine = engineFor(f.workers);
  const cfg = trainer.config;
  say(mode, `${ce.bold('data')}    ${run.description}${test ? `; ${train.N} train / ${test.N} test rows` : ''}`);
  say(mode, `${ce.bold('network')} ${net.describe()}`);
  say(mode, `${ce.bold('train')}   ${cfg.optimizer.name} lr ${cfg.optimizer.lr}, batch ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}, ${f.workers} worker${f.workers === 1 ? '' : 's'}, ${net.kernels.name} kernels`);
  if (mode === 'json') {
    emit({ event: 'start', data: meta.data, sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss, parameters: net.P, optimizer: cfg.optimizer, batchSize: cfg.batchSize, epochs: cfg.epochs, seed: cfg.seed, workers: f.workers, kernels: net.kernels.name, trainRows: train.N, testRows: test?.N ?? 0 });
    for (const message of run.notes) emit({ event: 'note', message }); // the notes the text mode prints on stderr
  }

  const abort = new AbortController();
  let stoppedBy: Signal | null = null;
  let firstAt = 0;
  const release = onSignal((sig) => {
    const t = performance.now();
    if (stoppedBy === null) {
      stoppedBy = sig;
      firstAt = t;
      abort.abort();
      return;
    }
    // One terminal Ctrl-C can arrive twice (through a launcher too); a later one forces the exit.
    if (t - firstAt > 100) process.exit(signalExitCode(sig));
  });
  const progress = new Progress(mode, f.workers);
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
    if (mode === 'json') emit({ event: 'interrupted', signal: stoppedBy, epoch: st.epoch + 1, step: st.step, checkpoint, resume });
    say(mode, `\ninterrupted (${stoppedBy}) at epoch ${st.epoch + 1}, step ${st.step}; checkpoint written to ${checkpoint}`);
    say(mode, `resume with: ${ce.bold(resume)}`);
    release();
    return signalExitCode(stoppedBy ?? 'SIGINT');
  }
  release();
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
  // a linear output (the default for numeric targets) can reach any value: z-score; a bounded one (sigmoid, tanh, relu…) gets targets in [0, 1]
  const targetNormalization = (f.normalizeTargets ?? (f.output === undefined || f.output === 'linear' ? 'zscore' : 'minmax')) as NormalizationKind;
  if (f.bufferRows !== undefined && !f.stream) throw new UsageError('--buffer-rows sets the shuffle buffer of --stream; pass --stream too, or leave it out');
  return { categorical: f.categorical, missing: f.missing, targetNormalization, stream: f.stream, bufferRows: f.bufferRows };
}

/** Dropped rows and unseen categories, said once before training. */
function tabularNotes(d: { dropped: number; warnings: string[] }): string[] {
  const notes = d.dropped > 0 ? [`dropped ${d.dropped} row${d.dropped === 1 ? '' : 's'} with a missing value (--missing drop)`] : [];
  return [...notes, ...d.warnings];
}

/**
 * The settings of a training run as flags, shared by `train` and `sweep` (a sweep's base command
 * line is a train command line): one definition, so a swept value is parsed exactly as the flag.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ACTIVATIONS, DEFAULTS, HIDDEN_ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, SEED_MAX } from '@backprop/core';
import { NORMALIZATIONS } from '@backprop/data';
import { defaultWorkers } from './defaults.js';
import { UsageError } from './errors.js';
import { int, nonEmpty, nonNegative, positive, fraction, rowsOrFraction, seed, unit, sizes, columnList, missingPolicy } from './options.js';

export const SEED_HELP = `seed for init, shuffling and splits: an integer from 0 to ${SEED_MAX} (2^32 − 1)`;

/** Adds the training settings (-d … --dtype) to a command. */
export function addTrainOptions(cmd: Command, o: { sweep?: boolean } = {}): Command {
  const workers = o.sweep
    ? new Option('-w, --workers <n>', 'threads per trial, 1 … 256 (default: the cores divided by --concurrency)').argParser(int(1, 256))
    : new Option('-w, --workers <n>', 'threads that compute each step, this one included, 1 … 256 (default: all cores)').argParser(int(1, 256)).default(defaultWorkers());
  return cmd
    .option('-d, --data <spec>', 'dataset: mnist, iris, circle|xor|gauss|spiral|plane|multi-gauss[:N points], spirals:K|blobs:K (K classes), a .csv/.tsv[.gz] file, or IDX files (a directory or *-images-idx3-ubyte[.gz]) (default: mnist)', nonEmpty)
    .option('--layers <sizes>', 'all layer sizes n^[0]-…-n^[L], e.g. 784-128-64-10 (instead of --hidden)', sizes)
    .option('--hidden <sizes>', 'hidden layer sizes; input and output sizes come from the data (default: by data, below)', sizes)
    .addOption(new Option('-a, --activation <name>', 'hidden activation φ (default relu)').choices([...HIDDEN_ACTIVATIONS]))
    .addOption(new Option('--output <name>', 'output activation (default: softmax for classes, linear for numeric targets)').choices([...ACTIVATIONS]))
    .addOption(new Option('--loss <name>', 'loss (default: cce for softmax, bce for sigmoid, else mse)').choices([...LOSSES]))
    .addOption(new Option('--init <name>', 'weight initialisation (default: by activation)').choices([...INITS]))
    .addOption(new Option('--optimizer <name>', 'optimizer (default: by data, below)').choices([...OPTIMIZERS]))
    .option('--lr <η>', 'learning rate (default: by data and optimizer, below); with --resume: the new η from the checkpoint on', positive)
    .option('--momentum <μ>', `μ of momentum/nesterov, in [0, 1) (default ${DEFAULTS.momentum})`, fraction)
    .option('--beta1 <β1>', `adam β1, in [0, 1) (default ${DEFAULTS.beta1})`, fraction)
    .option('--beta2 <β2>', `adam β2, in [0, 1) (default ${DEFAULTS.beta2})`, fraction)
    .option('--l1 <λ>', 'L1 regularisation on weights', nonNegative)
    .option('--l2 <λ>', 'L2 regularisation on weights', nonNegative)
    .option('-b, --batch-size <n>', 'mini-batch size, 1 … 1,000,000 (default: by data, below)', int(1, 1_000_000))
    .option('-e, --epochs <n>', "epochs, 1 … 1,000,000 (default: by data, below; with --resume: the saved run's)", int(1, 1_000_000))
    .addOption(workers)
    .option('-s, --seed <n>', `${SEED_HELP} (default 1)`, seed)
    .option('--val-split <f>', 'fraction of training rows held out for validation, in [0, 1) (default 0)', fraction)
    .option('--test-split <f|n>', 'held out as the test set: a fraction, or a row count ≥ 1 (default 0.2, stratified by class; IDX t10k files are the test set)', rowsOrFraction)
    .option('--label-column <name>', 'CSV column holding the label, by name or 0-based index (default: label, class, target or y, else the last)', nonEmpty)
    .addOption(new Option('--normalize <kind>', 'feature normalisation fitted on the training rows (default: zscore for tables and 2-D sets, none for images)').choices([...NORMALIZATIONS]))
    .option('--categorical <columns>', 'CSV: text feature columns to one-hot encode, by name or 0-based index (e.g. color,size); the categories are those of the training rows', columnList)
    .option('--missing <policy>', 'CSV: missing cells (empty, NA, NaN): error (default), drop, mean, median, mode or a number; for one column as column=policy (e.g. --missing mean --missing age=median); fills are fitted on the training rows', missingPolicy)
    .option('--stream', 'CSV: read the file in chunks, never whole (files bigger than memory): statistics from a first pass, batches through a seeded shuffle buffer, test rows by a seeded hash')
    .option('--buffer-rows <n>', 'with --stream: rows of the shuffle buffer, 1 … 10,000,000 (default 16384)', int(1, 10_000_000))
    .addOption(new Option('--normalize-targets <kind>', 'regression targets, fitted on the training rows and mapped back in predict and eval (default: zscore for a linear output, minmax for a bounded one)').choices([...NORMALIZATIONS]))
    .option('--samples <n>', 'synthetic sets: points to generate (default 500); other data: use only n rows; 1 … 10,000,000', int(1, 10_000_000))
    .option('--noise <x>', 'synthetic sets: noise from 0 to 1 (default 0)', unit)
    .option('--patience <n>', 'early stopping: epochs without val-loss improvement', int(1, 1_000_000))
    .option('--min-delta <x>', 'early stopping: smallest improvement that counts (needs --patience)', nonNegative)
    .addOption(new Option('--kernels <kind>', 'compute kernels: wasm (SIMD, on every worker) or js; auto picks wasm where WebAssembly SIMD and shared memory exist (default auto; a checkpoint resumes on the kernels it was trained with)').choices(['auto', 'js', 'wasm']))
    .addOption(new Option('--dtype <t>', 'float type of weights (default f32; f64 runs on the JS kernels)').choices(['f32', 'f64']));
}

/** Settings a sweep never takes from a trial: the data is the sweep's (by name or hash), threads the machine's, and the tabular options are not swept yet. */
const NOT_SWEPT: Record<string, string> = {
  data: 'the data is the sweep\'s own (--data)',
  workers: 'threads are each machine\'s choice (--workers)',
  categorical: '--categorical is not supported in sweeps yet',
  missing: '--missing is not supported in sweeps yet',
  stream: '--stream is not supported in sweeps yet',
  bufferRows: '--buffer-rows is not supported in sweeps yet',
};

let settings: Map<string, Option> | null = null;

/** "batch-size" or "batchSize" → "batchSize". */
const camel = (k: string) => k.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/**
 * Parses the value of a train setting as its flag does (same ranges, same choices); a UsageError
 * naming the setting otherwise. Keys are flag names without dashes ("lr", "batch-size", "hidden").
 */
export function parseSetting(key: string, raw: string): number | string | number[] {
  settings ??= new Map(addTrainOptions(new Command()).options.map((o) => [o.attributeName(), o]));
  const k = camel(key);
  if (NOT_SWEPT[k]) throw new UsageError(`${key} cannot be a sweep setting: ${NOT_SWEPT[k]}`);
  const opt = settings.get(k);
  if (!opt) throw new UsageError(`${key} is not a train setting; sweep one of ${[...settings.keys()].filter((x) => !NOT_SWEPT[x]).map((x) => x.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)).join(', ')}`);
  if (opt.argChoices && !opt.argChoices.includes(raw)) throw new UsageError(`${key}=${raw}: expected one of ${opt.argChoices.join(', ')}`);
  if (!opt.parseArg) return raw;
  try {
    return opt.parseArg<number | string | number[]>(raw, undefined as never);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new UsageError(`${key}=${raw}: ${e.message.replace(/\.$/, '')}`);
    throw e;
  }
}

/** The flag key of a setting ("batch-size" → "batchSize"). */
export const settingKey = camel;

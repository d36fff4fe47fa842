/**
 * The `backprop` command: argument parsing (commander), dispatch, and the exit-code contract:
 * 0 success, 1 failure (a bug, a failed check), 2 usage (bad flags, files, data: one line, no
 * stack; also a bare `backprop` and an unknown help topic), 128 + n killed by signal n (train
 * writes its checkpoint first). A closed stdout or stderr is not an error (process-io.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, DEFAULTS, HIDDEN_ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, SEED_MAX } from '@backprop/core';
import { isUsage, UsageError } from './errors.js';
import { NORMALIZATIONS } from '@backprop/data';
import { DEFAULTS_HELP, defaultWorkers } from './defaults.js';
import { int, nonEmpty, nonNegative, positive, fraction, rowsOrFraction, seed, unit, sizes, columnList, missingPolicy } from './options.js';
import { exitOnSignals, guardStreams, writeFailure } from './process-io.js';
import { ce } from './ui.js';

guardStreams();
exitOnSignals();

const SEED_HELP = `seed for init, shuffling and splits: an integer from 0 to ${SEED_MAX} (2^32 − 1)`;

/** This package's version: package.json sits one level above src/ and dist/ alike. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function program(): Command {
  const p = new Command('backprop')
    .description('Train dense neural networks with backpropagation on every core.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (s, write) => write(ce.red(s)) })
    .helpCommand(false)
    .exitOverride();
  p.addHelpText('after', `
Examples:
  $ backprop train                              # MNIST 784-128-64-10 on all cores
  $ backprop train --data iris -o iris.bpnn
  $ backprop eval iris.bpnn iris
  $ backprop predict iris.bpnn flowers.csv
  $ backprop train --data circle -o circle.bpnn
  $ backprop eval circle.bpnn circle
  $ backprop predict circle.bpnn points.csv
  $ backprop explain

Exit codes: 0 ok, 1 failure (a failed gradient check, a bug), 2 usage (bad flags, files or data),
128 + n after signal n (130 Ctrl-C, 143 SIGTERM; train writes a checkpoint first).
Colour: on for a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on (per stream: stdout, stderr).`);

  p.command('train')
    .description('train a network and save it as a model file')
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
    .option('-w, --workers <n>', 'worker threads, 1 … 256 (default: all cores)', int(1, 256), defaultWorkers())
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
    .addOption(new Option('--dtype <t>', 'float type of weights (default f32; f64 runs on the JS kernels)').choices(['f32', 'f64']))
    .option('-o, --out <file>', 'model file to write; an existing file needs --force (default: model.bpnn, which reruns overwrite)', nonEmpty)
    .option('--checkpoint <file>', 'where a signal (Ctrl-C, SIGTERM, SIGHUP) writes a checkpoint (default: <out>.ckpt)', nonEmpty)
    .option('--resume <checkpoint>', 'continue an interrupted run bit-identically; the data is found at the absolute path the checkpoint recorded, or at --data', nonEmpty)
    .option('--from <model>', 'fine-tune: start from this model\'s architecture, weights and preprocessing (e.g. one made by backprop import); architecture and normalisation flags are then errors', nonEmpty)
    .option('-f, --force', 'overwrite existing output files')
    .option('--json', 'one JSON event per line on stdout')
    .addHelpText('after', `${DEFAULTS_HELP}

With --resume, the checkpoint fixes the architecture (--layers, --hidden, --activation, --output,
--loss, --init, --dtype) and the data split (--seed, --val-split, --test-split, --batch-size,
--optimizer, the data flags): giving another value is an error. --lr, --momentum, --beta1,
--beta2, --l1, --l2, --epochs, --patience and --min-delta take effect from the checkpoint's step
on and are recorded in the model.

Examples:
  $ backprop train                                   # MNIST, ≈96% test accuracy
  $ backprop train --data iris -o iris.bpnn          # ≈97% test accuracy
  $ backprop train --data spiral -o spiral.bpnn      # ≈99% test accuracy
  $ backprop train --data spirals:3 --samples 900 --noise 0.1 --hidden 16,16 --optimizer adam --lr 0.01 --epochs 200 -o sp.bpnn
  $ backprop train --data data.csv --normalize minmax --test-split 100 -o data.bpnn
  $ backprop train --data data.csv --label-column species --val-split 0.1 --patience 3 -o species.bpnn
  $ backprop train --data houses.csv --output linear --categorical city --missing median -o houses.bpnn
  $ backprop train --resume model.bpnn.ckpt          # after Ctrl-C
  $ backprop train --resume model.bpnn.ckpt --lr 0.01 --epochs 12
  $ backprop train --from imported.bpnn --data iris --epochs 20 -o tuned.bpnn   # fine-tune`)
    .action(run(async (o) => (await import('./commands/train.js')).train(o)));

  p.command('eval')
    .description('loss, accuracy and confusion matrix of a model on labelled data')
    .argument('<model>', 'model file')
    .argument('<data>', 'dataset spec or file (as for train --data), or - for CSV on stdin; the set the model was trained on is scored on its held-out test rows, other data on every row')
    .option('--label-column <name>', 'CSV column holding the label (default: the one training used)', nonEmpty)
    .addOption(new Option('--unseen <what>', 'a category the model never saw: zeros (all-zero one-hot inputs, one warning) or error').choices(['zeros', 'error']).default('zeros'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ backprop eval model.bpnn mnist\n  $ backprop eval iris.bpnn - < iris-rows.csv       # - reads CSV from stdin')
    .action(run(async (model, data, o) => (await import('./commands/eval.js')).evalCommand(model, data, o)));

  p.command('predict')
    .description('labels and probabilities for rows of a CSV or JSON file')
    .argument('<model>', 'model file')
    .argument('<input>', '.csv (header of feature names) or .json (array of rows), or - for stdin')
    .option('-o, --out <file>', 'write CSV here instead of stdout', nonEmpty)
    .option('-f, --force', 'let -o overwrite an existing file')
    .option('--json', 'JSON lines instead of CSV')
    .addOption(new Option('--unseen <what>', 'a category the model never saw: zeros (all-zero one-hot inputs, one warning) or error').choices(['zeros', 'error']).default('zeros'))
    .addHelpText('after', '\nExamples:\n  $ backprop predict iris.bpnn flowers.csv -o predictions.csv\n  $ cat flowers.csv | backprop predict iris.bpnn -')
    .action(run(async (model, input, o) => (await import('./commands/predict.js')).predict(model, input, o)));

  p.command('info')
    .description('architecture, parameter count and training config of a model')
    .argument('<model>', 'model file')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  $ backprop info model.bpnn')
    .action(run(async (model, o) => (await import('./commands/info.js')).info(model, o)));

  p.command('export')
    .description('write a model for other runtimes: ONNX (raw features in, preprocessing in the graph) or a TF.js layers model')
    .argument('<model>', 'model file')
    .addOption(new Option('--format <format>', 'onnx: one .onnx file; tfjs: a directory with model.json, weights.bin, preprocessing.json').choices(['onnx', 'tfjs']).makeOptionMandatory())
    .option('-o, --out <path>', 'file (onnx) or directory (tfjs) to write (default: beside the model, iris.bpnn → iris.onnx or iris-tfjs/)')
    .option('--no-preprocessing', 'onnx: leave the normalisation out of the graph (it then takes normalised inputs; the statistics stay in its metadata)')
    .option('-f, --force', 'overwrite existing files')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExamples:\n  $ backprop export iris.bpnn --format onnx -o iris.onnx\n  $ backprop export digits.bpnn --format tfjs -o digits-tfjs')
    .action(run(async (model, o) => (await import('./commands/export.js')).exportCommand(model, o)));

  p.command('import')
    .description('read a TF.js/Keras layers model (model.json + weights) or an ONNX dense network into a model file')
    .argument('<file>', 'model.json (or its directory) or an .onnx file')
    .option('-o, --out <file>', 'model file to write (default: beside the input, model.json → model.bpnn)')
    .option('--labels <names>', 'class names in output order, comma-separated (default: the file\'s, else 0, 1, …)')
    .option('--preprocessing <file>', 'TF.js: a preprocessing.json to attach (default: the one in model.json, else preprocessing.json beside it)')
    .option('--strict', 'refuse Dropout and noise layers instead of dropping them (they are the identity at inference)')
    .option('-f, --force', 'overwrite the output file')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ backprop import keras-model/model.json -o model.bpnn --labels setosa,versicolor,virginica\n  $ backprop import mlp.onnx -o mlp.bpnn\n  $ backprop train --from model.bpnn --data iris --epochs 20   # fine-tune it')
    .action(run(async (file, o) => (await import('./commands/import.js')).importCommand(file, o)));

  p.command('gradcheck')
    .description('analytic vs numeric gradients per layer: |g − ĝ| ≤ atol + rtol·|ĝ| for every parameter')
    .argument('[model]', 'model file (default: a fresh seeded network on the data)')
    .option('-d, --data <spec>', 'data to check on (default: the model\'s, else circle)', nonEmpty)
    .option('--hidden <sizes>', 'hidden sizes of a fresh network (default 5-4)', sizes)
    .addOption(new Option('-a, --activation <name>', 'hidden activation of a fresh network (default tanh)').choices([...HIDDEN_ACTIVATIONS]))
    .option('--rows <n>', 'rows of data to use, 1 … 10,000', int(1, 10_000), 8)
    .option('--per-layer <n>', 'parameters checked per layer (default: all)', int(1))
    .option('--atol <x>', 'absolute tolerance: fail (exit 1) when |g − ĝ| > atol + rtol·|ĝ|', nonNegative, 1e-7)
    .option('--rtol <x>', 'relative tolerance of the same rule', nonNegative, 1e-5)
    .option('-s, --seed <n>', SEED_HELP + ' (default 1)', seed, 1)
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ backprop gradcheck\n  $ backprop gradcheck model.bpnn --data mnist --rows 4 --per-layer 50\n  $ backprop gradcheck --hidden 16-16 --activation sigmoid --data spirals:3 --rtol 1e-6')
    .action(run(async (model, o) => {
      const { atol, rtol } = o as { atol: number; rtol: number };
      if (atol === 0 && rtol === 0) throw new UsageError('--atol and --rtol are both 0, which no finite-difference estimate meets; give one of them a positive value');
      return (await import('./commands/gradcheck.js')).gradcheck(model, o);
    }));

  p.command('explain')
    .description('one forward and backward pass of a tiny network, step by step, with the numbers')
    .argument('[model]', 'a small model file to explain (at most 8 neurons per layer, e.g. an imported one) instead of a fresh network')
    .option('--layers <sizes>', 'layer sizes of a fresh network (default 2-3-2)', sizes)
    .addOption(new Option('-a, --activation <name>', 'hidden activation of a fresh network (default sigmoid)').choices([...HIDDEN_ACTIVATIONS]))
    .addOption(new Option('--output <name>', 'output activation of a fresh network (default softmax)').choices([...ACTIVATIONS]))
    .addOption(new Option('--loss <name>', 'loss of a fresh network').choices([...LOSSES]))
    .option('-x, --input <numbers>', 'the sample a^[0], comma-separated (default 0.5,-1,…)', nonEmpty)
    .option('-y, --target <numbers|class>', 'target: a class index or comma-separated y (default class 1)', nonEmpty)
    .option('--lr <η>', 'learning rate of the shown update', positive, 0.5)
    .option('-s, --seed <n>', `seed of a fresh network's weights, 0 … ${SEED_MAX} (default 1)`, seed)
    .option('--digits <n>', 'decimals shown, 0 … 15', int(0, 15), 4)
    .addHelpText('after', '\nExamples:\n  $ backprop explain\n  $ backprop explain --layers 3-2-1 --activation tanh --output sigmoid -x 1,0,-1 -y 1')
    .action(run(async (model, o) => (await import('./commands/explain.js')).explain(o, model)));
  p.command('help')
    .description('help for a command')
    .argument('[command]', 'the command')
    .action((name: string | undefined) => {
      if (!name) p.help();
      const cmd = p.commands.find((x) => x.name() === name || x.aliases().includes(name!));
      if (!cmd || cmd.name() === 'help') throw new UsageError(`unknown help topic "${name}"; the commands are ${p.commands.map((x) => x.name()).filter((n) => n !== 'help').join(', ')}`);
      cmd.help();
    });
  return p;
}

async function main(argv: string[]): Promise<number> {
  const p = program();
  for (const cmd of p.commands) cmd.exitOverride().showSuggestionAfterError(true).configureOutput({ outputError: (s, write) => write(ce.red(s)) });
  try {
    await p.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help asked for: 0; help shown because a bare `backprop` named no command: a usage error
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
      if (e.code === 'commander.executeSubCommandAsync') return 1;
      return 2;
    }
    if (isUsage(e)) {
      process.stderr.write(ce.red(`error: ${e.message}`) + '\n');
      return 2;
    }
    process.stderr.write(ce.red('backprop failed unexpectedly (a bug; please report it):') + '\n' + ((e as Error)?.stack ?? String(e)) + '\n');
    return 1;
  }
  const failure = writeFailure();
  if (failure) {
    process.stderr.write(ce.red(`error: ${failure}`) + '\n');
    return 1;
  }
  return lastResult;
}

/** Commands return their exit code; `run` records it. */
let lastResult = 0;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run<A extends any[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    lastResult = await fn(...args);
  };
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Worker pools or timers must not keep a finished command alive.
setTimeout(() => process.exit(code), 50).unref();

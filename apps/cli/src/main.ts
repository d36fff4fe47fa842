/**
 * The `backprop` command: argument parsing (commander), dispatch, and the exit-code contract:
 * 0 success, 1 failure (a bug, a failed check), 2 usage (bad flags, files, data: one line, no stack).
 */
import { Command, CommanderError, Option } from 'commander';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS } from '@backprop/core';
import { isUsage } from './errors.js';
import { defaultWorkers } from './engine.js';
import { NORMALIZATIONS } from '@backprop/data';
import { DEFAULT_TRAIN, defaultLr } from './defaults.js';
import { int, nonNegative, positive, fraction, rowsOrFraction, unit, sizes, columnList, missingPolicy } from './options.js';
import { c } from './ui.js';

function program(): Command {
  const p = new Command('backprop')
    .description('Train dense neural networks with backpropagation on every core.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (s, write) => write(c.red(s)) })
    .exitOverride();
  p.addHelpText('after', `
Examples:
  $ backprop train                              # MNIST 784-128-64-10 on all cores
  $ backprop train --data iris --hidden 8 --epochs 100 -o iris.bpnn
  $ backprop eval iris.bpnn iris
  $ backprop predict iris.bpnn flowers.csv
  $ backprop train --data circle --hidden 8 --epochs 50 -o circle.bpnn
  $ backprop eval circle.bpnn circle
  $ backprop predict circle.bpnn points.csv
  $ backprop explain`);

  p.command('train')
    .description('train a network and save it as a model file')
    .option('-d, --data <spec>', 'dataset: mnist, iris, circle|xor|gauss|spiral|plane|multi-gauss[:N points], spirals:K|blobs:K (K classes), a .csv/.tsv[.gz] file, or IDX files (a directory or *-images-idx3-ubyte[.gz]) (default: mnist)')
    .option('--layers <sizes>', 'all layer sizes n^[0]-…-n^[L], e.g. 784-128-64-10', sizes)
    .option('--hidden <sizes>', 'hidden layer sizes; input and output sizes come from the data', sizes, [128, 64])
    .addOption(new Option('-a, --activation <name>', 'hidden activation φ').choices(ACTIVATIONS.filter((a) => a !== 'softmax')).default('relu'))
    .addOption(new Option('--output <name>', 'output activation').choices([...ACTIVATIONS]).default('softmax'))
    .addOption(new Option('--loss <name>', 'loss (default: cce for softmax, bce for sigmoid, else mse)').choices([...LOSSES]))
    .addOption(new Option('--init <name>', 'weight initialisation (default: by activation)').choices([...INITS]))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices([...OPTIMIZERS]).default(DEFAULT_TRAIN.optimizer))
    .option('--lr <η>', `learning rate (default: ${defaultLr('momentum')} for sgd/momentum/nesterov, ${defaultLr('adam')} for adam)`, positive)
    .option('--momentum <μ>', 'momentum for momentum/nesterov (default 0.9)', nonNegative)
    .option('--beta1 <β1>', 'adam β1 (default 0.9)', nonNegative)
    .option('--beta2 <β2>', 'adam β2 (default 0.999)', nonNegative)
    .option('--l1 <λ>', 'L1 regularisation on weights', nonNegative)
    .option('--l2 <λ>', 'L2 regularisation on weights', nonNegative)
    .option('-b, --batch-size <n>', 'mini-batch size', int(1), DEFAULT_TRAIN.batchSize)
    .option('-e, --epochs <n>', `epochs (default ${DEFAULT_TRAIN.epochs}; with --resume: the saved run's)`, int(1))
    .option('-w, --workers <n>', 'worker threads (default: all cores)', int(1), defaultWorkers())
    .option('-s, --seed <n>', 'seed for init, shuffling and splits', int(0), 1)
    .option('--val-split <f>', 'fraction of training rows held out for validation', fraction, 0)
    .option('--test-split <f|n>', 'held out as the test set: a fraction, or a row count ≥ 1 (default 0.2, stratified by class; IDX t10k files are used whole)', rowsOrFraction)
    .option('--label-column <name>', 'CSV column holding the label, by name or 0-based index (default: label, class, target or y, else the last)')
    .addOption(new Option('--normalize <kind>', 'feature normalisation fitted on the training rows (default: zscore for tables and 2-D sets, none for images)').choices([...NORMALIZATIONS]))
    .option('--categorical <columns>', 'CSV: text feature columns to one-hot encode, by name or 0-based index (e.g. color,size); the categories are those of the training rows', columnList)
    .option('--missing <policy>', 'CSV: missing cells (empty, NA, NaN): error (default), drop, mean, median, mode or a number; for one column as column=policy (e.g. --missing mean --missing age=median); fills are fitted on the training rows', missingPolicy)
    .option('--stream', 'CSV: read the file in chunks, never whole (files bigger than memory): statistics from a first pass, batches through a seeded shuffle buffer, test rows by a seeded hash')
    .option('--buffer-rows <n>', 'with --stream: rows of the shuffle buffer (default 16384)', int(1))
    .addOption(new Option('--normalize-targets <kind>', 'regression targets, fitted on the training rows and mapped back in predict and eval (default: zscore for a linear output, minmax for a bounded one)').choices([...NORMALIZATIONS]))
    .option('--samples <n>', 'synthetic sets: points to generate (default 500); other data: use only n rows', int(1))
    .option('--noise <x>', 'synthetic sets: noise from 0 to 1 (default 0)', unit)
    .option('--patience <n>', 'early stopping: epochs without val-loss improvement', int(1))
    .option('--min-delta <x>', 'early stopping: smallest improvement that counts', nonNegative)
    .addOption(new Option('--kernels <kind>', 'compute kernels: wasm (SIMD, on every worker) or js; auto picks wasm where WebAssembly SIMD and shared memory exist (a checkpoint resumes on the kernels it was trained with)').choices(['auto', 'js', 'wasm']).default('auto'))
    .addOption(new Option('--dtype <t>', 'float type of weights').choices(['f32', 'f64']))
    .option('-o, --out <file>', 'model file to write; an existing file needs --force (default: model.bpnn, which reruns overwrite)')
    .option('--checkpoint <file>', 'where Ctrl-C writes a checkpoint (default: <out>.ckpt)')
    .option('--resume <checkpoint>', 'continue an interrupted run bit-identically')
    .option('--from <model>', 'fine-tune: start from this model\'s architecture, weights and preprocessing (e.g. one made by backprop import); the architecture flags are not used')
    .option('-f, --force', 'overwrite existing output files')
    .option('--json', 'one JSON event per line on stdout')
    .addHelpText('after', `
Examples:
  $ backprop train                                   # MNIST, ≈95% test accuracy
  $ backprop train --data iris --hidden 8 --epochs 100 -o iris.bpnn
  $ backprop train --data spirals:3 --samples 900 --noise 0.1 --hidden 16,16 --optimizer adam --lr 0.01 --epochs 200 -o sp.bpnn
  $ backprop train --data data.csv --normalize minmax --test-split 100 -o data.bpnn
  $ backprop train --data data.csv --label-column species --val-split 0.1 --patience 3
  $ backprop train --data houses.csv --output linear --categorical city --missing median -o houses.bpnn
  $ backprop train --resume model.bpnn.ckpt          # after Ctrl-C
  $ backprop train --from imported.bpnn --data iris --epochs 20 -o tuned.bpnn   # fine-tune`)
    .action(run(async (o) => (await import('./commands/train.js')).train(o)));

  p.command('eval')
    .description('loss, accuracy and confusion matrix of a model on labelled data')
    .argument('<model>', 'model file')
    .argument('<data>', 'dataset spec or file (as for train --data); the set the model was trained on is scored on its held-out test rows, other data on every row')
    .option('--label-column <name>', 'CSV column holding the label (default: the one training used)')
    .addOption(new Option('--unseen <what>', 'a category the model never saw: zeros (all-zero one-hot inputs, one warning) or error').choices(['zeros', 'error']).default('zeros'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ backprop eval model.bpnn mnist')
    .action(run(async (model, data, o) => (await import('./commands/eval.js')).evalCommand(model, data, o)));

  p.command('predict')
    .description('labels and probabilities for rows of a CSV or JSON file')
    .argument('<model>', 'model file')
    .argument('<input>', '.csv (header of feature names) or .json (array of rows)')
    .option('-o, --out <file>', 'write CSV here instead of stdout')
    .option('-f, --force', 'overwrite the output file')
    .option('--json', 'JSON lines instead of CSV')
    .addOption(new Option('--unseen <what>', 'a category the model never saw: zeros (all-zero one-hot inputs, one warning) or error').choices(['zeros', 'error']).default('zeros'))
    .addHelpText('after', '\nExample:\n  $ backprop predict iris.bpnn flowers.csv -o predictions.csv')
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
    .description('per-layer relative error of analytic vs numeric gradients')
    .argument('[model]', 'model file (default: a fresh seeded network on the data)')
    .option('-d, --data <spec>', 'data to check on (default: the model\'s, else circle)')
    .option('--hidden <sizes>', 'hidden sizes of a fresh network', sizes, [5, 4])
    .addOption(new Option('-a, --activation <name>', 'hidden activation of a fresh network').choices(ACTIVATIONS.filter((a) => a !== 'softmax')).default('tanh'))
    .option('--rows <n>', 'rows of data to use', int(1), 8)
    .option('--per-layer <n>', 'parameters checked per layer (default: all)', int(1))
    .option('--tolerance <x>', 'fail (exit 1) above this relative error', positive, 1e-5)
    .option('-s, --seed <n>', 'seed', int(0), 1)
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ backprop gradcheck\n  $ backprop gradcheck model.bpnn --data mnist --rows 4 --per-layer 50')
    .action(run(async (model, o) => (await import('./commands/gradcheck.js')).gradcheck(model, o)));

  p.command('explain')
    .description('one forward and backward pass of a tiny network, step by step, with the numbers')
    .argument('[model]', 'a small model file to explain (at most 8 neurons per layer, e.g. an imported one) instead of a fresh network')
    .option('--layers <sizes>', 'layer sizes', sizes, [2, 3, 2])
    .addOption(new Option('-a, --activation <name>', 'hidden activation').choices(ACTIVATIONS.filter((a) => a !== 'softmax')).default('sigmoid'))
    .addOption(new Option('--output <name>', 'output activation').choices([...ACTIVATIONS]).default('softmax'))
    .addOption(new Option('--loss <name>', 'loss').choices([...LOSSES]))
    .option('-x, --input <numbers>', 'the sample a^[0], comma-separated (default 0.5,-1,…)')
    .option('-y, --target <numbers|class>', 'target: a class index or comma-separated y (default class 1)')
    .option('--lr <η>', 'learning rate of the shown update', positive, 0.5)
    .option('-s, --seed <n>', 'seed of the initial weights', int(0), 1)
    .option('--digits <n>', 'decimals shown', int(1), 4)
    .addHelpText('after', '\nExamples:\n  $ backprop explain\n  $ backprop explain --layers 3-2-1 --activation tanh --output sigmoid -x 1,0,-1 -y 1')
    .action(run(async (model, o) => (await import('./commands/explain.js')).explain(o, model)));
  return p;
}

async function main(argv: string[]): Promise<number> {
  const p = program();
  for (const cmd of p.commands) cmd.exitOverride().showSuggestionAfterError(true).configureOutput({ outputError: (s, write) => write(c.red(s)) });
  try {
    await p.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (e.code === 'commander.executeSubCommandAsync') return 1;
      return 2;
    }
    if (isUsage(e)) {
      process.stderr.write(c.red(`error: ${e.message}`) + '\n');
      return 2;
    }
    process.stderr.write(c.red('backprop failed unexpectedly (a bug; please report it):') + '\n' + ((e as Error)?.stack ?? String(e)) + '\n');
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

/**
 * The `backprop` command: argument parsing (commander), dispatch, and the exit-code contract:
 * 0 success, 1 failure (a bug, a failed check), 2 usage (bad flags, files, data: one line, no
 * stack; also a bare `backprop` and an unknown help topic), 128 + n killed by signal n (train
 * writes its checkpoint first). A closed stdout or stderr is not an error (process-io.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, HIDDEN_ACTIVATIONS, LOSSES, SEED_MAX } from '@backprop/core';
import { isUsage, UsageError } from './errors.js';
import { DEFAULTS_HELP } from './defaults.js';
import { int, nonEmpty, nonNegative, positive, seed, sizes } from './options.js';
import { addTrainOptions, SEED_HELP } from './train-options.js';
import { exitOnSignals, guardStreams, writeFailure } from './process-io.js';
import { ce } from './ui.js';

guardStreams();
exitOnSignals();

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

  addTrainOptions(p.command('train')
    .description('train a network and save it as a model file'))
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
  addTrainOptions(p.command('sweep')
    .description('a hyperparameter sweep: a train command line plus grid, random, seeds or folds; here, or on any number of machines through Redis'), { sweep: true })
    .option('--grid <key=values>', 'a grid dimension: a train setting and its values, comma-separated (sizes as 128-64), e.g. lr=0.01,0.05 or hidden=64,128-64; repeat for more', collect)
    .option('--random <key=range>', 'a random dimension: log:1e-4..1e-1 (log-uniform), 0.1..0.9 (uniform), int:16..128, or a,b,c (one of); repeat for more', collect)
    .option('--trials <n>', 'random configurations to draw, 1 … 10,000 (with --random)', int(0, 10_000))
    .option('--sampler-seed <n>', 'seed of the random draws (default 1): the same seed draws the same trials', seed)
    .option('--seeds <list>', 'training seeds, each a trial: 1..5 or 1,7,42 (mean ± std over them)', nonEmpty)
    .option('--folds <k>', 'k-fold cross-validation on the training rows, 2 … 100 (mean ± std over the folds)', int(2, 100))
    .option('--file <sweep.json>', 'a JSON sweep file: {"name", "base": {train settings}, "grid": {"lr": [0.01, 0.1]}, "random": {"lr": "log:1e-4..1e-1"}, "trials", "seeds", "folds", "samplerSeed"}', nonEmpty)
    .option('--name <name>', 'the sweep\'s name: its Redis keys and its output folder (default: sweep)', nonEmpty)
    .option('--out-dir <dir>', 'where leaderboard.csv, leaderboard.json, best.bpnn and models/ go (default: the name)', nonEmpty)
    .option('-c, --concurrency <n>', 'local trials at once, 1 … 256; the cores are split between them (default 1)', int(1, 256), 1)
    .option('--redis <url>', 'run the trials as a BullMQ flow on this Redis (redis://[user:password@]host:6379, rediss:// for TLS; default $REDIS_URL); start `backprop worker` on each machine', nonEmpty)
    .option('--redis-ca <file>', 'CA certificate for a rediss:// server with a private certificate authority', nonEmpty)
    .option('--halving', 'successive halving (ASHA): at rungs r, r·η, r·η², … epochs, the bottom 1 − 1/η of the trials so far stop')
    .option('--halving-min <r>', 'epochs of the first rung (default 1)', int(1, 1_000_000))
    .option('--halving-eta <η>', 'halving factor η, 2 … 100 (default 3)', int(2, 100))
    .option('--checkpoint-every <K>', 'epochs between checkpoints (into Redis): a trial taken over from a killed worker recomputes at most K epochs (default 1)', int(1, 1_000_000))
    .option('--max-data-mb <n>', 'largest data file uploaded to Redis, in MiB (default 256)', int(1, 1_000_000))
    .option('-f, --force', 'overwrite the output folder of an earlier local sweep of the same name')
    .option('--json', 'one JSON event per line on stdout')
    .addHelpText('after', `
Every trial trains through \`backprop train\`'s code with the base settings (the train flags above)
and its own values; its model file depends on the trial only, so a trial gives the same bits
wherever it runs (leaderboard column sha256). Ranking: validation accuracy (with --val-split or
--folds), else validation loss, test accuracy, test loss, training loss.

Ctrl-C: a local sweep stops its running trials; with --redis, the queued trials are removed from
Redis and the running ones finish on their workers. Either way the finished trials' leaderboard is
written and the exit code is 130.

Examples:
  $ backprop sweep --data iris --epochs 30 --grid lr=0.01,0.05,0.1 --grid hidden=8,16-8 --seeds 1..3
  $ backprop sweep --data iris --optimizer adam --random lr=log:1e-4..1e-1 --trials 20 --folds 5 -c 2
  $ backprop sweep --file sweep.json --redis redis://queue.lan:6379 --name lr-search
  $ backprop worker --redis redis://queue.lan:6379                # on each machine`)
    .action(run(async (o) => (await import('./commands/sweep.js')).sweep(o)));

  p.command('worker')
    .description('train the trials of sweeps from Redis on this machine (start one per machine)')
    .option('--redis <url>', 'the sweeps\' Redis: redis://[user:password@]host:6379 or rediss:// (default $REDIS_URL)', nonEmpty)
    .option('--redis-ca <file>', 'CA certificate for a rediss:// server with a private certificate authority', nonEmpty)
    .option('-c, --concurrency <n>', 'trials at once, 1 … 256; the cores are split between them (default 1)', int(1, 256), 1)
    .option('-w, --workers <n>', 'threads per trial, 1 … 256 (default: the cores divided by --concurrency)', int(1, 256))
    .option('--cache-dir <dir>', 'where uploaded data files are cached by SHA-256 (default ~/.cache/backprop/data)', nonEmpty)
    .option('--max-data-mb <n>', 'largest data file this worker downloads, in MiB (default 256)', int(1, 1_000_000), 256)
    .option('--lock-ms <ms>', 'how long the trial of a worker that died stays locked before another worker resumes it, 1,000 … 600,000 (default 30,000)', int(1000, 600_000), 30_000)
    .addHelpText('after', `
SIGTERM or Ctrl-C drains: running trials stop at a step, write a checkpoint into Redis and go back
to the queue, where another worker resumes them bit-identically; exit code 128 + the signal.

Example:
  $ backprop worker --redis redis://queue.lan:6379 --concurrency 2`)
    .action(run(async (o) => (await import('./commands/worker.js')).worker(o)));

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

/** Repeatable flags: --grid a=1 --grid b=2. */
const collect = (v: string, prev: string[] = []) => [...prev, v];

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

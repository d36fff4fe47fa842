import { availableParallelism } from 'node:os';
import { DEFAULTS, type OptimizerName } from '@backprop/core';

/** Worker threads when --workers is not given: all cores. (Here, not in engine.ts, so `--help` and `--version` need not load the worker pool.) */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Training defaults by the shape of the data, in one table (read by the help text and by
 * `train`): a flag the user gives always wins. Two regimes, told apart by the input width:
 *
 *   images (n^[0] ≥ 100, e.g. MNIST 784): 128-64 relu, momentum SGD η 0.05, batch 64, 8 epochs.
 *     Tuned on the bare `backprop train` (MNIST 8,000 / 2,000): ≈96% test accuracy.
 *   tables and 2-D sets (n^[0] < 100): 32-32-32 relu, adam η 0.01, batch 16, and as many
 *     epochs as give about 7,500 steps (10 … 300). Tuned on circle, xor, gauss, spiral,
 *     spirals:2…6, blobs:K (≥ 95% test accuracy with only --data) and iris (≥ 93%).
 *
 * Tuning (seeds 1–3 each): at η 0.005 or 200 epochs spirals:5 fell to 90% on some seeds; at η 0.01
 * and 300 epochs every set above stays ≥ 95%. The output layer follows the task: softmax for
 * classes, linear (MSE) for regression targets.
 */
export interface TrainDefaults {
  regime: 'images' | 'tables';
  hidden: number[];
  activation: string;
  output: string;
  optimizer: string;
  lr: number;
  batchSize: number;
  epochs: number;
}

const WIDE = 100; // inputs from here on are treated as images
const TABLE_STEPS = 7500;

const REGIMES = {
  images: { hidden: [128, 64], activation: 'relu', optimizer: 'momentum', adamLr: null, batchSize: 64 },
  tables: { hidden: [32, 32, 32], activation: 'relu', optimizer: 'adam', adamLr: 0.01, batchSize: 16 },
} as const;

/** The defaults for data with `nIn` features, `trainRows` training rows and this task. */
export function trainDefaults(d: { nIn: number; trainRows: number; task: 'classification' | 'regression' }, chosen: { optimizer?: string; batchSize?: number } = {}): TrainDefaults {
  const regime = d.nIn >= WIDE ? 'images' : 'tables';
  const r = REGIMES[regime];
  const optimizer = chosen.optimizer ?? r.optimizer;
  const batchSize = chosen.batchSize ?? r.batchSize;
  const batches = Math.max(1, Math.ceil(d.trainRows / batchSize));
  const epochs = regime === 'images' ? 8 : Math.min(300, Math.max(10, Math.ceil(TABLE_STEPS / batches)));
  return {
    regime,
    hidden: [...r.hidden],
    activation: r.activation,
    output: d.task === 'regression' ? 'linear' : 'softmax',
    optimizer,
    // core's η for the optimizer (DEFAULTS.learningRate), except adam on small tables, which wants a larger step
    lr: optimizer === 'adam' && r.adamLr !== null ? r.adamLr : DEFAULTS.learningRate[optimizer as OptimizerName],
    batchSize,
    epochs,
  };
}

/** The table for --help. */
export const DEFAULTS_HELP = `
Defaults (by the data's input width; any flag you give wins):
  images, 100+ inputs (mnist, IDX):  --hidden 128-64, relu, momentum --lr 0.05, --batch-size 64, 8 epochs
  tables and 2-D sets (< 100):       --hidden 32-32-32, relu, adam --lr 0.01, --batch-size 16,
                                     epochs for about ${TABLE_STEPS} steps (10 … 300)
  output layer: softmax for classes, linear (MSE) for numeric targets`;

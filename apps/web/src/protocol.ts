/**
 * The neutral protocol between the page and the training thread: a `TrainJob` says what to
 * build (network config, training config, data) and nothing about tabs. `jobFor(state)` is
 * the one place a playground state becomes a job; the page builds its drawing copy of the
 * network from the same job (`createNetwork`) as the training thread, so both agree by
 * construction. The digits tab builds its job with `digitsJob`.
 */
import { Network, type Backend, type NetworkConfig } from '@backprop/core';
import type { OptimizerSettings } from '@backprop/core/engine';
import type { Points } from './datasets.js';
import { layerSizes, type KernelChoice, type PlayState } from './state.js';

/** What the points data of a playground run depends on. */
export type PointsSpec = Pick<PlayState, 'dataset' | 'k' | 'n' | 'noise' | 'trainPct' | 'features' | 'output' | 'seed'>;

type DataJob =
  | { kind: 'points'; spec: PointsSpec; custom: Points | null }
  | { kind: 'mnist'; url: string; seed: number };

export type PointsData = Extract<DataJob, { kind: 'points' }>;

export interface TrainJob {
  network: NetworkConfig;
  train: { batchSize: number; seed: number; optimizer: OptimizerSettings };
  data: DataJob;
  kernels: KernelChoice;
  /** Seed of the weight initialisation. */
  seed: number;
}

/** The job a playground state describes (custom: uploaded points, or null for the state's data set). */
export function jobFor(s: PlayState, custom: Points | null = null): TrainJob & { data: PointsData } {
  return {
    // no loss given: core pairs it with the output (softmax → cce, sigmoid → bce, else mse)
    network: { sizes: layerSizes(s), activation: s.activation, output: s.output },
    train: { batchSize: s.batch, seed: s.seed, optimizer: { name: s.optimizer, lr: s.lr, l1: s.l1, l2: s.l2 } },
    data: { kind: 'points', spec: { dataset: s.dataset, k: s.k, n: s.n, noise: s.noise, trainPct: s.trainPct, features: [...s.features], output: s.output, seed: s.seed }, custom },
    kernels: s.kernels,
    seed: s.seed,
  };
}

export interface DigitsSettings {
  url: string;
  hidden: number[];
  batch: number;
  lr: number;
  seed: number;
  kernels: KernelChoice;
}

/** The digits job: 784 pixels → hidden ReLU layers → 10 softmax outputs, Adam. */
export function digitsJob(d: DigitsSettings): TrainJob {
  return {
    network: { sizes: [784, ...d.hidden, 10], activation: 'relu', output: 'softmax' },
    train: { batchSize: d.batch, seed: d.seed, optimizer: { name: 'adam', lr: d.lr } },
    data: { kind: 'mnist', url: d.url, seed: d.seed },
    kernels: d.kernels,
    seed: d.seed,
  };
}

/** The job's network with its seeded initial weights (on `backend`, default the JS kernels). */
export function createNetwork(job: TrainJob, backend?: Backend): Network {
  return Network.create(job.network, { seed: job.seed, backend });
}

/** What a finished digits run used, for the equivalent `backprop train` command. */
export interface DigitsRun {
  hidden: number[];
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  /** The kernels that ran (not `auto`: the two families round differently). */
  kernels: 'js' | 'wasm';
  workers: number;
}

/**
 * The `backprop train` command that trains the same model as a digits run, bit for bit: the CLI's
 * `--data mnist` is the same 10,000 digits with the same seeded 8,000 / 2,000 split as the page's
 * fetchMnist, and every setting digitsJob fixes (784-…-10, relu, softmax + cross-entropy, adam) is
 * the CLI's default for images or is given.
 */
export function digitsCommand(r: DigitsRun): string {
  return [
    'backprop train --data mnist', `--hidden ${r.hidden.join(',')}`, `--epochs ${r.epochs}`, `--batch-size ${r.batch}`,
    `--optimizer adam --lr ${r.lr}`, `--seed ${r.seed}`, `--kernels ${r.kernels}`, `--workers ${r.workers}`, '-o digits.bpnn',
  ].join(' ');
}

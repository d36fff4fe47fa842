/**
 * Policy in one place: every default a setting falls back to, and the batch count a progress bar
 * shows. The apps import these and only format them (help texts, UI labels); the name lists
 * (ACTIVATIONS, LOSSES, OPTIMIZERS, INITS, BACKEND_CHOICES) sit beside their tables.
 */
import type { ActivationName } from './activations.js';
import type { LossName } from './losses.js';
import type { OptimizerName } from './optimizers.js';

/** What an unset setting means. */
export const DEFAULTS = {
  /** φ of the hidden layers. */
  activation: 'relu',
  /** φ of the output layer. */
  output: 'softmax',
  dtype: 'f32',
  optimizer: 'sgd',
  /** μ of momentum and nesterov. */
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  seed: 1,
  validationSplit: 0,
  /**
   * Learning rate η by optimizer. Momentum's steps add up to about η/(1 − μ) = 10η, so it starts
   * lower than plain sgd (0.05 reaches ≈96% on MNIST 784-128-64-10 in 8 epochs); adam's 0.001 is
   * the paper's.
   */
  learningRate: { sgd: 0.1, momentum: 0.05, nesterov: 0.05, adam: 0.001 } satisfies Record<OptimizerName, number>,
} as const;

/** The loss an output activation pairs with: cce for softmax, bce for sigmoid, mse otherwise. */
export function defaultLoss(output: ActivationName): LossName {
  return output === 'softmax' ? 'cce' : output === 'sigmoid' ? 'bce' : 'mse';
}

/** Default shard size: 32 rows, smaller for small batches so that every core gets work. Never depends on workers. */
export function defaultShardSize(batchSize: number): number {
  return Math.max(1, Math.min(32, Math.ceil(batchSize / 4)));
}

/** Rows held out for validation from N when no validation set is given (Trainer.split). */
export function validationRows(N: number, validationSplit: number): number {
  return Math.round(N * validationSplit);
}

/**
 * Optimizer steps per epoch on N rows: the training rows (N less the validation split, unless a
 * validation set is given) in batches of `batchSize`, the last one possibly short.
 */
export function batchesPerEpoch(N: number, config: { batchSize: number; validationSplit?: number }, validationSet = false): number {
  const held = validationSet ? 0 : validationRows(N, config.validationSplit ?? DEFAULTS.validationSplit);
  return Math.ceil((N - held) / config.batchSize);
}

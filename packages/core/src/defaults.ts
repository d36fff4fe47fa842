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

/**
 * Floating-point operations a shard should hold at least (2¹⁷ ≈ 131 k). A shard is the unit of
 * parallel work, and handing one to a worker (a wake-up, a counter claim) costs a few µs; on one
 * thread each shard adds ≈ 1.6 µs of its own (measured on WASM, batch 32 of 2-8-8-2 … 16-32-4 in
 * shards of 2 … 32: a slot to zero, a call per layer and kernel). The kernels run these small
 * shapes at ≈ 1–13 GFLOP/s, so 131 kFLOP is ≈ 10–15 µs of work at a P ≈ 2 400 net's rate
 * (64-32-10: 13 GFLOP/s at 32 rows): enough to pay for the hand-out several times.
 */
export const MIN_SHARD_FLOPS = 131_072;

/**
 * Default shard size (rows) for batches of `batchSize` on a network of `P` parameters. Shards
 * fix the summation order (DESIGN.md §4), so this depends only on the training config (batch
 * and network), never on the worker count: the same bits on any number of workers. Up to 4
 * shards so that every core gets work, but none too small to pay for handing it out:
 *   rows = clamp(max(⌈B/4⌉, ⌈MIN_SHARD_FLOPS / 6P⌉), 1, min(B, 32))
 * (6P ≈ a row's forward GEMM plus the two backward ones). When the work bound is what sets
 * it, the rows are spread over ⌊B/rows⌋ shards (at most 3), so the last shard is about as
 * large as the others (a few rows less at most), not a remainder of a few rows.
 * The MNIST net 784-128-64-10 (P = 109 386) keeps ⌈B/4⌉ (8 rows at batch 32): its bound is one
 * row. A 2-8-8-2 net (P = 114) takes a batch of 10 in one shard, not 4 shards of 3 (≈ 60 kernel
 * calls in a ≈ 13 µs step). Models record their shard size (`training.shardSize`), so files
 * written under an older default load and continue as before.
 */
export function defaultShardSize(batchSize: number, P: number): number {
  const B = Math.max(1, batchSize);
  const quarter = Math.ceil(B / 4);
  const work = Math.ceil(MIN_SHARD_FLOPS / (6 * Math.max(1, P)));
  const cap = Math.min(B, 32);
  if (work <= quarter || work >= cap) return Math.max(1, Math.min(cap, Math.max(quarter, work)));
  return Math.min(cap, Math.ceil(B / Math.floor(B / work)));
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

/**
 * A gradient engine computes the summed gradient of one mini-batch. The Trainer owns the
 * loop (order, optimizer, events); engines differ only in where shards run. `LocalEngine`
 * runs them on this thread; @backprop/parallel runs them on workers over shared memory.
 * Both use core's GradientSlots, so the sums and their order are the same.
 */
import type { Dataset } from './dataset.js';
import type { Floats } from './arena.js';
import type { Network, Workspace } from './network.js';
import type { BiasCorrections, Optimizer } from './optimizers.js';
import { SUM_ROWS } from './kernels/index.js';
import { GradientSlots, groupRows, shardCount, type BatchStats } from './shard.js';

export interface GradientEngine {
  /** Σ over the batch of δ·xᵀ (length P), filled by `batch`. */
  readonly grad: Floats;
  /**
   * Sum the gradients of rows order[start … start+B) of the dataset into `grad`, shard by shard
   * (shards of `shardSize` rows, reduced in shard order).
   */
  batch(order: Int32Array, start: number, B: number): BatchStats | Promise<BatchStats>;
  /** Threads in use (1 for the local engine). */
  readonly workers: number;
  /**
   * Present when the engine also applies `EngineOptions.optimizer` (e.g. by parameter stripes on
   * its workers, in the pass that reduces them): the gradient of the batch, the finite checks and
   * update t of the weights and optimizer state, in one call. The Trainer then only orders steps.
   * A step that fails leaves weights and state as they were; `numeric` says the gradient, loss or
   * new weights were not finite (`grad` then holds the full raw sum, `overflow` the first bad weight).
   */
  readonly trainStep?: (order: Int32Array, start: number, B: number, c: BiasCorrections) => Promise<TrainStepResult>;
  close(): Promise<void>;
}

/** What `trainStep` reports. */
export interface TrainStepResult extends BatchStats {
  numeric: boolean;
  /** Index and value of the first weight that overflowed (when numeric and the gradient and loss were finite). */
  overflow: { index: number; value: number } | null;
}

/** Options every engine takes. */
export interface EngineOptions {
  /** Rows per shard (DESIGN.md §4). Part of the training config, never derived from workers. */
  shardSize: number;
  /** Largest batch the engine must hold slots for. */
  maxBatch: number;
  /** The Trainer's optimizer: an engine with `trainStep` applies it (its state vectors are on the network's backend). */
  optimizer?: Optimizer;
}

/**
 * Single-thread engine: the same shards and sums as the parallel one. It runs consecutive shards
 * in groups (one forward and δ pass per group) and, for shards of up to SUM_ROWS rows, adds each
 * shard's sum straight into grad in shard order: the bits of the slots and their reduction,
 * without them.
 */
export class LocalEngine implements GradientEngine {
  readonly grad: Floats;
  readonly workers = 1;
  private readonly slots: GradientSlots;
  private readonly ws: Workspace;
  /** Shard sums go straight into grad in shard order (no slots, no reduction pass); else slots, then reduce. */
  private readonly direct: boolean;

  constructor(
    private readonly net: Network,
    private readonly data: Dataset,
    private readonly opts: EngineOptions,
  ) {
    this.direct = opts.shardSize <= SUM_ROWS;
    const maxShards = shardCount(opts.maxBatch, opts.shardSize);
    this.slots = GradientSlots.allocate(net, maxShards, this.direct ? 0 : maxShards);
    this.grad = this.slots.grad;
    this.ws = net.workspace(groupRows(opts.maxBatch, opts.shardSize));
  }

  batch(order: Int32Array, start: number, B: number): BatchStats {
    const { shardSize } = this.opts;
    const nShards = shardCount(B, shardSize);
    const group = this.ws.maxB; // whole shards: each group's forward and δ pass is one GEMM per layer
    for (let r0 = 0; r0 < B; r0 += group) {
      this.slots.computeShards(r0 / shardSize, this.ws, this.data, order, start + r0, Math.min(group, B - r0), shardSize, this.direct);
    }
    if (!this.direct) this.slots.reduce(nShards);
    return this.slots.sumStats(nShards);
  }

  /** Gives the slots and scratch back to the backend (WASM memory is reused, not collected). */
  async close(): Promise<void> {
    this.slots.release();
    this.net.backend.release(this.ws.arena);
  }
}

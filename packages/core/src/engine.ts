/**
 * A gradient engine computes the summed gradient of one mini-batch. The Trainer owns the
 * loop (order, optimizer, events); engines differ only in where shards run. `LocalEngine`
 * runs them on this thread; @backprop/parallel runs them on workers over shared memory.
 * Both use core's GradientSlots, so the sums and their order are the same.
 */
import type { Dataset } from './dataset.js';
import type { Floats } from './arena.js';
import type { Network, Workspace } from './network.js';
import { GradientSlots, shardCount, type BatchStats } from './shard.js';

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
  close(): Promise<void>;
}

/** Options every engine takes. */
export interface EngineOptions {
  /** Rows per shard (DESIGN.md §4). Part of the training config, never derived from workers. */
  shardSize: number;
  /** Largest batch the engine must hold slots for. */
  maxBatch: number;
}

/** Single-thread engine: the same shards, slots and reduction as the parallel one. */
export class LocalEngine implements GradientEngine {
  readonly grad: Floats;
  readonly workers = 1;
  private readonly slots: GradientSlots;
  private readonly ws: Workspace;

  constructor(
    private readonly net: Network,
    private readonly data: Dataset,
    private readonly opts: EngineOptions,
  ) {
    this.slots = GradientSlots.allocate(net, shardCount(opts.maxBatch, opts.shardSize));
    this.grad = this.slots.grad;
    this.ws = net.workspace(opts.shardSize);
  }

  batch(order: Int32Array, start: number, B: number): BatchStats {
    const { shardSize } = this.opts;
    const nShards = shardCount(B, shardSize);
    for (let s = 0; s < nShards; s++) {
      this.slots.computeShard(s, this.ws, this.data, order, start + s * shardSize, Math.min(shardSize, B - s * shardSize));
    }
    this.slots.reduce(nShards);
    return this.slots.sumStats(nShards);
  }

  /** Gives the slots and scratch back to the backend (WASM memory is reused, not collected). */
  async close(): Promise<void> {
    this.slots.release();
    this.net.backend.release(this.ws.arena);
  }
}

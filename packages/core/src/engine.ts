/**
 * A gradient engine computes the summed gradient of one mini-batch. The Trainer owns the
 * loop (order, optimizer, events); engines differ only in where shards run. `LocalEngine`
 * runs them on this thread; @backprop/parallel runs them on workers over shared memory.
 */
import { bytesOf, type Arena, type Floats } from './arena.js';
import type { Dataset } from './dataset.js';
import type { Network, Workspace } from './network.js';
import { reduceSlots, shardCount, shardGradient } from './shard.js';

/** Loss sum and correct count over the rows of one batch. */
export interface BatchStats {
  loss: number;
  correct: number;
}

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

/** Sums shard statistics in shard order (the same order on every engine). */
export function sumStats(stats: Float64Array, nShards: number): BatchStats {
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < nShards; s++) {
    loss += stats[2 * s];
    correct += stats[2 * s + 1];
  }
  return { loss, correct };
}

/** Gradient slots: one P-vector per shard of the largest batch, in one shared block. */
export function allocSlots(net: Network, maxShards: number): { slots: Floats; grad: Floats; stats: Float64Array; arena: Arena } {
  const { P, spec } = net;
  const e = bytesOf(spec.dtype);
  const arena = net.backend.arena((maxShards + 1) * P * e + maxShards * 16 + 64);
  return { slots: arena.floats(spec.dtype, maxShards * P), grad: arena.floats(spec.dtype, P), stats: arena.f64(2 * maxShards), arena };
}

/** Single-thread engine: the same shards, slots and reduction as the parallel one. */
export class LocalEngine implements GradientEngine {
  readonly grad: Floats;
  readonly workers = 1;
  private readonly slots: Floats;
  private readonly slotViews: { flat: Floats; W: Floats[] }[];
  private readonly stats: Float64Array;
  private readonly ws: Workspace;
  private readonly slotsArena: Arena;

  constructor(
    private readonly net: Network,
    private readonly data: Dataset,
    private readonly opts: EngineOptions,
  ) {
    const maxShards = shardCount(opts.maxBatch, opts.shardSize);
    const { slots, grad, stats, arena } = allocSlots(net, maxShards);
    this.slotsArena = arena;
    this.slots = slots;
    this.grad = grad;
    this.stats = stats;
    this.slotViews = [];
    for (let s = 0; s < maxShards; s++) {
      const flat = slots.subarray(s * net.P, (s + 1) * net.P);
      this.slotViews.push({ flat, W: net.gradViews(flat) });
    }
    this.ws = net.workspace(opts.shardSize);
  }

  batch(order: Int32Array, start: number, B: number): BatchStats {
    const { shardSize } = this.opts;
    const nShards = shardCount(B, shardSize);
    for (let s = 0; s < nShards; s++) {
      const rows = Math.min(shardSize, B - s * shardSize);
      const slot = this.slotViews[s];
      shardGradient(this.net, this.ws, this.data, order, start + s * shardSize, rows, slot.flat, slot.W, this.stats, s);
    }
    const { P, kernels } = this.net;
    if (kernels.reduceSlots) kernels.reduceSlots(this.grad, this.slots, nShards, P, 0, P); // same bits, SIMD
    else reduceSlots(this.grad, this.slots, nShards, P);
    return sumStats(this.stats, nShards);
  }

  /** Gives the slots and scratch back to the backend (WASM memory is reused, not collected). */
  async close(): Promise<void> {
    this.net.backend.release?.(this.slotsArena);
    this.net.backend.release?.(this.ws.arena);
  }
}

/**
 * The unit of parallel work: one shard of a mini-batch. Its gradient sum Σ_b δ_b x_bᵀ goes
 * into the shard's own slot; slots are then reduced in shard order. Because a shard's sum is
 * computed in one piece and the reduction order is fixed, any number of workers (or the
 * single-thread trainer) produces the same bits (DESIGN.md §4).
 */
import type { Floats } from './arena.js';
import { gatherRows, type Dataset } from './dataset.js';
import { countCorrect } from './metrics.js';
import type { Network, Workspace } from './network.js';

/** Shards a batch of B rows is cut into. */
export function shardCount(B: number, shardSize: number): number {
  return Math.ceil(B / shardSize);
}

/** Default shard size: 32 rows, smaller for small batches so that every core gets work. Never depends on workers. */
export function defaultShardSize(batchSize: number): number {
  return Math.max(1, Math.min(32, Math.ceil(batchSize / 4)));
}

/**
 * Gradient sum of rows order[start … start+B) into dW (zeroed first); writes the shard's loss
 * sum and correct count into stats[2s], stats[2s+1].
 */
export function shardGradient(
  net: Network, ws: Workspace, data: Dataset, order: Int32Array, start: number, B: number,
  dWflat: Floats, dW: Floats[], stats: Float64Array, s: number,
): void {
  gatherRows(ws.X, ws.Y, data, order, start, B);
  const a = net.forward(ws, B);
  stats[2 * s] = net.lossSum(ws, B);
  stats[2 * s + 1] = net.task === 'classification' ? countCorrect(a, ws.Y, B, net.nOut) : 0;
  dWflat.fill(0);
  net.backward(ws, B, dW);
}

/** grad[i] = Σ_s slots[s·P + i] for i in [from, to), summed in shard order s = 0, 1, …. */
export function reduceSlots(grad: Floats, slots: Floats, nShards: number, P: number, from = 0, to = P): void {
  for (let i = from; i < to; i++) grad[i] = slots[i];
  for (let s = 1; s < nShards; s++) {
    const base = s * P;
    for (let i = from; i < to; i++) grad[i] += slots[base + i];
  }
}

/**
 * The unit of parallel work: one shard of a mini-batch. Its gradient sum Σ_b δ_b x_bᵀ goes
 * into the shard's own slot; slots are then reduced in shard order. Because a shard's sum is
 * computed in one piece and the reduction order is fixed, any number of workers (or the
 * single-thread trainer) produces the same bits (DESIGN.md §4). `GradientSlots` holds the
 * slots; the local engine and every worker use the same one (allocated once, attached by workers).
 */
import { Arena, bytesOf, type Floats } from './arena.js';
import { gatherRows, type Dataset } from './dataset.js';
import { SUM_ROWS } from './kernels/index.js';
import { countCorrect } from './metrics.js';
import { Workspace, type LayerInfo, type LayerWeights, type Network, type RowViews } from './network.js';

/** Shards a batch of B rows is cut into. */
export function shardCount(B: number, shardSize: number): number {
  return Math.ceil(B / shardSize);
}

/** Most rows the local engine runs through one forward and δ pass (whole shards; the evaluation chunk's size). */
const GROUP_ROWS = 256;

/**
 * Rows of the local engine's scratch: the consecutive shards it runs in one go (all of a batch of
 * up to GROUP_ROWS rows, at least one shard). Larger GEMMs than one shard's: W is packed once
 * per group, and the tiles of 4 rows run full.
 */
export function groupRows(maxBatch: number, shardSize: number): number {
  return shardSize * Math.max(1, Math.min(shardCount(maxBatch, shardSize), Math.floor(GROUP_ROWS / shardSize)));
}

/**
 * Shards a lane claims at once (at least 1, at most GROUP_ROWS rows): an equal share of the
 * batch's shards, so on balanced cores each lane claims once and runs its share as one group
 * (W packed once, full tiles); a core that finishes early claims the next run. The bits do not
 * depend on it: each shard's sum is still computed alone (`BatchGradient`).
 */
export function claimShards(nShards: number, shardSize: number, workers: number): number {
  return Math.max(1, Math.min(Math.ceil(nShards / Math.max(1, workers)), Math.floor(GROUP_ROWS / shardSize)));
}

/** Loss sum and correct count over the rows of one batch. */
export interface BatchStats {
  loss: number;
  correct: number;
}

/** The views of a set of slots that cross to workers (structured-cloneable: shared memory, no copy). */
export interface SharedSlots {
  maxShards: number;
  slots: Floats; // (maxShards, P)
  grad: Floats; // (P)
  stats: Float64Array; // (maxShards, 2)
}

/**
 * Gradient slots: one P-vector per shard of the largest batch, the reduced gradient, and each
 * shard's loss and correct count, in one arena of the network's backend (so the kernels of every
 * thread can address them). Per-slot views (flat and per layer) are built once.
 */
export class GradientSlots {
  readonly P: number;
  readonly maxShards: number;
  /** (maxShards, P): slot s is the gradient sum of shard s (empty when the sums go straight into grad). */
  readonly slots: Floats;
  /** (P): Σ_s slots[s], written by `reduce`. */
  readonly grad: Floats;
  /** (maxShards, 2): loss sum and correct count of each shard. */
  readonly stats: Float64Array;
  /** Per slot, its per-layer views (laid out like W). */
  private readonly views: Floats[][] = [];
  /** grad per layer. */
  private readonly gradW: Floats[];
  /** The group `computeShards` runs (read by the weight writers below): its first shard, shard size, and its shards' views (null: one shard, the buffers themselves). */
  private first = 0;
  private shardSize = 0;
  private shards: RowViews[] | null = null;
  /** Each shard's sums stored in its slot, shard first+i in slot first+i. */
  private readonly toSlots: LayerWeights;
  /** The group's shards' sums folded into grad in shard order, in one kernel call: shard 0 stores, every later one adds its own sum (the bits of `reduce`). */
  private readonly toFold: LayerWeights;

  private constructor(
    private readonly net: Network,
    shared: SharedSlots,
    /** The arena this thread allocated (given back by `release`), or null for attached views. */
    private readonly arena: Arena | null,
  ) {
    const P = net.P;
    this.P = P;
    this.maxShards = shared.maxShards;
    this.slots = shared.slots;
    this.grad = shared.grad;
    this.stats = shared.stats;
    this.gradW = net.gradViews(this.grad);
    const k = net.kernels;
    this.toSlots = (l, x, delta, B, nIn, nOut) => {
      const S = this.shardSize;
      for (let r0 = 0, i = 0; r0 < B; r0 += S, i++) {
        const v = this.shards?.[i];
        k.denseBackwardWeights(this.views[this.first + i][l], v ? v.delta[l] : delta, v ? (l > 0 ? v.a[l - 1] : v.X) : x, Math.min(S, B - r0), nIn, nOut, 'store');
      }
    };
    this.toFold = (l, x, delta, B, nIn, nOut) => k.denseBackwardWeightsShards(this.gradW[l], delta, x, B, this.shardSize, nIn, nOut, this.first === 0 ? 'store' : 'addSum');
    for (let s = 0; s < shared.slots.length / P; s++) {
      this.views.push(net.gradViews(this.slots.subarray(s * P, (s + 1) * P)));
    }
  }

  /**
   * New slots for batches of up to `maxShards` shards, in the network's backend memory; `slots`
   * of them (0 when the shards' sums go straight into grad: `computeShards` with `intoGrad`).
   */
  static allocate(net: Network, maxShards: number, slots = maxShards): GradientSlots {
    const { P, spec } = net;
    const e = spec.dtype === 'f32' ? 4 : 8;
    const arena = net.backend.arena((slots + 1) * P * e + maxShards * 16 + 64);
    const shared = { maxShards, slots: arena.floats(spec.dtype, slots * P), grad: arena.floats(spec.dtype, P), stats: arena.f64(2 * maxShards) };
    return new GradientSlots(net, shared, arena);
  }

  /** The same slots on another thread (`shared` from `share()`), re-based on `net`'s backend. */
  static attach(net: Network, shared: SharedSlots): GradientSlots {
    const b = net.backend;
    return new GradientSlots(net, { maxShards: shared.maxShards, slots: b.adopt(shared.slots), grad: b.adopt(shared.grad), stats: b.adopt(shared.stats) }, null);
  }

  /** What a worker needs to `attach` to these slots. */
  share(): SharedSlots {
    return { maxShards: this.maxShards, slots: this.slots, grad: this.grad, stats: this.stats };
  }

  /**
   * Gradient sum of rows order[start … start+B) into slot s (overwritten: every layer's dW kernel
   * stores its sums, so no pass zeroes the slot first), with the shard's
   * loss sum and correct count in stats[2s], stats[2s+1].
   */
  computeShard(s: number, ws: Workspace, data: Dataset, order: Int32Array, start: number, B: number): void {
    this.computeShards(s, ws, data, order, start, B, B);
  }

  /**
   * Consecutive shards s = first, first+1, … of `shardSize` rows over rows order[start … start+B)
   * (the last may be shorter), each into its slot and stats as `computeShard` would (the same
   * bits): forward and δ run once over all B rows, the gradient sums and statistics per shard.
   * With `intoGrad` (shards of at most SUM_ROWS rows, groups run in shard order from shard 0)
   * the sums go straight into grad, with the bits `reduce` gives from the slots: no slot is
   * written or read.
   */
  computeShards(first: number, ws: Workspace, data: Dataset, order: Int32Array, start: number, B: number, shardSize: number, intoGrad = false): void {
    this.run(first, ws, data, order, start, B, shardSize, intoGrad ? this.toFold : this.toSlots);
  }

  private run(first: number, ws: Workspace, data: Dataset, order: Int32Array, start: number, B: number, shardSize: number, weights: LayerWeights): void {
    const net = this.net;
    gatherRows(ws.X, ws.Y, data, order, start, B);
    net.forward(ws, B);
    const views = shardSize >= B ? null : ws.shardViews(shardSize); // one shard: the buffers themselves
    for (let r0 = 0, s = first, i = 0; r0 < B; r0 += shardSize, s++, i++) shardStats(net, this.stats, s, views ? views[i] : ws, Math.min(shardSize, B - r0));
    this.first = first;
    this.shardSize = shardSize;
    this.shards = views;
    net.backwardRows(ws, B, weights);
  }

  /** grad[i] = Σ_s slots[s·P + i] for i in [from, to), shards in order. */
  reduce(nShards: number, from = 0, to = this.P): void {
    this.net.kernels.reduceSlots(this.grad, this.slots, nShards, this.P, from, to);
  }

  /** The batch's loss and correct count: shard statistics summed in shard order. */
  sumStats(nShards: number): BatchStats {
    return sumStats(this.stats, nShards);
  }

  /** Gives the slots back to the backend (WASM memory is reused, not collected); attached views own nothing. */
  release(): void {
    if (this.arena) this.net.backend.release(this.arena);
  }
}

/** Shard s's loss sum and correct count (its `rows` rows in `v`, after forward) into stats[2s], stats[2s+1]. */
function shardStats(net: Network, stats: Float64Array, s: number, v: RowViews, rows: number): void {
  stats[2 * s] = net.lossSum(v, rows);
  stats[2 * s + 1] = net.task === 'classification' ? countCorrect(v.a[net.L - 1], v.Y, rows, net.nOut) : 0;
}

/** Shard statistics summed in shard order. */
function sumStats(stats: Float64Array, nShards: number): BatchStats {
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < nShards; s++) {
    loss += stats[2 * s];
    correct += stats[2 * s + 1];
  }
  return { loss, correct };
}

/** Output rows k0 … k0+rows−1 of layer l: one weight-gradient kernel call of a stripe. */
export interface StripePart {
  l: number;
  k0: number;
  rows: number;
}

/**
 * A stripe of the weight gradient and its update: the parameters [from, to), whole output rows of
 * one layer or of consecutive ones (layers lie end to end in the parameters), one part per layer.
 */
export interface GradStripe {
  from: number;
  to: number;
  parts: StripePart[];
}

/**
 * ⌈P / params⌉ stripes of about equal size, so that as many lanes as stripes finish together: each
 * cut is the row boundary nearest its share, a multiple of 4 rows (the kernels' tile) into its
 * layer when a share holds 4 of that layer's rows or more. A cut may fall inside any layer, so a
 * stripe can end one layer and begin the next; a small last layer never makes a stripe of its own.
 */
export function gradStripes(layers: LayerInfo[], params: number): GradStripe[] {
  const last = layers[layers.length - 1];
  const P = last.offset + last.nOut * (last.nIn + 1);
  const count = Math.max(1, Math.ceil(P / Math.max(1, params)));
  const cuts = [0];
  for (let i = 1; i <= count; i++) {
    const cut = i === count ? P : rowBoundary(layers, (i * P) / count, P / count);
    if (cut > cuts[cuts.length - 1]) cuts.push(cut); // two shares may round to the same row
  }
  const stripes: GradStripe[] = [];
  for (let i = 1; i < cuts.length; i++) {
    const from = cuts[i - 1];
    const to = cuts[i];
    const parts: StripePart[] = [];
    for (let l = 0; l < layers.length; l++) {
      const { nIn, nOut, offset } = layers[l];
      const cols = nIn + 1;
      const k0 = Math.max(0, (from - offset) / cols);
      const k1 = Math.min(nOut, (to - offset) / cols);
      if (k1 > k0) parts.push({ l, k0, rows: k1 - k0 });
    }
    stripes.push({ from, to, parts });
  }
  return stripes;
}

/** The row boundary nearest parameter `at`: a multiple of 4 rows into its layer when a share of `size` holds 4 of its rows, else any row. */
function rowBoundary(layers: LayerInfo[], at: number, size: number): number {
  for (const { nIn, nOut, offset } of layers) {
    const cols = nIn + 1;
    if (at >= offset + nOut * cols) continue;
    const q = size >= 4 * cols ? 4 : 1;
    return offset + Math.min(nOut, Math.round((at - offset) / cols / q) * q) * cols;
  }
  return at;
}

/** The views of a BatchGradient that cross to workers (structured-cloneable: shared memory, no copy). */
export interface SharedBatch {
  maxBatch: number;
  shardSize: number;
  stripe: number;
  grad: Floats; // (P)
  stats: Float64Array; // (maxShards, 2)
  /** The region of the whole batch's workspace (rebuilt with the same layout on each thread). */
  ws: { buffer: ArrayBufferLike; base: number; end: number };
}

/**
 * The parallel step's gradient without slots. Lanes run the forward and δ pass of their runs of
 * shards into one workspace that holds the whole batch (shared by every thread); then, stripe by
 * stripe of output rows (`gradStripes`), one lane computes the weight gradient of every shard in
 * shard order straight into grad: shard 0 stored, each later one added to it (the bits of the
 * one-thread engine, and of slots reduced in shard order). No P-sized slot is written or read,
 * and each stripe of grad stays in cache while its shards are added and its update runs.
 */
export class BatchGradient {
  readonly grad: Floats;
  /** (maxShards, 2): loss sum and correct count of each shard. */
  readonly stats: Float64Array;
  /** net, a, δ of every layer for every row of the batch. */
  readonly ws: Workspace;
  readonly stripes: GradStripe[];
  /** Rows per shard (the engine's shardSize). */
  readonly shardSize: number;
  /** Parameters per stripe asked for (`gradStripes`). */
  private readonly stripe: number;
  /** Per stripe and part, the part's rows of grad. */
  private readonly stripeGrad: Floats[][];
  /** Per stripe, part and shard, the shard's δ from the part's first output (rows of nOut). */
  private readonly stripeDelta: Floats[][][];
  /** This thread's scratch for a shard's sum past SUM_ROWS rows (added into grad after), or null. */
  private readonly sum: { arena: Arena; v: Floats } | null;

  private constructor(
    private readonly net: Network,
    shared: SharedBatch,
    /** The arena this thread allocated (given back by `release`), or null for attached views. */
    private readonly arena: Arena | null,
  ) {
    this.shardSize = shared.shardSize;
    this.stripe = shared.stripe;
    this.grad = shared.grad;
    this.stats = shared.stats;
    this.ws = new Workspace(net.spec, shared.maxBatch, new Arena(shared.ws.buffer, shared.ws.base, shared.ws.end));
    this.stripes = gradStripes(net.layers, shared.stripe);
    const views = this.ws.shardViews(this.shardSize);
    const cols = (l: number) => net.layers[l].nIn + 1;
    const partFrom = (p: StripePart) => net.layers[p.l].offset + p.k0 * cols(p.l);
    this.stripeGrad = this.stripes.map((t) => t.parts.map((p) => this.grad.subarray(partFrom(p), partFrom(p) + p.rows * cols(p.l))));
    this.stripeDelta = this.stripes.map((t) => t.parts.map((p) => views.map((v) => v.delta[p.l].subarray(p.k0))));
    const widest = Math.max(...this.stripes.flatMap((t) => t.parts.map((p) => p.rows * cols(p.l))));
    const e = bytesOf(net.spec.dtype);
    const own = this.shardSize > SUM_ROWS ? net.backend.arena(widest * e + 64) : null;
    this.sum = own && { arena: own, v: own.floats(net.spec.dtype, widest) };
  }

  /** Arena bytes of a BatchGradient: grad, the shards' statistics and the batch's workspace. */
  static bytes(net: Network, maxBatch: number, shardSize: number): number {
    return net.P * bytesOf(net.spec.dtype) + shardCount(maxBatch, shardSize) * 16 + Workspace.bytes(net.spec, maxBatch) + 128;
  }

  /** A new one for batches of up to maxBatch rows in shards of shardSize, stripes of about `stripe` parameters, in the network's backend memory. */
  static allocate(net: Network, maxBatch: number, shardSize: number, stripe: number): BatchGradient {
    const arena = net.backend.arena(BatchGradient.bytes(net, maxBatch, shardSize));
    const grad = arena.floats(net.spec.dtype, net.P);
    const stats = arena.f64(2 * shardCount(maxBatch, shardSize));
    const wsBytes = Workspace.bytes(net.spec, maxBatch);
    const base = arena.f32(Math.ceil(wsBytes / 4)).byteOffset; // the workspace's region, laid out by Workspace on every thread
    return new BatchGradient(net, { maxBatch, shardSize, stripe, grad, stats, ws: { buffer: arena.buffer, base, end: base + wsBytes } }, arena);
  }

  /** The same views on another thread (`shared` from `share()`), re-based on `net`'s backend. */
  static attach(net: Network, shared: SharedBatch): BatchGradient {
    const b = net.backend;
    const region = b.adopt(new Int32Array(shared.ws.buffer, shared.ws.base, 1)); // this thread's buffer object for the same memory
    return new BatchGradient(net, { ...shared, grad: b.adopt(shared.grad), stats: b.adopt(shared.stats), ws: { buffer: region.buffer, base: shared.ws.base, end: shared.ws.end } }, null);
  }

  /** What a worker needs to `attach`. */
  share(): SharedBatch {
    const ws = this.ws.arena;
    return { maxBatch: this.ws.maxB, shardSize: this.shardSize, stripe: this.stripe, grad: this.grad, stats: this.stats, ws: { buffer: ws.buffer, base: ws.base, end: ws.end } };
  }

  /**
   * Shards first, first+1, … over rows order[start … start+B) of the batch (the batch's rows
   * first·shardSize …): rows gathered, forward, each shard's statistics, then δ of every layer
   * (no weight gradient: that is `computeStripe`'s, once every shard's δ is in).
   */
  computeRows(first: number, data: Dataset, order: Int32Array, start: number, B: number): void {
    const net = this.net;
    const views = this.ws.shardViews(this.shardSize);
    const v = views[first];
    gatherRows(v.X, v.Y, data, order, start, B);
    net.forward(v, B);
    for (let r0 = 0, s = first; r0 < B; r0 += this.shardSize, s++) shardStats(net, this.stats, s, views[s], Math.min(this.shardSize, B - r0));
    net.backwardRows(v, B, null);
  }

  /** Stripe k of the gradient of a batch of B rows: Σ over its shards in shard order, into grad (every shard's δ must be in). */
  computeStripe(k: number, B: number): void {
    const parts = this.stripes[k].parts;
    for (let i = 0; i < parts.length; i++) this.computePart(parts[i], this.stripeGrad[k][i], this.stripeDelta[k][i], B);
  }

  /** One layer's rows of a stripe: `g` its rows of grad, `deltas` each shard's δ from the part's first row. */
  private computePart(part: StripePart, g: Floats, deltas: Floats[], B: number): void {
    const { l, rows } = part;
    const { nIn, nOut } = this.net.layers[l];
    const kernels = this.net.kernels;
    if (!this.sum) {
      // every shard in one call: the shards' rows lie end to end in the workspace
      kernels.denseBackwardWeightsShards(g, deltas[0], l > 0 ? this.ws.a[l - 1] : this.ws.X, B, this.shardSize, nIn, nOut, 'store', rows);
      return;
    }
    const views = this.ws.shardViews(this.shardSize);
    for (let s = 0, r0 = 0; r0 < B; s++, r0 += this.shardSize) {
      const n = Math.min(this.shardSize, B - r0);
      const x = l > 0 ? views[s].a[l - 1] : views[s].X;
      if (s === 0) kernels.denseBackwardWeights(g, deltas[s], x, n, nIn, nOut, 'store', rows);
      else {
        // past SUM_ROWS rows: the shard's sum on its own, then one add per weight (the bits of a slot reduced into grad)
        const t = this.sum.v;
        kernels.denseBackwardWeights(t, deltas[s], x, n, nIn, nOut, 'store', rows);
        for (let i = 0; i < g.length; i++) g[i] += t[i]; // f32 + f32 is exact in a double, rounded once: the f32 add
      }
    }
  }

  /** The batch's loss and correct count: shard statistics summed in shard order. */
  sumStats(nShards: number): BatchStats {
    return sumStats(this.stats, nShards);
  }

  /** Gives the memory back to the backend (WASM memory is reused, not collected): this thread's scratch, and the shared arena if it allocated it. */
  release(): void {
    if (this.sum) this.net.backend.release(this.sum.arena);
    if (this.arena) this.net.backend.release(this.arena);
  }
}

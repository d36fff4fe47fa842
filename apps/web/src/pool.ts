/**
 * The gradient engine the training thread hands to `Trainer.fit`: @backprop/parallel's
 * browser engine (Web Workers on shared memory) for 2+ workers, core's LocalEngine for 1.
 * `CheckedEngine` wraps either one for the live "same weights as 1 worker" check: it
 * recomputes a *sample* of the batches on this thread and compares the gradient bit for bit.
 * Recomputing every batch would make 2 workers slower than 1 (the check is a single-thread
 * run); a time budget (≤ 5 % of the training time) keeps it from costing speed.
 * The reference runs on the network's own backend, so on WASM it is a single-thread run on
 * the same WASM kernels (kernels differ in bits from each other, never across worker counts).
 */
import { LocalEngine, now, type BatchStats, type Dataset, type EngineOptions, type Floats, type GradientEngine, type Network } from '@backprop/core';
import { BrowserPool, browserEngine } from '@backprop/parallel/browser';

/** Long-lived worker pool, reused across fits; rebuilt when the count changes. */
export class WorkerSet {
  private pool: BrowserPool | null = null;

  /** Threads that compute gradients (1 = the training thread itself). */
  get size(): number {
    return this.pool?.size ?? 1;
  }

  async resize(n: number): Promise<void> {
    if (n === this.size) return;
    await this.pool?.destroy();
    this.pool = n > 1 ? new BrowserPool({ workers: n }) : null;
  }

  async engine(net: Network, data: Dataset, opts: EngineOptions): Promise<GradientEngine> {
    return this.pool ? browserEngine({ pool: this.pool })(net, data, opts) : new LocalEngine(net, data, opts);
  }
}

export interface CheckStats {
  /** Batches recomputed and compared. */
  batches: number;
  /** Batches trained while checking was on (checked or not). */
  seen: number;
  mismatches: number;
}

/** Share of the training time the check may use. */
export const CHECK_BUDGET = 0.05;

export class CheckedEngine implements GradientEngine {
  private readonly reference: LocalEngine | null;
  private trainMs = 0;
  private checkMs = 0;

  constructor(private readonly inner: GradientEngine, net: Network, data: Dataset, opts: EngineOptions, private readonly check: CheckStats | null) {
    this.reference = check && inner.workers > 1 ? new LocalEngine(net, data, opts) : null; // same backend as net: same kernels
  }

  get grad(): Floats {
    return this.inner.grad;
  }

  get workers(): number {
    return this.inner.workers;
  }

  async batch(order: Int32Array, start: number, B: number): Promise<BatchStats> {
    const t0 = now();
    const stats = await this.inner.batch(order, start, B);
    const t1 = now();
    this.trainMs += t1 - t0;
    if (this.reference && this.check) this.check.seen++;
    // the first batch always, then whenever the check has used less than its share of the time
    if (this.reference && this.check && (this.check.batches === 0 || this.checkMs <= CHECK_BUDGET * this.trainMs)) {
      const ref = this.reference.batch(order, start, B);
      let same = ref.loss === stats.loss && ref.correct === stats.correct;
      const g = this.inner.grad;
      const rg = this.reference.grad;
      for (let i = 0; same && i < g.length; i++) if (!Object.is(g[i], rg[i])) same = false;
      this.check.batches++;
      if (!same) this.check.mismatches++;
      this.checkMs += now() - t1;
    }
    return stats;
  }

  async close(): Promise<void> {
    await this.reference?.close(); // gives its slots and scratch back to the WASM memory
    await this.inner.close();
  }
}

/**
 * The gradient engine the training thread hands to `Trainer.fit`: @backprop/parallel's
 * browser engine (Web Workers on shared memory) for 2+ workers, core's LocalEngine for 1.
 * `CheckedEngine` wraps either one to recompute every batch on this thread and compare the
 * gradient bit for bit: the live "same weights as 1 worker" check.
 * The reference runs on the network's own backend, so on WASM it is a single-thread run on
 * the same WASM kernels (kernels differ in bits from each other, never across worker counts).
 */
import type { Dataset, Floats, Network } from '@backprop/core';
import { LocalEngine, type BatchStats, type EngineOptions, type GradientEngine } from '@backprop/core/engine';
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
  batches: number;
  mismatches: number;
}

export class CheckedEngine implements GradientEngine {
  private readonly reference: LocalEngine | null;

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
    const stats = await this.inner.batch(order, start, B);
    if (this.reference && this.check) {
      const ref = this.reference.batch(order, start, B);
      let same = ref.loss === stats.loss && ref.correct === stats.correct;
      const g = this.inner.grad;
      const rg = this.reference.grad;
      for (let i = 0; same && i < g.length; i++) if (!Object.is(g[i], rg[i])) same = false;
      this.check.batches++;
      if (!same) this.check.mismatches++;
    }
    return stats;
  }

  async close(): Promise<void> {
    await this.reference?.close(); // gives its slots and scratch back to the WASM memory
    await this.inner.close();
  }
}

/**
 * Training pace: at most `pace` epochs per second (Infinity: as fast as it goes). `Pacer.wait`
 * runs before each batch and sleeps until the batch is due, so a watchable pace spreads an
 * epoch's batches over its share of the second. A run that falls behind (a slow machine, a
 * paused tab) does not race to catch up: the schedule restarts from now.
 */
import { now, type BatchStats, type Floats, type GradientEngine } from '@backprop/core';

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

const sleepMs: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Longest one sleep lasts, so a pause or a new pace is noticed promptly. */
const MAX_SLEEP_MS = 50;
/** How far behind schedule a run may be before the schedule restarts. */
const SLACK_MS = 250;

export class Pacer {
  private anchor = Number.NaN;
  private count = 0;

  constructor(private pace: number, private batchesPerEpoch: number, private readonly clock: Clock = now, private readonly sleep: Sleep = sleepMs) {}

  /** A new pace takes effect at the next batch. */
  set(pace: number, batchesPerEpoch = this.batchesPerEpoch): void {
    this.pace = pace;
    this.batchesPerEpoch = batchesPerEpoch;
    this.anchor = Number.NaN;
  }

  /** Waits until the next batch is due; returns early when `stop()` turns true. */
  async wait(stop: () => boolean = () => false): Promise<void> {
    if (this.pace === Infinity) return;
    let t = this.clock();
    if (Number.isNaN(this.anchor)) {
      this.anchor = t;
      this.count = 0;
    }
    let due = this.anchor + (this.count / (this.pace * this.batchesPerEpoch)) * 1000;
    if (t - due > SLACK_MS) {
      this.anchor = due = t;
      this.count = 0;
    }
    while (t < due && !stop()) {
      await this.sleep(Math.min(MAX_SLEEP_MS, due - t));
      t = this.clock();
      if (Number.isNaN(this.anchor)) {
        // the pace changed meanwhile: this batch starts the new schedule
        this.anchor = t;
        this.count = 1;
        return;
      }
    }
    this.count++;
  }
}

/** An engine whose batches wait for the pacer. */
export class PacedEngine implements GradientEngine {
  constructor(private readonly inner: GradientEngine, private readonly pacer: Pacer, private readonly stop: () => boolean) {}

  get grad(): Floats {
    return this.inner.grad;
  }

  get workers(): number {
    return this.inner.workers;
  }

  async batch(order: Int32Array, start: number, B: number): Promise<BatchStats> {
    await this.pacer.wait(this.stop);
    return this.inner.batch(order, start, B);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

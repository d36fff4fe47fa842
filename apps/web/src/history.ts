/**
 * A bounded record of a run's epochs: at most `capacity` points over the whole run, however
 * long it lasts. Every `stride`-th epoch is kept; when the record is full, every other point
 * is dropped and the stride doubles. Memory and drawing cost stay constant for hours of Play.
 */
export interface EpochPoint {
  epoch: number;
  loss: number;
  valLoss: number | null;
  accuracy: number | null;
  valAccuracy: number | null;
}

export class BoundedHistory {
  /** Points kept, oldest first; `epoch` is a multiple of `stride` (or the first epoch). */
  points: EpochPoint[] = [];
  stride = 1;
  /** The latest epoch seen (always current, even when not kept). */
  last: EpochPoint | null = null;
  /** Bumped on every change, so a reader can skip copying an unchanged record. */
  version = 0;

  constructor(readonly capacity = 512) {
    if (!(capacity >= 4 && capacity % 2 === 0)) throw new Error('capacity must be an even number ≥ 4');
  }

  push(p: EpochPoint): void {
    this.last = p;
    this.version++;
    if (p.epoch % this.stride !== 0) return;
    this.points.push(p);
    if (this.points.length < this.capacity) return;
    this.stride *= 2;
    this.points = this.points.filter((q) => q.epoch % this.stride === 0);
  }

  clear(): void {
    this.points = [];
    this.stride = 1;
    this.last = null;
    this.version++;
  }

  /** The kept points plus the latest one (for a chart that ends at "now"). */
  series(): EpochPoint[] {
    const last = this.last;
    if (!last || this.points.at(-1)?.epoch === last.epoch) return this.points.slice();
    return [...this.points, last];
  }
}

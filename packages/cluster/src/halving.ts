/**
 * Asynchronous successive halving (ASHA; Li et al. 2018, the rule of Ray Tune's and Optuna's
 * pruners): rung k sits at epoch r·η^k. A trial reaching a rung records its score there and goes
 * on only if it is in the top 1/η of the scores recorded at that rung so far (itself included);
 * otherwise it stops. Scores are losses: lower is better.
 */
import type { Halving } from './payload.js';

/** The rung epochs below `epochs`: r, r·η, r·η², … */
export function rungs(h: Halving, epochs: number): number[] {
  const out: number[] = [];
  for (let e = h.minEpochs; e < epochs; e *= h.eta) out.push(e);
  return out;
}

/** Goes on? `scores` are those recorded at the rung before this one, `score` is this trial's. */
export function promote(scores: number[], score: number, eta: number): boolean {
  const all = [...scores, score];
  const keep = Math.max(1, Math.floor(all.length / eta));
  const better = all.filter((s) => s < score).length; // ties go on
  return better < keep;
}

/** Where rung records live: in memory for a local sweep, in Redis for a distributed one. */
export interface RungStore {
  /** Records `score` of trial `index` at `epoch`; returns the scores recorded there before it. */
  record(epoch: number, index: number, score: number): Promise<number[]>;
}

export class MemoryRungs implements RungStore {
  private readonly at = new Map<number, number[]>();
  async record(epoch: number, _index: number, score: number): Promise<number[]> {
    const list = this.at.get(epoch) ?? [];
    const before = list.slice();
    list.push(score);
    this.at.set(epoch, list);
    return before;
  }
}

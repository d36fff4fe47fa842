/**
 * What a sweep asks of whoever trains: run one trial from its payload (from scratch, or from a
 * checkpoint), report each epoch, hand over a checkpoint every K epochs, ask at each rung whether
 * to go on, and stop cleanly when told to. The CLI implements it with `backprop train`'s code.
 */
import type { TrialPayload } from './payload.js';

/** One epoch of a trial, as the live table shows it. */
export interface TrialProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface TrialContext {
  /** A checkpoint to continue from (the model-file format with optimizer and RNG state), or null. */
  checkpoint: Uint8Array | null;
  /** The data as this machine reads it: a built-in set's name, or a path this machine chose. */
  data: string;
  /** Threads for this trial. */
  workers: number;
  /** Aborted: stop at the next step boundary, checkpoint (onCheckpoint) and return 'drained'. */
  signal: AbortSignal;
  onEpoch(p: TrialProgress): void;
  /** Stores a checkpoint taken at an epoch boundary (awaited before training goes on). */
  onCheckpoint(bytes: Uint8Array, epoch: number): Promise<void>;
  /** At a rung of successive halving: true to go on. */
  atRung(epoch: number, score: number): Promise<boolean>;
}

/** The metrics of a finished (or halted) trial. */
export interface TrialMetrics {
  epochs: number;
  loss: number | null;
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  /** SHA-256 of the parameter bytes (core weightsHash). */
  weights: string;
  /** The epoch the trial resumed from (null: it ran from scratch here). */
  resumedFrom: number | null;
  seconds: number;
}

export type TrialOutcome =
  | { state: 'done' | 'stopped'; model: Uint8Array; metrics: TrialMetrics }
  | { state: 'drained'; epoch: number };

/** Trains one trial. Throws a user error (isUserError/SweepError) for a bad configuration: that trial fails once. */
export type TrialRunner = (payload: TrialPayload, ctx: TrialContext) => Promise<TrialOutcome>;

/** The epochs where a trial pauses: checkpoints every K, and the rungs. */
export function pauses(epochs: number, every: number, rungEpochs: number[]): Set<number> {
  const s = new Set<number>();
  for (let e = every; e < epochs; e += every) s.add(e);
  for (const e of rungEpochs) if (e < epochs) s.add(e);
  return s;
}

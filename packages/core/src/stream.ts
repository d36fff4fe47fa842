/**
 * A batch stream: mini-batches read from somewhere other than a resident Dataset (a file bigger
 * than memory). The stream owns a resident `window` of rows on shared memory, which the gradient
 * engine reads exactly as it reads a Dataset; each `nextBatch` places the next batch's rows in the
 * window and lists their slots at the start of `order`. The Trainer calls it only between steps,
 * so workers never see a row change under them. Determinism is the stream's contract: the same
 * seed and epoch give the same batches, whatever engine runs them.
 */
import type { Dataset } from './dataset.js';

export interface BatchStream {
  /** Rows the engine reads (capacity rows × nIn, × nOut), on shared memory. */
  readonly window: Dataset;
  /** Window slots of the current batch, order[0 … B); one array for the whole run (workers keep a view of it). */
  readonly order: Int32Array;
  /** Rows per epoch (known before training, e.g. from a first pass over the file). */
  readonly N: number;
  /** Starts epoch `epoch` (0-based): rewinds the source and reseeds the shuffle. */
  startEpoch(epoch: number): Promise<void>;
  /** Places up to B rows of the epoch in the window and returns how many (0: the epoch is done). */
  nextBatch(B: number): Promise<number>;
}

/** True for a BatchStream, false for a resident Dataset. */
export function isBatchStream(d: Dataset | BatchStream): d is BatchStream {
  return typeof (d as BatchStream).nextBatch === 'function';
}

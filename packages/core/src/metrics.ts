/**
 * Metrics: accuracy (argmax, or threshold 0.5 for one sigmoid output), mean loss, and the
 * confusion matrix C[true][predicted].
 */
import type { Floats } from './arena.js';
import type { Dataset } from './dataset.js';
import { gatherRows } from './dataset.js';
import type { Network, Workspace } from './network.js';
import type { BatchStream } from './stream.js';

/** Index of the largest of n values starting at `at`. */
export function argmax(v: ArrayLike<number>, at = 0, n = v.length - at): number {
  let best = 0;
  let max = v[at];
  for (let k = 1; k < n; k++) {
    if (v[at + k] > max) {
      max = v[at + k];
      best = k;
    }
  }
  return best;
}

/** Predicted class of row b: argmax, or a ≥ 0.5 for a single output. */
export function predictedClass(a: ArrayLike<number>, b: number, n: number): number {
  return n === 1 ? (a[b] >= 0.5 ? 1 : 0) : argmax(a, b * n, n);
}

/** Number of rows whose predicted class equals the target class. */
export function countCorrect(a: Floats, Y: Floats, B: number, n: number): number {
  let correct = 0;
  for (let b = 0; b < B; b++) if (predictedClass(a, b, n) === predictedClass(Y, b, n)) correct++;
  return correct;
}

export interface Evaluation {
  /** Mean per-sample loss. */
  loss: number;
  /** Fraction classified correctly (null for regression). */
  accuracy: number | null;
  /** confusion[t][p]: samples of true class t predicted as p (null for regression). */
  confusion: number[][] | null;
  N: number;
}

/** Running sums of an evaluation, chunk by chunk. */
class Tally {
  loss = 0;
  correct = 0;
  N = 0;
  readonly confusion: number[][] | null;
  constructor(private readonly net: Network) {
    const classes = net.nOut === 1 ? 2 : net.nOut;
    this.confusion = net.task === 'classification' ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : null;
  }

  /** Adds rows idx[start … start+B) of `data`, gathered into the workspace. */
  add(ws: Workspace, data: Dataset, idx: Int32Array, start: number, B: number): void {
    const net = this.net;
    gatherRows(ws.X, ws.Y, data, idx, start, B);
    const a = net.forward(ws, B);
    this.loss += net.lossSum(ws, B);
    this.N += B;
    if (this.confusion) {
      for (let b = 0; b < B; b++) {
        const t = predictedClass(ws.Y, b, net.nOut);
        const p = predictedClass(a, b, net.nOut);
        this.confusion[t][p]++;
        if (t === p) this.correct++;
      }
    }
  }

  result(): Evaluation {
    return { loss: this.loss / this.N, accuracy: this.confusion ? this.correct / this.N : null, confusion: this.confusion, N: this.N };
  }
}

/** Loss, accuracy and confusion matrix of a network on a dataset, in chunks of `chunk` rows. */
export function evaluate(net: Network, data: Dataset, chunk = 256): Evaluation {
  const ws = net.workspace(Math.max(1, Math.min(chunk, data.N)));
  const tally = new Tally(net);
  const idx = new Int32Array(data.N);
  for (let i = 0; i < data.N; i++) idx[i] = i;
  try {
    for (let start = 0; start < data.N; start += ws.maxB) tally.add(ws, data, idx, start, Math.min(ws.maxB, data.N - start));
  } finally {
    net.backend.release(ws.arena); // transient scratch: reusable by the next call
  }
  return tally.result();
}

/** The same over every row of a batch stream's epoch 0, read in chunks of at most `chunk` rows. */
export async function evaluateStream(net: Network, stream: BatchStream, chunk = 256): Promise<Evaluation> {
  const ws = net.workspace(Math.max(1, Math.min(chunk, stream.window.N)));
  const tally = new Tally(net);
  try {
    await stream.startEpoch(0);
    for (let B = await stream.nextBatch(ws.maxB); B > 0; B = await stream.nextBatch(ws.maxB)) tally.add(ws, stream.window, stream.order, 0, B);
  } finally {
    net.backend.release?.(ws.arena);
  }
  return tally.result();
}

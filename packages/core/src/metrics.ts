/**
 * Metrics: accuracy (argmax, or threshold 0.5 for one sigmoid output), mean loss, and the
 * confusion matrix C[true][predicted].
 */
import type { Floats } from './arena.js';
import type { Dataset } from './dataset.js';
import { gatherRows } from './dataset.js';
import type { Network } from './network.js';

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

/** Loss, accuracy and confusion matrix of a network on a dataset, in chunks of `chunk` rows. */
export function evaluate(net: Network, data: Dataset, chunk = 256): Evaluation {
  const ws = net.workspace(Math.max(1, Math.min(chunk, data.N)));
  const classes = net.nOut === 1 ? 2 : net.nOut;
  const classify = net.task === 'classification';
  const confusion = classify ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : null;
  const idx = new Int32Array(data.N);
  for (let i = 0; i < data.N; i++) idx[i] = i;
  let loss = 0;
  let correct = 0;
  try {
    for (let start = 0; start < data.N; start += ws.maxB) {
      const B = Math.min(ws.maxB, data.N - start);
      gatherRows(ws.X, ws.Y, data, idx, start, B);
      const a = net.forward(ws, B);
      loss += net.lossSum(ws, B);
      if (confusion) {
        for (let b = 0; b < B; b++) {
          const t = predictedClass(ws.Y, b, net.nOut);
          const p = predictedClass(a, b, net.nOut);
          confusion[t][p]++;
          if (t === p) correct++;
        }
      }
    }
  } finally {
    net.backend.release(ws.arena); // transient scratch: reusable by the next call
  }
  return { loss: loss / data.N, accuracy: classify ? correct / data.N : null, confusion, N: data.N };
}

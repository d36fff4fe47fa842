/**
 * Regression in the targets' own units: the network learns y' = (y − shift)·scale (the model's
 * targetNormalization), so outputs map back as y = a/scale + shift before they are reported.
 */
import { outputsToTargets, ShapeError, type Preprocessing } from '@backprop/core';

export interface RegressionErrors {
  /** Mean squared-error loss ½ Σ_k (y_k − ŷ_k)² per row, in target units (the MSE loss of the original targets). */
  loss: number;
  /** Root mean squared error over all rows and targets. */
  rmse: number;
  /** Mean absolute error over all rows and targets. */
  mae: number;
  N: number;
}

/** Errors of outputs a (N, K) against normalised targets Y (N, K), both mapped back to target units. */
export function regressionErrors(pre: Preprocessing, a: ArrayLike<number>, Y: ArrayLike<number>, N: number): RegressionErrors {
  if (a.length !== Y.length || N === 0 || a.length % N !== 0) throw new ShapeError(`outputs have ${a.length} numbers and targets ${Y.length}, not the same rows × targets for ${N} rows`);
  const yHat = outputsToTargets(pre, a);
  const y = outputsToTargets(pre, Y);
  let ss = 0;
  let abs = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - yHat[i];
    ss += d * d;
    abs += Math.abs(d);
  }
  return { loss: ss / 2 / N, rmse: Math.sqrt(ss / y.length), mae: abs / y.length, N };
}

/**
 * Label encoding: class name ↔ index k, and one-hot rows y with y_k = 1. The names and their
 * order travel in Preprocessing.labels, so a model maps outputs back to the names it was trained on.
 */
import { ConfigError, DataError, type DType, type Floats, type Preprocessing } from '@backprop/core';
import { describeLocation, type Location } from './errors.js';

function classLabels(pre: Preprocessing): string[] {
  if (!pre.labels) {
    throw new ConfigError(`this model does regression (targets: ${(pre.targets ?? ['y']).join(', ')}); it has no class labels to encode or decode`);
  }
  return pre.labels;
}

/** The output index k of a class name; an unknown name is an error that lists the known ones. */
export function labelIndex(pre: Preprocessing, name: string, at?: Location): number {
  const labels = classLabels(pre);
  const k = labels.indexOf(name);
  if (k < 0) {
    const where = at ? `${describeLocation(at)}: ` : '';
    const known = labels.length > 12 ? `${labels.slice(0, 12).join(', ')}, … (${labels.length})` : labels.join(', ');
    throw new DataError(`${where}unknown label "${name}": the model was trained on the labels ${known}; use one of those (labels are case-sensitive) or retrain with data that has this class`);
  }
  return k;
}

/** The class name of output index k. */
export function labelName(pre: Preprocessing, k: number): string {
  const labels = classLabels(pre);
  if (!Number.isInteger(k) || k < 0 || k >= labels.length) throw new ConfigError(`class index ${k} is outside the model's ${labels.length} classes (0 … ${labels.length - 1})`);
  return labels[k];
}

/** One-hot rows (N, K) for class names: row i has a 1 in column labelIndex(names[i]). */
export function oneHot(pre: Preprocessing, names: string[], dtype: DType = 'f32'): Floats {
  const K = classLabels(pre).length;
  const Y = dtype === 'f64' ? new Float64Array(names.length * K) : new Float32Array(names.length * K);
  for (let i = 0; i < names.length; i++) Y[i * K + labelIndex(pre, names[i], { row: i })] = 1;
  return Y;
}

/** The predicted class name of each of N output rows a (N, K): the name of argmax_k a_k. */
export function predictedLabels(pre: Preprocessing, a: ArrayLike<number>, N: number): string[] {
  const labels = classLabels(pre);
  const K = labels.length;
  if (a.length !== N * K) throw new ConfigError(`outputs have ${a.length} numbers, not ${N} rows × ${K} classes; pass the network's outputs for these rows`);
  const out = new Array<string>(N);
  for (let b = 0; b < N; b++) {
    const row = b * K;
    let best = 0;
    for (let k = 1; k < K; k++) if (a[row + k] > a[row + best]) best = k;
    out[b] = labels[best];
  }
  return out;
}

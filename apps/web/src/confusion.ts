/**
 * A confusion matrix: counts[t][p] = test rows of true class t predicted as p; per-class
 * accuracy is the diagonal over each row's sum.
 */
export interface Confusion {
  K: number;
  counts: number[][];
  total: number;
  correct: number;
}

export function confusion(truth: ArrayLike<number>, predicted: ArrayLike<number>, K: number): Confusion {
  if (truth.length !== predicted.length) throw new Error(`confusion: ${truth.length} true labels but ${predicted.length} predictions`);
  const counts = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const tr = truth[i];
    const pr = predicted[i];
    if (!(tr >= 0 && tr < K && pr >= 0 && pr < K)) throw new Error(`confusion: row ${i} has class ${tr} → ${pr}, outside 0…${K - 1}`);
    counts[tr][pr]++;
    if (tr === pr) correct++;
  }
  return { K, counts, total: truth.length, correct };
}

/** Accuracy of each true class (null for a class with no rows). */
export function perClassAccuracy(c: Confusion): (number | null)[] {
  return c.counts.map((row, k) => {
    const n = row.reduce((s, v) => s + v, 0);
    return n === 0 ? null : row[k] / n;
  });
}

/** Row indices with true class t predicted as p (a clicked cell). */
export function cellRows(truth: ArrayLike<number>, predicted: ArrayLike<number>, t: number, p: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] === t && predicted[i] === p) rows.push(i);
  return rows;
}

/**
 * An independent float64 oracle for tests: the network's loss written from scratch with
 * nested arrays and its own formulas (it imports nothing from the code under test), so
 * finite differences of it check the analytic gradients of the real code.
 */

export type OracleAct = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'linear' | 'softplus' | 'softmax';

function act(name: OracleAct, z: number[]): number[] {
  switch (name) {
    case 'sigmoid':
      return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return z.map((v) => (Math.exp(v) - Math.exp(-v)) / (Math.exp(v) + Math.exp(-v)));
    case 'relu':
      return z.map((v) => Math.max(0, v));
    case 'leaky_relu':
      return z.map((v) => (v > 0 ? v : 0.01 * v));
    case 'linear':
      return z.slice();
    case 'softplus':
      return z.map((v) => Math.log(1 + Math.exp(v)));
    case 'softmax': {
      const e = z.map((v) => Math.exp(v));
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v) => v / s);
    }
  }
}

/** Mean loss over rows, weights given as a flat vector in the W layout (bias in column 0). */
function oracleLoss(
  sizes: number[], acts: OracleAct[], loss: 'mse' | 'cce' | 'bce',
  params: ArrayLike<number>, X: number[][], Y: number[][],
): number {
  let total = 0;
  for (let r = 0; r < X.length; r++) {
    let a = X[r];
    let off = 0;
    for (let l = 1; l < sizes.length; l++) {
      const nIn = sizes[l - 1];
      const z: number[] = [];
      for (let k = 0; k < sizes[l]; k++) {
        let s = params[off + k * (nIn + 1)];
        for (let j = 0; j < nIn; j++) s += params[off + k * (nIn + 1) + 1 + j] * a[j];
        z.push(s);
      }
      off += sizes[l] * (nIn + 1);
      a = act(acts[l - 1], z);
    }
    const y = Y[r];
    for (let k = 0; k < a.length; k++) {
      if (loss === 'mse') total += 0.5 * (y[k] - a[k]) ** 2;
      else if (loss === 'cce') total += -y[k] * Math.log(a[k]);
      else total += -(y[k] * Math.log(a[k]) + (1 - y[k]) * Math.log(1 - a[k]));
    }
  }
  return total / X.length;
}

/** Central differences of oracleLoss with respect to every parameter. */
export function oracleGradient(
  sizes: number[], acts: OracleAct[], loss: 'mse' | 'cce' | 'bce',
  params: ArrayLike<number>, X: number[][], Y: number[][], eps = 1e-6,
): number[] {
  const w = Array.from(params);
  const g: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const keep = w[i];
    w[i] = keep + eps;
    const up = oracleLoss(sizes, acts, loss, w, X, Y);
    w[i] = keep - eps;
    const down = oracleLoss(sizes, acts, loss, w, X, Y);
    w[i] = keep;
    g.push((up - down) / (2 * eps));
  }
  return g;
}

/** Rows of a flat matrix as nested arrays. */
export function rows(M: ArrayLike<number>, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < M.length; i += cols) out.push(Array.from({ length: cols }, (_, j) => M[i + j]));
  return out;
}

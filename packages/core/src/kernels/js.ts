/**
 * The three batched shapes of a dense layer (DESIGN.md §5) as plain loops: the reference
 * kernels. W: (nOut, nIn+1) row-major with the bias in column 0; X: (B, nIn).
 */
import type { Floats } from '../arena.js';

/** net = X·W[:,1:]ᵀ + W[:,0]   net: (B, nOut). */
export function denseForward(net: Floats, W: Floats, X: Floats, B: number, nIn: number, nOut: number): void {
  const cols = nIn + 1;
  for (let b = 0; b < B; b++) {
    const xRow = b * nIn;
    const netRow = b * nOut;
    for (let k = 0; k < nOut; k++) {
      const wRow = k * cols;
      let s = W[wRow]; // x_0 = 1 picks up the bias
      for (let j = 0; j < nIn; j++) s += W[wRow + 1 + j] * X[xRow + j];
      net[netRow + k] = s;
    }
  }
}

/** dW += Δᵀ·[1|X]: column 0 gets Σ_b δ_b, column j gets Σ_b δ_bk x_bj.   dW: (nOut, nIn+1). */
export function denseBackwardWeights(dW: Floats, delta: Floats, X: Floats, B: number, nIn: number, nOut: number): void {
  const cols = nIn + 1;
  for (let k = 0; k < nOut; k++) {
    const wRow = k * cols;
    for (let b = 0; b < B; b++) {
      const d = delta[b * nOut + k];
      if (d === 0) continue; // ReLU zeros are common; skipping them changes no sum
      const xRow = b * nIn;
      dW[wRow] += d;
      for (let j = 0; j < nIn; j++) dW[wRow + 1 + j] += d * X[xRow + j];
    }
  }
}

/** da = Δ·W[:,1:] (overwritten): ∂L/∂x = Wᵀδ with element 0 (the bias input) dropped.   da: (B, nIn). */
export function denseBackwardInput(da: Floats, delta: Floats, W: Floats, B: number, nIn: number, nOut: number): void {
  const cols = nIn + 1;
  for (let b = 0; b < B; b++) {
    const aRow = b * nIn;
    for (let j = 0; j < nIn; j++) da[aRow + j] = 0;
    for (let k = 0; k < nOut; k++) {
      const d = delta[b * nOut + k];
      if (d === 0) continue;
      const wRow = k * cols + 1;
      for (let j = 0; j < nIn; j++) da[aRow + j] += d * W[wRow + j];
    }
  }
}

/** SGD on the flat vector: g = scale·grad (written back to grad); w ← w − η g. */
export function sgdStep(params: Floats, grad: Floats, scale: number, lr: number): void {
  const P = params.length;
  for (let i = 0; i < P; i++) {
    grad[i] *= scale; // stored, then read back: the mean gradient in the parameters' precision
    params[i] -= lr * grad[i];
  }
}

/** g = scale·grad; v ← μv + g; w ← w − η v  (nesterov: w ← w − η (g + μv)). */
export function momentumStep(params: Floats, grad: Floats, v: Floats, scale: number, lr: number, mu: number, nesterov: boolean): void {
  const P = params.length;
  for (let i = 0; i < P; i++) {
    grad[i] *= scale;
    const g = grad[i];
    const vi = mu * v[i] + g;
    v[i] = vi;
    params[i] -= lr * (nesterov ? g + mu * vi : vi);
  }
}

/** g = scale·grad; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η m̂/(√v̂ + ε) at step t ≥ 1. */
export function adamStep(params: Floats, grad: Floats, m: Floats, v: Floats, scale: number, lr: number, beta1: number, beta2: number, eps: number, t: number): void {
  const P = params.length;
  const c1 = 1 / (1 - Math.pow(beta1, t)); // bias corrections: m̂ = m·c1, v̂ = v·c2
  const c2 = 1 / (1 - Math.pow(beta2, t));
  for (let i = 0; i < P; i++) {
    grad[i] *= scale;
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
  }
}

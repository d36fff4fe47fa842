/**
 * Losses per sample and the output error δ^[L], one table entry each, value beside gradient:
 *   MSE  L = ½ Σ (y − a)²                 ∂L/∂a = a − y                       (note eq. 0.1)
 *   CCE  L = −Σ y log a                    ∂L/∂a = −y / a
 *   BCE  L = −Σ y log a + (1−y) log(1−a)   ∂L/∂a = (a − y) / (a (1 − a))
 * δ^[L] = J_φᵀ ∂L/∂a in general; the output pairs where the algebra cancels are fused:
 *   softmax + CCE  δ^[L] = (Σ y)·a − y   (note eq. 0.2)     sigmoid + BCE  δ^[L] = a − y
 *   sigmoid + CCE  δ^[L] = y ⊙ (a − 1)
 * and compute their loss from net (log-sum-exp, softplus), so a saturated output gives a large
 * finite loss, not Infinity. Plain loops; exp, log and softplus from ./math.js (the same bits
 * on every engine).
 */
import type { ActivationName } from './activations.js';
import type { Floats } from './arena.js';
import { exp, log, log1p, softplus } from './math.js';
import type { Kernels } from './kernels/index.js';

export type LossName = 'mse' | 'cce' | 'bce';
export const LOSSES: readonly LossName[] = ['mse', 'cce', 'bce'];

/** A loss over B rows of n outputs: its value from a, and g = ∂L/∂a. */
export interface Loss {
  value(a: Floats, Y: Floats, B: number, n: number): number;
  dA(g: Floats, a: Floats, Y: Floats, B: number, n: number): void;
}

export const LOSS: Readonly<Record<LossName, Loss>> = {
  mse: {
    value(a, Y, B, n) {
      let total = 0;
      for (let i = 0; i < B * n; i++) {
        const e = Y[i] - a[i];
        total += 0.5 * e * e;
      }
      return total;
    },
    dA(g, a, Y, B, n) {
      for (let i = 0; i < B * n; i++) g[i] = a[i] - Y[i];
    },
  },
  cce: {
    value(a, Y, B, n) {
      let total = 0;
      for (let i = 0; i < B * n; i++) if (Y[i] !== 0) total -= Y[i] * log(a[i]);
      return total;
    },
    dA(g, a, Y, B, n) {
      for (let i = 0; i < B * n; i++) g[i] = -Y[i] / a[i];
    },
  },
  bce: {
    value(a, Y, B, n) {
      let total = 0;
      for (let i = 0; i < B * n; i++) total -= Y[i] * log(a[i]) + (1 - Y[i]) * log1p(-a[i]);
      return total;
    },
    dA(g, a, Y, B, n) {
      for (let i = 0; i < B * n; i++) g[i] = (a[i] - Y[i]) / (a[i] * (1 - a[i]));
    },
  },
};

/** An output activation fused with its loss: the same Σ L computed from net, and δ^[L] = ∂L/∂net directly. */
export interface FusedOutput {
  value(net: Floats, Y: Floats, B: number, n: number): number;
  delta(delta: Floats, a: Floats, Y: Floats, B: number, n: number): void;
}

type Pair = `${ActivationName}+${LossName}`;

export const FUSED: Readonly<Partial<Record<Pair, FusedOutput>>> = {
  'softmax+cce': {
    /** log a_k = net_k − log Σ_j exp(net_j). */
    value(net, Y, B, n) {
      let total = 0;
      for (let b = 0; b < B; b++) {
        const row = b * n;
        let max = -Infinity;
        for (let k = 0; k < n; k++) if (net[row + k] > max) max = net[row + k];
        let s = 0;
        for (let k = 0; k < n; k++) s += exp(net[row + k] - max);
        const lse = max + log(s);
        for (let k = 0; k < n; k++) if (Y[row + k] !== 0) total -= Y[row + k] * (net[row + k] - lse);
      }
      return total;
    },
    /** δ = (Σ_k y_k)·a − y: a − y only when Σy = 1 (label smoothing, soft or unnormalised targets). */
    delta(delta, a, Y, B, n) {
      for (let b = 0; b < B; b++) {
        const row = b * n;
        let sy = 0;
        for (let k = 0; k < n; k++) sy += Y[row + k];
        for (let k = 0; k < n; k++) delta[row + k] = sy * a[row + k] - Y[row + k];
      }
    },
  },
  'sigmoid+bce': {
    /** log a = −softplus(−net), log(1 − a) = −softplus(net). */
    value(net, Y, B, n) {
      let total = 0;
      for (let i = 0; i < B * n; i++) total += Y[i] * softplus(-net[i]) + (1 - Y[i]) * softplus(net[i]);
      return total;
    },
    delta(delta, a, Y, B, n) {
      for (let i = 0; i < B * n; i++) delta[i] = a[i] - Y[i];
    },
  },
  'sigmoid+cce': {
    value(net, Y, B, n) {
      let total = 0;
      for (let i = 0; i < B * n; i++) if (Y[i] !== 0) total += Y[i] * softplus(-net[i]);
      return total;
    },
    /** −y/a · a(1 − a) = y (a − 1): no division, so a saturated a = 0 gives −y, not NaN. */
    delta(delta, a, Y, B, n) {
      for (let i = 0; i < B * n; i++) delta[i] = Y[i] * (a[i] - 1);
    },
  },
};

/** The fused entry of an output pairing, if its algebra cancels. */
function fusedOutput(output: ActivationName, loss: LossName): FusedOutput | undefined {
  return FUSED[`${output}+${loss}`];
}

/** Σ over B rows of the per-sample loss (from net where the pairing is fused, else from a). */
export function lossSum(loss: LossName, output: ActivationName, net: Floats, a: Floats, Y: Floats, B: number, n: number): number {
  const fused = fusedOutput(output, loss);
  return fused ? fused.value(net, Y, B, n) : LOSS[loss].value(a, Y, B, n);
}

/** δ^[L] for B rows: fused, or g = ∂L/∂a into delta and then δ = J_φᵀ g in place on the kernels. */
export function outputDelta(
  kernels: Kernels, loss: LossName, output: ActivationName,
  delta: Floats, net: Floats, a: Floats, Y: Floats, B: number, n: number,
): void {
  const fused = fusedOutput(output, loss);
  if (fused) return fused.delta(delta, a, Y, B, n);
  LOSS[loss].dA(delta, a, Y, B, n);
  kernels.activationBackward(output, delta, delta, net, a, B, n);
}

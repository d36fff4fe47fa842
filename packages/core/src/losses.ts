/**
 * Losses per sample and the output error δ^[L].
 *   MSE  L = ½ Σ (y − a)²             ∂L/∂a = a − y                       (note eq. 0.1)
 *   CCE  L = −Σ y log a, a = softmax   δ^[L] = (Σ y)·a − y                 (note eq. 0.2)
 *   BCE  L = −Σ y log a + (1−y) log(1−a), a = sigmoid   δ^[L] = a − y
 * Any other pairing: δ^[L] = J_φᵀ ∂L/∂a (activationBackward).
 */
import { softplus, type ActivationName } from './activations.js';
import type { Floats } from './arena.js';
import { ConfigError } from './errors.js';
import type { Kernels } from './kernels/index.js';

export type LossName = 'mse' | 'cce' | 'bce';
export const LOSSES: readonly LossName[] = ['mse', 'cce', 'bce'];

/** Checks a loss name and its pairing with the output activation. */
export function checkLoss(name: string, output: ActivationName): LossName {
  if (!(LOSSES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown loss "${name}"; use one of ${LOSSES.join(', ')} (mse = ½Σ(y−a)², cce = categorical cross-entropy, bce = binary cross-entropy)`);
  }
  if ((name === 'cce' || name === 'bce') && output !== 'softmax' && output !== 'sigmoid') {
    throw new ConfigError(`loss "${name}" takes log a, so it needs outputs in (0, 1); use output "softmax" (or "sigmoid"), not "${output}"`);
  }
  return name as LossName;
}

/**
 * Σ over B rows of the per-sample loss. Cross-entropies are computed from net with
 * log-sum-exp / softplus, so a saturated output gives a large finite loss, not Infinity.
 */
export function lossSum(loss: LossName, output: ActivationName, net: Floats, a: Floats, Y: Floats, B: number, n: number): number {
  let total = 0;
  if (loss === 'mse') {
    for (let i = 0; i < B * n; i++) {
      const e = Y[i] - a[i];
      total += 0.5 * e * e;
    }
  } else if (loss === 'cce') {
    for (let b = 0; b < B; b++) {
      const row = b * n;
      if (output === 'softmax') {
        // log a_k = net_k − log Σ_j exp(net_j)
        let max = -Infinity;
        for (let k = 0; k < n; k++) if (net[row + k] > max) max = net[row + k];
        let s = 0;
        for (let k = 0; k < n; k++) s += Math.exp(net[row + k] - max);
        const lse = max + Math.log(s);
        for (let k = 0; k < n; k++) if (Y[row + k] !== 0) total -= Y[row + k] * (net[row + k] - lse);
      } else {
        // sigmoid outputs: log a = −softplus(−net)
        for (let k = 0; k < n; k++) if (Y[row + k] !== 0) total += Y[row + k] * softplus(-net[row + k]);
      }
    }
  } else {
    if (output === 'sigmoid') {
      // log a = −softplus(−net), log(1 − a) = −softplus(net)
      for (let i = 0; i < B * n; i++) total += Y[i] * softplus(-net[i]) + (1 - Y[i]) * softplus(net[i]);
    } else {
      for (let i = 0; i < B * n; i++) total -= Y[i] * Math.log(a[i]) + (1 - Y[i]) * Math.log1p(-a[i]);
    }
  }
  return total;
}

/**
 * δ^[L] for B rows. Fused where the algebra cancels (softmax+CCE, sigmoid+BCE, linear+MSE);
 * otherwise δ = J_φᵀ ∂L/∂a through the activation's backward rule.
 */
export function outputDelta(
  kernels: Kernels, loss: LossName, output: ActivationName,
  delta: Floats, net: Floats, a: Floats, Y: Floats, B: number, n: number,
): void {
  const len = B * n;
  if (loss === 'cce' && output === 'softmax') {
    if (kernels.softmaxCrossEntropyDelta) return kernels.softmaxCrossEntropyDelta(delta, a, Y, B, n);
    for (let b = 0; b < B; b++) {
      const row = b * n;
      let sy = 0;
      for (let k = 0; k < n; k++) sy += Y[row + k];
      for (let k = 0; k < n; k++) delta[row + k] = sy * a[row + k] - Y[row + k]; // (Σy)·a − y
    }
    return;
  }
  if (loss === 'bce' && output === 'sigmoid') {
    for (let i = 0; i < len; i++) delta[i] = a[i] - Y[i];
    return;
  }
  // g = ∂L/∂a into delta, then δ = J_φᵀ g in place
  if (loss === 'mse') {
    for (let i = 0; i < len; i++) delta[i] = a[i] - Y[i];
  } else if (loss === 'cce') {
    for (let i = 0; i < len; i++) delta[i] = -Y[i] / a[i];
  } else {
    for (let i = 0; i < len; i++) delta[i] = (a[i] - Y[i]) / (a[i] * (1 - a[i]));
  }
  kernels.activationBackward(output, delta, delta, net, a, B, n);
}

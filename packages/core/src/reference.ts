/**
 * The per-sample path, written straight from the note for one sample with plain loops:
 *   x^[l-1] = [1; a^[l-1]],  net^[l] = W^[l] x^[l-1],  a^[l] = φ(net^[l])
 *   δ^[l] = ∂L/∂a^[l] ⊙ φ'(net^[l]),  ∂L/∂W^[l] = δ^[l] (x^[l-1])ᵀ,  ∂L/∂x^[l-1] = (W^[l])ᵀ δ^[l]
 * Everything is materialised (x with its leading 1, ∂L/∂x with element 0) so that tests and
 * `backprop explain` can show each quantity. Arithmetic in float64.
 */
import { ACT } from './activations.js';
import { exp, log, log1p, softplus } from './math.js';
import type { Network } from './network.js';

export interface SampleForward {
  /** x[l] = [1; a^[l]] for l = 0 … L−1 (the input of layer l+1). */
  x: number[][];
  /** net[l-1] = net^[l], a[l-1] = a^[l] for l = 1 … L. */
  net: number[][];
  a: number[][];
}

export interface SampleBackward {
  loss: number;
  /** ∂L/∂a^[l], φ'(net^[l]) (null for softmax, which mixes a row), δ^[l], ∂L/∂W^[l] (rows × (nIn+1)), ∂L/∂x^[l-1] (with element 0) for l = 1 … L, at index l−1. */
  dA: number[][];
  dphi: (number[] | null)[];
  delta: number[][];
  dW: number[][][];
  dX: number[][];
}

/** Forward pass for one sample a^[0]. */
export function forwardSample(net: Network, a0: ArrayLike<number>): SampleForward {
  const x: number[][] = [];
  const nets: number[][] = [];
  const as: number[][] = [];
  let a = Array.from(a0);
  for (let l = 0; l < net.L; l++) {
    const { nIn, nOut, phi } = net.layers[l];
    const W = net.W[l];
    const xl = [1, ...a]; // x_0 = 1
    const netl: number[] = [];
    for (let k = 0; k < nOut; k++) {
      let s = 0;
      for (let j = 0; j <= nIn; j++) s += W[k * (nIn + 1) + j] * xl[j];
      netl.push(s);
    }
    let al: number[];
    if (phi === 'softmax') {
      const out = new Float64Array(nOut);
      ACT.softmax.forward(out, Float64Array.from(netl), 1, nOut);
      al = Array.from(out);
    } else {
      al = netl.map((v) => ACT[phi].f(v));
    }
    x.push(xl);
    nets.push(netl);
    as.push(al);
    a = al;
  }
  return { x, net: nets, a: as };
}

/** Loss of one sample, and ∂L/∂a^[L] (what the note's eq. 0.1 gives for MSE). */
function sampleLoss(net: Network, fw: SampleForward, y: number[]): { loss: number; dA: number[] } {
  const top = net.L - 1;
  const a = fw.a[top];
  const z = fw.net[top];
  const out = net.output;
  switch (net.spec.loss) {
    case 'mse':
      return { loss: a.reduce((s, ak, k) => s + 0.5 * (y[k] - ak) * (y[k] - ak), 0), dA: a.map((ak, k) => ak - y[k]) };
    case 'cce': {
      const loss = out === 'softmax'
        ? -y.reduce((s, yk, k) => s + (yk === 0 ? 0 : yk * (z[k] - logSumExp(z))), 0)
        : y.reduce((s, yk, k) => s + (yk === 0 ? 0 : yk * softplus(-z[k])), 0);
      return { loss, dA: a.map((ak, k) => -y[k] / ak) };
    }
    case 'bce': {
      const loss = out === 'sigmoid'
        ? y.reduce((s, yk, k) => s + yk * softplus(-z[k]) + (1 - yk) * softplus(z[k]), 0)
        : -y.reduce((s, yk, k) => s + yk * log(a[k]) + (1 - yk) * log1p(-a[k]), 0);
      return { loss, dA: a.map((ak, k) => (ak - y[k]) / (ak * (1 - ak))) };
    }
  }
}

function logSumExp(z: number[]): number {
  const m = Math.max(...z);
  return m + log(z.reduce((s, v) => s + exp(v - m), 0));
}

/** Backward pass for one sample with target y, following the note from l = L down to 1. */
export function backwardSample(net: Network, fw: SampleForward, y: ArrayLike<number>): SampleBackward {
  const L = net.L;
  const yy = Array.from(y);
  const { loss, dA: dAL } = sampleLoss(net, fw, yy);
  const dA = new Array<number[]>(L);
  const dphi = new Array<number[] | null>(L);
  const delta = new Array<number[]>(L);
  const dW = new Array<number[][]>(L);
  const dX = new Array<number[]>(L);
  dA[L - 1] = dAL;
  for (let l = L - 1; l >= 0; l--) {
    const { nIn, nOut, phi } = net.layers[l];
    const a = fw.a[l];
    const z = fw.net[l];
    const g = dA[l];
    dphi[l] = phi === 'softmax' ? null : z.map((zk, k) => ACT[phi].df(zk, a[k]));
    if (l === L - 1 && phi === 'softmax' && net.spec.loss === 'cce') {
      const sy = yy.reduce((s, v) => s + v, 0);
      delta[l] = a.map((ak, k) => sy * ak - yy[k]); // eq. 0.2: δ^[L] = (Σy)·a − y
    } else if (phi === 'softmax') {
      const ga = g.reduce((s, gk, k) => s + gk * a[k], 0);
      delta[l] = a.map((ak, k) => ak * (g[k] - ga)); // J_softmaxᵀ g
    } else {
      const d = dphi[l]!;
      delta[l] = g.map((gk, k) => gk * d[k]); // ∂L/∂a ⊙ φ'(net)
    }
    // ∂L/∂W = δ xᵀ
    dW[l] = delta[l].map((dk) => fw.x[l].map((xj) => dk * xj));
    // ∂L/∂x = Wᵀ δ
    const W = net.W[l];
    const dx: number[] = [];
    for (let j = 0; j <= nIn; j++) {
      let s = 0;
      for (let k = 0; k < nOut; k++) s += W[k * (nIn + 1) + j] * delta[l][k];
      dx.push(s);
    }
    dX[l] = dx;
    if (l > 0) dA[l - 1] = dx.slice(1); // drop element 0: x_0 = 1 is not an activation
  }
  return { loss, dA, dphi, delta, dW, dX };
}

/**
 * Activations φ with their derivatives: a = φ(net), and the backward rule
 * δ = ∂L/∂a ⊙ φ'(net) (elementwise φ) or δ = J_φᵀ ∂L/∂a (softmax, which mixes a row).
 */
import { ConfigError } from './errors.js';
import type { Floats } from './arena.js';

export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'linear' | 'softplus' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus', 'softmax'];
/** Activations allowed on hidden layers (softmax only on the output). */
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus'];

/** Slope of leaky ReLU for net < 0. */
export const LEAKY_SLOPE = 0.01;

/** A scalar activation: f(net) and φ'(net) given both net and a = f(net). */
export interface Phi {
  readonly name: ActivationName;
  f(net: number): number;
  df(net: number, a: number): number;
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  // split by sign so exp never overflows
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The elementwise activations as scalar pairs (softmax is not elementwise: see softmaxRows). */
export const PHI: Readonly<Record<Exclude<ActivationName, 'softmax'>, Phi>> = {
  sigmoid: { name: 'sigmoid', f: sigmoid, df: (_n, a) => a * (1 - a) },
  tanh: { name: 'tanh', f: Math.tanh, df: (_n, a) => 1 - a * a },
  relu: { name: 'relu', f: (x) => (x > 0 ? x : 0), df: (n) => (n > 0 ? 1 : 0) },
  leaky_relu: { name: 'leaky_relu', f: (x) => (x > 0 ? x : LEAKY_SLOPE * x), df: (n) => (n > 0 ? 1 : LEAKY_SLOPE) },
  linear: { name: 'linear', f: (x) => x, df: () => 1 },
  softplus: { name: 'softplus', f: softplus, df: (n) => sigmoid(n) },
};

/** Checks an activation name and says which ones exist. */
export function checkActivation(name: string, where: string): ActivationName {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown activation "${name}" for ${where}; use one of ${ACTIVATIONS.join(', ')}`);
  }
  return name as ActivationName;
}

/** a = φ(net) for B rows of n values; softmax is stable (the row max is subtracted). */
export function activationForward(name: ActivationName, a: Floats, net: Floats, B: number, n: number): void {
  const len = B * n;
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < len; i++) a[i] = sigmoid(net[i]);
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) a[i] = Math.tanh(net[i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) a[i] = net[i] > 0 ? net[i] : 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < len; i++) a[i] = net[i] > 0 ? net[i] : LEAKY_SLOPE * net[i];
      return;
    case 'linear':
      if (a !== net) for (let i = 0; i < len; i++) a[i] = net[i];
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) a[i] = softplus(net[i]);
      return;
    case 'softmax':
      softmaxRows(a, net, B, n);
      return;
  }
}

/** Row-wise softmax: a_k = exp(net_k − max) / Σ_j exp(net_j − max). */
export function softmaxRows(a: Floats, net: Floats, B: number, n: number): void {
  for (let b = 0; b < B; b++) {
    const row = b * n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (net[row + k] > max) max = net[row + k];
    let s = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.exp(net[row + k] - max);
      a[row + k] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let k = 0; k < n; k++) a[row + k] *= inv;
  }
}

/**
 * δ = J_φ(net)ᵀ g, with g = ∂L/∂a. Elementwise φ: δ = g ⊙ φ'(net).
 * Softmax: δ = a ⊙ (g − (g·a)) per row. `delta` may alias `g`.
 */
export function activationBackward(name: ActivationName, delta: Floats, g: Floats, net: Floats, a: Floats, B: number, n: number): void {
  const len = B * n;
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < len; i++) delta[i] = g[i] * a[i] * (1 - a[i]);
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) delta[i] = g[i] * (1 - a[i] * a[i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) delta[i] = net[i] > 0 ? g[i] : 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < len; i++) delta[i] = net[i] > 0 ? g[i] : LEAKY_SLOPE * g[i];
      return;
    case 'linear':
      if (delta !== g) for (let i = 0; i < len; i++) delta[i] = g[i];
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) delta[i] = g[i] * sigmoid(net[i]);
      return;
    case 'softmax':
      for (let b = 0; b < B; b++) {
        const row = b * n;
        let ga = 0;
        for (let k = 0; k < n; k++) ga += g[row + k] * a[row + k];
        for (let k = 0; k < n; k++) delta[row + k] = a[row + k] * (g[row + k] - ga);
      }
      return;
  }
}

/**
 * Activations φ, one table entry each: the scalar pair { f, df } of the note, then the batched
 * forward a = φ(net) a few lines above its backward δ = J_φᵀ g (elementwise φ: δ = g ⊙ φ'(net);
 * softmax mixes a row). Plain loops over typed arrays, the reference every kernel family
 * matches. The exponentials come from ./math.js (IEEE basic operations only), never from the
 * engine's Math, so every engine computes the same bits. A Float32Array result takes the
 * f32-targeted forms (sigmoidF32, …: no double-double steps that the f32 rounding would discard),
 * as the WASM kernels do; f64 views and the scalar f/df keep the forms accurate in f64.
 */
import type { Floats } from './arena.js';
import { exp, sigmoid, sigmoidF32, softplus, softplusF32, tanh, tanhF32 } from './math.js';

export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'linear' | 'softplus' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus', 'softmax'];
/** Activations allowed on hidden layers (softmax only on the output). */
export const HIDDEN_ACTIVATIONS: readonly Exclude<ActivationName, 'softmax'>[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus'];

/** Slope of leaky ReLU for net < 0 (the WASM kernels receive it as an argument: one constant). */
export const LEAKY_SLOPE = 0.01;

/** Batched φ over B rows of n values: a = φ(net), and δ = J_φ(net)ᵀ g (`delta` may alias `g`). */
export interface Activation {
  forward(a: Floats, net: Floats, B: number, n: number): void;
  backward(delta: Floats, g: Floats, net: Floats, a: Floats, B: number, n: number): void;
}

/** An elementwise φ: also the scalar f(net) and φ'(net) given both net and a = f(net). */
export interface Elementwise extends Activation {
  f(net: number): number;
  df(net: number, a: number): number;
}

// Each φ' once, as a named function: the scalar df and the batched backward loop both call it.
const dsigmoid = (a: number): number => a * (1 - a);
const dtanh = (a: number): number => 1 - a * a;
const relu = (x: number): number => (x > 0 ? x : 0);
const drelu = (x: number): number => (x > 0 ? 1 : 0);
const leaky = (x: number): number => (x > 0 ? x : LEAKY_SLOPE * x);
const dleaky = (x: number): number => (x > 0 ? 1 : LEAKY_SLOPE);

/** The activation table: ACT[name] = { f, df, forward, backward } (softmax: forward and backward only). */
export const ACT: Readonly<Record<Exclude<ActivationName, 'softmax'>, Elementwise> & { softmax: Activation }> = {
  sigmoid: {
    f: sigmoid,
    df: (_net, a) => dsigmoid(a),
    forward(a, net, B, n) {
      if (a instanceof Float32Array) for (let i = 0; i < B * n; i++) a[i] = sigmoidF32(net[i]);
      else for (let i = 0; i < B * n; i++) a[i] = sigmoid(net[i]);
    },
    backward(delta, g, _net, a, B, n) {
      for (let i = 0; i < B * n; i++) delta[i] = g[i] * dsigmoid(a[i]);
    },
  },
  tanh: {
    f: tanh,
    df: (_net, a) => dtanh(a),
    forward(a, net, B, n) {
      if (a instanceof Float32Array) for (let i = 0; i < B * n; i++) a[i] = tanhF32(net[i]);
      else for (let i = 0; i < B * n; i++) a[i] = tanh(net[i]);
    },
    backward(delta, g, _net, a, B, n) {
      for (let i = 0; i < B * n; i++) delta[i] = g[i] * dtanh(a[i]);
    },
  },
  relu: {
    f: relu,
    df: (net) => drelu(net),
    forward(a, net, B, n) {
      for (let i = 0; i < B * n; i++) a[i] = relu(net[i]);
    },
    backward(delta, g, net, _a, B, n) {
      // g·[net > 0] as a select, not a product: a dead unit passes +0 (g·0 would give −0 for g < 0,
      // NaN for g = ±∞), the bits of the WASM family's masked lanes
      for (let i = 0; i < B * n; i++) delta[i] = net[i] > 0 ? g[i] : 0;
    },
  },
  leaky_relu: {
    f: leaky,
    df: (net) => dleaky(net),
    forward(a, net, B, n) {
      for (let i = 0; i < B * n; i++) a[i] = leaky(net[i]);
    },
    backward(delta, g, net, _a, B, n) {
      for (let i = 0; i < B * n; i++) delta[i] = g[i] * dleaky(net[i]);
    },
  },
  linear: {
    f: (x) => x,
    df: () => 1,
    forward(a, net, B, n) {
      if (a !== net) for (let i = 0; i < B * n; i++) a[i] = net[i]; // a network's linear layer keeps a = net: no copy
    },
    backward(delta, g, _net, _a, B, n) {
      if (delta !== g) for (let i = 0; i < B * n; i++) delta[i] = g[i];
    },
  },
  softplus: {
    f: softplus,
    df: (net) => sigmoid(net), // d/dx log(1 + e^x) = σ(x)
    forward(a, net, B, n) {
      if (a instanceof Float32Array) for (let i = 0; i < B * n; i++) a[i] = softplusF32(net[i]);
      else for (let i = 0; i < B * n; i++) a[i] = softplus(net[i]);
    },
    backward(delta, g, net, _a, B, n) {
      if (delta instanceof Float32Array) for (let i = 0; i < B * n; i++) delta[i] = g[i] * sigmoidF32(net[i]);
      else for (let i = 0; i < B * n; i++) delta[i] = g[i] * sigmoid(net[i]);
    },
  },
  softmax: {
    /** a_k = exp(net_k − max) / Σ_j exp(net_j − max) per row: stable for any net. */
    forward(a, net, B, n) {
      for (let b = 0; b < B; b++) {
        const row = b * n;
        let max = -Infinity;
        for (let k = 0; k < n; k++) if (net[row + k] > max) max = net[row + k];
        let s = 0;
        for (let k = 0; k < n; k++) {
          const e = exp(net[row + k] - max);
          a[row + k] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let k = 0; k < n; k++) a[row + k] *= inv;
      }
    },
    /** δ = J_softmaxᵀ g = a ⊙ (g − (g·a)) per row. */
    backward(delta, g, _net, a, B, n) {
      for (let b = 0; b < B; b++) {
        const row = b * n;
        let ga = 0;
        for (let k = 0; k < n; k++) ga += g[row + k] * a[row + k];
        for (let k = 0; k < n; k++) delta[row + k] = a[row + k] * (g[row + k] - ga);
      }
    },
  },
};

// Analytic gradients of the batched backward pass against central differences of an
// independent float64 oracle (test-utils/oracle.ts), for every hidden activation and every
// output/loss pairing, including targets with Σy ≠ 1 and Σy = 0.
import { describe, expect, it } from 'vitest';
import { HIDDEN_ACTIVATIONS, type ActivationName } from './activations.js';
import { gatherRows } from './dataset.js';
import type { LossName } from './losses.js';
import { Network } from './network.js';
import { Rng } from './rng.js';
import { backends } from './test-utils/backends.js';
import { expectClose } from './test-utils/expect-close.js';
import { oracleGradient, rows } from './test-utils/oracle.js';

const pairings: { name: string; output?: ActivationName; loss: LossName }[] = [
  { name: 'softmax + CCE', output: 'softmax', loss: 'cce' },
  { name: 'softmax + MSE', output: 'softmax', loss: 'mse' },
  { name: 'sigmoid + BCE', output: 'sigmoid', loss: 'bce' },
  { name: 'sigmoid + CCE', output: 'sigmoid', loss: 'cce' },
  { name: 'softmax + BCE', output: 'softmax', loss: 'bce' },
  { name: 'linear + MSE', output: 'linear', loss: 'mse' },
  { name: 'φ + MSE', loss: 'mse' }, // output uses the hidden φ, as in the note
];

type Targets = 'one-hot' | 'sum 1.7' | 'sum 0' | 'soft';

/** Targets of B rows × n: one-hot, unnormalised (Σy = 1.7), all zero, or soft in (0,1). */
function targets(kind: Targets, B: number, n: number, rng: Rng): Float64Array {
  const Y = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    if (kind === 'one-hot') Y[b * n + (b % n)] = 1;
    else if (kind === 'sum 1.7') for (let k = 0; k < n; k++) Y[b * n + k] = (1.7 * (k + 1)) / ((n * (n + 1)) / 2);
    else if (kind === 'soft') for (let k = 0; k < n; k++) Y[b * n + k] = rng.uniform(0.05, 0.95);
  }
  return Y;
}

/** Analytic mean gradient: batched forward, backward, sum of δ·xᵀ divided by B. */
function analytic(net: Network, X: Float64Array | Float32Array, Y: Float64Array | Float32Array, B: number): number[] {
  const ws = net.workspace(B);
  const idx = new Int32Array(B).map((_, i) => i);
  gatherRows(ws.X, ws.Y, { X, Y, N: B, nIn: net.nIn, nOut: net.nOut }, idx, 0, B);
  const dW = net.spec.dtype === 'f64' ? new Float64Array(net.P) : new Float32Array(net.P);
  net.forward(ws, B);
  net.backward(ws, B, net.gradViews(dW));
  return Array.from(dW, (g) => g / B);
}

/** |g − ĝ| ≤ atol + rtol·|ĝ| for every parameter. */
function compare(g: number[], ref: number[], atol: number, rtol: number): void {
  expectClose(g, ref, { atol, rtol });
}

describe.each(backends)('gradients on the $name backend', (backend) => {
  for (const phi of HIDDEN_ACTIVATIONS) {
    for (const p of pairings) {
      const kinds: Targets[] = p.loss === 'bce' || (p.loss === 'cce' && p.output === 'sigmoid') ? ['soft', 'one-hot'] : ['one-hot', 'sum 1.7', 'sum 0'];
      for (const kind of kinds) {
        it(`f64 ∂L/∂W = δ xᵀ matches finite differences: hidden ${phi}, ${p.name}, targets ${kind}`, () => {
          const rng = new Rng(11);
          const sizes = [3, 4, 3, 3];
          const output = p.output ?? phi;
          const net = Network.create({ sizes, activation: phi, output, loss: p.loss, dtype: 'f64' }, { seed: 5, backend });
          // keep ReLU-family pre-activations off the kink: random biases of magnitude ≥ 0.1
          for (const { nIn, nOut, offset } of net.layers) for (let k = 0; k < nOut; k++) net.params[offset + k * (nIn + 1)] = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.1, 0.3);
          const B = 5;
          const X = new Float64Array(B * 3).map(() => rng.uniform(-1, 1));
          const Y = targets(kind, B, 3, rng);
          const g = analytic(net, X, Y, B);
          const ref = oracleGradient(sizes, [phi, phi, output], p.loss, net.params, rows(X, 3), rows(Y, 3));
          compare(g, ref, 1e-8, 1e-6);
          if (kind === 'sum 0' && p.output === 'softmax' && p.loss === 'cce') expect(g.every((v) => v === 0)).toBe(true); // δ = 0·a − 0
          else expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-3); // a real gradient was compared, not zeros
        });
      }
    }
  }

  it('f32 gradients agree with the f64 oracle within 2e-3 relative (atol 1e-5)', () => {
    const rng = new Rng(3);
    const sizes = [6, 8, 4];
    const net = Network.create({ sizes, activation: 'tanh', dtype: 'f32' }, { seed: 9, backend });
    const B = 8;
    const X = new Float32Array(B * 6).map(() => rng.uniform(-1, 1));
    const Y = new Float32Array(targets('sum 1.7', B, 4, rng));
    const g = analytic(net, X, Y, B);
    const ref = oracleGradient(sizes, ['tanh', 'softmax'], 'cce', net.params, rows(X, 6), rows(Y, 4));
    compare(g, ref, 1e-5, 2e-3);
  });

  it('softmax + CCE with Σy = 1.7 differs from the a − y shortcut (the general δ is used)', () => {
    const net = Network.create({ sizes: [2, 3], output: 'softmax', dtype: 'f64' }, { seed: 1, backend });
    const ws = net.workspace(1);
    ws.X.set([0.3, -0.2]);
    ws.Y.set([1.7, 0, 0]);
    net.forward(ws, 1);
    const dW = new Float64Array(net.P);
    net.backward(ws, 1, net.gradViews(dW));
    const a = Array.from(ws.a[0]);
    // bias column of dW = δ = (Σy)·a − y = 1.7·a − y, not a − y
    expect(dW[0]).toBeCloseTo(1.7 * a[0] - 1.7, 12);
    expect(dW[3]).toBeCloseTo(1.7 * a[1], 12);
    expect(dW[6]).toBeCloseTo(1.7 * a[2], 12);
  });
});

// The network's forward and backward passes: a 2-2-2 example worked by hand, the batched
// kernels against the per-sample path of the note, and the semantics of views and sums.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HIDDEN_ACTIVATIONS } from './activations.js';
import { gatherRows } from './dataset.js';
import { Network, type NetworkConfig } from './network.js';
import { Optimizer } from './optimizers.js';
import { backwardSample, forwardSample } from './reference.js';
import { Rng } from './rng.js';
import { backends } from './test-utils/backends.js';
import { expectClose } from './test-utils/expect-close.js';

describe.each(backends)('Network on the $name backend', (backend) => {
  it('reproduces the hand-worked 2-2-2 sigmoid network with MSE, number by number', () => {
    const net = Network.create({ sizes: [2, 2, 2], activation: 'sigmoid', output: 'sigmoid', loss: 'mse', dtype: 'f64' }, { backend });
    // W^[1] = [[b, w11, w12], …]: bias in column 0
    net.W[0].set([0.1, 0.2, -0.3, /**/ -0.1, 0.4, 0.5]);
    net.W[1].set([0.2, -0.5, 0.3, /**/ 0.0, 0.6, -0.4]);
    const ws = net.workspace(1);
    ws.X.set([1, 2]); // a^[0] = [1, 2], so x^[0] = [1; 1; 2]
    ws.Y.set([1, 0]); // y = [1, 0]
    net.forward(ws, 1);
    // net^[1] = W^[1] x^[0] = [0.1 + 0.2·1 − 0.3·2, −0.1 + 0.4·1 + 0.5·2] = [−0.3, 1.3]
    expectClose(ws.net[0], [-0.3, 1.3], { atol: 1e-15 });
    // a^[1] = σ(net^[1]) = [1/(1+e^0.3), 1/(1+e^−1.3)] = [0.425557483, 0.785834983]
    expectClose(ws.a[0], [0.4255574831883411, 0.7858349830425586], { atol: 1e-15 });
    // net^[2] = [0.2 − 0.5·0.425557 + 0.3·0.785835, 0 + 0.6·0.425557 − 0.4·0.785835] = [0.222971753, −0.058999503]
    expectClose(ws.net[1], [0.22297175331859703, -0.058999503304018874], { atol: 1e-15 });
    // a^[2] = σ(net^[2]) = [0.555513136, 0.485254401]
    expectClose(ws.a[1], [0.5555131358926165, 0.48525440130626196], { atol: 1e-15 });
    // L = ½[(1 − 0.555513)² + (0 − 0.485254)²] = 0.216520203
    expect(net.lossSum(ws, 1)).toBeCloseTo(0.21652020317555715, 14);

    const dWflat = new Float64Array(net.P);
    net.backward(ws, 1, net.gradViews(dWflat));
    // ∂L/∂a^[2] = a − y = [−0.444486864, 0.485254401]   (eq. 0.1)
    // δ^[2] = (a − y) ⊙ a(1 − a) = [−0.109751937, 0.121208090]
    expectClose(ws.delta[1], [-0.10975193718776162, 0.12120809016120163], { atol: 1e-15 });
    // ∂L/∂W^[2] = δ^[2] (x^[1])ᵀ with x^[1] = [1; 0.425557; 0.785835]
    expectClose(dWflat.subarray(6), [
      -0.10975193718776162, -0.04670575816466873, -0.08624691169883261,
      0.12120809016120163, 0.051581009791066494, 0.0952495574764488,
    ], { atol: 1e-15 });
    // ∂L/∂x^[1] = (W^[2])ᵀ δ^[2] = [−0.021950387, 0.127600823, −0.081408817]; drop element 0 → ∂L/∂a^[1]
    // δ^[1] = ∂L/∂a^[1] ⊙ a^[1](1 − a^[1]) = [0.031193082, −0.013700971]
    expectClose(ws.delta[0], [0.031193081685294728, -0.013700970628805209], { atol: 1e-15 });
    // ∂L/∂W^[1] = δ^[1] (x^[0])ᵀ = δ^[1] [1, 1, 2]
    expectClose(dWflat.subarray(0, 6), [
      0.031193081685294728, 0.031193081685294728, 0.062386163370589456,
      -0.013700970628805209, -0.013700970628805209, -0.027401941257610418,
    ], { atol: 1e-15 });
    // gradient descent with η = 0.5: W^[2] ← W^[2] − 0.5·∂L/∂W^[2]
    new Optimizer({ name: 'sgd', lr: 0.5 }, net.P, 'f64').step(net.params, dWflat, 1, net.layers);
    expectClose(net.W[1], [0.25487596859388084, -0.47664712091766565, 0.3431234558494163, -0.06060404508060081, 0.5742094951044667, -0.4476247787382244], { atol: 1e-15 });
  });

  it('the per-sample path of the note gives the same numbers as the batched kernels (f64, to rounding)', () => {
    for (const phi of HIDDEN_ACTIVATIONS) {
      const configs: NetworkConfig[] = [
        { sizes: [5, 7, 4, 3], activation: phi, output: 'softmax', dtype: 'f64' },
        { sizes: [4, 6, 2], activation: phi, output: 'sigmoid', loss: 'bce', dtype: 'f64' },
        { sizes: [3, 5, 2], activation: phi, output: phi, loss: 'mse', dtype: 'f64' },
        { sizes: [3, 4, 3], activation: phi, output: 'softmax', loss: 'mse', dtype: 'f64' },
      ];
      for (const config of configs) {
        const net = Network.create(config, { seed: 2, backend });
        const rng = new Rng(4);
        const B = 6;
        const n0 = net.nIn;
        const nL = net.nOut;
        const X = new Float64Array(B * n0).map(() => rng.uniform(-1, 1));
        const Y = new Float64Array(B * nL).map(() => rng.uniform(0, 1));
        const ws = net.workspace(B);
        gatherRows(ws.X, ws.Y, { X, Y, N: B, nIn: n0, nOut: nL }, new Int32Array(B).map((_, i) => i), 0, B);
        net.forward(ws, B);
        const dW = new Float64Array(net.P);
        net.backward(ws, B, net.gradViews(dW));
        // Σ_b δ_b x_bᵀ from the per-sample path
        const sum = new Float64Array(net.P);
        let loss = 0;
        for (let b = 0; b < B; b++) {
          const fw = forwardSample(net, X.subarray(b * n0, (b + 1) * n0));
          expectClose(fw.a[net.L - 1], ws.a[net.L - 1].subarray(b * nL, (b + 1) * nL), { atol: 1e-14, rtol: 1e-12 });
          const bw = backwardSample(net, fw, Y.subarray(b * nL, (b + 1) * nL));
          loss += bw.loss;
          bw.dW.forEach((rowsOfLayer, l) => rowsOfLayer.flat().forEach((g, i) => (sum[net.layers[l].offset + i] += g)));
        }
        expectClose(dW, sum, { atol: 1e-13, rtol: 1e-11 });
        expect(net.lossSum(ws, B)).toBeCloseTo(loss, 12);
      }
    }
  });

  it('f32 batched kernels equal the f64 per-sample path within f32 rounding', () => {
    const net = Network.create({ sizes: [20, 16, 10], activation: 'relu' }, { seed: 8, backend });
    const rng = new Rng(1);
    const B = 9;
    const ws = net.workspace(B);
    ws.X.set(Array.from({ length: B * 20 }, () => rng.uniform(0, 1)));
    for (let b = 0; b < B; b++) ws.Y[b * 10 + (b % 10)] = 1;
    net.forward(ws, B);
    const dW = new Float32Array(net.P);
    net.backward(ws, B, net.gradViews(dW));
    const sum = new Float64Array(net.P);
    for (let b = 0; b < B; b++) {
      const fw = forwardSample(net, ws.X.subarray(b * 20, (b + 1) * 20));
      const bw = backwardSample(net, fw, ws.Y.subarray(b * 10, (b + 1) * 10));
      bw.dW.forEach((r, l) => r.flat().forEach((g, i) => (sum[net.layers[l].offset + i] += g)));
    }
    expectClose(dW, sum, { atol: 1e-5, rtol: 1e-4 });
  });

  it('W^[l] are views into one parameter vector on shared memory, bias in column 0', () => {
    const net = Network.create({ sizes: [3, 4, 2] }, { seed: 1, backend });
    expect(net.P).toBe(4 * 4 + 2 * 5);
    expect(net.W[0].buffer).toBe(net.params.buffer);
    expect(net.W[1].byteOffset).toBe(net.params.byteOffset + 16 * 4);
    net.params[16] = 42; // W^[2][0][0] is the first bias of layer 2
    expect(net.W[1][0]).toBe(42);
    // initial biases are zero, weights are not
    for (const { nIn, nOut, offset } of net.layers) {
      for (let k = 0; k < nOut; k++) if (offset + k * (nIn + 1) !== 16) expect(net.params[offset + k * (nIn + 1)]).toBe(0);
    }
    expect(net.W[0].some((w, i) => i % 4 !== 0 && w !== 0)).toBe(true);
  });

  it('backward accumulates: two calls double dW, and zeroing clears it', () => {
    const net = Network.create({ sizes: [3, 4, 2], dtype: 'f64' }, { seed: 3, backend });
    const ws = net.workspace(2);
    ws.X.set([0.1, 0.5, -0.3, 0.9, -0.2, 0.4]);
    ws.Y.set([1, 0, 0, 1]);
    const dW = new Float64Array(net.P);
    const views = net.gradViews(dW);
    net.forward(ws, 2);
    net.backward(ws, 2, views);
    const once = dW.slice();
    net.backward(ws, 2, views);
    expectClose(dW, once.map((g) => 2 * g), { atol: 1e-15 });
    dW.fill(0);
    expect(dW.every((g) => g === 0)).toBe(true);
  });

  it('the same seed gives the same initial weights bit for bit; another seed does not', () => {
    const a = Network.create({ sizes: [10, 8, 3] }, { seed: 123, backend });
    const b = Network.create({ sizes: [10, 8, 3] }, { seed: 123, backend });
    const c = Network.create({ sizes: [10, 8, 3] }, { seed: 124, backend });
    expect(Buffer.from(a.params.buffer, a.params.byteOffset, a.params.byteLength).equals(Buffer.from(b.params.buffer, b.params.byteOffset, b.params.byteLength))).toBe(true);
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
  });

  it('initialisers draw with the stated variance (He: 2/nIn, Glorot: 2/(nIn+nOut))', () => {
    for (const [init, nIn, nOut, variance] of [['he_normal', 400, 300, 2 / 400], ['glorot_uniform', 400, 300, 2 / 700], ['he_uniform', 400, 300, 2 / 400], ['glorot_normal', 400, 300, 2 / 700]] as const) {
      const net = Network.create({ sizes: [nIn, nOut, 2] }, { seed: 1, init, backend });
      const w = Array.from(net.W[0]).filter((_, i) => i % (nIn + 1) !== 0);
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const v = w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length;
      expect(Math.abs(mean)).toBeLessThan(0.001);
      expect(v / variance).toBeGreaterThan(0.97);
      expect(v / variance).toBeLessThan(1.03);
    }
  });

  it('property: for any shape, dW column 0 is Σ_b δ_b and dW = Σ_b δ_b x_bᵀ from the per-sample path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (sizes, B, seed) => {
          const out = sizes[sizes.length - 1] >= 2 ? 'softmax' : 'sigmoid';
          const net = Network.create({ sizes, activation: 'tanh', output: out, dtype: 'f64' }, { seed, backend });
          const rng = new Rng(seed);
          const ws = net.workspace(B);
          ws.X.set(Array.from({ length: B * net.nIn }, () => rng.uniform(-1, 1)));
          ws.Y.set(Array.from({ length: B * net.nOut }, () => rng.uniform(0, 1)));
          const a = net.forward(ws, B);
          expect(a.length).toBe(B * net.nOut);
          const dW = new Float64Array(net.P);
          net.backward(ws, B, net.gradViews(dW));
          for (let l = 0; l < net.L; l++) {
            const { nIn, nOut, offset } = net.layers[l];
            for (let k = 0; k < nOut; k++) {
              let s = 0;
              for (let b = 0; b < B; b++) s += ws.delta[l][b * nOut + k];
              expect(Math.abs(dW[offset + k * (nIn + 1)] - s)).toBeLessThan(1e-12);
            }
          }
          const sum = new Float64Array(net.P);
          for (let b = 0; b < B; b++) {
            const fw = forwardSample(net, ws.X.subarray(b * net.nIn, (b + 1) * net.nIn));
            const bw = backwardSample(net, fw, ws.Y.subarray(b * net.nOut, (b + 1) * net.nOut));
            bw.dW.forEach((r, l) => r.flat().forEach((g, i) => (sum[net.layers[l].offset + i] += g)));
          }
          expectClose(dW, sum, { atol: 1e-12, rtol: 1e-10 });
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('predict returns a^[L] for every row, in chunks, equal to one forward pass', () => {
    const net = Network.create({ sizes: [4, 5, 3] }, { seed: 2, backend });
    const rng = new Rng(5);
    const X = Float32Array.from({ length: 7 * 4 }, () => rng.uniform(-1, 1));
    const out = net.predict(X, 7, 3);
    const ws = net.workspace(7);
    ws.X.set(X);
    expect(Array.from(out)).toEqual(Array.from(net.forward(ws, 7).subarray(0, 21)));
    for (let b = 0; b < 7; b++) expect(out[b * 3] + out[b * 3 + 1] + out[b * 3 + 2]).toBeCloseTo(1, 6);
  });
});

// The loss table and its fused output pairs: each fused entry is the algebra of the general rule
// δ = J_φᵀ ∂L/∂a and L(a), computed another way (from net, without the division), so it is one
// formula, not a second one.
import { describe, expect, it } from 'vitest';
import { ACT, type ActivationName } from './activations.js';
import { FUSED, LOSS, type LossName } from './losses.js';
import { Rng } from './rng.js';
import { expectClose } from './test-utils/expect-close.js';

describe('the loss table', () => {
  it.each(Object.keys(FUSED))('%s: the fused δ^[L] equals J_φᵀ ∂L/∂a and its loss from net equals the loss from a', (pair) => {
    const [output, loss] = pair.split('+') as [ActivationName, LossName];
    const fused = FUSED[pair as keyof typeof FUSED]!;
    const rng = new Rng(pair.length);
    const [B, n] = [4, 3];
    const net = new Float64Array(B * n).map(() => rng.uniform(-3, 3));
    const a = new Float64Array(B * n);
    ACT[output].forward(a, net, B, n);
    // targets in (0, 1) whose rows do not sum to 1: the general softmax + CCE rule (Σy)·a − y is needed
    const Y = new Float64Array(B * n).map(() => rng.uniform(0.05, 0.95));
    const general = new Float64Array(B * n);
    LOSS[loss].dA(general, a, Y, B, n);
    ACT[output].backward(general, general, net, a, B, n);
    const delta = new Float64Array(B * n);
    fused.delta(delta, a, Y, B, n);
    expectClose(delta, general, { atol: 1e-12, rtol: 1e-10 });
    expect(Math.max(...delta.map(Math.abs))).toBeGreaterThan(0.01);
    expect(fused.value(net, Y, B, n)).toBeCloseTo(LOSS[loss].value(a, Y, B, n), 10);
  });
});

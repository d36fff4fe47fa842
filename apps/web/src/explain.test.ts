import { describe, expect, test } from 'vitest';
import { updateRows } from './explain.js';
import { en } from './i18n/en.js';

const base = { lr: 0.1, l1: 0, l2: 0 };

describe('explain panel: the update row follows the selected optimizer', () => {
  test('sgd shows the plain step, once', () => {
    const html = updateRows({ ...base, name: 'sgd' }, 0.5, 0.2, false, 'w', en);
    expect(html).toContain('SGD update Δw = −η ∂L/∂w');
    expect(html).toContain('<b>-0.0200</b>');
    expect(html).not.toContain('plain gradient-descent step');
  });

  test('adam shows its own rule and first step, and labels the plain step as a comparison', () => {
    const html = updateRows({ ...base, name: 'adam' }, 0.5, 0.2, false, 'w', en);
    expect(html).toContain('Adam: m ← β₁m');
    expect(html).toContain('Adam update, first step');
    expect(html).toContain('<b>-0.1000</b>'); // −η·g/(|g|+ε) ≈ −η
    expect(html).toContain("the note's plain gradient-descent step");
    expect(html).toContain('not what adam applies');
  });

  test('momentum and nesterov name their velocity', () => {
    expect(updateRows({ ...base, name: 'momentum' }, 0.5, 0.2, false, 'w', en)).toContain('Momentum update, first step (v = 0)');
    const nesterov = updateRows({ ...base, name: 'nesterov' }, 0.5, 0.2, false, 'w', en);
    expect(nesterov).toContain('<b>-0.0380</b>'); // −η(1 + μ)g
  });

  test('regularisation enters the weight gradient, not the bias', () => {
    const w = updateRows({ ...base, name: 'sgd', l2: 0.5, l1: 0.01 }, 0.5, 0.2, false, 'w', en);
    expect(w).toContain('λ₂');
    expect(w).toContain('<b>-0.0460</b>'); // −0.1·(0.2 + 0.25 + 0.01)
    const b = updateRows({ ...base, name: 'sgd', l2: 0.5, l1: 0.01 }, 0.5, 0.2, true, 'w', en);
    expect(b).not.toContain('λ₂');
    expect(b).toContain('<b>-0.0200</b>');
  });
});

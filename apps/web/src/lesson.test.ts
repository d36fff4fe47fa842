import { backwardSample, forwardSample } from '@backprop/core';
import { describe, expect, test } from 'vitest';
import { en } from './i18n/en.js';
import { pl } from './i18n/pl.js';
import { fmt, lessonSteps, pickSample, type LessonOptimizer } from './lesson.js';
import { DEFAULT_OWN, ownNetwork } from './lesson-view.js';
import { createNetwork, jobFor } from './protocol.js';
import { defaultState } from './state.js';

const sgd: LessonOptimizer = { name: 'sgd', lr: 0.5, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, l1: 0, l2: 0, t: 0, vectors: {} };
const nums = (v: string[] | string[][]): number[] => (v as (string | string[])[]).flat().map(Number);

describe('lesson steps', () => {
  const net = ownNetwork(DEFAULT_OWN); // 2-2-2, sigmoid, squared error
  const steps = lessonSteps(net, DEFAULT_OWN.x, DEFAULT_OWN.y, sgd, en);

  test('forward L, the loss, backward L, update L: 3L + 1 steps, each with its layer', () => {
    expect(steps.map((s) => s.id)).toEqual(['forward-1', 'forward-2', 'loss', 'backward-2', 'backward-1', 'update-2', 'update-1']);
    expect(steps.map((s) => s.layer)).toEqual([1, 2, 2, 2, 1, 2, 1]);
  });

  test('the hand-worked 2-2-2 case: net^[1] = W^[1] x^[0]', () => {
    // x^[0] = [1, 1, 0.5];  net^[1]_1 = 0.1 + 0.4·1 − 0.2·0.5 = 0.4;  net^[1]_2 = −0.3 + 0.2 + 0.25 = 0.15
    expect(steps[0].values.net).toEqual(['0.400000', '0.150000']);
    expect(steps[0].values.x).toEqual(['1.000000', '1.000000', '0.500000']);
  });

  test('every number shown equals core\'s per-sample path to 1e-6 (net, a, δ, ∂L/∂W, ∂L/∂x)', () => {
    const fw = forwardSample(net, DEFAULT_OWN.x);
    const bw = backwardSample(net, fw, DEFAULT_OWN.y);
    for (let l = 1; l <= 2; l++) {
      const f = steps.find((s) => s.id === `forward-${l}`)!;
      nums(f.values.net).forEach((v, k) => expect(Math.abs(v - fw.net[l - 1][k])).toBeLessThanOrEqual(1e-6));
      nums(f.values.a).forEach((v, k) => expect(Math.abs(v - fw.a[l - 1][k])).toBeLessThanOrEqual(1e-6));
      const b = steps.find((s) => s.id === `backward-${l}`)!;
      nums(b.values.delta).forEach((v, k) => expect(Math.abs(v - bw.delta[l - 1][k])).toBeLessThanOrEqual(1e-6));
      nums(b.values.dW).forEach((v, i) => expect(Math.abs(v - bw.dW[l - 1].flat()[i])).toBeLessThanOrEqual(1e-6));
    }
    expect(Number(steps[2].values.loss[0])).toBeCloseTo(bw.loss, 6);
  });

  test('(0.1) for squared error, (0.2) for softmax + cross-entropy, typeset with the tag', () => {
    expect(steps[2].tex.join(' ')).toContain('\\tag{0.1}');
    const cce = ownNetwork({ ...DEFAULT_OWN, output: 'softmax-cce' });
    const s2 = lessonSteps(cce, [1, 0.5], [0.25, 0.5], sgd, pl); // Σy = 0.75: the general form
    const loss = s2.find((s) => s.id === 'loss')!;
    expect(loss.tex.join(' ')).toContain('\\tag{0.2}');
    expect(loss.tex.join(' ')).toContain('0.750000\\cdot');
    const fw = forwardSample(cce, [1, 0.5]);
    const bw = backwardSample(cce, fw, [0.25, 0.5]);
    nums(loss.values.delta).forEach((v, k) => expect(Math.abs(v - (0.75 * fw.a[1][k] - [0.25, 0.5][k]))).toBeLessThanOrEqual(1e-6));
    nums(loss.values.delta).forEach((v, k) => expect(Math.abs(v - bw.delta[1][k])).toBeLessThanOrEqual(1e-6));
    expect(loss.title).toBe('funkcja kosztu i błąd na wyjściu');
  });

  test('the SGD update is W − η ∂L/∂W; Adam uses the state it is given (t, m, v)', () => {
    const u = steps.find((s) => s.id === 'update-2')!;
    const W = nums(u.values.W);
    const g = nums(u.values.g);
    nums(u.values.Wnew).forEach((w, i) => expect(Math.abs(w - (W[i] - 0.5 * g[i]))).toBeLessThanOrEqual(2e-6));
    const P = net.P;
    const m = new Float64Array(P).fill(0.01);
    const v = new Float64Array(P).fill(0.0004);
    const adam = lessonSteps(net, DEFAULT_OWN.x, DEFAULT_OWN.y, { ...sgd, name: 'adam', lr: 0.1, t: 9, vectors: { m, v } }, en);
    const a = adam.find((s) => s.id === 'update-1')!;
    const g1 = nums(a.values.g)[0];
    const m1 = 0.9 * 0.01 + 0.1 * g1;
    const v1 = 0.999 * 0.0004 + 0.001 * g1 * g1;
    const w1 = nums(a.values.W)[0] - (0.1 * (m1 / (1 - 0.9 ** 10))) / (Math.sqrt(v1 / (1 - 0.999 ** 10)) + 1e-8);
    expect(Number((a.values.mNew as string[][])[0][0])).toBeCloseTo(m1, 6);
    expect(Number((a.values.Wnew as string[][])[0][0])).toBeCloseTo(w1, 6);
    expect(a.tex.join(' ')).toContain('\\beta_1^{10}');
  });

  test('numbers: six decimals, tiny ones in scientific form', () => {
    expect(fmt(0.1234567)).toBe('0.123457');
    expect(fmt(-0.0000004)).toBe('-4.0000e-7');
    expect(fmt(0)).toBe('0.000000');
  });
});

describe('the default sample', () => {
  test('a wrong one first, the least confident of them; else the least sure', () => {
    // 4 samples, 2 classes (softmax): p(class 1) = 0.9, 0.6, 0.45, 0.2; targets 1, 1, 1, 0
    const out = [0.1, 0.9, 0.4, 0.6, 0.55, 0.45, 0.8, 0.2];
    expect(pickSample(out, 2, [1, 1, 1, 0], false)).toBe(2); // the only wrong one
    expect(pickSample(out, 2, [1, 1, 0, 0], false)).toBe(2); // all right: the least sure (class 0 at 0.55)
    expect(pickSample([0.5, 2, -1], 1, [0.4, 0, -1], true)).toBe(1); // regression: largest error
  });

  test('the page and the training thread build the same network from one job (jobFor)', () => {
    const job = jobFor(defaultState());
    const copy = structuredClone(job); // what the training thread receives
    const a = createNetwork(job);
    const b = createNetwork(copy);
    expect(a.spec).toEqual({ sizes: [2, 4, 2, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cce', dtype: 'f32' });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(job.train).toEqual({ batchSize: 10, seed: 1, optimizer: { name: 'sgd', lr: 0.03, l1: 0, l2: 0 } });
  });
});

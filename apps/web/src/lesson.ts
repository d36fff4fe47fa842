/**
 * The lesson: backpropagation for one sample, step by step, in the note's notation with the
 * live numbers substituted (TeX for KaTeX). The numbers come from core's per-sample path:
 *   forward   x^[l-1] = [1; a^[l-1]],  net^[l] = W^[l] x^[l-1],  a^[l] = φ(net^[l])
 *   loss      (0.1) ∂L/∂a^[L] = a^[L] − y (MSE),  (0.2) δ^[L] = (Σy)·a^[L] − y (softmax + CCE)
 *   backward  δ^[l] = ∂L/∂a^[l] ⊙ φ'(net^[l]),  ∂L/∂W^[l] = δ^[l] (x^[l-1])ᵀ,  ∂L/∂a^[l-1] = (W^[l])ᵀ δ^[l] without element 0
 *   update    the optimizer's rule, from its real state (t, m, v) in the training thread
 * Each step lists the numbers it shows (`values`, formatted exactly as typeset; matrices over 8 rows
 * or columns are typeset in part), so a test can compare them with forwardSample/backwardSample.
 */
import { backwardSample, forwardSample, type Network, type OptimizerName } from '@backprop/core';
import { ACT } from '@backprop/core/engine';
import type { Messages } from './i18n/index.js';

type Phase = 'forward' | 'loss' | 'backward' | 'update';

export interface LessonStep {
  id: string; // e.g. 'forward-1', 'loss', 'backward-2', 'update-1'
  phase: Phase;
  /** Diagram column to highlight (0 = inputs … L = output). */
  layer: number;
  title: string;
  /** Display equations (TeX). */
  tex: string[];
  text: string;
  /** The numbers shown, by quantity: vectors as rows of strings, matrices row by row. */
  values: Record<string, string[] | string[][]>;
}

/** The optimizer as the lesson needs it: config plus its running state (from the training thread). */
export interface LessonOptimizer {
  name: OptimizerName;
  lr: number;
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
  l1: number;
  l2: number;
  /** Steps taken so far. */
  t: number;
  /** State vectors over the flat parameters (m, v), or empty for SGD. */
  vectors: Record<string, ArrayLike<number>>;
}

/** Six decimals (a student can redo the arithmetic; a test compares to 1e-6); tiny or huge values in scientific form. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) return v.toExponential(4);
  const s = v.toFixed(6);
  return s === '-0.000000' ? '0.000000' : s;
}

/** A formatted number as TeX (scientific form with ×10^). */
function texNum(s: string): string {
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  return m ? `${m[1]}\\times10^{${Number(m[2])}}` : s;
}

/** Largest matrix/vector side typeset in full; bigger ones show the first rows/columns and ⋯. */
const MAX_SIDE = 8;

function texVector(v: string[]): string {
  const shown = v.length > MAX_SIDE ? [...v.slice(0, MAX_SIDE - 1).map(texNum), '\\vdots'] : v.map(texNum);
  return `\\begin{bmatrix}${shown.join('\\\\')}\\end{bmatrix}`;
}

function texMatrix(rows: string[][]): string {
  const cut = (r: string[]): string[] => (r.length > MAX_SIDE ? [...r.slice(0, MAX_SIDE - 1).map(texNum), '\\cdots'] : r.map(texNum));
  let shown = rows.map(cut);
  if (rows.length > MAX_SIDE) shown = [...shown.slice(0, MAX_SIDE - 1), shown[0].map(() => '\\vdots')];
  return `\\begin{bmatrix}${shown.map((r) => r.join('&')).join('\\\\')}\\end{bmatrix}`;
}

const sup = (l: number | string): string => `^{[${l}]}`;
const PHI_TEX: Record<string, string> = { tanh: '\\tanh', sigmoid: '\\sigma', relu: '\\mathrm{ReLU}', leaky_relu: '\\mathrm{LReLU}', linear: '\\mathrm{id}', softplus: '\\mathrm{softplus}', softmax: '\\psi' };

/** The lesson's steps for sample x0 with target y on `net`, with `opt` for the update steps. */
export function lessonSteps(net: Network, x0: ArrayLike<number>, y: ArrayLike<number>, opt: LessonOptimizer, m: Messages): LessonStep[] {
  const L = net.L;
  const fw = forwardSample(net, x0);
  const bw = backwardSample(net, fw, y);
  const F = (v: number[]): string[] => v.map(fmt);
  const FM = (rows: number[][]): string[][] => rows.map(F);
  const Wrows = (l: number): number[][] => {
    const { nIn, nOut } = net.layers[l - 1];
    const W = net.W[l - 1];
    return Array.from({ length: nOut }, (_, k) => Array.from({ length: nIn + 1 }, (_, j) => W[k * (nIn + 1) + j]));
  };
  const steps: LessonStep[] = [];
  const yv = Array.from(y);

  // ---- forward, layer by layer ----
  for (let l = 1; l <= L; l++) {
    const phi = net.layers[l - 1].phi;
    const x = F(fw.x[l - 1]);
    const netl = F(fw.net[l - 1]);
    const a = F(fw.a[l - 1]);
    const W = FM(Wrows(l));
    const aPrev = l === 1 ? 'a^{[0]}' : `a${sup(l - 1)}`;
    steps.push({
      id: `forward-${l}`, phase: 'forward', layer: l, title: m.lesson.forwardTitle(l, L),
      tex: [
        `x${sup(l - 1)} = \\begin{bmatrix}1\\\\ ${aPrev}\\end{bmatrix} = ${texVector(x)}`,
        `\\mathrm{net}${sup(l)} = W${sup(l)} x${sup(l - 1)} = ${texMatrix(W)} ${texVector(x)} = ${texVector(netl)}`,
        phi === 'softmax'
          ? `a${sup(l)} = \\psi(\\mathrm{net}${sup(l)}) = \\left[\\frac{\\exp(\\mathrm{net}_k${sup(l)})}{\\sum_j \\exp(\\mathrm{net}_j${sup(l)})}\\right]_k = ${texVector(a)}`
          : `a${sup(l)} = \\varphi(\\mathrm{net}${sup(l)}),\\ \\varphi = ${PHI_TEX[phi]}:\\quad a${sup(l)} = ${texVector(a)}`,
      ],
      text: m.lesson.forwardText(l, L, phi),
      values: { x, W, net: netl, a },
    });
  }

  // ---- the loss and the start of the backward pass ----
  const aL = F(fw.a[L - 1]);
  const yS = F(yv);
  const loss = fmt(bw.loss);
  const out = net.output;
  const lossName = net.spec.loss;
  if (lossName === 'cce' && out === 'softmax') {
    const sy = yv.reduce((s, v) => s + v, 0);
    const delta = F(bw.delta[L - 1]);
    steps.push({
      id: 'loss', phase: 'loss', layer: L, title: m.lesson.lossTitle,
      tex: [
        `\\mathbf{L}(y, a${sup('L')}) = -\\sum_{k} y_k \\log a_k${sup('L')} = ${texNum(loss)}`,
        `\\delta${sup('L')} = \\Big(\\sum_j y_j\\Big)\\cdot a${sup('L')} - y = ${texNum(fmt(sy))}\\cdot ${texVector(aL)} - ${texVector(yS)} = ${texVector(delta)} \\tag{0.2}`,
      ],
      text: m.lesson.lossCce,
      values: { loss: [loss], a: aL, y: yS, delta },
    });
  } else {
    const dA = F(bw.dA[L - 1]);
    const tex = lossName === 'mse'
      ? [
        `\\mathbf{L}(y, a${sup('L')}) = \\frac{1}{2}\\sum_{k} (y_k - a_k${sup('L')})^2 = ${texNum(loss)}`,
        `\\frac{\\partial \\mathbf{L}}{\\partial a${sup('L')}} = a${sup('L')} - y = ${texVector(aL)} - ${texVector(yS)} = ${texVector(dA)} \\tag{0.1}`,
      ]
      : [
        `\\mathbf{L}(y, a${sup('L')}) = -\\sum_{k} \\big(y_k \\log a_k${sup('L')} + (1-y_k)\\log(1-a_k${sup('L')})\\big) = ${texNum(loss)}`,
        `\\frac{\\partial \\mathbf{L}}{\\partial a${sup('L')}} = \\left[\\frac{a_k${sup('L')} - y_k}{a_k${sup('L')}(1-a_k${sup('L')})}\\right]_k = ${texVector(dA)}`,
      ];
    steps.push({ id: 'loss', phase: 'loss', layer: L, title: m.lesson.lossTitle, tex, text: lossName === 'mse' ? m.lesson.lossMse : m.lesson.lossBce, values: { loss: [loss], a: aL, y: yS, dA } });
  }

  // ---- backward, l = L … 1 ----
  for (let l = L; l >= 1; l--) {
    const { phi } = net.layers[l - 1];
    const delta = F(bw.delta[l - 1]);
    const dW = FM(bw.dW[l - 1]);
    const x = F(fw.x[l - 1]);
    const dX = F(bw.dX[l - 1]);
    const tex: string[] = [];
    const dA = F(bw.dA[l - 1]);
    let showsDA = false; // ∂L/∂a^[l] appears only in the general rule
    if (l === L && lossName === 'cce' && phi === 'softmax') {
      tex.push(`\\delta${sup('L')} = ${texVector(delta)} \\quad ${m.lesson.fromEq('0.2')}`);
    } else if (phi === 'softmax') {
      tex.push(`\\delta${sup(l)} = a${sup(l)} \\odot \\Big(\\frac{\\partial \\mathbf{L}}{\\partial a${sup(l)}} - \\frac{\\partial \\mathbf{L}}{\\partial a${sup(l)}}\\cdot a${sup(l)}\\Big) = ${texVector(delta)}`);
    } else {
      const dphi = F(fw.net[l - 1].map((z, k) => ACT[phi].df(z, fw.a[l - 1][k])));
      showsDA = true;
      tex.push(`\\delta${sup(l)} = \\frac{\\partial \\mathbf{L}}{\\partial a${sup(l)}} \\odot \\varphi'(\\mathrm{net}${sup(l)}) = ${texVector(dA)} \\odot ${texVector(dphi)} = ${texVector(delta)}`);
    }
    tex.push(`\\frac{\\partial \\mathbf{L}}{\\partial W${sup(l)}} = \\delta${sup(l)} \\,(x${sup(l - 1)})^T = ${texVector(delta)} ${texMatrix([x])} = ${texMatrix(dW)}`);
    const values: LessonStep['values'] = { delta, dW };
    if (showsDA) values.dA = dA;
    if (l > 1) {
      const dAprev = dX.slice(1);
      tex.push(`\\frac{\\partial \\mathbf{L}}{\\partial x${sup(l - 1)}} = (W${sup(l)})^T \\delta${sup(l)} = ${texVector(dX)} \\;\\Rightarrow\\; \\frac{\\partial \\mathbf{L}}{\\partial a${sup(l - 1)}} = ${texVector(dAprev)}`);
      values.dX = dX;
    }
    steps.push({ id: `backward-${l}`, phase: 'backward', layer: l, title: m.lesson.backwardTitle(l, L), tex, text: l === 1 ? m.lesson.backwardFirst : l === L && lossName === 'cce' && phi === 'softmax' ? m.lesson.backwardOutput02(l) : m.lesson.backwardText(l), values });
  }

  // ---- the update, with the optimizer's real state ----
  const t = opt.t + 1;
  for (let l = L; l >= 1; l--) {
    const { nIn, nOut, offset } = net.layers[l - 1];
    const W = Wrows(l);
    const grad = bw.dW[l - 1];
    const reg = opt.l1 !== 0 || opt.l2 !== 0;
    // g = ∂L/∂W + λ₂W + λ₁ sign(W) on weights (column 0, the bias, has no penalty)
    const g = grad.map((row, k) => row.map((d, j) => (j === 0 || !reg ? d : d + opt.l2 * W[k][j] + opt.l1 * Math.sign(W[k][j]))));
    const state = (name: string): number[][] => {
      const vec = opt.vectors[name];
      return Array.from({ length: nOut }, (_, k) => Array.from({ length: nIn + 1 }, (_, j) => (vec ? vec[offset + k * (nIn + 1) + j] : 0)));
    };
    const eta = texNum(fmt(opt.lr));
    const tex: string[] = [];
    const values: LessonStep['values'] = { W: FM(W), g: FM(g) };
    if (reg) tex.push(`g = \\frac{\\partial \\mathbf{L}}{\\partial W${sup(l)}} + \\lambda_2 W${sup(l)} + \\lambda_1 \\operatorname{sign}(W${sup(l)}) = ${texMatrix(FM(g))}`);
    const gName = reg ? 'g' : `\\frac{\\partial \\mathbf{L}}{\\partial W${sup(l)}}`;
    let Wnew: number[][];
    switch (opt.name) {
      case 'sgd':
        Wnew = W.map((r, k) => r.map((w, j) => w - opt.lr * g[k][j]));
        tex.push(`W${sup(l)} \\leftarrow W${sup(l)} - \\eta\\, ${gName} = ${texMatrix(FM(W))} - ${eta}\\, ${texMatrix(FM(g))} = ${texMatrix(FM(Wnew))}`);
        break;
      case 'momentum':
      case 'nesterov': {
        const v0 = state('v');
        const mu = opt.momentum;
        const v1 = v0.map((r, k) => r.map((vv, j) => mu * vv + g[k][j]));
        Wnew = opt.name === 'momentum'
          ? W.map((r, k) => r.map((w, j) => w - opt.lr * v1[k][j]))
          : W.map((r, k) => r.map((w, j) => w - opt.lr * (g[k][j] + mu * v1[k][j])));
        tex.push(`v \\leftarrow \\mu v + ${gName} = ${texNum(fmt(mu))}\\, ${texMatrix(FM(v0))} + ${texMatrix(FM(g))} = ${texMatrix(FM(v1))}`);
        tex.push(opt.name === 'momentum'
          ? `W${sup(l)} \\leftarrow W${sup(l)} - \\eta\\, v = ${texMatrix(FM(W))} - ${eta}\\, ${texMatrix(FM(v1))} = ${texMatrix(FM(Wnew))}`
          : `W${sup(l)} \\leftarrow W${sup(l)} - \\eta\\,(${gName} + \\mu v) = ${texMatrix(FM(W))} - ${eta}\\,(\\ldots) = ${texMatrix(FM(Wnew))}`);
        values.v = FM(v0);
        values.vNew = FM(v1);
        break;
      }
      case 'adam': {
        const m0 = state('m');
        const v0 = state('v');
        const { beta1: b1, beta2: b2, eps } = opt;
        const m1 = m0.map((r, k) => r.map((mm, j) => b1 * mm + (1 - b1) * g[k][j]));
        const v1 = v0.map((r, k) => r.map((vv, j) => b2 * vv + (1 - b2) * g[k][j] * g[k][j]));
        let [c1, c2] = [1, 1]; // 1 − βᵗ with βᵗ the running product the optimizer keeps (the same bits)
        for (let i = 0; i < t; i++) [c1, c2] = [c1 * b1, c2 * b2];
        [c1, c2] = [1 - c1, 1 - c2];
        Wnew = W.map((r, k) => r.map((w, j) => w - (opt.lr * (m1[k][j] / c1)) / (Math.sqrt(v1[k][j] / c2) + eps)));
        tex.push(`m \\leftarrow \\beta_1 m + (1-\\beta_1)\\, ${gName} = ${texNum(fmt(b1))}\\, ${texMatrix(FM(m0))} + ${texNum(fmt(1 - b1))}\\, ${texMatrix(FM(g))} = ${texMatrix(FM(m1))}`);
        tex.push(`v \\leftarrow \\beta_2 v + (1-\\beta_2)\\, (${gName})^2 = ${texNum(fmt(b2))}\\, ${texMatrix(FM(v0))} + ${texNum(fmt(1 - b2))}\\, (${gName})^2 = ${texMatrix(FM(v1))}`);
        tex.push(`W${sup(l)} \\leftarrow W${sup(l)} - \\eta\\, \\frac{m / (1-\\beta_1^{${t}})}{\\sqrt{v / (1-\\beta_2^{${t}})} + \\varepsilon} = ${texMatrix(FM(W))} - ${eta}\\,\\frac{\\ldots}{\\ldots} = ${texMatrix(FM(Wnew))}`);
        values.m = FM(m0);
        values.v = FM(v0);
        values.mNew = FM(m1);
        values.vNew = FM(v1);
        break;
      }
    }
    values.Wnew = FM(Wnew);
    steps.push({ id: `update-${l}`, phase: 'update', layer: l, title: m.lesson.updateTitle(l, opt.name), tex, text: m.lesson.updateText(opt.name, opt.t), values });
  }
  return steps;
}

/**
 * The default sample: one the network gets wrong (the least confident of those, so the numbers
 * are large but φ' is not saturated), else the one it is least sure of; for regression the one
 * with the largest error. `out`: the network's outputs for the N rows; `target`: class or value.
 */
export function pickSample(out: ArrayLike<number>, nOut: number, target: ArrayLike<number>, regression: boolean): number {
  const N = target.length;
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < N; i++) {
    let score: number;
    if (regression) {
      score = Math.abs(out[i * nOut] - target[i]);
    } else {
      const p = nOut === 1 ? [1 - out[i], out[i]] : Array.from({ length: nOut }, (_, k) => out[i * nOut + k]);
      let top = 0;
      for (let k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
      const wrong = top !== target[i];
      // wrong ones first (score > 1), least confident first within each group
      score = (wrong ? 2 : 1) - p[top];
    }
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

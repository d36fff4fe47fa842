/**
 * The explain panel: for the selected neuron or link and the current sample, the note's
 * quantities with live numbers, from core's per-sample reference path:
 *   x^[l-1] = [1; a^[l-1]],  net^[l] = W^[l] x^[l-1],  a^[l] = φ(net^[l]),
 *   δ^[l] = ∂L/∂a^[l] ⊙ φ'(net^[l]),  ∂L/∂W^[l] = δ^[l] (x^[l-1])ᵀ.
 */
import { backwardSample, forwardSample, resolveOptimizer, type Network, type OptimizerName } from '@backprop/core';
import type { Messages } from './i18n/index.js';

export type Selection = { kind: 'neuron'; l: number; k: number } | { kind: 'link'; l: number; k: number; j: number };

const f = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
const sup = (l: number): string => `<sup>[${l}]</sup>`;

/** The optimizer the playground trains with (its other settings are core's defaults). */
export interface ExplainOptimizer {
  name: OptimizerName;
  lr: number;
  l1: number;
  l2: number;
}

/**
 * Table rows for the update of one weight by the selected optimizer, with this sample's
 * gradient standing in for the batch's. Momentum and Adam also depend on their running state
 * (v; m and v), which lives in the training thread: their numbers are the first step from zero
 * state, and the rows say so. `bias`: no regularisation on biases.
 */
export function updateRows(opt: ExplainOptimizer, w: number, grad: number, bias: boolean, wName: string, m: Messages): string {
  const x = m.explain;
  const c = resolveOptimizer(opt);
  const eta = f(c.lr);
  const reg = !bias && (c.l1 !== 0 || c.l2 !== 0);
  const g = reg ? grad + c.l2 * w + c.l1 * Math.sign(w) : grad;
  const rows: string[] = [];
  const gName = reg ? 'g' : `∂L/∂${wName}`;
  if (reg) {
    rows.push(`<tr class="reg"><td>g = ∂L/∂${wName} + λ₂·${wName} + λ₁·sign(${wName}) (L2 ${f(c.l2)}, L1 ${f(c.l1)})</td><td>=</td><td>${f(grad)} + ${f(c.l2 * w)} + ${f(c.l1 * Math.sign(w))} = ${f(g)}</td></tr>`);
  }
  const rule = (text: string): string => `<tr class="rule"><td colspan="3">${text}</td></tr>`;
  const row = (label: string, value: string): string => `<tr class="update"><td>${label}</td><td>=</td><td>${value}</td></tr>`;
  switch (c.name) {
    case 'sgd':
      rows.push(row(x.sgdUpdate(wName, gName), `−${eta} · ${f(g)} = <b>${f(-c.lr * g)}</b>`));
      break;
    case 'momentum':
      rows.push(rule(x.momentumRule(f(c.momentum), gName, wName)));
      rows.push(row(x.momentumFirst, `−${eta} · ${f(g)} = <b>${f(-c.lr * g)}</b>`));
      break;
    case 'nesterov':
      rows.push(rule(x.nesterovRule(f(c.momentum), gName, wName)));
      rows.push(row(x.nesterovFirst, `−${eta} · ${f(1 + c.momentum)} · ${f(g)} = <b>${f(-c.lr * (1 + c.momentum) * g)}</b>`));
      break;
    case 'adam': {
      // from m = v = 0 at t = 1: m̂ = g, v̂ = g², so Δw = −η g / (|g| + ε)
      const step = (-c.lr * g) / (Math.abs(g) + c.eps);
      rows.push(rule(x.adamRule(gName, wName)));
      rows.push(row(x.adamFirst(gName), `−${eta} · ${f(g)} / (|${f(g)}| + ε) = <b>${f(step)}</b>`));
      break;
    }
  }
  if (c.name !== 'sgd') {
    rows.push(`<tr class="later"><td colspan="3">${x.later(c.name === 'adam')}</td></tr>`);
  }
  if (c.name !== 'sgd' || reg) {
    rows.push(row(x.plainStep(wName, c.name), `${f(-c.lr * grad)}`));
  }
  return rows.join('\n');
}

/** HTML for the panel. `x0`: the sample's input features; `y`: its target row; `opt`: the optimizer training uses. */
export function explainHTML(net: Network, sel: Selection, x0: ArrayLike<number>, y: ArrayLike<number>, opt: ExplainOptimizer, sampleName: string, featureNames: string[], m: Messages): string {
  const x_ = m.explain;
  const fw = forwardSample(net, x0);
  const bw = backwardSample(net, fw, y);
  const L = net.L;
  const head = `<p class="sample">${x_.sample(sampleName, Array.from(y).map(f).join(', '), f(bw.loss), net.spec.loss)}</p>`;
  if (sel.kind === 'neuron' && sel.l === 0) {
    return `${head}<h3>${x_.input(featureNames[sel.k])}</h3><p>a${sup(0)}<sub>${sel.k + 1}</sub> = ${f(x0[sel.k])}. ${x_.inputText(sup(0))}</p>`;
  }
  const l = sel.l; // 1 … L
  const info = net.layers[l - 1];
  const k = sel.k;
  const x = fw.x[l - 1];
  const row = Array.from(net.W[l - 1].subarray(k * (info.nIn + 1), (k + 1) * (info.nIn + 1)));
  const netk = fw.net[l - 1][k];
  const ak = fw.a[l - 1][k];
  const dk = bw.delta[l - 1][k];
  const dAk = bw.dA[l - 1][k];
  const name = l === L ? x_.output(k + 1) : x_.neuron(l, k + 1);
  if (sel.kind === 'link') {
    const j = sel.j; // 0 = bias
    const w = row[j];
    const g = bw.dW[l - 1][k][j];
    const from = j === 0 ? x_.fromBias : l === 1 ? x_.fromInput(featureNames[j - 1]) : x_.fromNeuron(j, l - 1);
    return `${head}<h3>${x_.weight} w${sup(l)}<sub>${k + 1},${j}</sub>: ${from} → ${name}</h3>
<table class="eq">
<tr><td>w${sup(l)}<sub>${k + 1},${j}</sub></td><td>=</td><td>${f(w)}</td></tr>
<tr><td>x${sup(l - 1)}<sub>${j}</sub></td><td>=</td><td>${f(x[j])}${j === 0 ? ` ${x_.leadingOne}` : ''}</td></tr>
<tr><td>δ${sup(l)}<sub>${k + 1}</sub></td><td>=</td><td>${f(dk)}</td></tr>
<tr><td>∂L/∂w${sup(l)}<sub>${k + 1},${j}</sub> = δ${sup(l)}<sub>${k + 1}</sub> · x${sup(l - 1)}<sub>${j}</sub></td><td>=</td><td>${f(dk)} · ${f(x[j])} = <b>${f(g)}</b></td></tr>
${updateRows(opt, w, g, j === 0, 'w', m)}
</table>`;
  }
  const terms = row.map((w, j) => `${f(w)}·${f(x[j])}`);
  const shown = terms.length > 6 ? [...terms.slice(0, 5), '…'].join(' + ') : terms.join(' + ');
  const phi = info.phi;
  const isOut = l === L;
  const deltaRule = isOut && net.spec.loss === 'cce' && phi === 'softmax'
    ? `δ${sup(L)} = (Σ y)·a${sup(L)} − y ${x_.eq02}`
    : isOut && net.spec.loss === 'bce' && phi === 'sigmoid'
      ? `δ${sup(L)} = a${sup(L)} − y ${x_.bceDelta}`
      : `δ${sup(l)}<sub>${k + 1}</sub> = ∂L/∂a${sup(l)}<sub>${k + 1}</sub> · φ′(net${sup(l)}<sub>${k + 1}</sub>)`;
  const dAsrc = isOut ? x_.fromLoss : `= Σ<sub>i</sub> w${sup(l + 1)}<sub>i,${k + 1}</sub> δ${sup(l + 1)}<sub>i</sub>`;
  return `${head}<h3>${name} (φ = ${phi})</h3>
<table class="eq">
<tr><td>x${sup(l - 1)} = [1; a${sup(l - 1)}]</td><td>=</td><td>[${x.slice(0, 8).map(f).join(', ')}${x.length > 8 ? ', …' : ''}]</td></tr>
<tr><td>net${sup(l)}<sub>${k + 1}</sub> = Σ<sub>j</sub> w${sup(l)}<sub>${k + 1},j</sub> x${sup(l - 1)}<sub>j</sub></td><td>=</td><td>${shown} = <b>${f(netk)}</b></td></tr>
<tr><td>a${sup(l)}<sub>${k + 1}</sub> = φ(net${sup(l)}<sub>${k + 1}</sub>)</td><td>=</td><td><b>${f(ak)}</b></td></tr>
<tr><td>∂L/∂a${sup(l)}<sub>${k + 1}</sub> ${dAsrc}</td><td>=</td><td>${f(dAk)}</td></tr>
<tr><td>${deltaRule}</td><td>=</td><td><b>${f(dk)}</b></td></tr>
<tr><td>∂L/∂b${sup(l)}<sub>${k + 1}</sub> = δ${sup(l)}<sub>${k + 1}</sub> · 1</td><td>=</td><td>${f(bw.dW[l - 1][k][0])}</td></tr>
</table>
<p class="hint">${x_.clickLink}</p>`;
}

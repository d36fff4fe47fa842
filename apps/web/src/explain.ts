/**
 * The explain panel: for the selected neuron or link and the current sample, the note's
 * quantities with live numbers, from core's per-sample reference path:
 *   x^[l-1] = [1; a^[l-1]],  net^[l] = W^[l] x^[l-1],  a^[l] = φ(net^[l]),
 *   δ^[l] = ∂L/∂a^[l] ⊙ φ'(net^[l]),  ∂L/∂W^[l] = δ^[l] (x^[l-1])ᵀ.
 */
import { backwardSample, forwardSample, type Network, type OptimizerName } from '@backprop/core';
import { resolveOptimizer } from '@backprop/core/engine';

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
export function updateRows(opt: ExplainOptimizer, w: number, grad: number, bias: boolean, wName: string): string {
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
      rows.push(row(`SGD update Δ${wName} = −η ${gName}`, `−${eta} · ${f(g)} = <b>${f(-c.lr * g)}</b>`));
      break;
    case 'momentum':
      rows.push(rule(`Momentum (μ = ${f(c.momentum)}): v ← μv + ${gName};  Δ${wName} = −η v`));
      rows.push(row(`Momentum update, first step (v = 0)`, `−${eta} · ${f(g)} = <b>${f(-c.lr * g)}</b>`));
      break;
    case 'nesterov':
      rows.push(rule(`Nesterov (μ = ${f(c.momentum)}): v ← μv + ${gName};  Δ${wName} = −η (${gName} + μv)`));
      rows.push(row(`Nesterov update, first step (v = 0)`, `−${eta} · ${f(1 + c.momentum)} · ${f(g)} = <b>${f(-c.lr * (1 + c.momentum) * g)}</b>`));
      break;
    case 'adam': {
      // from m = v = 0 at t = 1: m̂ = g, v̂ = g², so Δw = −η g / (|g| + ε)
      const step = (-c.lr * g) / (Math.abs(g) + c.eps);
      rows.push(rule(`Adam: m ← β₁m + (1−β₁)${gName};  v ← β₂v + (1−β₂)${gName}²;  Δ${wName} = −η m̂ / (√v̂ + ε)`));
      rows.push(row(`Adam update, first step (m̂ = ${gName}, v̂ = ${gName}²)`, `−${eta} · ${f(g)} / (|${f(g)}| + ε) = <b>${f(step)}</b>`));
      break;
    }
  }
  if (c.name !== 'sgd') {
    rows.push(`<tr class="later"><td colspan="3">Later steps use the running ${c.name === 'adam' ? 'averages m, v' : 'velocity v'} kept by the training thread, over each batch's mean gradient.</td></tr>`);
  }
  if (c.name !== 'sgd' || reg) {
    rows.push(row(`the note's plain gradient-descent step −η ∂L/∂${wName} (for comparison; not what ${c.name} applies)`, `${f(-c.lr * grad)}`));
  }
  return rows.join('\n');
}

/** HTML for the panel. `x0`: the sample's input features; `y`: its target row; `opt`: the optimizer training uses. */
export function explainHTML(net: Network, sel: Selection, x0: ArrayLike<number>, y: ArrayLike<number>, opt: ExplainOptimizer, sampleName: string, featureNames: string[]): string {
  const fw = forwardSample(net, x0);
  const bw = backwardSample(net, fw, y);
  const L = net.L;
  const head = `<p class="sample">Sample: ${sampleName}; target y = [${Array.from(y).map(f).join(', ')}]; loss L = ${f(bw.loss)} (${net.spec.loss}).</p>`;
  if (sel.kind === 'neuron' && sel.l === 0) {
    return `${head}<h3>Input ${featureNames[sel.k]}</h3><p>a${sup(0)}<sub>${sel.k + 1}</sub> = ${f(x0[sel.k])}. Inputs have no net, δ or weights; they feed x${sup(0)} = [1; a${sup(0)}].</p>`;
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
  const name = l === L ? `output ${k + 1}` : `layer ${l}, neuron ${k + 1}`;
  if (sel.kind === 'link') {
    const j = sel.j; // 0 = bias
    const w = row[j];
    const g = bw.dW[l - 1][k][j];
    const from = j === 0 ? 'the bias (x₀ = 1)' : l === 1 ? `input ${featureNames[j - 1]}` : `neuron ${j} of layer ${l - 1}`;
    return `${head}<h3>Weight w${sup(l)}<sub>${k + 1},${j}</sub>: ${from} → ${name}</h3>
<table class="eq">
<tr><td>w${sup(l)}<sub>${k + 1},${j}</sub></td><td>=</td><td>${f(w)}</td></tr>
<tr><td>x${sup(l - 1)}<sub>${j}</sub></td><td>=</td><td>${f(x[j])}${j === 0 ? ' (the leading 1)' : ''}</td></tr>
<tr><td>δ${sup(l)}<sub>${k + 1}</sub></td><td>=</td><td>${f(dk)}</td></tr>
<tr><td>∂L/∂w${sup(l)}<sub>${k + 1},${j}</sub> = δ${sup(l)}<sub>${k + 1}</sub> · x${sup(l - 1)}<sub>${j}</sub></td><td>=</td><td>${f(dk)} · ${f(x[j])} = <b>${f(g)}</b></td></tr>
${updateRows(opt, w, g, j === 0, 'w')}
</table>`;
  }
  const terms = row.map((w, j) => `${f(w)}·${f(x[j])}`);
  const shown = terms.length > 6 ? [...terms.slice(0, 5), '…'].join(' + ') : terms.join(' + ');
  const phi = info.phi;
  const isOut = l === L;
  const deltaRule = isOut && net.spec.loss === 'cce' && phi === 'softmax'
    ? `δ${sup(L)} = (Σ y)·a${sup(L)} − y (softmax with cross-entropy)`
    : isOut && net.spec.loss === 'bce' && phi === 'sigmoid'
      ? `δ${sup(L)} = a${sup(L)} − y (sigmoid with binary cross-entropy)`
      : `δ${sup(l)}<sub>${k + 1}</sub> = ∂L/∂a${sup(l)}<sub>${k + 1}</sub> · φ′(net${sup(l)}<sub>${k + 1}</sub>)`;
  const dAsrc = isOut ? `from the loss` : `= Σ<sub>i</sub> w${sup(l + 1)}<sub>i,${k + 1}</sub> δ${sup(l + 1)}<sub>i</sub>`;
  return `${head}<h3>${name} (φ = ${phi})</h3>
<table class="eq">
<tr><td>x${sup(l - 1)} = [1; a${sup(l - 1)}]</td><td>=</td><td>[${x.slice(0, 8).map(f).join(', ')}${x.length > 8 ? ', …' : ''}]</td></tr>
<tr><td>net${sup(l)}<sub>${k + 1}</sub> = Σ<sub>j</sub> w${sup(l)}<sub>${k + 1},j</sub> x${sup(l - 1)}<sub>j</sub></td><td>=</td><td>${shown} = <b>${f(netk)}</b></td></tr>
<tr><td>a${sup(l)}<sub>${k + 1}</sub> = φ(net${sup(l)}<sub>${k + 1}</sub>)</td><td>=</td><td><b>${f(ak)}</b></td></tr>
<tr><td>∂L/∂a${sup(l)}<sub>${k + 1}</sub> ${dAsrc}</td><td>=</td><td>${f(dAk)}</td></tr>
<tr><td>${deltaRule}</td><td>=</td><td><b>${f(dk)}</b></td></tr>
<tr><td>∂L/∂b${sup(l)}<sub>${k + 1}</sub> = δ${sup(l)}<sub>${k + 1}</sub> · 1</td><td>=</td><td>${f(bw.dW[l - 1][k][0])}</td></tr>
</table>
<p class="hint">Click a link into this neuron to see ∂L/∂w = δ·x for that weight.</p>`;
}

/**
 * `backprop explain`: one sample through a tiny network, in the note's notation, with numbers:
 *   x^[l-1] = [1; a^[l-1]],  net^[l] = W^[l] x^[l-1],  a^[l] = φ(net^[l]);
 *   δ^[L] from the loss, δ^[l] = ∂L/∂a^[l] ⊙ φ'(net^[l]),  ∂L/∂W^[l] = δ^[l] (x^[l-1])ᵀ,
 *   ∂L/∂x^[l-1] = (W^[l])ᵀ δ^[l];  update W^[l] ← W^[l] − η ∂L/∂W^[l].
 * The numbers come from core's per-sample reference path (reference.ts).
 */
import { backwardSample, forwardSample, Network, normalizeRows, PHI, type ActivationName, type LossName, type Preprocessing } from '@backprop/core';
import { UsageError } from '../errors.js';
import { readModel } from '../files.js';
import { c } from '../ui.js';

interface Flags { layers: number[]; activation: string; output: string; loss?: string; input?: string; target?: string; lr: number; seed: number; digits: number }

function numbers(s: string, what: string): number[] {
  const v = s.split(',').map((t) => Number(t.trim()));
  if (v.length === 0 || v.some((x) => !Number.isFinite(x))) throw new UsageError(`${what} must be comma-separated numbers, e.g. 0.5,-1; got "${s}"`);
  return v;
}

/** A model file's network in float64 (explain's arithmetic), with its preprocessing. */
function modelNetwork(path: string): { net: Network; pre: Preprocessing | null } {
  const file = readModel(path);
  const sizes = file.net.spec.sizes;
  if (sizes.some((n) => n > 8)) throw new UsageError(`explain shows every number: ${path} is a ${sizes.join('-')} network, and explain takes at most 8 neurons per layer`);
  const net = new Network({ ...file.net.spec, dtype: 'f64' });
  net.params.set(file.net.params);
  return { net, pre: file.preprocessing };
}

export async function explain(o: Flags, model?: string): Promise<number> {
  const fromFile = model ? modelNetwork(model) : null;
  const sizes = fromFile ? fromFile.net.spec.sizes : o.layers;
  if (sizes.length < 2 || sizes.some((n) => n > 8)) throw new UsageError(`explain shows every number: use at most 8 neurons per layer and at least 2 layers, e.g. --layers 2-3-2; got ${sizes.join('-')}`);
  const net = fromFile?.net ?? Network.create({ sizes, activation: o.activation as ActivationName, output: o.output as ActivationName, loss: o.loss as LossName | undefined, dtype: 'f64' }, { seed: o.seed });
  const n0 = sizes[0];
  const nL = sizes[sizes.length - 1];
  const raw = o.input ? numbers(o.input, '--input') : Array.from({ length: n0 }, (_, j) => [0.5, -1, 0.25, 2][j % 4]);
  if (raw.length !== n0) throw new UsageError(`--input has ${raw.length} numbers but the input layer has ${n0}; give ${n0}`);
  // a model's raw features become its inputs through its own preprocessing, as in predict
  const pre = fromFile?.pre && fromFile.pre.normalization.kind !== 'none' ? fromFile.pre : null;
  const a0 = raw.slice();
  if (pre) normalizeRows(a0, pre);
  let y: number[];
  const t = o.target ?? (nL > 1 ? '1' : '1');
  if (/^\d+$/.test(t) && (nL > 1 || !t.includes(','))) {
    const k = Number(t);
    if (nL > 1) {
      if (k >= nL) throw new UsageError(`--target class ${k} is out of range: the output layer has ${nL} classes (0…${nL - 1})`);
      y = Array.from({ length: nL }, (_, j) => (j === k ? 1 : 0));
    } else y = [k];
  } else y = numbers(t, '--target');
  if (y.length !== nL) throw new UsageError(`--target has ${y.length} numbers but the output layer has ${nL}`);

  const d = o.digits;
  const num = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(d);
  const vec = (v: number[]) => `[${v.map(num).join(', ')}]`;
  const mat = (rows: number[][], indent: string) => rows.map((r, i) => `${indent}${i === 0 ? '⎡' : i === rows.length - 1 ? '⎣' : '⎢'} ${r.map(num).join('  ')} ${i === 0 ? '⎤' : i === rows.length - 1 ? '⎦' : '⎥'}`).join('\n');
  const Wrows = (W: ArrayLike<number>, nOut: number, nIn: number) => Array.from({ length: nOut }, (_, k) => Array.from({ length: nIn + 1 }, (_, j) => W[k * (nIn + 1) + j]));
  const h = (s: string) => c.bold(c.cyan(s));
  const L = net.L;
  const out: string[] = [];
  out.push(`${c.bold(`Network ${sizes.join('-')}`)}: φ = ${net.spec.activations.slice(0, -1).join(', ') || '–'} on hidden layers, ${net.output} on layer ${L}; loss ${net.spec.loss}. W^[l] is n^[l] × (n^[l-1]+1) with the bias b in column 0.`);
  if (model) out.push(`Model ${model}${pre ? `; raw x = ${vec(raw)} through its ${pre.normalization.kind} normalisation x' = (x − shift)·scale` : ''}`);
  out.push(`Sample a^[0] = ${vec(a0)}, target y = ${vec(y)}`);
  out.push('');
  out.push(h(`FORWARD  (l = 1 … ${L})`));
  const fw = forwardSample(net, a0);
  for (let l = 0; l < L; l++) {
    const { nIn, nOut, phi } = net.layers[l];
    out.push(c.bold(`layer ${l + 1}`));
    out.push(`  W^[${l + 1}] =`);
    out.push(mat(Wrows(net.W[l], nOut, nIn), '    '));
    out.push(`  x^[${l}] = [1; a^[${l}]] = ${vec(fw.x[l])}`);
    out.push(`  net^[${l + 1}] = W^[${l + 1}] x^[${l}] = ${vec(fw.net[l])}`);
    out.push(`  a^[${l + 1}] = ${phi}(net^[${l + 1}]) = ${vec(fw.a[l])}`);
  }
  const bw = backwardSample(net, fw, y);
  const lossFormula = net.spec.loss === 'mse' ? 'L = ½ Σ_k (y_k − a_k)²' : net.spec.loss === 'cce' ? 'L = −Σ_k y_k log a_k' : 'L = −Σ_k [y_k log a_k + (1 − y_k) log(1 − a_k)]';
  out.push(`loss ${lossFormula} = ${bw.loss.toFixed(d + 2)}`);
  out.push('');
  out.push(h(`BACKWARD  (l = ${L} … 1)`));
  for (let l = L - 1; l >= 0; l--) {
    const { phi } = net.layers[l];
    out.push(c.bold(`layer ${l + 1}`));
    if (l === L - 1) {
      if (phi === 'softmax' && net.spec.loss === 'cce') out.push(`  δ^[${L}] = (Σ_j y_j)·a^[${L}] − y = ${vec(bw.delta[l])}    (softmax + cross-entropy, eq. 0.2)`);
      else {
        out.push(`  ∂L/∂a^[${L}] = ${net.spec.loss === 'mse' ? `a^[${L}] − y` : 'from the loss'} = ${vec(bw.dA[l])}`);
        if (phi === 'softmax') out.push(`  δ^[${L}] = J_softmaxᵀ ∂L/∂a^[${L}] = a ⊙ (g − g·a) = ${vec(bw.delta[l])}`);
        else out.push(`  δ^[${L}] = ∂L/∂a^[${L}] ⊙ φ'(net^[${L}]) = ${vec(bw.dA[l])} ⊙ ${vec(fw.net[l].map((z, k) => PHI[phi as Exclude<ActivationName, 'softmax'>].df(z, fw.a[l][k])))} = ${vec(bw.delta[l])}`);
      }
    } else {
      const dphi = fw.net[l].map((z, k) => PHI[phi as Exclude<ActivationName, 'softmax'>].df(z, fw.a[l][k]));
      out.push(`  δ^[${l + 1}] = ∂L/∂a^[${l + 1}] ⊙ φ'(net^[${l + 1}]) = ${vec(bw.dA[l])} ⊙ ${vec(dphi)} = ${vec(bw.delta[l])}`);
    }
    out.push(`  ∂L/∂W^[${l + 1}] = δ^[${l + 1}] (x^[${l}])ᵀ =`);
    out.push(mat(bw.dW[l], '    '));
    if (l > 0) out.push(`  ∂L/∂x^[${l}] = (W^[${l + 1}])ᵀ δ^[${l + 1}] = ${vec(bw.dX[l])};  drop element 0 (x_0 = 1): ∂L/∂a^[${l}] = ${vec(bw.dA[l - 1])}`);
  }
  out.push('');
  out.push(h(`UPDATE  (gradient descent, η = ${o.lr}):  W^[l] ← W^[l] − η ∂L/∂W^[l]`));
  for (let l = 0; l < L; l++) {
    const { nIn, nOut } = net.layers[l];
    const W = net.W[l];
    for (let k = 0; k < nOut; k++) for (let j = 0; j <= nIn; j++) W[k * (nIn + 1) + j] -= o.lr * bw.dW[l][k][j];
    out.push(`  W^[${l + 1}] =`);
    out.push(mat(Wrows(W, nOut, nIn), '    '));
  }
  const after = backwardSample(net, forwardSample(net, a0), y);
  out.push(`loss on this sample after the step: ${after.loss.toFixed(d + 2)} (was ${bw.loss.toFixed(d + 2)})`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

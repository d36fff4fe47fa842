/**
 * Gradient check: the analytic mean gradient of the batched backward pass against central
 * differences (L(w+ε) − L(w−ε)) / 2ε of the mean loss, both in float64, per layer.
 */
import type { Dataset } from './dataset.js';
import { checkDataset, gatherRows } from './dataset.js';
import { checkMemory, memoryBudget, Network, Workspace } from './network.js';
import { jsBackend } from './kernels/index.js';
import { Rng } from './rng.js';

export interface LayerCheck {
  layer: number; // 1-based
  checked: number; // parameters compared
  maxAbsError: number;
  /** max |g − ĝ| / max(|g|, |ĝ|, floor) over the checked parameters. */
  maxRelError: number;
}

export interface GradCheckResult {
  layers: LayerCheck[];
  maxRelError: number;
}

export interface GradCheckOptions {
  eps?: number;
  /** Check at most this many parameters per layer (a seeded sample); default all. */
  perLayer?: number;
  seed?: number;
  /** Denominator floor of the relative error, so exact zeros do not divide by zero. */
  floor?: number;
  /** Bytes the check may allocate (an f64 copy of the weights, their gradient, scratch); default DEFAULT_MEMORY_BUDGET. */
  memoryBudget?: number;
}

/** Per-layer max relative error of analytic vs numeric gradients on rows of `data`. */
export function gradCheck(model: Network, data: Dataset, opts: GradCheckOptions = {}): GradCheckResult {
  checkDataset(data, model.nIn, model.nOut, 'gradient-check data');
  const eps = opts.eps ?? 1e-6;
  const floor = opts.floor ?? 1e-8;
  // an f64 copy: finite differences in f32 would measure rounding, not the gradient
  const spec = { ...model.spec, dtype: 'f64' as const };
  checkMemory({ params: 2 * model.P * 8, scratch: Workspace.bytes(spec, data.N) }, memoryBudget(jsBackend, opts.memoryBudget), `a gradient check of ${spec.sizes.join('-')} on ${data.N} rows`);
  const net = new Network(spec, Float64Array.from(model.params));
  const B = data.N;
  const ws = net.workspace(B);
  const idx = new Int32Array(B).map((_, i) => i);
  gatherRows(ws.X, ws.Y, data, idx, 0, B);
  const meanLoss = () => {
    net.forward(ws, B);
    return net.lossSum(ws, B) / B;
  };
  const dW = new Float64Array(net.P);
  net.forward(ws, B);
  net.backward(ws, B, net.gradViews(dW));
  const rng = new Rng(opts.seed ?? 7);
  const layers: LayerCheck[] = [];
  let worst = 0;
  for (let l = 0; l < net.L; l++) {
    const { offset, size } = net.layers[l];
    let picks = Array.from({ length: size }, (_, i) => offset + i);
    if (opts.perLayer !== undefined && opts.perLayer < size) picks = rng.shuffle(picks).slice(0, opts.perLayer);
    let maxAbs = 0;
    let maxRel = 0;
    for (const i of picks) {
      const w = net.params[i];
      net.params[i] = w + eps;
      const up = meanLoss();
      net.params[i] = w - eps;
      const down = meanLoss();
      net.params[i] = w;
      const numeric = (up - down) / (2 * eps);
      const analytic = dW[i] / B;
      const abs = Math.abs(analytic - numeric);
      const rel = abs / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
      if (abs > maxAbs) maxAbs = abs;
      if (rel > maxRel) maxRel = rel;
    }
    layers.push({ layer: l + 1, checked: picks.length, maxAbsError: maxAbs, maxRelError: maxRel });
    if (maxRel > worst) worst = maxRel;
  }
  return { layers, maxRelError: worst };
}

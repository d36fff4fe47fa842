/**
 * Gradient check: the analytic mean gradient g of the batched backward pass against central
 * differences ĝ = (L(w+ε) − L(w−ε)) / 2ε of the mean loss, both in float64, per layer. A
 * parameter passes when |g − ĝ| ≤ atol + rtol·|ĝ| (the rule the test suite uses): a relative
 * error alone blows up on gradients near zero, where only the absolute error means anything.
 */
import type { Dataset } from './dataset.js';
import { ConfigError } from './errors.js';
import { checkDataset, gatherRows } from './dataset.js';
import { checkMemory, memoryBudget, Network, Workspace } from './network.js';
import { jsBackend } from './kernels/js.js';
import { Rng } from './rng.js';

export interface LayerCheck {
  layer: number; // 1-based
  checked: number; // parameters compared
  maxAbsError: number;
  /** max |g − ĝ| / max(|g|, |ĝ|, floor) over the checked parameters. */
  maxRelError: number;
  /** max |g − ĝ| / (atol + rtol·|ĝ|): at most 1 when every checked parameter passes. */
  worst: number;
  ok: boolean;
}

export interface GradCheckResult {
  layers: LayerCheck[];
  maxAbsError: number;
  maxRelError: number;
  worst: number;
  /** Every checked parameter within |g − ĝ| ≤ atol + rtol·|ĝ|. */
  ok: boolean;
  atol: number;
  rtol: number;
}

export interface GradCheckOptions {
  eps?: number;
  /** Check at most this many parameters per layer (a seeded sample); default all. */
  perLayer?: number;
  seed?: number;
  /** Denominator floor of the reported relative error, so exact zeros do not divide by zero. */
  floor?: number;
  /** Absolute tolerance of the pass rule (default 1e-7: central differences in f64 are good to ≈1e-10). */
  atol?: number;
  /** Relative tolerance of the pass rule (default 1e-5). */
  rtol?: number;
  /** Bytes the check may allocate (an f64 copy of the weights, their gradient, scratch); default DEFAULT_MEMORY_BUDGET. */
  memoryBudget?: number;
}

/** Per-layer max relative error of analytic vs numeric gradients on rows of `data`. */
export function gradCheck(model: Network, data: Dataset, opts: GradCheckOptions = {}): GradCheckResult {
  checkDataset(data, model.nIn, model.nOut, 'gradient-check data');
  const eps = opts.eps ?? 1e-6;
  const floor = opts.floor ?? 1e-8;
  const atol = opts.atol ?? 1e-7;
  const rtol = opts.rtol ?? 1e-5;
  if (!(atol >= 0) || !(rtol >= 0) || atol + rtol === 0) throw new ConfigError(`gradient-check tolerances must be ≥ 0 and not both 0; got atol ${atol}, rtol ${rtol}`);
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
  for (let l = 0; l < net.L; l++) {
    const { offset, size } = net.layers[l];
    let picks = Array.from({ length: size }, (_, i) => offset + i);
    if (opts.perLayer !== undefined && opts.perLayer < size) picks = rng.shuffle(picks).slice(0, opts.perLayer);
    let maxAbs = 0;
    let maxRel = 0;
    let worst = 0;
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
      const ratio = abs / (atol + rtol * Math.abs(numeric));
      if (abs > maxAbs) maxAbs = abs;
      if (rel > maxRel) maxRel = rel;
      if (!(ratio <= worst)) worst = ratio; // NaN counts as the worst
    }
    layers.push({ layer: l + 1, checked: picks.length, maxAbsError: maxAbs, maxRelError: maxRel, worst, ok: worst <= 1 });
  }
  const max = (k: 'maxAbsError' | 'maxRelError' | 'worst') => layers.reduce((m, l) => (l[k] > m || Number.isNaN(l[k]) ? l[k] : m), 0);
  return { layers, maxAbsError: max('maxAbsError'), maxRelError: max('maxRelError'), worst: max('worst'), ok: layers.every((l) => l.ok), atol, rtol };
}

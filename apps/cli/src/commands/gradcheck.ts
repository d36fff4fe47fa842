/**
 * `backprop gradcheck`: analytic ∂L/∂W^[l] (batched backward pass) against central differences
 * (L(w+ε) − L(w−ε)) / 2ε, per layer, in float64. Exit 1 when a layer exceeds the tolerance.
 */
import { gradCheck, Network, subset, type ActivationName, type Dataset } from '@backprop/core';
import { UsageError } from '../errors.js';
import { loadForModel, loadTraining, residentRows } from '../datasets.js';
import { readModel } from '../files.js';
import { dataOptions } from './train.js';
import { c, table } from '../ui.js';

interface Flags { data?: string; hidden: number[]; activation: string; rows: number; perLayer?: number; tolerance: number; seed: number; json?: boolean }

export async function gradcheck(modelPath: string | undefined, o: Flags): Promise<number> {
  let net: Network;
  let data: Dataset;
  let what: string;
  if (modelPath) {
    const file = readModel(modelPath);
    const cli = file.meta.cli as (Parameters<typeof dataOptions>[0] & { data?: string }) | undefined;
    const spec = o.data ?? cli?.data ?? 'circle';
    if (!file.preprocessing) throw new UsageError(`${modelPath} carries no preprocessing (feature order, labels); it cannot map ${spec} to inputs`);
    ({ data } = await loadForModel(spec, file.preprocessing, dataOptions(cli, o.seed), true));
    net = file.net;
    what = `${modelPath} on ${spec}`;
  } else {
    const spec = o.data ?? 'circle';
    const loaded = await loadTraining(spec, { seed: o.seed });
    data = residentRows(loaded.train);
    net = Network.create({ sizes: [data.nIn, ...o.hidden, data.nOut], activation: o.activation as ActivationName, dtype: 'f64' }, { seed: o.seed });
    what = `a fresh ${net.spec.sizes.join('-')} network (${o.activation}, seed ${o.seed}) on ${spec}`;
  }
  const rows = Math.min(o.rows, data.N);
  const r = gradCheck(net, subset(data, Int32Array.from({ length: rows }, (_, i) => i)), { perLayer: o.perLayer, seed: o.seed });
  const ok = r.maxRelError <= o.tolerance;
  if (o.json) {
    process.stdout.write(JSON.stringify({ ok, tolerance: o.tolerance, rows, maxRelError: r.maxRelError, layers: r.layers }) + '\n');
    return ok ? 0 : 1;
  }
  process.stdout.write(`gradient check of ${what}, ${rows} rows, ε = 1e-6 (float64)\n`);
  process.stdout.write(table(['layer', 'checked', 'max |g − ĝ|', 'max relative error', ''], r.layers.map((l) => [l.layer, l.checked, l.maxAbsError.toExponential(2), l.maxRelError.toExponential(2), l.maxRelError <= o.tolerance ? c.green('ok') : c.red('FAIL')])) + '\n');
  process.stdout.write(ok ? c.green(`ok: max relative error ${r.maxRelError.toExponential(2)} ≤ ${o.tolerance}\n`) : c.red(`FAIL: max relative error ${r.maxRelError.toExponential(2)} > ${o.tolerance}\n`));
  return ok ? 0 : 1;
}

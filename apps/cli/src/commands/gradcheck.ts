/**
 * `backprop gradcheck`: analytic ∂L/∂W^[l] (batched backward pass) against central differences
 * ĝ = (L(w+ε) − L(w−ε)) / 2ε, per layer, in float64. A parameter passes when
 * |g − ĝ| ≤ atol + rtol·|ĝ|; exit 1 when one does not. Both errors are reported.
 */
import { gradCheck, jsBackend, Network, type ActivationName, type Dataset } from '@backprop/core';
import { checkMemory, layerTable, resolveSpec, subset, Workspace } from '@backprop/core/engine';
import { UsageError } from '../errors.js';
import { loadForModel, loadTraining, residentRows } from '../datasets.js';
import { readModel } from '../files.js';
import { dataOptions } from '../meta.js';
import { cliMemoryBudget } from './train.js';
import { c, table } from '../ui.js';

interface Flags { data?: string; hidden?: number[]; activation?: string; rows: number; perLayer?: number; atol: number; rtol: number; seed: number; json?: boolean }

export const FRESH = { hidden: [5, 4], activation: 'tanh' };

export async function gradcheck(modelPath: string | undefined, o: Flags): Promise<number> {
  let net: Network;
  let data: Dataset;
  let what: string;
  const budget = cliMemoryBudget(jsBackend);
  if (modelPath) {
    const arch = (['hidden', 'activation'] as const).filter((k) => o[k] !== undefined);
    if (arch.length) throw new UsageError(`--${arch.join(' and --')} shape${arch.length === 1 ? 's' : ''} a fresh network, and ${modelPath} has its own architecture; drop ${arch.length === 1 ? 'it' : 'them'}, or drop the model to check a fresh network`);
    const file = readModel(modelPath);
    const cli = file.cli;
    const spec = o.data ?? cli?.dataPath ?? cli?.data ?? 'circle';
    if (!file.preprocessing) throw new UsageError(`${modelPath} carries no preprocessing (feature order, labels); it cannot map ${spec} to inputs`);
    ({ data } = await loadForModel(spec, file.preprocessing, dataOptions(cli, o.seed), true));
    net = file.net;
    what = `${modelPath} on ${o.data ?? cli?.data ?? spec}`;
  } else {
    const spec = o.data ?? 'circle';
    const loaded = await loadTraining(spec, { seed: o.seed });
    data = residentRows(loaded.train);
    const activation = (o.activation ?? FRESH.activation) as ActivationName;
    const config = { sizes: [data.nIn, ...(o.hidden ?? FRESH.hidden), data.nOut], activation, dtype: 'f64' as const };
    const s = resolveSpec(config);
    const rows = Math.min(o.rows, data.N);
    // the network, gradCheck's float64 copy and its gradient, and the scratch of `rows` rows
    checkMemory({ params: 3 * layerTable(s).P * 8, scratch: Workspace.bytes(s, rows) }, budget, `a gradient check of ${s.sizes.join('-')}`, { layers: 'use smaller --hidden sizes', scratch: 'use fewer --rows or smaller --hidden sizes' });
    net = Network.create(config, { seed: o.seed, memoryBudget: budget });
    what = `a fresh ${net.spec.sizes.join('-')} network (${activation}, seed ${o.seed}) on ${spec}`;
  }
  const rows = Math.min(o.rows, data.N);
  const r = gradCheck(net, subset(data, Int32Array.from({ length: rows }, (_, i) => i)), { perLayer: o.perLayer, seed: o.seed, atol: o.atol, rtol: o.rtol, memoryBudget: budget });
  const rule = `|g − ĝ| ≤ ${o.atol} + ${o.rtol}·|ĝ|`;
  if (o.json) {
    process.stdout.write(JSON.stringify({ ok: r.ok, atol: r.atol, rtol: r.rtol, rows, maxAbsError: r.maxAbsError, maxRelError: r.maxRelError, worst: r.worst, layers: r.layers }) + '\n');
    return r.ok ? 0 : 1;
  }
  process.stdout.write(`gradient check of ${what}, ${rows} rows, ε = 1e-6 (float64); pass: ${rule}\n`);
  process.stdout.write(table(['layer', 'checked', 'max |g − ĝ|', 'max relative error', 'worst / allowed', ''], r.layers.map((l) => [l.layer, l.checked, l.maxAbsError.toExponential(2), l.maxRelError.toExponential(2), l.worst.toExponential(2), l.ok ? c.green('ok') : c.red('FAIL')])) + '\n');
  const summary = `max |g − ĝ| ${r.maxAbsError.toExponential(2)}, max relative error ${r.maxRelError.toExponential(2)}; the worst parameter uses ${(100 * r.worst).toFixed(1)}% of its allowance`;
  process.stdout.write(r.ok ? c.green(`ok: ${summary}\n`) : c.red(`FAIL: ${summary} (${rule} does not hold)\n`));
  return r.ok ? 0 : 1;
}

/** `backprop info MODEL`: layers with their W shapes, parameter count, weights hash, preprocessing and training config. */
import { SHORT_HASH, weightsHash } from '@backprop/core';
import { readModel } from '../files.js';
import { c, table } from '../ui.js';

export async function info(modelPath: string, o: { json?: boolean }): Promise<number> {
  const file = readModel(modelPath);
  const net = file.net;
  const t = file.training;
  const pre = file.preprocessing;
  if (o.json) {
    process.stdout.write(JSON.stringify({
      sizes: net.spec.sizes, activations: net.spec.activations, loss: net.spec.loss, dtype: net.spec.dtype, parameters: net.P, weightsSha256: weightsHash(net.params),
      layers: net.layers.map((l, i) => ({ layer: i + 1, nIn: l.nIn, nOut: l.nOut, phi: l.phi, parameters: l.size })),
      preprocessing: pre ? { features: pre.features.length, normalization: pre.normalization.kind, labels: pre.labels, source: pre.source ?? null, columns: pre.columns ?? null, targetNormalization: pre.targetNormalization ?? null } : null,
      training: t ? { config: t.config, epochsDone: t.state.epoch, step: t.state.step, history: t.state.history } : null,
      meta: file.meta,
    }) + '\n');
    return 0;
  }
  const out: string[] = [];
  out.push(`${c.bold(modelPath)}: ${net.spec.sizes.join('-')}, loss ${net.spec.loss}, ${net.spec.dtype}, ${net.P.toLocaleString('en-US')} parameters`);
  out.push(table(['layer', 'W shape', 'φ', 'parameters'], net.layers.map((l, i) => [i + 1, `${l.nOut} × (${l.nIn}+1)`, l.phi, l.size.toLocaleString('en-US')])));
  // the identity the web app's digits tab shows: the same weights give the same hash anywhere
  out.push(`${c.bold('weights')}  sha256 ${weightsHash(net.params).slice(0, SHORT_HASH)}…`);
  if (pre) {
    const feats = pre.features.length > 6 ? `${pre.features.slice(0, 6).join(', ')}, … (${pre.features.length})` : pre.features.join(', ');
    out.push(`${c.bold('inputs')}   ${feats}; normalisation ${pre.normalization.kind}${pre.source ? `; from ${pre.source}` : ''}`);
    if (pre.labels) out.push(`${c.bold('labels')}   ${pre.labels.join(', ')}`);
    const special = (pre.columns ?? []).filter((k) => k.kind === 'categorical' || k.missing !== 'error');
    const rule = (k: (typeof special)[number]) => (k.fill !== undefined ? `missing → ${k.missing} ${typeof k.fill === 'number' ? +k.fill.toPrecision(7) : k.fill}` : k.missing === 'drop' ? 'rows with it missing were dropped' : '');
    if (special.length > 0) out.push(`${c.bold('columns')}  ${special.map((k) => `${k.name}: ${[k.kind === 'categorical' ? `one-hot over ${k.categories.length} categories` : '', rule(k)].filter(Boolean).join(', ')}`).join('; ')}`);
    if (pre.targetNormalization) out.push(`${c.bold('targets')}  ${(pre.targets ?? ['y']).join(', ')}: ${pre.targetNormalization.kind}-normalised for training; predict and eval report them in their own units`);
  }
  if (t) {
    const cfg = t.config;
    const opt = cfg.optimizer;
    const extra = opt.name === 'adam' ? `, β1 ${opt.beta1}, β2 ${opt.beta2}` : opt.name === 'sgd' ? '' : `, μ ${opt.momentum}`;
    out.push(`${c.bold('training')} ${opt.name} lr ${opt.lr}${extra}${opt.l2 ? `, l2 ${opt.l2}` : ''}${opt.l1 ? `, l1 ${opt.l1}` : ''}; batch ${cfg.batchSize}; ${t.state.epoch}/${cfg.epochs} epochs done (step ${t.state.step}); seed ${cfg.seed}; val split ${cfg.validationSplit}${cfg.earlyStopping ? `; early stopping patience ${cfg.earlyStopping.patience}` : ''}`);
    const last = t.state.history[t.state.history.length - 1];
    if (last) out.push(`${c.bold('last epoch')} loss ${last.loss.toFixed(4)}${last.accuracy !== null ? `, accuracy ${(100 * last.accuracy).toFixed(2)}%` : ''}`);
    if (t.state.batchInEpoch > 0) out.push(c.yellow(`checkpoint: stopped inside epoch ${t.state.epoch + 1} after ${t.state.batchInEpoch} batches; resume with backprop train --resume ${modelPath}`));
  } else out.push('training   (no training state saved)');
  const cli = file.cli;
  if (cli?.data) out.push(`${c.bold('data')}     ${cli.data}${cli.dataPath && cli.dataPath !== cli.data ? ` (${cli.dataPath}${cli.dataCheck ? `, ${cli.dataCheck.size} bytes, sha256 ${cli.dataCheck.sha256.slice(0, 12)}…` : ''})` : ''}`);
  for (const ch of cli?.changes ?? []) out.push(`${c.bold('changed')}  from epoch ${ch.epoch + 1}, step ${ch.step}: ${Object.entries(ch.set).map(([k, v]) => `${k} ${v}`).join(', ')} (train --resume)`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

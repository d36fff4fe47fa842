/** `backprop predict MODEL INPUT`: a^[L] for each input row, with the model's own preprocessing and label names. */
import { outputsToTargets, predictedClass } from '@backprop/core';
import { loadInputs } from '../datasets.js';
import { UsageError } from '../errors.js';
import { checkWritable, readModel, writeAtomic } from '../files.js';

export async function predict(modelPath: string, input: string, o: { out?: string; force?: boolean; json?: boolean; unseen?: 'zeros' | 'error' }): Promise<number> {
  const file = readModel(modelPath);
  const pre = file.preprocessing;
  if (!pre) throw new UsageError(`${modelPath} carries no preprocessing (feature order, labels); it cannot read ${input}`);
  if (o.force && !o.out) throw new UsageError('--force lets -o FILE overwrite a file, and without -o the predictions go to stdout; drop --force, or add -o FILE');
  if (o.out) checkWritable(o.out, Boolean(o.force));
  const { X, N } = await loadInputs(input, pre, { unseen: o.unseen, onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
  const net = file.net;
  const classifies = net.task === 'classification' && pre.labels;
  const A = classifies ? net.predict(X, N) : outputsToTargets(pre, net.predict(X, N)); // regression: in the targets' units
  const K = net.nOut;
  const classify = net.task === 'classification' && pre.labels;
  const names = classify ? pre.labels! : (pre.targets ?? Array.from({ length: K }, (_, k) => `y${k + 1}`));
  const lines: string[] = [];
  if (!o.json) lines.push(classify ? ['label', ...names.map((n) => `p_${n}`)].join(',') : names.join(','));
  for (let i = 0; i < N; i++) {
    const row = Array.from(A.subarray(i * K, (i + 1) * K), (v) => Number(v.toPrecision(6)));
    if (classify) {
      const label = names[predictedClass(A, i, K)];
      const probs = K === 1 ? [row[0]] : row;
      lines.push(o.json ? JSON.stringify({ row: i, label, probabilities: Object.fromEntries(names.map((n, k) => [n, K === 1 ? (k === 1 ? probs[0] : 1 - probs[0]) : probs[k]])) }) : [label, ...probs].join(','));
    } else {
      lines.push(o.json ? JSON.stringify({ row: i, values: row }) : row.join(','));
    }
  }
  const text = lines.join('\n') + '\n';
  if (o.out) {
    writeAtomic(o.out, text);
    process.stderr.write(`wrote ${N} predictions to ${o.out}\n`);
  } else process.stdout.write(text);
  return 0;
}

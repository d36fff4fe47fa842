/** `backprop eval MODEL DATA`: mean loss, accuracy and the confusion matrix C[true][predicted]. */
import { evaluate } from '@backprop/core';
import { loadForModel } from '../datasets.js';
import { UsageError } from '../errors.js';
import { readModel } from '../files.js';
import { c, fmt, table } from '../ui.js';

export async function evalCommand(modelPath: string, data: string, o: { labelColumn?: string; json?: boolean }): Promise<number> {
  const file = readModel(modelPath);
  if (!file.preprocessing) throw new UsageError(`${modelPath} carries no preprocessing (feature order, labels); it cannot map ${data} to inputs`);
  const seed = (file.meta.cli as { seed?: number } | undefined)?.seed ?? 1;
  const ds = await loadForModel(data, file.preprocessing, { seed, labelColumn: o.labelColumn });
  const ev = evaluate(file.net, ds);
  const labels = file.preprocessing.labels ?? (ev.confusion ? ev.confusion.map((_, k) => String(k)) : []);
  if (o.json) {
    process.stdout.write(JSON.stringify({ N: ev.N, loss: ev.loss, accuracy: ev.accuracy, labels, confusion: ev.confusion }) + '\n');
    return 0;
  }
  process.stdout.write(`${c.bold('model')} ${modelPath}: ${file.net.describe()}\n`);
  process.stdout.write(`${c.bold('data')}  ${data}: ${ev.N} rows\n`);
  process.stdout.write(`loss ${fmt.loss(ev.loss)}${ev.accuracy === null ? '' : `   accuracy ${c.bold(fmt.pct(ev.accuracy))}`}\n`);
  if (ev.confusion) {
    process.stdout.write('confusion matrix (rows: true label, columns: predicted)\n');
    const rows = ev.confusion.map((r, t) => [labels[t], ...r.map((n, p) => (t === p ? c.green(String(n)) : n === 0 ? c.dim('0') : String(n)))]);
    process.stdout.write(table(['true \\ pred', ...labels], rows) + '\n');
  }
  return 0;
}

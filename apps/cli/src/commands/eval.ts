/** `backprop eval MODEL DATA`: mean loss, accuracy and the confusion matrix C[true][predicted]. */
import { resolve } from 'node:path';
import { evaluateOn, loadForEval, regressionOn } from '../datasets.js';
import { UsageError } from '../errors.js';
import { readModel } from '../files.js';
import { dataKind, dataOptions, type CliMeta } from '../meta.js';
import { c, fmt, table } from '../ui.js';

/** True when `data` names the set the model was trained on (the same built-in name, or the same file). */
function isTrainingSet(data: string, cli: CliMeta | undefined): boolean {
  if (!cli || data === '-') return false;
  if (cli.dataPath) return resolve(data) === cli.dataPath;
  return cli.data.trim().toLowerCase() === data.trim().toLowerCase();
}

export async function evalCommand(modelPath: string, data: string, o: { labelColumn?: string; json?: boolean; unseen?: 'zeros' | 'error' }): Promise<number> {
  const file = readModel(modelPath);
  if (!file.preprocessing) throw new UsageError(`${modelPath} carries no preprocessing (feature order, labels); it cannot map ${data} to inputs`);
  const kind = data === '-' ? 'csv' : dataKind(data);
  if (o.labelColumn !== undefined && kind !== 'csv' && kind !== 'missing') throw new UsageError(`--label-column picks a column of a CSV file and ${data} is ${kind === 'idx' ? 'IDX files' : `the built-in ${kind} set`}; drop --label-column`);
  const cli = file.cli;
  const opts = dataOptions(cli);
  if (o.labelColumn !== undefined) opts.labelColumn = o.labelColumn;
  // the training set itself: score the held-out rows of the same seeded split
  const same = isTrainingSet(data, cli);
  if (!same) opts.samples = undefined;
  const { data: ds, part } = await loadForEval(data, file.preprocessing, opts, same, { unseen: o.unseen, onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
  const ev = await evaluateOn(file.net, ds);
  // regression: the loss and errors in the targets' own units (training saw them normalised)
  const reg = file.preprocessing.labels === null ? await regressionOn(file.net, ds, file.preprocessing) : null;
  if (reg) ev.loss = reg.loss;
  const labels = file.preprocessing.labels ?? (ev.confusion ? ev.confusion.map((_, k) => String(k)) : []);
  const shown = data === '-' ? 'stdin' : data;
  if (o.json) {
    process.stdout.write(JSON.stringify({ N: ev.N, heldOut: same, loss: ev.loss, accuracy: ev.accuracy, ...(reg ? { rmse: reg.rmse, mae: reg.mae } : {}), labels, confusion: ev.confusion }) + '\n');
    return 0;
  }
  process.stdout.write(`${c.bold('model')} ${modelPath}: ${file.net.describe()}\n`);
  process.stdout.write(`${c.bold('data')}  ${shown}: ${part}, ${file.preprocessing.normalization.kind} normalisation from the model\n`);
  process.stdout.write(`loss ${fmt.loss(ev.loss)}${ev.accuracy === null ? '' : `   accuracy ${c.bold(fmt.pct(ev.accuracy))}`}${reg ? `   RMSE ${c.bold(fmt.loss(reg.rmse))}   MAE ${fmt.loss(reg.mae)} (target units)` : ''}\n`);
  if (ev.confusion) {
    process.stdout.write('confusion matrix (rows: true label, columns: predicted)\n');
    const rows = ev.confusion.map((r, t) => [labels[t], ...r.map((n, p) => (t === p ? c.green(String(n)) : n === 0 ? c.dim('0') : String(n)))]);
    process.stdout.write(table(['true \\ pred', ...labels], rows) + '\n');
  }
  return 0;
}

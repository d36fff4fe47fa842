/**
 * `backprop import FILE -o MODEL.bpnn`: a TF.js layers model (model.json + its weight files, as
 * tfjs or the Keras converter write them) or an ONNX stack of dense layers, as a backprop model
 * file that train --from, eval, predict, explain and the web app take. Weight paths are checked
 * to stay in model.json's directory (symlinks included); nothing is written unless all of it reads.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { ModelFileError, saveModel, type Preprocessing } from '@backprop/core';
import { importOnnx, importTfjs, readPreprocessingJson, tfjsWeightFiles, type ImportedModel } from '@backprop/core/formats';
import { UsageError } from '../errors.js';
import { checkWritable, readBytes, writeAtomic } from '../files.js';
import { c } from '../ui.js';

export interface ImportFlags {
  out?: string;
  labels?: string;
  preprocessing?: string;
  strict?: boolean;
  force?: boolean;
  json?: boolean;
}

/** "onnx" or "tfjs", by extension, else by the first byte (JSON starts with "{"). */
function formatOf(path: string, bytes: Uint8Array): 'onnx' | 'tfjs' {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx') return 'onnx';
  if (ext === '.json') return 'tfjs';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first === 0x7b ? 'tfjs' : 'onnx';
}

/** The weight files model.json names, read from its directory; a path that resolves outside it (even through a symlink) is refused. */
function readWeights(modelJson: string, json: Uint8Array): Record<string, Uint8Array> {
  const dir = dirname(modelJson);
  const realDir = realpathSync(dir);
  const files: Record<string, Uint8Array> = {};
  for (const p of tfjsWeightFiles(json)) {
    const abs = resolve(dir, p);
    if (!existsSync(abs)) throw new ModelFileError(`weights file "${p}" named by model.json is missing; put it beside ${basename(modelJson)} (looked for ${relative(process.cwd(), abs) || abs})`);
    const real = realpathSync(abs);
    if (!real.startsWith(realDir + sep)) throw new ModelFileError(`weights path "${p}" resolves outside the directory of model.json (through a link, to ${real}); copy the weights next to model.json`);
    files[p] = readBytes(abs, 'weights file');
  }
  return files;
}

/** Label names from --labels a,b,c (the importer checks them against the outputs). */
function labelList(spec: string): string[] {
  const labels = spec.split(',').map((s) => s.trim());
  if (labels.some((l) => l === '')) throw new UsageError(`--labels must be non-empty names separated by commas; got "${spec}"`);
  return labels;
}

export async function importCommand(input: string, f: ImportFlags): Promise<number> {
  let path = input;
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'model.json'))) throw new UsageError(`${path} is a directory without a model.json; pass a TF.js model.json or an .onnx file`);
    path = join(path, 'model.json');
  }
  const out = f.out ?? `${join(dirname(input), basename(input.replace(/[/\\]+$/, ''), extname(input)))}.bpnn`;
  checkWritable(out, Boolean(f.force));
  const bytes = readBytes(path, 'model');
  const format = formatOf(path, bytes);
  if (f.preprocessing && format === 'onnx') throw new UsageError('--preprocessing is for TF.js models; an ONNX file carries its preprocessing in its graph and metadata');
  let given: Preprocessing | undefined;
  const beside = join(dirname(path), 'preprocessing.json');
  const preFile = f.preprocessing ?? (format === 'tfjs' && existsSync(beside) ? beside : undefined);
  const labels = f.labels ? labelList(f.labels) : undefined;
  let m: ImportedModel;
  try {
    if (preFile) given = readPreprocessingJson(readBytes(preFile, 'preprocessing file'));
    m = format === 'onnx'
      ? importOnnx(bytes, { labels })
      : importTfjs(bytes, readWeights(path, bytes), { labels, dropout: f.strict ? 'refuse' : 'drop', ...(given ? { preprocessing: given } : {}) });
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
  if (preFile && !f.preprocessing) m.notes.push(`preprocessing read from ${preFile}`);
  const meta = { imported: { from: basename(path), format, producer: m.source.producer, notes: m.notes, importedAt: new Date().toISOString() } };
  writeAtomic(out, saveModel(m.net, { preprocessing: m.preprocessing, meta }));
  if (f.json) {
    process.stdout.write(JSON.stringify({ model: out, format, producer: m.source.producer, sizes: m.net.spec.sizes, activations: m.net.spec.activations, loss: m.net.spec.loss, labels: m.preprocessing.labels, notes: m.notes }) + '\n');
    return 0;
  }
  const what = format === 'onnx' ? 'ONNX model' : 'TF.js layers model';
  process.stdout.write(`${c.bold('imported')} ${path} (${what} from ${m.source.producer}): ${m.net.describe()} → ${out}\n`);
  for (const n of m.notes) process.stderr.write(c.yellow(`note: ${n}`) + '\n');
  process.stderr.write(c.dim(`fine-tune it with: backprop train --from ${out} --data <data>`) + '\n');
  return 0;
}

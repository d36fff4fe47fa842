/**
 * `backprop export MODEL --format onnx|tfjs -o OUT`: the model for other runtimes. ONNX: one file
 * whose graph takes raw features (the saved preprocessing as Sub/Mul nodes). TF.js: a directory
 * with model.json, weights.bin and preprocessing.json. Everything is built in memory first, then
 * written atomically, so an error leaves nothing behind.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { exportOnnx, exportTfjs } from '@backprop/core/formats';
import { UsageError } from '../errors.js';
import { checkWritable, readModel, writeAtomic } from '../files.js';
import { c } from '../ui.js';

export interface ExportFlags {
  format: 'onnx' | 'tfjs';
  out?: string;
  preprocessing?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Where an export goes when -o is not given: beside the model, "iris.bpnn" → "iris.onnx" or "iris-tfjs/". */
function defaultOut(model: string, format: ExportFlags['format']): string {
  const stem = join(dirname(model), basename(model, extname(model)));
  return format === 'onnx' ? `${stem}.onnx` : `${stem}-tfjs`;
}

export async function exportCommand(modelPath: string, f: ExportFlags): Promise<number> {
  const file = readModel(modelPath);
  const out = f.out ?? defaultOut(modelPath, f.format);
  const pre = file.preprocessing;
  const notes: string[] = [];
  if (file.net.spec.dtype === 'f64') notes.push('the weights are float64; both formats store them as float32 (rounded)');
  let written: string[];
  if (f.format === 'onnx') {
    const bytes = exportOnnx(file.net, pre, { preprocessing: f.preprocessing !== false });
    checkWritable(out, Boolean(f.force));
    writeAtomic(out, bytes);
    written = [out];
    if (!pre) notes.push('the model carries no preprocessing: the graph takes its inputs as they are');
    else if (f.preprocessing === false && pre.normalization.kind !== 'none') notes.push(`the graph takes normalised inputs (--no-preprocessing); apply the ${pre.normalization.kind} statistics in metadata "preprocessing" first`);
  } else {
    const files = exportTfjs(file.net, pre);
    const contents: [string, Uint8Array | string][] = [[files.weightsFile, files.weights], ['model.json', files.modelJson]];
    if (files.preprocessingJson) contents.unshift(['preprocessing.json', files.preprocessingJson]);
    written = writeDirectory(out, contents, Boolean(f.force)).map((name) => join(out, name));
    if (pre && pre.normalization.kind !== 'none') notes.push(`Dense layers cannot hold the ${pre.normalization.kind} normalisation: apply preprocessing.json to raw rows first (x' = (x − shift)·scale)`);
  }
  if (f.json) {
    process.stdout.write(JSON.stringify({ format: f.format, model: modelPath, files: written, sizes: file.net.spec.sizes, activations: file.net.spec.activations, notes }) + '\n');
    return 0;
  }
  process.stdout.write(`${c.bold(f.format === 'onnx' ? 'ONNX' : 'TF.js')} ${file.net.describe()} → ${written.join(', ')}\n`);
  for (const n of notes) process.stderr.write(c.yellow(`note: ${n}`) + '\n');
  return 0;
}

/**
 * Writes files into a directory. A new directory is filled under a temporary name and renamed
 * into place; in an existing one, each file is written atomically (model.json last, so it never
 * names weights that are not there yet) and existing files need --force.
 */
function writeDirectory(dir: string, files: [string, Uint8Array | string][], force: boolean): string[] {
  const names = files.map(([name]) => name);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a directory; TF.js models are written as a directory (model.json, weights.bin, preprocessing.json): choose another -o`);
    for (const name of names) checkWritable(join(dir, name), force);
    for (const [name, data] of files) writeAtomic(join(dir, name), data);
    return names;
  }
  const parent = dirname(dir) || '.';
  if (!existsSync(parent)) throw new UsageError(`cannot write ${dir}: directory ${parent} does not exist`);
  const tmp = join(parent, `.${basename(dir)}.${process.pid}.tmp`);
  try {
    mkdirSync(tmp);
    for (const [name, data] of files) writeFileSync(join(tmp, name), data);
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') throw new UsageError(`cannot write ${dir} (${code}); choose a writable path`);
    throw e;
  }
  return names;
}

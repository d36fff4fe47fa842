/**
 * "Download ONNX" and "Download TF.js": a network (the playground's or the digits') as the
 * files other runtimes load, written by core's formats (@backprop/core/formats) in the page.
 * The formats code (protobuf runtime, ONNX schema, TF.js reader) is loaded on the first click,
 * not with the page: most visitors never export.
 */
import type { Network, Preprocessing } from '@backprop/core';
import { h } from './messages.js';

/** What one export writes: file names and their bytes, in the order they are downloaded. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
  type: string;
}

/** Base file name of a network's exports, e.g. "playground-2-4-2-2" or "digits-784-64-10". */
export const exportBase = (prefix: string, sizes: readonly number[]): string => `${prefix}-${sizes.join('-')}`;

/**
 * The export files of `net`: ONNX is one `<base>.onnx`; TF.js is `<base>.json` (model.json) with
 * the `<base>.weights.bin` it names (tfjs's own download naming, so `tf.loadLayersModel` finds
 * the weights beside it), plus `<base>.preprocessing.json` when the model has preprocessing.
 */
export async function exportFiles(format: 'onnx' | 'tfjs', net: Network, pre: Preprocessing | null, base: string): Promise<ExportFile[]> {
  const formats = await import('@backprop/core/formats');
  if (format === 'onnx') return [{ name: `${base}.onnx`, bytes: formats.exportOnnx(net, pre, { producerVersion: 'backprop-web' }), type: 'application/octet-stream' }];
  const t = formats.exportTfjs(net, pre, { weightsFile: `${base}.weights.bin`, name: base });
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const files: ExportFile[] = [{ name: `${base}.json`, bytes: text(t.modelJson), type: 'application/json' }, { name: t.weightsFile, bytes: t.weights, type: 'application/octet-stream' }];
  if (t.preprocessingJson) files.push({ name: `${base}.preprocessing.json`, bytes: text(t.preprocessingJson), type: 'application/json' });
  return files;
}

/** Saves each file through a download link, in order (one click: the browser allows the series). */
export function downloadFiles(files: ExportFile[]): void {
  for (const f of files) {
    const a = h('a', { href: URL.createObjectURL(new Blob([f.bytes as BlobPart], { type: f.type })), download: f.name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
}

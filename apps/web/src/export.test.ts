// exportFiles: the names and contents of what the Download ONNX / TF.js buttons save (the browser
// test runs them in onnxruntime-web and TF.js; this checks the files without a browser).
import { Network } from '@backprop/core';
import { readPreprocessingJson } from '@backprop/core/formats';
import { describe, expect, it } from 'vitest';
import { exportBase, exportFiles } from './export.js';

const net = Network.create({ sizes: [3, 4, 2], activation: 'tanh', output: 'softmax' }, { seed: 1 });
const pre = { features: ['a', 'b', 'c'], normalization: { kind: 'zscore' as const, shift: [1, 2, 3], scale: [0.5, 1, 2] }, labels: ['no', 'yes'] };

describe('exportFiles', () => {
  it('names the files after the tab and the layer sizes', () => {
    expect(exportBase('digits', [784, 64, 10])).toBe('digits-784-64-10');
  });

  it('ONNX: one .onnx file', async () => {
    const files = await exportFiles('onnx', net, null, 'playground-3-4-2');
    expect(files.map((f) => f.name)).toEqual(['playground-3-4-2.onnx']);
    expect(files[0].bytes.length).toBeGreaterThan(4 * net.P); // the float32 weights are in it
  });

  it('TF.js: model .json naming the .weights.bin beside it (4 bytes per parameter), and preprocessing.json when there is preprocessing', async () => {
    const files = await exportFiles('tfjs', net, pre, 'digits-3-4-2');
    expect(files.map((f) => f.name)).toEqual(['digits-3-4-2.json', 'digits-3-4-2.weights.bin', 'digits-3-4-2.preprocessing.json']);
    const json = JSON.parse(new TextDecoder().decode(files[0].bytes)) as { weightsManifest: { paths: string[] }[] };
    expect(json.weightsManifest[0].paths).toEqual(['digits-3-4-2.weights.bin']);
    expect(files[1].bytes.length).toBe(4 * net.P);
    expect(readPreprocessingJson(files[2].bytes)).toEqual(pre);
    expect((await exportFiles('tfjs', net, null, 'p')).map((f) => f.name)).toEqual(['p.json', 'p.weights.bin']);
  });
});

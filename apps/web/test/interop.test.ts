/**
 * Browser tests of what leaves the page: the Download ONNX / TF.js buttons (playground and digits)
 * write files that onnxruntime-web and TF.js (tfjs-core + tfjs-layers + the CPU backend, through
 * an in-memory IO handler) load in Node and that predict what the page's network predicts; and the
 * digits tab's "same bits as the CLI" line: `backprop train` with the command the page shows
 * writes a model whose weights hash is the hash the page shows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHORT_HASH, loadModel, weightsHash } from '@backprop/core';
import { load } from '@backprop/data/node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI } from '../../cli/test/helpers.js';
import { CHROMIUM, open, serve, type Served } from './serve.js';

let served: Served;
let page: Page;
const pageErrors: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'backprop-web-interop-'));

/** A trained playground net with derived features (x₁², sin x₁), two tanh layers and softmax over 3 classes. */
const PLAYGROUND = 'ds=kspirals&k=3&n=300&noise=0&train=50&batch=10&f=x1,x2,x1sq,sinx1&h=6,4&act=tanh&out=softmax&opt=adam&lr=0.03&l1=0&l2=0&seed=3&pace=max&w=1&lang=en';

interface File {
  name: string;
  bytes: Uint8Array;
}

/** Clicks `selector` and collects the `n` downloads it starts, in order. */
async function downloads(selector: string, n: number): Promise<File[]> {
  const got: Download[] = [];
  const listen = (d: Download): void => void got.push(d);
  page.on('download', listen);
  try {
    const first = page.waitForEvent('download');
    await page.click(selector);
    await first;
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(n);
    await new Promise((r) => setTimeout(r, 300)); // no extra file follows
    expect(got.length).toBe(n);
    return Promise.all(got.map(async (d) => ({ name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(await d.path())) })));
  } finally {
    page.off('download', listen);
  }
}

async function runOnnx(bytes: Uint8Array, X: number[], N: number, nIn: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(X), [N, nIn]) });
    return out.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** tf.loadLayersModel on model.json + the weights file it names, through an in-memory IO handler. */
async function runTfjs(files: File[], X: number[], N: number, nIn: number): Promise<Float32Array> {
  const json = JSON.parse(new TextDecoder().decode(files[0].bytes)) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const weights = files.find((f) => f.name === json.weightsManifest[0].paths[0]);
  expect(weights, `model.json names ${json.weightsManifest[0].paths[0]}`).toBeDefined();
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights!.bytes.slice().buffer }));
  try {
    return tf.tidy(() => (model.predict(tf.tensor2d(X, [N, nIn])) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** Every output within 1e-5 of the page's, and the same class on every row. */
function expectSame(got: ArrayLike<number>, want: number[], nOut: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(1e-5);
  const argmax = (a: ArrayLike<number>, r: number): number => {
    let best = 0;
    for (let k = 1; k < nOut; k++) if (a[r * nOut + k] > a[r * nOut + best]) best = k;
    return best;
  };
  for (let r = 0; r < want.length / nOut; r++) expect(argmax(got, r)).toBe(argmax(want, r));
}

/** Trains the digits tab with these settings and waits for the result. */
async function trainDigits(s: { hidden: string; epochs: number; batch: number; workers: string; kernels: string }): Promise<void> {
  await page.fill('#d-hidden', s.hidden);
  await page.fill('#d-epochs', String(s.epochs));
  await page.fill('#d-batch', String(s.batch));
  await page.selectOption('#d-workers', s.workers);
  await page.selectOption('#d-kernels', s.kernels);
  await page.evaluate(() => delete (document.querySelector('#d-status') as HTMLElement).dataset.accuracy);
  await page.click('#d-train');
  await page.waitForFunction(() => (document.querySelector('#d-status') as HTMLElement).dataset.accuracy !== undefined, undefined, { timeout: 120_000 });
}

/** Runs the command the page shows (its words after `backprop`) in a fresh folder; the short hash of the model it writes, and its path. */
function cliRun(command: string): { hash: string; file: string } {
  const args = command.split(' ');
  expect(args[0]).toBe('backprop');
  const cwd = mkdtempSync(join(work, 'cli-'));
  const r = spawnSync(process.execPath, [...CLI, ...args.slice(1)], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  const file = join(cwd, 'digits.bpnn');
  const model = loadModel(new Uint8Array(readFileSync(file)));
  const hash = weightsHash(model.net.params).slice(0, SHORT_HASH);
  // `backprop info` prints the same short hash, for a CLI user to compare with the page
  const info = spawnSync(process.execPath, [...CLI, 'info', 'digits.bpnn'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(info.stdout).toContain(`weights  sha256 ${hash}…`);
  return { hash, file };
}

describe.skipIf(!existsSync(CHROMIUM))('exports and the CLI, from Chromium', () => {
  beforeAll(async () => {
    served = await serve();
    page = served.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await tf.setBackend('cpu');
    ort.env.wasm.numThreads = 1; // onnxruntime's WASM backend in this thread
  }, 180_000);

  afterAll(async () => {
    await served?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('playground: Download ONNX and Download TF.js give files that onnxruntime-web and TF.js run like the page (1e-5, same class)', async () => {
    await open(page, served.base, PLAYGROUND);
    for (let e = 1; e <= 3; e++) {
      await page.click('#step');
      await page.waitForFunction((n) => document.querySelector('#epoch')?.textContent === String(n) && document.body.dataset.running === '0', e, { timeout: 10_000 }).catch(async (err: unknown) => {
        throw new Error(`epoch ${e}: shows ${await page.textContent('#epoch')}, running ${await page.evaluate(() => document.body.dataset.running)}, messages ${(await page.locator('.msg').allTextContents()).join(' | ')}`, { cause: err });
      });
    }
    // 40 rows of the 4 network inputs across the input square's range (and past it)
    const N = 40;
    const nIn = 4;
    const X = Array.from({ length: N * nIn }, (_, i) => ((i * 7919) % 1201) / 100 - 6);
    const want = await page.evaluate(([x, n]) => window.backprop.playground.predictRows(x, n), [X, N] as const);
    expect(new Set(want.map((v) => v.toFixed(3))).size).toBeGreaterThan(10); // a trained net, not a constant

    const [onnx] = await downloads('#download-onnx', 1);
    expect(onnx.name).toBe('playground-4-6-4-3.onnx');
    expectSame(await runOnnx(onnx.bytes, X, N, nIn), want, 3);

    const tfjs = await downloads('#download-tfjs', 2);
    expect(tfjs.map((f) => f.name)).toEqual(['playground-4-6-4-3.json', 'playground-4-6-4-3.weights.bin']);
    expectSame(await runTfjs(tfjs, X, N, nIn), want, 3);
    expect(pageErrors).toEqual([]);
  });

  test('digits: the page\'s hash is the hash of `backprop train` run with the command it shows (WASM and JS kernels, 2 workers; 1 in the CLI too), and its exports and the CLI\'s model load back', async () => {
    await page.goto(`${served.base}/?lang=en`);
    await page.click('button[data-tab="digits"]');
    expect(await page.isHidden('#d-hash')).toBe(true);

    await trainDigits({ hidden: '16', epochs: 1, batch: 128, workers: '2', kernels: 'auto' });
    expect(await page.getAttribute('#d-status', 'data-kernels')).toBe('wasm');
    const command = (await page.getAttribute('#d-hash', 'data-command'))!;
    expect(command).toBe('backprop train --data mnist --hidden 16 --epochs 1 --batch-size 128 --optimizer adam --lr 0.002 --seed 1 --kernels wasm --workers 2 -o digits.bpnn');
    expect(await page.textContent('#d-command')).toBe(command);
    const hash = (await page.getAttribute('#d-hash', 'data-hash'))!;
    expect(hash).toMatch(new RegExp(`^[0-9a-f]{${SHORT_HASH}}$`));
    expect(await page.textContent('#d-hash-value')).toBe(`sha256 ${hash}…`);
    expect(await page.textContent('#d-hash .same-bits')).toBe('same bits as the CLI: ✓');
    const cli = cliRun(command);
    expect(cli.hash).toBe(hash);
    expect(cliRun(command.replace('--workers 2', '--workers 1')).hash).toBe(hash); // the tooltip's "any worker count"

    // exports of this model: 20 held-out digits through onnxruntime and TF.js
    const test = (await load('mnist', { seed: 1 })).test!;
    const N = 20;
    const X = Array.from(test.X.subarray(0, N * 784));
    const want = await page.evaluate(([x, n]) => window.backprop.digits!.predictRows(x, n), [X, N] as const);
    const [onnx] = await downloads('#d-onnx', 1);
    expect(onnx.name).toBe('digits-784-16-10.onnx');
    expectSame(await runOnnx(onnx.bytes, X, N, 784), want, 10);
    const tfjs = await downloads('#d-tfjs', 3);
    expect(tfjs.map((f) => f.name)).toEqual(['digits-784-16-10.json', 'digits-784-16-10.weights.bin', 'digits-784-16-10.preprocessing.json']);
    expectSame(await runTfjs(tfjs, X, N, 784), want, 10);
    const pre = JSON.parse(new TextDecoder().decode(tfjs[2].bytes)) as { format: string; preprocessing: { features: string[]; labels: string[] } };
    expect(pre.format).toBe('backprop-preprocessing');
    expect(pre.preprocessing.features).toHaveLength(784);
    expect(pre.preprocessing.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    // the JS kernels round differently: another hash, and the CLI on the JS kernels gives that one
    await trainDigits({ hidden: '16', epochs: 1, batch: 128, workers: '2', kernels: 'js' });
    const jsCommand = (await page.getAttribute('#d-hash', 'data-command'))!;
    expect(jsCommand).toBe(command.replace('--kernels wasm', '--kernels js'));
    const jsHash = (await page.getAttribute('#d-hash', 'data-hash'))!;
    expect(jsHash).not.toBe(hash);
    expect(cliRun(jsCommand).hash).toBe(jsHash);

    // the CLI's model loaded into the page: its hash, no command (the page did not train it)
    await page.setInputFiles('#d-load', cli.file);
    await page.waitForFunction((h) => (document.querySelector('#d-hash') as HTMLElement).dataset.hash === h, hash);
    expect(await page.getAttribute('#d-hash', 'data-command')).toBeNull();
    expect(await page.textContent('#d-hash')).toBe(`Model hash: sha256 ${hash}… (loaded from digits.bpnn; \`backprop info digits.bpnn\` prints the same hash)`);
    expect(pageErrors).toEqual([]);
  });
});

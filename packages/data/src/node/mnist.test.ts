// The real mnist package: all 10,000 digits, the 8,000/2,000 seeded split, pixel values k/255,
// and the browser path (gzip IDX files → fetchMnist) giving the same bits as the Node loader.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../errors.js';
import { MNIST_IDX_FILES, digitJsonPixels, fetchMnist, mnistData, mnistPixelsFromArrays, type FetchLike, type MnistPixels } from '../mnist.js';
import type { LoadedData } from '../prepare.js';
import { loadMnist, mnistPackageDir, readMnistPixels, writeMnistIdx } from './mnist.js';

const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]; // digits per class in the package

const classCounts = (d: { Y: ArrayLike<number>; N: number }) => {
  const c = new Array<number>(10).fill(0);
  for (let b = 0; b < d.N; b++) for (let k = 0; k < 10; k++) if (d.Y[b * 10 + k] === 1) c[k]++;
  return c;
};
const sameBits = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

let pixels: MnistPixels;
let data: LoadedData;
let dir: string;

beforeAll(async () => {
  pixels = await readMnistPixels();
  data = await loadMnist();
  dir = await mkdtemp(join(tmpdir(), 'backprop-mnist-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mnist package', () => {
  it('holds 10,000 digits of 784 bytes, classes 0 … 9 in the known counts', () => {
    expect(pixels.labels.length).toBe(10000);
    expect(pixels.pixels.length).toBe(10000 * 784);
    const c = new Array<number>(10).fill(0);
    for (const l of pixels.labels) c[l]++;
    expect(c).toEqual(CLASS_COUNTS);
  });

  it('loadMnist: 8,000 train / 2,000 test, 784 → 10 one-hot, on shared memory, no normalisation', () => {
    expect([data.train.N, data.test!.N, data.train.nIn, data.train.nOut]).toEqual([8000, 2000, 784, 10]);
    expect(data.name).toBe('mnist');
    expect(data.train.X.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(data.preprocessing.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(data.preprocessing.normalization.kind).toBe('none');
    expect(data.preprocessing.features[783]).toBe('pixel783');
    // stratified: each class gives 20% (± rounding) to the test set
    const test = classCounts(data.test!);
    expect(test.reduce((s, v) => s + v, 0)).toBe(2000);
    test.forEach((t, k) => expect(Math.abs(t - 0.2 * CLASS_COUNTS[k])).toBeLessThanOrEqual(1));
    expect(classCounts(data.train).map((t, k) => t + test[k])).toEqual(CLASS_COUNTS);
  });

  it('pixels are grey levels k/255 in [0, 1], with ink: the mean pixel is about 0.13', () => {
    const X = data.train.X;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < X.length; i++) {
      min = Math.min(min, X[i]);
      max = Math.max(max, X[i]);
      sum += X[i];
    }
    expect([min, max]).toEqual([0, 1]);
    expect(sum / X.length).toBeGreaterThan(0.11);
    expect(sum / X.length).toBeLessThan(0.15);
    const r = data.rows.train[0];
    for (let j = 0; j < 784; j++) expect(X[j]).toBe(Math.fround(pixels.pixels[r * 784 + j] / 255));
  });

  it('the split is a function of the seed: same seed same bits, another seed other rows', async () => {
    const again = await loadMnist();
    expect(sameBits(again.train.X, data.train.X)).toBe(true);
    expect(Array.from(again.rows.test)).toEqual(Array.from(data.rows.test));
    const other = mnistData(pixels, { seed: 2 });
    expect(Array.from(other.rows.test.subarray(0, 20))).not.toEqual(Array.from(data.rows.test.subarray(0, 20)));
    const small = mnistData(pixels, { n: 1000, test: 100 });
    expect([small.train.N, small.test!.N]).toEqual([900, 100]);
  });

  it('the byte scanner reads exactly what JSON.parse reads (digit 5 file)', async () => {
    const file = join(mnistPackageDir(), 'src', 'digits', '5.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as { data: number[] };
    const viaArrays = mnistPixelsFromArrays([[], [], [], [], [], json.data]);
    expect(Buffer.compare(viaArrays.pixels, digitJsonPixels(await readFile(file), file))).toBe(0);
    expect(viaArrays.labels.every((l) => l === 5)).toBe(true);
  });

  it('the browser path: gzip IDX files fetched and decoded give the same datasets, bit for bit', async () => {
    const files = await writeMnistIdx(dir, pixels);
    const gz = await readFile(files.images);
    expect(gz[0]).toBe(0x1f); // gzip
    expect(gz.length).toBeLessThan(1_800_000); // about 1.6 MB, vs 7.84 MB of bytes and 21 MB of JSON
    const fetchFromDir: FetchLike = async (url) => {
      const bytes = await readFile(join(dir, url.slice('/mnist/'.length)));
      return { ok: true, status: 200, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
    };
    const web = await fetchMnist('/mnist', { fetch: fetchFromDir });
    expect(sameBits(web.train.X, data.train.X)).toBe(true);
    expect(sameBits(web.test!.Y, data.test!.Y)).toBe(true);
    expect(web.preprocessing).toEqual(data.preprocessing);
    const missing: FetchLike = async () => ({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) });
    await expect(fetchMnist('/nope/', { fetch: missing })).rejects.toThrow(`/nope/${MNIST_IDX_FILES.images}: HTTP 404; generate the files with`);
  });
});

describe('digitJsonPixels refuses damaged files', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const zeros = new Array(784).fill(0);

  it('reads a well-formed file and checks the shape', () => {
    expect(Array.from(digitJsonPixels(bytes(`{"data":[${[0.2, 1, ...zeros.slice(2)].join(',')}]}`))).slice(0, 3)).toEqual([51, 255, 0]);
    expect(() => digitJsonPixels(bytes(`{"data":[${zeros.slice(1).join(',')}]}`), 'd.json')).toThrow('d.json: 783 values is not a whole number of 28 × 28 digits (784 values each); reinstall the mnist package');
  });

  it('truncated, foreign and out-of-range content', () => {
    expect(() => digitJsonPixels(bytes(`{"data":[0,0.502,`), 't.json')).toThrow(/^t\.json: the file is truncated/);
    expect(() => digitJsonPixels(bytes('[1,2,3]'), 'x.json')).toThrow(DataFileError);
    expect(() => digitJsonPixels(bytes(`{"data":[1.5,${zeros.join(',')}]}`), 'r.json')).toThrow(/^r\.json, row 0, column 0: value 1\.5 is not an 8-bit grey level/);
    expect(() => digitJsonPixels(bytes(`{"data":[0,x]}`), 'c.json')).toThrow(/unexpected character "x"/);
  });
});

// IDX files on disk, laid out like the real MNIST / Fashion-MNIST downloads: a directory with the
// standard names (gzip or not), an images file with its labels beside it, and broken files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../errors.js';
import { encodeIdx } from '../idx.js';
import { FASHION_MNIST_LABELS } from '../mnist.js';
import { findIdxFiles, loadIdx, readIdx } from './idx.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'backprop-idx-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** N images of 4 × 4 bytes: image i has every pixel = 10·i (capped), label i mod 10. */
function imagesOf(N: number, offset = 0) {
  const data = new Uint8Array(N * 16);
  for (let i = 0; i < N; i++) data.fill(Math.min(255, 10 * (i + offset)), 16 * i, 16 * (i + 1));
  return {
    images: encodeIdx({ type: 'u8', dims: [N, 4, 4], data }),
    labels: encodeIdx({ type: 'u8', dims: [N], data: Uint8Array.from({ length: N }, (_, i) => (i + offset) % 10) }),
  };
}

async function layout(name: string, files: Record<string, Uint8Array>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) await writeFile(join(dir, f), bytes);
  return dir;
}

describe('IDX files on disk', () => {
  it('a directory with train and t10k files (gzip): the test set is the t10k file, whole and in order', async () => {
    const train = imagesOf(50);
    const test = imagesOf(20, 100);
    const dir = await layout('mnist-like', {
      'train-images-idx3-ubyte.gz': gzipSync(train.images),
      'train-labels-idx1-ubyte.gz': gzipSync(train.labels),
      't10k-images-idx3-ubyte.gz': gzipSync(test.images),
      't10k-labels-idx1-ubyte.gz': gzipSync(test.labels),
    });
    const files = await findIdxFiles(dir);
    expect(files.testImages).toBe(join(dir, 't10k-images-idx3-ubyte.gz'));
    const d = await loadIdx(files, { validation: 10, test: 0.5 /* not used: there is a test file */ });
    expect(d.name).toBe('mnist-like');
    expect([d.train.N, d.validation!.N, d.test!.N, d.train.nIn, d.train.nOut]).toEqual([40, 10, 20, 16, 10]);
    expect(d.test!.X[0]).toBe(Math.fround(255 / 255)); // t10k image 0: pixel min(255, 10·100)
    expect(d.test!.Y[0 * 10 + 0]).toBe(1); // label (0 + 100) mod 10 = 0
    expect(d.test!.Y[5 * 10 + 5]).toBe(1);
    expect(d.preprocessing.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('an uncompressed train-only directory with "." names; a share of it becomes the test set', async () => {
    const { images, labels } = imagesOf(30);
    const dir = await layout('plain', { 'train-images.idx3-ubyte': images, 'train-labels.idx1-ubyte': labels });
    const d = await loadIdx(await findIdxFiles(dir), { test: 0.2, labelNames: FASHION_MNIST_LABELS.slice() });
    expect([d.train.N, d.test!.N]).toEqual([24, 6]);
    const r = d.rows.train[0];
    expect(d.train.X[0]).toBe(Math.fround(Math.min(255, 10 * r) / 255));
    expect(d.preprocessing.labels![9]).toBe('Ankle boot');
  });

  it('an images file finds its labels (and t10k pair) beside it', async () => {
    const train = imagesOf(12);
    const test = imagesOf(5);
    const dir = await layout('byfile', {
      'train-images-idx3-ubyte': train.images,
      'train-labels-idx1-ubyte': train.labels,
      't10k-images-idx3-ubyte': test.images,
      't10k-labels-idx1-ubyte': test.labels,
    });
    const files = await findIdxFiles(join(dir, 'train-images-idx3-ubyte'));
    expect(files).toEqual({
      trainImages: join(dir, 'train-images-idx3-ubyte'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte'),
      testImages: join(dir, 't10k-images-idx3-ubyte'),
      testLabels: join(dir, 't10k-labels-idx1-ubyte'),
    });
  });

  it('refuses missing files, a size mismatch, a bad magic and a truncated file, naming each file', async () => {
    const { images, labels } = imagesOf(10);
    const empty = await layout('empty', { 'readme.txt': new Uint8Array(1) });
    await expect(findIdxFiles(empty)).rejects.toThrow(`${empty}: the directory has no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]`);
    const lonely = await layout('lonely', { 'train-images-idx3-ubyte': images });
    await expect(findIdxFiles(join(lonely, 'train-images-idx3-ubyte'))).rejects.toThrow(`${join(lonely, 'train-labels-idx1-ubyte')}: the labels file for train-images-idx3-ubyte is missing`);

    const other = imagesOf(9);
    const mismatch = await layout('mismatch', { 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': other.labels });
    await expect(loadIdx(await findIdxFiles(mismatch))).rejects.toThrow(`${join(mismatch, 'train-labels-idx1-ubyte')}: 9 labels for 10 images in ${join(mismatch, 'train-images-idx3-ubyte')}`);

    const badMagic = Uint8Array.from(images);
    badMagic[2] = 0x42;
    const magic = await layout('magic', { 'train-images-idx3-ubyte': badMagic, 'train-labels-idx1-ubyte': labels });
    await expect(loadIdx(await findIdxFiles(magic))).rejects.toThrow(/train-images-idx3-ubyte: not an IDX file: it starts with 00 00 42 03/);

    const cut = await layout('cut', { 'train-images-idx3-ubyte': images.subarray(0, 100), 'train-labels-idx1-ubyte': labels });
    const e = await loadIdx(await findIdxFiles(cut)).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DataFileError);
    expect((e as Error).message).toBe(`${join(cut, 'train-images-idx3-ubyte')}: the file is truncated: its header declares 10 × 4 × 4 u8 values (160 bytes of data) but only 84 bytes follow; download or copy the file again`);

    const gz = gzipSync(images);
    const cutGz = await layout('cutgz', { 'train-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 8), 'train-labels-idx1-ubyte': labels });
    await expect(readIdx(join(cutGz, 'train-images-idx3-ubyte.gz'))).rejects.toThrow(/train-images-idx3-ubyte\.gz: the gzip data is truncated or corrupt/);
  });
});

describe('gzip IDX inflation is bounded by the header', () => {
  it('a 64 KB .gz that inflates to 64 MB behind a header of 10 labels stops after a few KB, in Node and through DecompressionStream', async () => {
    const { idxFromBytes } = await import('../idx.js');
    const bomb = new Uint8Array(64 * 2 ** 20);
    bomb.set(encodeIdx({ type: 'u8', dims: [10], data: new Uint8Array(10) }));
    const gz = gzipSync(bomb, { level: 9 });
    expect(gz.length).toBeLessThan(128 * 1024);
    const dir = await layout('bomb', { 'train-labels-idx1-ubyte.gz': gz });
    const path = join(dir, 'train-labels-idx1-ubyte.gz');
    const rss = process.memoryUsage().rss;
    await expect(readIdx(path)).rejects.toThrow(`${path}: the gzip data inflates to more than the 18 bytes its content declares; stopped there`);
    await expect(idxFromBytes(gz, 'bomb.gz')).rejects.toThrow('bomb.gz: the gzip data inflates to more than the 18 bytes its content declares');
    expect(process.memoryUsage().rss - rss).toBeLessThan(32 * 2 ** 20); // not the 64 MB (and more) of inflating it whole
  });

  it('a header declaring more than 2 GiB is refused before anything is inflated or allocated', async () => {
    const header = new Uint8Array(16);
    header.set([0, 0, 0x0d, 3]); // f32, 3 dims
    new DataView(header.buffer).setUint32(4, 100000, false);
    new DataView(header.buffer).setUint32(8, 100000, false);
    new DataView(header.buffer).setUint32(12, 100, false);
    const dir = await layout('huge', { 'train-images-idx3-ubyte.gz': gzipSync(header) });
    await expect(readIdx(join(dir, 'train-images-idx3-ubyte.gz'))).rejects.toThrow(/declares 100000 × 100000 × 100 f32 values \(4000000000000 bytes\), more than the 2147483648-byte limit/);
  });
});

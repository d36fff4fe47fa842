/**
 * IDX files from disk (gzip or not): a directory holding the standard MNIST / Fashion-MNIST
 * names (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…), or one images
 * file whose labels file sits beside it.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataFileError } from '../errors.js';
import { digitLabels, idxInflateLimit, idxTable, maxIdxLabel, parseIdx, type IdxArray } from '../idx.js';
import { prepare, type LoadedData, type PrepareOptions } from '../prepare.js';
import { readBytes, statOrNull } from './files.js';

export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages?: string;
  testLabels?: string;
}

/** Names of IDX files: train-images-idx3-ubyte, t10k-labels.idx1-ubyte.gz, … */
export const IDX_FILE_NAME = /idx\d-ubyte(\.gz)?$/i;
const STANDARD = /^(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/i;

/** Reads and parses one IDX file (gzip or not). */
export async function readIdx(path: string): Promise<IdxArray> {
  return parseIdx(await readBytes(path, idxInflateLimit(path)), path); // a gzip file inflates no further than its header declares
}

/** The IDX files a path stands for: a directory with the standard names, or an images file. */
export async function findIdxFiles(path: string): Promise<IdxFiles> {
  const st = await statOrNull(path);
  if (!st) throw new DataFileError({ file: path }, 'no such file or directory', 'pass a directory holding train-images-idx3-ubyte and train-labels-idx1-ubyte (gzip or not), or the images file');
  if (st.isDirectory()) {
    const found: Record<string, string> = {};
    for (const name of await readdir(path)) {
      const m = STANDARD.exec(name);
      if (m) found[`${m[1].toLowerCase() === 'train' ? 'train' : 'test'}-${m[2].toLowerCase()}`] ??= join(path, name);
    }
    if (!found['train-images'] || !found['train-labels']) {
      throw new DataFileError({ file: path }, 'the directory has no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]', 'put the MNIST or Fashion-MNIST IDX files there under their standard names, or pass the images file itself');
    }
    if (!found['test-images'] !== !found['test-labels']) {
      const missing = found['test-images'] ? 't10k-labels-idx1-ubyte' : 't10k-images-idx3-ubyte';
      throw new DataFileError({ file: path }, `the directory has one of the two test files but not ${missing}[.gz]`, 'add the missing file, or remove the other to split a test set from the training files');
    }
    return { trainImages: found['train-images'], trainLabels: found['train-labels'], testImages: found['test-images'], testLabels: found['test-labels'] };
  }
  const name = basename(path);
  if (!/images/i.test(name) || !/idx3/i.test(name)) {
    throw new DataFileError({ file: path }, 'is not an IDX images file name (…-images-idx3-ubyte[.gz])', 'pass the images file, or the directory holding the IDX files');
  }
  const labels = join(dirname(path), name.replace(/images/i, 'labels').replace(/idx3/i, 'idx1'));
  if (!(await statOrNull(labels))) throw new DataFileError({ file: labels }, `the labels file for ${name} is missing`, 'put the labels file beside the images file under that name');
  const files: IdxFiles = { trainImages: path, trainLabels: labels };
  if (/^train/i.test(name)) {
    const testImages = join(dirname(path), name.replace(/^train/i, 't10k'));
    const testLabels = join(dirname(path), basename(labels).replace(/^train/i, 't10k'));
    if ((await statOrNull(testImages)) && (await statOrNull(testLabels))) Object.assign(files, { testImages, testLabels });
  }
  return files;
}

/**
 * Datasets from IDX files. With test files, the test set is those files whole (the `test`
 * option is then not used); otherwise a seeded share of the training files.
 */
export async function loadIdx(files: IdxFiles, opts: PrepareOptions & { labelNames?: string[]; name?: string } = {}): Promise<LoadedData> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    readIdx(files.trainImages),
    readIdx(files.trainLabels),
    files.testImages ? readIdx(files.testImages) : null,
    files.testLabels ? readIdx(files.testLabels) : null,
  ]);
  const K = Math.max(maxIdxLabel(trainLabels), testLabels ? maxIdxLabel(testLabels) : -1) + 1;
  const labelNames = opts.labelNames ?? digitLabels(K);
  const name = opts.name ?? basename(dirname(resolve(files.trainImages))); // the folder, e.g. "fashion-mnist"
  const train = idxTable(trainImages, trainLabels, { name, imagesFile: files.trainImages, labelsFile: files.trainLabels, labelNames });
  const test = testImages && testLabels ? idxTable(testImages, testLabels, { name: `${name} test`, imagesFile: files.testImages, labelsFile: files.testLabels, labelNames }) : null;
  return prepare(train, opts, test);
}

// load(spec): the CLI's one entry point dispatches names, CSV paths and IDX paths, passes the
// options through, and refuses unknown names and missing paths with the choices.
import { ConfigError } from '@backprop/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../errors.js';
import { encodeIdx } from '../idx.js';
import { load } from './load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-load-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('load(spec)', () => {
  it('names: iris and synthetic sets with n, noise, seed and classes', async () => {
    const iris = await load('iris', { test: 0.1, seed: 2 });
    expect([iris.train.N, iris.test!.N]).toEqual([135, 15]);
    const blobs = await load('blobs:4', { n: 80, noise: 0.2, seed: 3, test: 0 });
    expect([blobs.train.N, blobs.test, blobs.train.nOut]).toEqual([80, null, 4]);
    expect((await load('XOR', { n: 10 })).name).toBe('xor');
  });

  it('a CSV path with a label column by name, a test share and min-max', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'hi' : 'lo'},${i},${i * i}`);
    const path = join(dir, 'data.csv');
    await writeFile(path, `kind,a,b\n${rows.join('\n')}\n`);
    const d = await load(path, { label: 'kind', test: 0.25, normalization: 'minmax' });
    expect(d.name).toBe(path);
    expect([d.train.N, d.test!.N, d.train.nIn, d.train.nOut]).toEqual([15, 5, 2, 2]);
    expect(d.preprocessing.labels).toEqual(['hi', 'lo']);
    expect(d.preprocessing.normalization.kind).toBe('minmax');
    expect(d.preprocessing.source).toBe(`csv ${path}`);
  });

  it('with a saved model’s preprocessing: the same split and bits, nothing refitted (the eval path)', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 3},${i},${(i * 7) % 11}`);
    const path = join(dir, 'eval.csv');
    await writeFile(path, `cls,a,b\n${rows.join('\n')}\n`);
    const trained = await load(path, { label: 'cls', seed: 4 });
    const evaluated = await load(path, { label: 'cls', seed: 4, preprocessing: trained.preprocessing, normalization: 'none' });
    expect(evaluated.preprocessing).toBe(trained.preprocessing);
    expect(Array.from(evaluated.test!.X)).toEqual(Array.from(trained.test!.X));
    expect(Array.from(evaluated.test!.Y)).toEqual(Array.from(trained.test!.Y));
    expect(trained.preprocessing.labels).toEqual(['0', '1', '2']);
  });

  it('an IDX directory', async () => {
    const N = 8;
    await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdx({ type: 'u8', dims: [N, 2, 2], data: new Uint8Array(N * 4).fill(255) }));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx({ type: 'u8', dims: [N], data: Uint8Array.from({ length: N }, (_, i) => i % 2) }));
    const d = await load(dir, { test: 2 });
    expect([d.train.N, d.test!.N, d.train.nIn, d.train.nOut]).toEqual([6, 2, 4, 2]);
    expect(d.train.X[0]).toBe(1);
  });

  it('refuses unknown names with the list, and missing paths with the path', async () => {
    await expect(load('cifar')).rejects.toBeInstanceOf(ConfigError);
    await expect(load('cifar')).rejects.toThrow(/unknown dataset "cifar"; use mnist, iris, circle, xor, gauss, spiral, plane, multi-gauss, spirals, blobs/);
    const missing = join(dir, 'missing.csv');
    await expect(load(missing)).rejects.toBeInstanceOf(DataFileError);
    await expect(load(missing)).rejects.toThrow(`${missing}: no such file or directory`);
  });
});

describe('load(spec) of a CSV file: in place, categorical, missing', () => {
  it('the in-place split gives the bits prepare gives on a copy, and predict rows map to the same bits', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${1.7e9 + i * 37},${(i * 0.37) % 5},${i % 3 === 0 ? '' : (i * 1.3) % 7},${['red', 'blue', 'green'][i % 3]},${i % 2 ? 'odd' : 'even'}`);
    const path = join(dir, 'feat.csv');
    await writeFile(path, `t,u,v,color,parity\n${rows.join('\n')}\n`);
    const opts = { categorical: ['color'], missing: { columns: { v: 'median' as const } }, seed: 5, validation: 6 };
    const d = await load(path, opts);
    const { readCsvTable } = await import('./csv.js');
    const { prepare } = await import('../prepare.js');
    const copy = prepare(await readCsvTable(path, { ...opts, offsets: true }), opts);
    for (const k of ['train', 'validation', 'test'] as const) expect(Array.from(d[k]!.X)).toEqual(Array.from(copy[k]!.X));
    expect(d.preprocessing).toEqual(copy.preprocessing);
    // timestamps 1.7e9 + 37i: stored relative to the first one, so their z-scores keep float32 precision
    const off = d.preprocessing.normalization.offset!;
    expect(off[0]).toBe(1.7e9);
    const { readInputs } = await import('./inputs.js');
    const { X } = await readInputs(path, d.preprocessing);
    const r = d.rows.test[0];
    expect(Array.from(X.subarray(r * d.train.nIn, (r + 1) * d.train.nIn))).toEqual(Array.from(d.test!.X.subarray(0, d.train.nIn)));
  });

  it('an all-numeric CSV is split in place: the datasets are views of one shared buffer, no copy', async () => {
    const path = join(dir, 'num.csv');
    await writeFile(path, `a,b,label\n${Array.from({ length: 50 }, (_, i) => `${i},${i * i},${i % 2}`).join('\n')}\n`);
    const d = await load(path, { test: 10 });
    expect(d.train.X.buffer).toBe(d.test!.X.buffer);
    expect(d.train.X.buffer).toBeInstanceOf(SharedArrayBuffer);
    const again = await load(path, { test: 10 });
    expect(Array.from(again.test!.X)).toEqual(Array.from(d.test!.X));
    const eval_ = await load(path, { test: 10, preprocessing: d.preprocessing });
    expect(Array.from(eval_.test!.X)).toEqual(Array.from(d.test!.X)); // eval rebuilds the same held-out rows, bit for bit
  });
});

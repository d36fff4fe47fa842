// load(path, { stream: true }): every training row exactly once per epoch through the shuffle
// buffer, in an order fixed by the seed; statistics of the training rows from the first pass;
// the Trainer trains from it deterministically; and a file larger than the child process's heap
// limit trains with a resident set far below the file's size.
import { Network, Trainer } from '@backprop/core';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from './load.js';
import type { CsvStream } from './stream.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-stream-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Row i: id = i, x = (i·7) mod 11 (some cells empty), a colour, and a class from x. */
async function idFile(name: string, N: number): Promise<string> {
  const rows = Array.from({ length: N }, (_, i) => `${i},${i % 13 === 5 ? '' : (i * 7) % 11},${['red', 'blue'][i % 2]},${(i * 7) % 11 > 5 ? 'hi' : 'lo'}`);
  const path = join(dir, name);
  await writeFile(path, `id,x,color,label\n${rows.join('\n')}\n`);
  return path;
}

/** The ids of every row an epoch gives, batch by batch. */
async function epochIds(s: CsvStream, epoch: number, B: number): Promise<number[]> {
  await s.startEpoch(epoch);
  const ids: number[] = [];
  for (let n = await s.nextBatch(B); n > 0; n = await s.nextBatch(B)) {
    for (let b = 0; b < n; b++) ids.push(Math.round(s.window.X[s.order[b] * s.window.nIn]));
  }
  return ids;
}

describe('load(path, { stream: true })', () => {
  const opts = { stream: true as const, normalization: 'none' as const, categorical: ['color'], missing: { columns: { x: 'mean' as const } }, seed: 3, test: 0.25, bufferRows: 64 };

  it('gives every training row once per epoch, shuffled by the seed and epoch; test rows in file order', async () => {
    const path = await idFile('ids.csv', 3000);
    const d = await load(path, opts);
    expect(d.counts.train + d.counts.test).toBe(3000);
    expect(d.counts.test).toBeGreaterThan(650); // 25% of 3000 ± a few binomial standard deviations (24)
    expect(d.counts.test).toBeLessThan(850);
    const e0 = await epochIds(d.train, 0, 32);
    const testIds = await epochIds(d.test!, 0, 100);
    expect(e0).toHaveLength(d.counts.train);
    expect(new Set([...e0, ...testIds]).size).toBe(3000); // disjoint, together every row
    expect(testIds).toEqual([...testIds].sort((a, b) => a - b));
    expect(e0).not.toEqual([...e0].sort((a, b) => a - b));
    const again = await load(path, opts);
    expect(await epochIds(again.train, 0, 32)).toEqual(e0); // the same seed: the same batches
    expect(await epochIds(d.train, 1, 32)).not.toEqual(e0); // another epoch: another order
    expect((await epochIds(d.train, 1, 32)).sort((a, b) => a - b)).toEqual([...e0].sort((a, b) => a - b));
    const other = await load(path, { ...opts, seed: 4 });
    expect(await epochIds(other.test!, 0, 100)).not.toEqual(testIds); // another seed: another split
  });

  it('the first pass fits the training rows: mean fill, one-hot categories, normalisation', async () => {
    const path = await idFile('fit.csv', 2000);
    const d = await load(path, { ...opts, normalization: 'zscore' });
    const train = (await epochIds(await load(path, opts).then((r) => r.train), 0, 50)).sort((a, b) => a - b); // ids (normalisation none)
    const xs = train.filter((i) => i % 13 !== 5).map((i) => (i * 7) % 11);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(d.preprocessing.features).toEqual(['id', 'x', 'color=blue', 'color=red']);
    const cols = d.preprocessing.columns!;
    expect(cols[1]).toMatchObject({ name: 'x', kind: 'numeric', missing: 'mean' });
    expect(cols[1].fill).toBeCloseTo(mean, 10);
    const idMean = train.reduce((s, v) => s + v, 0) / train.length;
    const idStd = Math.sqrt(train.reduce((s, v) => s + (v - idMean) ** 2, 0) / train.length);
    expect(d.preprocessing.normalization.shift[0]).toBeCloseTo(idMean, 8);
    expect(1 / d.preprocessing.normalization.scale[0]).toBeCloseTo(idStd, 8);
    expect(d.preprocessing.labels).toEqual(['hi', 'lo']);
  });

  it('the Trainer trains from it; the same seed gives the same weights, bit for bit', async () => {
    const path = await idFile('train.csv', 4000);
    const run = async () => {
      const d = await load(path, { ...opts, normalization: 'zscore' });
      const net = Network.create({ sizes: [d.train.window.nIn, 8, 2], activation: 'tanh' }, { seed: 1 });
      const r = await new Trainer(net, { epochs: 3, batchSize: 32, optimizer: { name: 'adam', lr: 0.02 }, seed: 2 }).fit(d.train, { validation: d.test! });
      return { net, r };
    };
    const a = await run();
    const b = await run();
    expect(Buffer.from(a.net.params.buffer).equals(Buffer.from(b.net.params.buffer))).toBe(true);
    const h = a.r.history;
    expect(h[2].loss).toBeLessThan(h[0].loss);
    expect(h[2].valAccuracy).toBeGreaterThan(0.9); // x decides the class
  });

  it('with a saved model’s preprocessing (eval): the same held-out rows, bit for bit, nothing refitted', async () => {
    const path = await idFile('eval.csv', 1500);
    const d = await load(path, { ...opts, normalization: 'zscore' });
    const e = await load(path, { stream: true, seed: 3, test: 0.25, preprocessing: d.preprocessing });
    expect(e.preprocessing).toBe(d.preprocessing);
    expect(e.counts).toEqual(d.counts);
    const rows = async (s: CsvStream) => {
      await s.startEpoch(0);
      const out: number[] = [];
      for (let n = await s.nextBatch(64); n > 0; n = await s.nextBatch(64)) for (let b = 0; b < n; b++) out.push(...s.window.X.subarray(s.order[b] * s.window.nIn, (s.order[b] + 1) * s.window.nIn));
      return out;
    };
    expect(await rows(e.test!)).toEqual(await rows(d.test!));
  });

  it('refuses a count for the test share and a built-in set', async () => {
    const path = await idFile('refuse.csv', 50);
    await expect(load(path, { ...opts, test: 10 })).rejects.toThrow(/test must be a fraction in \[0, 1\) when streaming/);
    await expect(load('iris', { stream: true })).rejects.toThrow(/iris is held in memory whole/);
  });
});

describe('a CSV larger than the heap limit', () => {
  it('trains one epoch under a 20 MB heap limit (--max-old-space-size=16) with a resident set far below the file size', async () => {
    // about 96 MB: 12 features with 6 decimals and a class, five times the heap the child may use
    const path = join(dir, 'big.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, `${Array.from({ length: 12 }, (_, j) => `f${j}`).join(',')},label\n`);
    let s = 17;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    while (statSync(path).size < 96e6) {
      const lines: string[] = [];
      for (let i = 0; i < 8192; i++) {
        const f = Array.from({ length: 12 }, () => (rand() * 2 - 1).toFixed(6));
        lines.push(`${f.join(',')},${Number(f[0]) + Number(f[1]) > 0 ? 1 : 0}`);
      }
      writeSync(fd, lines.join('\n') + '\n');
    }
    closeSync(fd);
    const size = statSync(path).size;
    const script = fileURLToPath(new URL('../../scripts/stream-train.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--max-old-space-size=16', '--max-semi-space-size=1', '--import', 'tsx', '--conditions=@backprop/source', script, path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rows: number; heapLimit: number; rssBefore: number; maxRss: number; seconds: number; accuracy: number };
    expect(out.heapLimit).toBeLessThan(size / 4); // the file is far from fitting in the heap
    expect(out.rows).toBeGreaterThan(800000);
    expect(out.maxRss - out.rssBefore).toBeLessThan(size / 2); // the table never becomes resident (it would be 50 MB of float32 alone)
    expect(out.accuracy).toBeGreaterThan(0.9); // the label is the sign of f0 + f1
  }, 300_000);
});

// CSV files streamed from disk (plain, .tsv, .gz): the same table as the text parser, a large
// file read in many chunks, and file errors that carry the path and line.
import { NumericError } from '@backprop/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvTable } from '../csv.js';
import { DataFileError } from '../errors.js';
import { readCsvTable } from './csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const text = 'a,b,label\n1,2,x\n3,4.5,y\n\n5,-6,x\n';

describe('readCsvTable', () => {
  it('streams a file into the same table the text parser makes, named by its path', async () => {
    const path = await file('small.csv', text);
    const t = await readCsvTable(path);
    const ref = csvTable(text, { file: path });
    expect(t).toEqual(ref);
    expect(t.name).toBe(path);
    expect(Array.from(t.X)).toEqual([1, 2, 3, 4.5, 5, -6]);
  });

  it('reads .gz files and takes tab as the separator of .tsv files', async () => {
    const gz = await file('small.csv.gz', gzipSync(text));
    expect(Array.from((await readCsvTable(gz)).X)).toEqual([1, 2, 3, 4.5, 5, -6]);
    const tsv = await file('small.tsv', 'a\tb\tlabel\n1\t2,5\tx\n');
    await expect(readCsvTable(tsv)).rejects.toThrow(/small\.tsv, line 2, column "b" \(index 1\): "2,5" is not a number/); // tab-separated: "2,5" is one cell
  });

  it('streams a 20,000-row file (about 600 KB, many chunks) with every value in place', async () => {
    const rows = ['i,sq,cls'];
    for (let i = 0; i < 20000; i++) rows.push(`${i},${(i * i) % 9973},c${i % 3}`);
    const path = await file('big.csv', `${rows.join('\n')}\n`);
    const t = await readCsvTable(path, { label: 'cls' });
    expect(t.N).toBe(20000);
    expect([t.X[2 * 19999], t.X[2 * 19999 + 1]]).toEqual([19999, (19999 * 19999) % 9973]);
    if (t.target.kind === 'classes') expect([t.target.labels, t.target.y[19999]]).toEqual([['c0', 'c1', 'c2'], 19999 % 3]);
  });

  it('reports a bad cell deep in a large file by path, line and column', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 5000; i++) rows.push(i === 4321 ? `${i},oops,a` : `${i},${i},a`);
    const path = await file('bad.csv', rows.join('\n'));
    await expect(readCsvTable(path)).rejects.toThrow(`${path}, line 4323, column "y" (index 1): "oops" is not a number`);
  });

  it('reports wrong column counts, Inf, an empty file and a missing label column with the path', async () => {
    await expect(readCsvTable(await file('cols.csv', 'a,b,label\n1,2\n'))).rejects.toThrow(/cols\.csv, line 2: this row has 2 columns but the header has 3/);
    const inf = readCsvTable(await file('inf.csv', 'a,b,label\n1,-Infinity,x\n'));
    await expect(inf).rejects.toBeInstanceOf(NumericError);
    await expect(readCsvTable(await file('empty.csv', ''))).rejects.toThrow(/empty\.csv: the file is empty/);
    await expect(readCsvTable(await file('nolabel.csv', text), { label: 'kind' })).rejects.toThrow(/nolabel\.csv: no column named "kind" for the label; the columns are a, b, label/);
  });

  it('a missing file, a directory and a truncated .gz are DataFileErrors naming the path', async () => {
    const missing = join(dir, 'nope.csv');
    await expect(readCsvTable(missing)).rejects.toThrow(`${missing}: no such file; check the path`);
    await expect(readCsvTable(dir)).rejects.toThrow(`${dir}: is a directory, not a file`);
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2},a`).join('\n');
    const gz = gzipSync(`x,y,label\n${rows}\n`);
    const cut = await file('cut.csv.gz', gz.subarray(0, gz.length >> 1));
    const e = await readCsvTable(cut).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DataFileError);
    expect((e as Error).message).toMatch(/cut\.csv\.gz: the gzip data is truncated or corrupt/);
  });
});

describe('feedChunks', () => {
  it('lines cut anywhere by chunk ends, and a switch to csv-parse inside a chunk, give the table of the whole text', async () => {
    const { CsvReader } = await import('../csv.js');
    const { feedChunks } = await import('./csv.js');
    const rows = Array.from({ length: 200 }, (_, i) => (i === 120 ? `"${i}",  ${i / 8} ,b` : `${i},${(i * 0.37).toFixed(3)},${i % 3 ? 'a' : 'b'}`));
    const text = `x,y,label\r\n${rows.join('\r\n')}`; // CRLF and no final line break
    const whole = csvTable(text);
    for (const size of [1, 2, 7, 64, 1000]) {
      const bytes = new TextEncoder().encode(text);
      async function* chunks() {
        for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
      }
      const reader = new CsvReader({}, ',');
      await feedChunks(reader, chunks());
      const t = reader.finish();
      expect(Array.from(t.X)).toEqual(Array.from(whole.X));
      expect(Array.from(t.lines!)).toEqual(Array.from(whole.lines!));
      expect(t.target).toEqual(whole.target);
    }
  });
});

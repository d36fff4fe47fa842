// readInputs: rows to predict on from CSV (header names in any order, a label column left out,
// or no header at all) and from JSON files, all giving the same inputs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../builtin.js';
import { IRIS } from '../iris.js';
import { applyPreprocessing } from '../normalize.js';
import { readInputs } from './inputs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-inputs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readInputs', () => {
  const pre = loadBuiltin('iris').preprocessing;
  const rows = [IRIS[0], IRIS[70], IRIS[140]].map((r) => r.slice(0, 4));
  const expected = Array.from(applyPreprocessing(pre, rows));

  it('CSV with the model’s feature names in another order, plus a label column', async () => {
    const path = join(dir, 'named.csv');
    const lines = rows.map((r) => `flower,${r[3]},${r[2]},${r[1]},${r[0]}`);
    await writeFile(path, `species,petal_width,petal_length,sepal_width,sepal_length\n${lines.join('\n')}\n`);
    const { X, N } = await readInputs(path, pre);
    expect(N).toBe(3);
    expect(Array.from(X)).toEqual(expected);
  });

  it('headerless CSV in feature order, and JSON rows', async () => {
    const csv = join(dir, 'plain.csv');
    await writeFile(csv, rows.map((r) => r.join(',')).join('\n'));
    expect(Array.from((await readInputs(csv, pre)).X)).toEqual(expected);
    const json = join(dir, 'rows.json');
    await writeFile(json, JSON.stringify(rows));
    expect(Array.from((await readInputs(json, pre)).X)).toEqual(expected);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '[[1, 2,');
    await expect(readInputs(bad, pre)).rejects.toThrow(/bad\.json: not valid JSON/);
  });
});

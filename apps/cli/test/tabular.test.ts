/**
 * Tabular CSV data end to end: --categorical and --missing through train, predict and eval
 * (an unseen category and a missing cell give the documented result), and regression with
 * --output linear at the default learning rate, reported in the targets' own units.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, outputsToTargets } from '@backprop/core';
import { encodeRows } from '@backprop/data';
import { CLI, housesCsv } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-tabular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A seeded generator for the files (no Math.random: the same files every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// fruit: colour (categorical) and weight in grams (some cells empty); the label follows the colour
const rand = lcg(7);
const fruit = ['color,weight,label'];
for (let i = 0; i < 300; i++) {
  const color = ['red', 'green', 'yellow'][i % 3];
  const weight = i % 11 === 3 ? '' : (100 + 80 * rand()).toFixed(1);
  fruit.push(`${color},${weight},${color === 'yellow' ? 'banana' : color === 'red' ? 'apple' : 'pear'}`);
}
writeFileSync(p('fruit.csv'), fruit.join('\n') + '\n');

// houses (helpers.ts): the regression table
writeFileSync(p('houses.csv'), housesCsv(rand));

describe('--categorical and --missing', () => {
  it('train, save, predict raw rows with an unseen category and a missing cell: zeros and the saved fill, one warning', () => {
    const t = cli('train', '--data', 'fruit.csv', '--categorical', 'color', '--missing', 'weight=median', '--hidden', '6', '--epochs', '20', '--workers', '1', '-o', 'fruit.bpnn');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/test accuracy: 100\.00% on 60 held-out rows/); // the colour decides the fruit
    const pre = loadModel(readFileSync(p('fruit.bpnn'))).preprocessing!;
    expect(pre.features).toEqual(['color=green', 'color=red', 'color=yellow', 'weight']);
    const weights = fruit.slice(1).map((l) => l.split(',')[1]);
    expect(pre.columns![1]).toMatchObject({ name: 'weight', kind: 'numeric', missing: 'median' });
    const fill = pre.columns![1].fill as number;
    expect(weights.some((w) => Math.abs(Number(w) - fill) < 1e-4)).toBe(true); // the median of the training rows' weights (as stored, float32)

    writeFileSync(p('new.csv'), 'color,weight\npurple,150\nred,\nred,150\n');
    const r = cli('predict', 'fruit.bpnn', 'new.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('warning: 1 row has a category the model never saw in training (color: "purple"); its one-hot inputs are all zeros\n');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('label,p_apple,p_banana,p_pear');
    expect(lines.slice(2).map((l) => l.split(',')[0])).toEqual(['apple', 'apple']); // a red fruit, its weight filled or given
    // the documented result: purple → color inputs [0, 0, 0]; the empty weight → the saved median
    const file = loadModel(readFileSync(p('fruit.bpnn')));
    const X = encodeRows(pre, [['purple', 150], ['red', null]], { onWarning: () => {} });
    expect(Array.from(X.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(X.subarray(4, 8))).toEqual(Array.from(encodeRows(pre, [['red', pre.columns![1].fill!]])));
    const A = file.net.predict(X, 2);
    expect(lines[1].split(',').slice(1).map(Number)).toEqual(Array.from(A.subarray(0, 3), (v) => Number(v.toPrecision(6))));
    expect(lines[2].split(',').slice(1).map(Number)).toEqual(Array.from(A.subarray(3, 6), (v) => Number(v.toPrecision(6))));

    const strict = cli('predict', 'fruit.bpnn', 'new.csv', '--unseen', 'error');
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^error: new\.csv, line 2, column "color" \(index 0\): category "purple" never occurred in the model's training rows; use one of green, red, yellow/);
    expect(cli('info', 'fruit.bpnn').stdout).toMatch(/columns {2}color: one-hot over 3 categories; weight: missing → median \d+(\.\d+)?\n/);
    const ev = cli('eval', 'fruit.bpnn', 'fruit.csv', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ N: 60, heldOut: true, accuracy: 1 });
  });

  it('refuses a missing cell without --missing, bad policies, and the flags on data that is not CSV', () => {
    const plain = cli('train', '--data', 'fruit.csv', '--categorical', 'color', '--epochs', '1', '--workers', '1', '-o', 'x.bpnn');
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/fruit\.csv, line 5, column "weight" \(index 1\): missing value \(""\) in a feature column; pass missing: .*--missing weight=median/);
    const text = cli('train', '--data', 'fruit.csv', '--missing', 'drop', '--epochs', '1', '--workers', '1', '-o', 'x.bpnn');
    expect(text.stderr).toMatch(/"red" is not a number; .*CLI --categorical color/);
    expect(cli('train', '--data', 'fruit.csv', '--missing', 'avg').stderr).toMatch(/"avg" is not a missing-value policy/);
    const iris = cli('train', '--data', 'iris', '--missing', 'mean', '-o', 'x.bpnn');
    expect([iris.code, iris.stderr.trim()]).toEqual([2, 'error: --missing applies to CSV files, and iris is not one; leave it out']);
    const dropped = cli('train', '--data', 'fruit.csv', '--categorical', 'color', '--missing', 'drop', '--epochs', '1', '--workers', '1', '-o', 'd.bpnn');
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stderr).toMatch(/note: dropped 27 rows with a missing value/); // rows 3, 14, 25, …, 289 (i mod 11 = 3) of 300
  });
});

describe('regression (--output linear)', () => {
  it('the default learning rate converges on targets of about 300,000; predict and eval report in those units', () => {
    const t = cli('train', '--data', 'houses.csv', '--output', 'linear', '--categorical', 'city', '--missing', 'median', '--hidden', '16', '--epochs', '40', '--workers', '1', '-o', 'houses.bpnn', '--json');
    expect(t.code, t.stderr).toBe(0);
    const events = t.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const epochs = events.filter((e) => e.event === 'epoch');
    for (const e of epochs) expect(Number.isFinite(e.loss)).toBe(true);
    expect(epochs[epochs.length - 1].loss).toBeLessThan(0.02); // on z-scored targets: ½ MSE of 1.0 would be no fit at all
    const done = events[events.length - 1];
    expect(done.testRmse).toBeLessThan(20000); // noise ±2,500 and a mild nonlinearity; the targets' std is about 175,000
    const pre = loadModel(readFileSync(p('houses.bpnn'))).preprocessing!;
    expect(pre.targetNormalization?.kind).toBe('zscore');

    const ev = JSON.parse(cli('eval', 'houses.bpnn', 'houses.csv', '--json').stdout);
    expect(ev.N).toBe(120);
    expect(Math.abs(ev.rmse - done.testRmse) / done.testRmse).toBeLessThan(1e-5); // eval may run other kernels than training
    expect(ev.loss).toBeCloseTo((ev.rmse * ev.rmse) / 2, 0); // ½ MSE in price units²

    writeFileSync(p('house-rows.csv'), 'area,age,city\n100,10,north\n200,30,south\n');
    const r = cli('predict', 'houses.bpnn', 'house-rows.csv');
    expect(r.code, r.stderr).toBe(0);
    const [head, a, b] = r.stdout.trim().split('\n');
    expect(head).toBe('price');
    expect(Math.abs(Number(a) - 330000)).toBeLessThan(20000); // 3000·100 − 2000·10 + 50000
    expect(Math.abs(Number(b) - 540000)).toBeLessThan(20000); // 3000·200 − 2000·30
    const X = encodeRows(pre, [[100, 10, 'north']]);
    expect(Number(a)).toBe(Number(outputsToTargets(pre, loadModel(readFileSync(p('houses.bpnn'))).net.predict(X, 1))[0].toPrecision(6)));
  });

  it('--normalize-targets is refused on class labels', () => {
    const r = cli('train', '--data', 'fruit.csv', '--categorical', 'color', '--missing', 'drop', '--normalize-targets', 'zscore', '-o', 'y.bpnn');
    expect([r.code, r.stderr.trim()]).toEqual([2, 'error: --normalize-targets applies to regression, and fruit.csv has class labels; leave it out']);
  });
});

describe('--stream', () => {
  it('trains from a CSV read in chunks: 1 and 2 workers give the same weights bit for bit; eval streams the same held-out rows', () => {
    const rows = ['a,b,c,label'];
    for (let i = 0; i < 6000; i++) {
      const a = rand() * 2 - 1;
      const b = rand() * 2 - 1;
      rows.push(`${a.toFixed(5)},${b.toFixed(5)},${(rand() * 10).toFixed(2)},${a * b > 0 ? 'same' : 'mixed'}`);
    }
    writeFileSync(p('signs.csv'), rows.join('\n') + '\n');
    const args = ['train', '--data', 'signs.csv', '--stream', '--buffer-rows', '500', '--hidden', '8', '--epochs', '3', '--batch-size', '32', '--json'];
    const one = cli(...args, '--workers', '1', '-o', 's1.bpnn');
    const two = cli(...args, '--workers', '2', '-o', 's2.bpnn');
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const params = (f: string) => Buffer.from(loadModel(readFileSync(p(f))).net.params.buffer);
    expect(params('s1.bpnn').equals(params('s2.bpnn'))).toBe(true);
    const done = JSON.parse(one.stdout.trim().split('\n').at(-1)!);
    const start = JSON.parse(one.stdout.trim().split('\n')[0]);
    expect(start.trainRows + start.testRows).toBe(6000);
    expect(done.testAccuracy).toBeGreaterThan(0.85);
    const ev = JSON.parse(cli('eval', 's1.bpnn', 'signs.csv', '--json').stdout);
    expect(ev).toMatchObject({ N: start.testRows, heldOut: true });
    expect(ev.accuracy).toBe(done.testAccuracy);
  });

  it('--stream and --buffer-rows where they cannot apply are refused', () => {
    const iris = cli('train', '--data', 'iris', '--stream', '-o', 'x.bpnn');
    expect([iris.code, iris.stderr.trim()]).toEqual([2, 'error: --stream reads CSV files in chunks, and iris is not one; leave it out']);
    const buffer = cli('train', '--data', 'fruit.csv', '--buffer-rows', '100', '-o', 'x.bpnn');
    expect([buffer.code, buffer.stderr.trim()]).toEqual([2, 'error: --buffer-rows sets the shuffle buffer of --stream; pass --stream too, or leave it out']);
  });
});

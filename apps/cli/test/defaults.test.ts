/**
 * Defaults that make good models: with no flag but --data, every 2-D classification set reaches
 * ≥ 95% test accuracy and iris ≥ 93% (defaults.ts picks them by the data's input width); the
 * regression sets get a linear output and fit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainDefaults } from '../src/defaults.js';
import { pool, runAsync } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETS: [string, number][] = [
  ['circle', 95], ['xor', 95], ['gauss', 95], ['spiral', 95], ['spirals', 95], ['spirals:3', 95], ['spirals:4', 95],
  ['spirals:5', 95], ['spirals:6', 95], ['blobs', 95], ['blobs:6', 95], ['iris', 93],
];

describe('defaults by data', () => {
  it('every 2-D set ≥ 95% and iris ≥ 93% test accuracy with only --data', async () => {
    const results = await pool(SETS, 2, async ([set]) => runAsync(dir, ['train', '--data', set, '-o', `${set.replace(':', '-')}.bpnn`]));
    const report = results.map((r, i) => {
      const acc = Number(/test accuracy: ([\d.]+)%/.exec(r.stdout)?.[1] ?? NaN);
      return { set: SETS[i][0], want: SETS[i][1], acc, code: r.code, err: r.stderr.slice(-300) };
    });
    for (const r of report) {
      expect(r.code, `${r.set}: ${r.err}`).toBe(0);
      expect(r.acc, `${r.set}: ${r.acc}% < ${r.want}%`).toBeGreaterThanOrEqual(r.want);
    }
  }, 1_800_000);

  it('regression sets (plane, multi-gauss) train a linear output with MSE', async () => {
    for (const set of ['plane', 'multi-gauss']) {
      const r = await runAsync(dir, ['train', '--data', set, '-o', `${set}.bpnn`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(events[0]).toMatchObject({ activations: ['relu', 'relu', 'relu', 'linear'], loss: 'mse' });
      expect(events[events.length - 1].testLoss).toBeLessThan(0.05);
    }
  }, 600_000);

  it('the table: images get 128-64 momentum, tables 32-32-32 adam with epochs for about 7,500 steps', () => {
    expect(trainDefaults({ nIn: 784, trainRows: 8000, task: 'classification' })).toMatchObject({ regime: 'images', hidden: [128, 64], optimizer: 'momentum', lr: 0.05, batchSize: 64, epochs: 8, output: 'softmax' });
    expect(trainDefaults({ nIn: 2, trainRows: 400, task: 'classification' })).toMatchObject({ regime: 'tables', hidden: [32, 32, 32], optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 300 });
    expect(trainDefaults({ nIn: 10, trainRows: 100_000, task: 'regression' })).toMatchObject({ epochs: 10, output: 'linear' });
    expect(trainDefaults({ nIn: 10, trainRows: 16_000, task: 'classification' })).toMatchObject({ epochs: 10 }); // 1,000 batches: 8 epochs, at least 10
    expect(trainDefaults({ nIn: 10, trainRows: 1600, task: 'classification' })).toMatchObject({ epochs: 75 });
    expect(trainDefaults({ nIn: 2, trainRows: 400, task: 'classification' }, { optimizer: 'sgd', batchSize: 40 })).toMatchObject({ optimizer: 'sgd', lr: 0.1, batchSize: 40, epochs: 300 }); // sgd: core's η (DEFAULTS.learningRate.sgd)
  });
});

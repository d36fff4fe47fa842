import { describe, expect, test } from 'vitest';
import { en } from './i18n/en.js';
import { pl } from './i18n/pl.js';
import { planWorkers } from './workers.js';

describe('worker count for auto', () => {
  test('batch 10 on a small network is too small to split: 1 worker, and the page says why', () => {
    const p = planWorkers('auto', 10, 27, true, 8);
    expect(p.workers).toBe(1);
    expect(en.workers(p.reason)).toMatch(/^Batch 10 is too small to split: 1 worker/);
    expect(pl.workers(p.reason)).toMatch(/^Partia 10 jest za mała, by ją dzielić: 1 wątek/);
  });

  test('digits at batch 256 split over the cores (at most 4)', () => {
    expect(planWorkers('auto', 256, 50_890, true, 2)).toEqual({ workers: 2, reason: { kind: 'split', batch: 256, shards: 8, n: 2, cores: 2 } });
    expect(planWorkers('auto', 256, 50_890, true, 16).workers).toBe(4);
  });

  test('a chosen count is kept, and without shared memory it is 1', () => {
    expect(planWorkers(3, 10, 27, true, 8).workers).toBe(3);
    expect(planWorkers('auto', 256, 50_890, false, 8)).toEqual({ workers: 1, reason: { kind: 'notIsolated' } });
  });
});

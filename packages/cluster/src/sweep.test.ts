// Unit tests of the pure parts of a sweep (the search space, successive halving, the
// leaderboard, payload checks); apps/cli/test/cluster.test.ts runs whole sweeps on a real Redis.
import { describe, expect, it } from 'vitest';
import { SweepError } from './errors.js';
import { promote, rungs } from './halving.js';
import { leaderboardCsv, rank, rankingMetric, summarize, type TrialRecord } from './leaderboard.js';
import { MAX_PAYLOAD_BYTES, parsePayload } from './payload.js';
import { expandTrials, parseGrid, parseRandom, type SweepSpace } from './space.js';

const num = (_key: string, raw: string) => Number(raw);
const space = (s: Partial<SweepSpace>): SweepSpace => ({ grid: [], random: [], trials: 0, samplerSeed: 1, seeds: null, folds: null, ...s });

describe('the search space', () => {
  it('a grid is the product of its dimensions, each configuration once per seed, in a fixed order', () => {
    const grid = parseGrid(['lr=0.01,0.1', 'batch=16,32,64'], num);
    const t = expandTrials(space({ grid, seeds: [1, 2] }), num);
    expect(t).toHaveLength(2 * 3 * 2);
    expect(t.map((x) => x.index)).toEqual([...t.keys()]);
    expect(t.slice(0, 2).map((x) => [x.params, x.seed, x.group])).toEqual([[{ lr: 0.01, batch: 16 }, 1, 0], [{ lr: 0.01, batch: 16 }, 2, 0]]);
    expect(new Set(t.map((x) => x.group)).size).toBe(6);
  });

  it('random log-uniform draws are seeded (same sampler seed, same draws) and stay in range', () => {
    const random = parseRandom(['lr=log:1e-4..1e-1'], num);
    const a = expandTrials(space({ random, trials: 50, samplerSeed: 7 }), num).map((x) => x.params.lr as number);
    const b = expandTrials(space({ random, trials: 50, samplerSeed: 7 }), num).map((x) => x.params.lr as number);
    const c = expandTrials(space({ random, trials: 50, samplerSeed: 8 }), num).map((x) => x.params.lr as number);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const lr of a) expect(lr >= 1e-4 && lr <= 1e-1).toBe(true);
    // log-uniform: about half the draws below the geometric middle 10^-2.5
    const below = a.filter((lr) => lr < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(12);
    expect(below).toBeLessThan(38);
  });

  it('folds make k trials per configuration, each with its own fold index', () => {
    const t = expandTrials(space({ grid: parseGrid(['lr=0.1,0.2'], num), folds: 3 }), num);
    expect(t).toHaveLength(6);
    expect(t.filter((x) => x.group === 0).map((x) => x.fold)).toEqual([{ k: 3, i: 0 }, { k: 3, i: 1 }, { k: 3, i: 2 }]);
  });

  it('an empty grid dimension or a reversed range is a SweepError naming it', () => {
    expect(() => parseGrid(['lr='], num)).toThrow(SweepError);
    expect(() => parseRandom(['lr=log:1e-1..1e-4'], num)).toThrow(SweepError);
  });
});

describe('successive halving', () => {
  it('rungs at r, r·η, r·η² … below the epoch count', () => {
    expect(rungs({ minEpochs: 1, eta: 3 }, 30)).toEqual([1, 3, 9, 27]);
    expect(rungs({ minEpochs: 2, eta: 2 }, 8)).toEqual([2, 4]);
  });
  it('a trial goes on when fewer than max(1, ⌊n/η⌋) of the n scores at the rung beat it', () => {
    expect(promote([], 5, 3)).toBe(true); // the first always goes on
    expect(promote([0.9, 0.5, 0.7], 0.6, 3)).toBe(false); // 1 of 4 beats it, keep 1
    expect(promote([0.9, 0.5, 0.7], 0.4, 3)).toBe(true); // the best so far
    expect(promote([0.9, 0.5, 0.7, 0.8, 0.3], 0.4, 3)).toBe(true); // keep 2 of 6: only 0.3 beats it
    expect(promote([0.9, 0.5, 0.7, 0.8, 0.3, 0.2], 0.4, 3)).toBe(false); // keep 2 of 7: 0.3 and 0.2 beat it
  });
});

describe('the leaderboard', () => {
  const rec = (index: number, group: number, valAccuracy: number | null, state: TrialRecord['state'] = 'done'): TrialRecord => ({
    index, group, params: { lr: group === 0 ? 0.1 : 0.01 }, seed: index, fold: null, state, error: state === 'failed' ? 'bad config' : null,
    metrics: valAccuracy === null ? null : { epochs: 3, loss: 0.5, accuracy: 0.9, valLoss: 1 - valAccuracy, valAccuracy, testLoss: null, testAccuracy: null, weights: 'cd'.repeat(32), resumedFrom: null, seconds: 1.5 },
    sha256: state === 'done' ? 'ab'.repeat(32) : null,
  });
  const records = [rec(0, 0, 0.9), rec(1, 0, 0.8), rec(2, 1, 0.95), rec(3, 1, null, 'failed')];

  it('ranks finished trials best first, failed ones last', () => {
    const m = rankingMetric(records);
    expect(m.key).toBe('valAccuracy');
    expect(rank(records, m).map((r) => r.index)).toEqual([2, 0, 1, 3]);
  });
  it('mean and sample standard deviation over the seeds of each configuration', () => {
    const [g0] = summarize(records, rankingMetric(records)).filter((g) => g.group === 0);
    expect(g0.n).toBe(2);
    expect(g0.mean).toBeCloseTo(0.85, 12);
    expect(g0.std).toBeCloseTo(Math.SQRT1_2 * 0.1, 12); // |0.9 − 0.8| / √2
  });
  it('the CSV has a header and one line per trial, the failed trial with its error', () => {
    const csv = leaderboardCsv(rank(records, rankingMetric(records))).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[4]).toContain('bad config');
  });
});

describe('job payloads', () => {
  it('anything but a well-formed trial is a SweepError, and oversized payloads are refused before parsing', () => {
    expect(() => parsePayload({ v: 1, index: -1 })).toThrow(SweepError);
    expect(() => parsePayload('x'.repeat(MAX_PAYLOAD_BYTES + 1))).toThrow(/byte|large|limit/i);
    expect(() => parsePayload({ data: { kind: 'path', path: '/etc/passwd' } })).toThrow(SweepError);
  });
});

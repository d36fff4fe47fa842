/**
 * The result of a sweep: trials ranked by one metric (validation accuracy when there are
 * validation rows or folds, else validation loss, test accuracy, test loss, training loss),
 * the mean ± sample standard deviation of that metric over the seeds and folds of each
 * configuration, and the leaderboard as CSV and JSON.
 */
import type { Params } from './space.js';
import type { TrialMetrics } from './trial.js';

export interface TrialRecord {
  index: number;
  group: number;
  params: Params;
  seed: number | null;
  fold: number | null;
  state: 'done' | 'stopped' | 'failed';
  error: string | null;
  metrics: TrialMetrics | null;
  /** SHA-256 of the model file's bytes. */
  sha256: string | null;
}

type MetricKey = 'valAccuracy' | 'valLoss' | 'testAccuracy' | 'testLoss' | 'loss';
export interface Metric {
  key: MetricKey;
  label: string;
  higherIsBetter: boolean;
}
const METRICS: Metric[] = [
  { key: 'valAccuracy', label: 'val accuracy', higherIsBetter: true },
  { key: 'valLoss', label: 'val loss', higherIsBetter: false },
  { key: 'testAccuracy', label: 'test accuracy', higherIsBetter: true },
  { key: 'testLoss', label: 'test loss', higherIsBetter: false },
  { key: 'loss', label: 'train loss', higherIsBetter: false },
];

/** The first metric every finished trial has. */
export function rankingMetric(records: TrialRecord[]): Metric {
  const done = records.filter((r) => r.state === 'done' && r.metrics);
  return METRICS.find((m) => done.length > 0 && done.every((r) => r.metrics![m.key] !== null)) ?? METRICS[METRICS.length - 1];
}

/** Finished trials first, best first (ties by index); halted then failed trials after. */
export function rank(records: TrialRecord[], metric: Metric): TrialRecord[] {
  const order = { done: 0, stopped: 1, failed: 2 } as const;
  const value = (r: TrialRecord) => r.metrics?.[metric.key] ?? null;
  return [...records].sort((a, b) => {
    if (a.state !== b.state) return order[a.state] - order[b.state];
    const va = value(a);
    const vb = value(b);
    if (va !== null && vb !== null && va !== vb) return metric.higherIsBetter ? vb - va : va - vb;
    if (va === null !== (vb === null)) return va === null ? 1 : -1;
    return a.index - b.index;
  });
}

export interface GroupSummary {
  group: number;
  params: Params;
  n: number;
  mean: number;
  std: number;
}

/** Mean ± sample std (n − 1) of the metric over each configuration's finished trials. */
export function summarize(records: TrialRecord[], metric: Metric): GroupSummary[] {
  const groups = new Map<number, TrialRecord[]>();
  for (const r of records) if (r.state === 'done' && r.metrics?.[metric.key] != null) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const out: GroupSummary[] = [];
  for (const [group, rs] of groups) {
    const xs = rs.map((r) => r.metrics![metric.key] as number);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (xs.length - 1)) : 0;
    out.push({ group, params: rs[0].params, n: xs.length, mean, std });
  }
  return out.sort((a, b) => (metric.higherIsBetter ? b.mean - a.mean : a.mean - b.mean) || a.group - b.group);
}

/** "lr=0.05 hidden=16-8". */
export function describeParams(p: Params): string {
  return Object.entries(p).map(([k, x]) => `${k}=${Array.isArray(x) ? x.join('-') : x}`).join(' ') || '(base)';
}

const csvCell = (x: string | number | boolean | number[] | null | undefined) => {
  const s = x === null || x === undefined ? '' : Array.isArray(x) ? x.join('-') : String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The ranked leaderboard as CSV: one row per trial, the swept settings as columns. */
export function leaderboardCsv(ranked: TrialRecord[]): string {
  const keys = [...new Set(ranked.flatMap((r) => Object.keys(r.params)))];
  const head = ['rank', 'trial', 'state', ...keys, 'seed', 'fold', 'epochs', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'test_loss', 'test_accuracy', 'seconds', 'sha256', 'weights', 'error'];
  const rows = ranked.map((r, i) => {
    const m = r.metrics;
    return [i + 1, r.index, r.state, ...keys.map((k) => r.params[k]), r.seed, r.fold, m?.epochs, m?.loss, m?.accuracy, m?.valLoss, m?.valAccuracy, m?.testLoss, m?.testAccuracy, m ? m.seconds.toFixed(3) : null, r.sha256, m?.weights, r.error].map(csvCell).join(',');
  });
  return [head.join(','), ...rows].join('\n') + '\n';
}

/** The leaderboard as JSON: the metric, the ranked trials and the per-configuration summary. */
export function leaderboardJson(sweep: string, ranked: TrialRecord[], metric: Metric): string {
  return JSON.stringify({ sweep, metric: metric.key, trials: ranked.map((r, i) => ({ rank: i + 1, ...r })), summary: summarize(ranked, metric) }, null, 2) + '\n';
}

/**
 * A sweep without Redis: the same trial runner on this machine, `concurrency` trials at a time,
 * rung records in memory. Trials start in index order, so a seeded sweep with concurrency 1
 * halts the same trials every time.
 */
import { createHash } from 'node:crypto';
import { MemoryRungs, promote } from './halving.js';
import type { TrialPayload } from './payload.js';
import type { TrialRecord } from './leaderboard.js';
import type { TrialProgress, TrialRunner } from './trial.js';
import { errorMessage, isDeterministicFailure } from './failures.js';

/** What the live table hears about. */
export interface SweepListener {
  started?(index: number, where: string): void;
  progress?(index: number, p: TrialProgress): void;
  finished?(record: TrialRecord, model: Uint8Array | null): void;
}

export interface LocalSweepOptions {
  concurrency: number;
  /** Threads per trial. */
  workers: number;
  /** The data as this machine reads it. */
  data: string;
  signal: AbortSignal;
  listener?: SweepListener;
}

/** Runs every trial; returns their records in index order (aborted trials are left out). */
export async function runLocalSweep(payloads: TrialPayload[], run: TrialRunner, o: LocalSweepOptions): Promise<{ records: TrialRecord[]; models: Map<number, Uint8Array> }> {
  const rungs = new MemoryRungs();
  const records: TrialRecord[] = [];
  const models = new Map<number, Uint8Array>();
  let next = 0;
  const one = async (p: TrialPayload) => {
    o.listener?.started?.(p.index, 'local');
    const base = { index: p.index, group: p.group, params: p.params, seed: p.seed, fold: p.fold?.i ?? null };
    try {
      const out = await run(p, {
        checkpoint: null, data: o.data, workers: o.workers, signal: o.signal,
        onEpoch: (e) => o.listener?.progress?.(p.index, e),
        onCheckpoint: async () => {}, // in memory, the trial is its own checkpoint
        atRung: async (epoch, score) => promote(await rungs.record(epoch, p.index, score), score, p.halving!.eta),
      });
      if (out.state === 'drained') return;
      const record: TrialRecord = { ...base, state: out.state, error: null, metrics: out.metrics, sha256: sha256(out.model) };
      records.push(record);
      models.set(p.index, out.model);
      o.listener?.finished?.(record, out.model);
    } catch (e) {
      if (!isDeterministicFailure(e)) throw e;
      const record: TrialRecord = { ...base, state: 'failed', error: errorMessage(e), metrics: null, sha256: null };
      records.push(record);
      o.listener?.finished?.(record, null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, payloads.length) }, async () => {
    while (next < payloads.length && !o.signal.aborted) await one(payloads[next++]);
  }));
  return { records: records.sort((a, b) => a.index - b.index), models };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A sweep on BullMQ: a flow with one parent job (the sweep) and one child job per trial. Workers
 * on any machine pull trials, train them, report each epoch as job progress, store a checkpoint
 * under the job every K epochs and the finished model under the sweep. A worker killed mid-trial
 * loses its lock; BullMQ's stalled-job check hands the trial to another worker, which resumes from
 * the checkpoint: same bits. Keys (all under "backprop:"): sweep:<name> (the name is taken),
 * ckpt:<name>:<i>, model:<name>:<i>, rung:<name>:<epoch> (a sorted set), data:<sha256>.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DelayedError, FlowProducer, Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { SweepError } from './errors.js';
import { errorMessage, isDeterministicFailure } from './failures.js';
import { promote } from './halving.js';
import type { TrialRecord } from './leaderboard.js';
import type { SweepListener } from './local.js';
import { sha256 } from './local.js';
import { parsePayload, type DataRef, type TrialPayload } from './payload.js';
import type { TrialMetrics, TrialProgress, TrialRunner } from './trial.js';

export const TRIALS_QUEUE = 'backprop-trials';
const SWEEPS_QUEUE = 'backprop-sweeps';
const key = {
  sweep: (s: string) => `backprop:sweep:${s}`,
  ckpt: (s: string, i: number) => `backprop:ckpt:${s}:${i}`,
  model: (s: string, i: number) => `backprop:model:${s}:${i}`,
  rung: (s: string, e: number) => `backprop:rung:${s}:${e}`,
  data: (h: string) => `backprop:data:${h}`,
};
/** BullMQ job ids may not contain ':'. */
export const trialJobId = (sweep: string, i: number) => `${sweep}.t${i}`;

/** What a finished trial job returns (its model bytes are stored beside it). */
interface TrialReturn {
  state: 'done' | 'stopped';
  metrics: TrialMetrics;
  sha256: string;
  worker: string;
}

/** Stores data bytes content-addressed (SHA-256), once; returns the hash. */
export async function uploadData(conn: Redis, bytes: Uint8Array, maxBytes: number): Promise<string> {
  if (bytes.length > maxBytes) throw new SweepError(`the data file is ${bytes.length} bytes and uploads are limited to ${maxBytes}; raise --max-data-mb on the sweep and the workers, or use a built-in set`);
  const h = sha256(bytes);
  await conn.set(key.data(h), Buffer.from(bytes), 'NX');
  return h;
}

/** Submits the sweep as a flow; a SweepError when the name is taken on this Redis. */
export async function submitSweep(conn: Redis, name: string, payloads: TrialPayload[], shown: string): Promise<void> {
  const taken = await conn.set(key.sweep(name), JSON.stringify({ trials: payloads.length, at: new Date().toISOString() }), 'NX');
  if (taken === null) throw new SweepError(`sweep name ${name} is already in use on ${shown}; choose another --name`);
  const flow = new FlowProducer({ connection: conn });
  flow.on('error', () => {});
  try {
    await flow.add({
      name, queueName: SWEEPS_QUEUE, data: { sweep: name, trials: payloads.length }, opts: { jobId: name },
      children: payloads.map((p) => ({
        name: `trial ${p.index}`, queueName: TRIALS_QUEUE, data: p,
        // a crash or lost connection is retried; a bad configuration throws UnrecoverableError and fails once
        opts: { jobId: trialJobId(name, p.index), attempts: 3, backoff: { type: 'fixed', delay: 500 }, ignoreDependencyOnFailure: true },
      })),
    });
  } finally {
    await flow.close();
  }
}

/**
 * Follows a submitted sweep until every trial has finished or failed. BullMQ's queue events
 * (a Redis stream) wake it for the trials that changed; a full pass every `pollMs` catches what a
 * reconnect missed. Results are keyed by trial, so none counts twice.
 */
export async function watchSweep(conn: Redis, name: string, payloads: TrialPayload[], o: { listener?: SweepListener; signal: AbortSignal; pollMs?: number }): Promise<{ records: TrialRecord[]; models: Map<number, Uint8Array> }> {
  const queue = new Queue(TRIALS_QUEUE, { connection: conn });
  queue.on('error', () => {}); // a lost connection is said by the connection (redis.ts)
  const events = new QueueEvents(TRIALS_QUEUE, { connection: conn.duplicate() });
  events.on('error', () => {});
  const records = new Map<number, TrialRecord>();
  const models = new Map<number, Uint8Array>();
  const started = new Set<number>();
  const dirty = new Set<number>();
  let wake: (() => void) | null = null;
  const prefix = `${name}.t`;
  const touched = ({ jobId }: { jobId: string }) => {
    if (!jobId.startsWith(prefix)) return;
    dirty.add(Number(jobId.slice(prefix.length)));
    wake?.();
  };
  for (const e of ['active', 'progress', 'completed', 'failed'] as const) events.on(e, touched);
  const check = async (p: TrialPayload) => {
    // the state first, then the job: a job read first may complete in between, its returnvalue unread
    const state = await queue.getJobState(trialJobId(name, p.index));
    const job = await queue.getJob(trialJobId(name, p.index));
    if (!job || records.has(p.index)) return;
    const base = { index: p.index, group: p.group, params: p.params, seed: p.seed, fold: p.fold?.i ?? null };
    if (state === 'active' && !started.has(p.index)) {
      started.add(p.index);
      o.listener?.started?.(p.index, 'redis');
    }
    if (state === 'active' && job.progress && typeof job.progress === 'object') o.listener?.progress?.(p.index, job.progress as unknown as TrialProgress);
    if (state === 'completed') {
      const rv = job.returnvalue as TrialReturn;
      const bytes = await conn.getBuffer(key.model(name, p.index));
      if (!bytes || sha256(bytes) !== rv.sha256) throw new SweepError(`trial ${p.index}'s model in Redis is ${bytes ? 'not the one its worker stored (sha256 differs)' : 'missing'}; rerun the sweep under another --name`);
      const record: TrialRecord = { ...base, state: rv.state, error: null, metrics: rv.metrics, sha256: rv.sha256 };
      records.set(p.index, record);
      models.set(p.index, new Uint8Array(bytes));
      o.listener?.finished?.(record, models.get(p.index)!);
    } else if (state === 'failed') {
      const record: TrialRecord = { ...base, state: 'failed', error: job.failedReason || 'failed', metrics: null, sha256: null };
      records.set(p.index, record);
      o.listener?.finished?.(record, null);
    }
  };
  try {
    await events.waitUntilReady();
    let full = 0;
    while (records.size < payloads.length && !o.signal.aborted) {
      const now = performance.now();
      const all = now - full >= (o.pollMs ?? 1000);
      if (all) full = now;
      const todo = all ? payloads.filter((p) => !records.has(p.index)) : [...dirty].filter((i) => i >= 0 && i < payloads.length).map((i) => payloads[i]);
      dirty.clear();
      await Promise.all(todo.map(check));
      if (records.size < payloads.length && dirty.size === 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.pollMs ?? 1000);
          const done = () => {
            clearTimeout(t);
            resolve();
          };
          wake = done;
          o.signal.addEventListener('abort', done, { once: true });
        });
        wake = null;
      }
    }
  } finally {
    await events.close();
    await queue.close();
  }
  return { records: [...records.values()].sort((a, b) => a.index - b.index), models };
}

/** Ctrl-C on `sweep`: removes the trials still waiting; running ones finish on their workers. Returns how many were removed. */
export async function dropQueued(conn: Redis, name: string, payloads: TrialPayload[]): Promise<number> {
  const queue = new Queue(TRIALS_QUEUE, { connection: conn });
  queue.on('error', () => {});
  let removed = 0;
  try {
    for (const p of payloads) {
      const job = await queue.getJob(trialJobId(name, p.index));
      if (job && ['waiting', 'delayed', 'prioritized'].includes(await job.getState())) {
        await job.remove().then(() => removed++, () => {});
      }
    }
  } finally {
    await queue.close();
  }
  return removed;
}

/** The scores recorded at a rung before this trial's, and this one's added (atomic: one script). */
const RUNG_SCRIPT = `
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], 604800)
local out = {}
for i = 1, #all, 2 do if all[i] ~= ARGV[2] then out[#out + 1] = all[i + 1] end end
return out`;

export interface WorkerOptions {
  concurrency: number;
  /** Threads per trial. */
  workers: number;
  /** Where uploaded data is cached by hash (this machine's choice, never the job's). */
  cacheDir: string;
  maxDataBytes: number;
  /** How long a killed worker's trial stays locked before another worker takes it. */
  lockMs: number;
  say(line: string): void;
}

/** A trial's data on this machine: a built-in name as is, a blob from the cache or Redis, verified by hash. */
async function resolveData(conn: Redis, d: DataRef, o: WorkerOptions): Promise<string> {
  if (d.kind === 'builtin') return d.spec;
  if (d.size > o.maxDataBytes) throw new SweepError(`the trial's data is ${d.size} bytes and this worker takes at most ${o.maxDataBytes}; start it with a larger --max-data-mb`);
  const path = join(o.cacheDir, `${d.sha256}.${d.ext}`);
  if (existsSync(path) && sha256(readFileSync(path)) === d.sha256) return path;
  const bytes = await conn.getBuffer(key.data(d.sha256));
  if (!bytes) throw new SweepError(`the trial's data ${d.sha256.slice(0, 12)}… is not in Redis; submit the sweep again`);
  if (bytes.length > o.maxDataBytes) throw new SweepError(`the trial's data is ${bytes.length} bytes and this worker takes at most ${o.maxDataBytes}`);
  if (sha256(bytes) !== d.sha256) throw new SweepError(`the trial's data in Redis does not match its SHA-256 ${d.sha256.slice(0, 12)}…; it was altered`);
  mkdirSync(o.cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return path;
}

/** Pulls trials until closed. `close()` drains: running trials stop at a step, checkpoint and go back to the queue. */
export function startWorker(conn: Redis, run: TrialRunner, o: WorkerOptions): { worker: Worker; drain(): Promise<number> } {
  const running = new Set<AbortController>();
  let draining = false;
  const me = `${hostname()}:${process.pid}`;
  const processor = async (job: Job, token?: string): Promise<TrialReturn> => {
    let p: TrialPayload;
    try {
      p = parsePayload(job.data);
    } catch (e) {
      o.say(`job ${job.id}: refused: ${errorMessage(e)}`);
      throw new UnrecoverableError(errorMessage(e));
    }
    const abort = new AbortController();
    if (draining) abort.abort();
    running.add(abort);
    try {
      const data = await resolveData(conn, p.data, o);
      const ckpt = await conn.getBuffer(key.ckpt(p.sweep, p.index));
      o.say(`${p.sweep} trial ${p.index}: started${ckpt ? ' from its checkpoint' : ''}`);
      const out = await run(p, {
        checkpoint: ckpt ? new Uint8Array(ckpt) : null, data, workers: o.workers, signal: abort.signal,
        onEpoch: (e) => void job.updateProgress({ ...e }).catch(() => {}),
        onCheckpoint: async (bytes, epoch) => {
          await conn.set(key.ckpt(p.sweep, p.index), Buffer.from(bytes), 'EX', 604800);
          o.say(`${p.sweep} trial ${p.index}: checkpoint at epoch ${epoch}`);
        },
        atRung: async (epoch, score) => {
          const before = (await conn.eval(RUNG_SCRIPT, 1, key.rung(p.sweep, epoch), String(score), String(p.index))) as string[];
          return promote(before.map(Number), score, p.halving!.eta);
        },
      });
      if (out.state === 'drained') {
        o.say(`${p.sweep} trial ${p.index}: checkpointed at epoch ${out.epoch} and returned to the queue`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const h = sha256(out.model);
      await conn.set(key.model(p.sweep, p.index), Buffer.from(out.model), 'EX', 604800);
      await conn.del(key.ckpt(p.sweep, p.index));
      o.say(`${p.sweep} trial ${p.index}: ${out.state} after ${out.metrics.epochs} epochs${out.metrics.resumedFrom !== null ? ` (resumed at epoch ${out.metrics.resumedFrom})` : ''}`);
      return { state: out.state, metrics: out.metrics, sha256: h, worker: me };
    } catch (e) {
      if (e instanceof DelayedError) throw e;
      if (isDeterministicFailure(e)) {
        o.say(`${p.sweep} trial ${p.index}: failed: ${errorMessage(e)}`);
        throw new UnrecoverableError(errorMessage(e));
      }
      throw e;
    } finally {
      running.delete(abort);
    }
  };
  const worker = new Worker(TRIALS_QUEUE, processor, {
    connection: conn, concurrency: o.concurrency,
    lockDuration: o.lockMs, stalledInterval: o.lockMs, maxStalledCount: 10,
  });
  worker.on('error', () => {}); // connection errors are said by the connection (redis.ts)
  return {
    worker,
    drain: async () => {
      draining = true;
      const n = running.size;
      for (const a of running) a.abort();
      await worker.close();
      return n;
    },
  };
}



/**
 * `backprop worker --redis URL`: pulls trials of any sweep from Redis and trains each on this
 * machine's cores (--concurrency trials at once, --workers threads each), through `train`'s code.
 * SIGTERM or Ctrl-C drains: running trials stop at a step, checkpoint into Redis and go back to
 * the queue for another worker; then it exits 128 + the signal's number.
 */
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { connect, maskSecrets, parseRedisUrl, probe, startWorker } from '@backprop/cluster';
import { UsageError } from '../errors.js';
import { onSignal, signalExitCode, type Signal } from '../process-io.js';
import { trialRunner } from '../trial.js';

export interface WorkerFlags {
  redis?: string;
  redisCa?: string;
  concurrency: number;
  workers?: number;
  cacheDir?: string;
  maxDataMb: number;
  lockMs: number;
}

const line = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

export async function worker(f: WorkerFlags): Promise<number> {
  const url = f.redis ?? process.env.REDIS_URL;
  if (!url) throw new UsageError('backprop worker needs a Redis to pull trials from; pass --redis redis://host:6379 or set REDIS_URL');
  const target = parseRedisUrl(url, f.redisCa);
  await probe(target);
  const workers = f.workers ?? Math.max(1, Math.floor(availableParallelism() / f.concurrency));
  const conn = connect(target, (s) => line(s), 'backprop-worker');
  const cacheDir = f.cacheDir ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'backprop', 'data');
  const trials = trialRunner(f.concurrency > 1);
  const w = startWorker(conn, trials.run, { concurrency: f.concurrency, workers, cacheDir, maxDataBytes: f.maxDataMb * 2 ** 20, lockMs: f.lockMs, say: (s) => line(maskSecrets(s, target)) });
  line(`worker ready on ${target.shown}: ${f.concurrency} trial${f.concurrency === 1 ? '' : 's'} at a time, ${workers} thread${workers === 1 ? '' : 's'} each (pid ${process.pid})`);
  const sig = await new Promise<Signal>((resolve) => {
    const release = onSignal((s) => {
      release();
      resolve(s);
    });
  });
  line(`${sig}: draining (running trials checkpoint and go back to the queue)`);
  const n = await w.drain();
  line(`drained ${n} running trial${n === 1 ? '' : 's'}; bye`);
  await trials.close();
  conn.disconnect();
  return signalExitCode(sig);
}

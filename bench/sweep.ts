/**
 * Sweeps: 12 MNIST trials (4 epochs, one thread each, ≈ 2 s) run locally (`backprop sweep -c 2`)
 * and through Redis by 2 `backprop worker` processes on this machine (the same 2 cores). Prints
 * both wall times, the queue's overhead per trial — enqueue → start (a free worker picking the
 * trial up) and result → leaderboard (the sweep seeing it) — against the 5 % of a 2-second trial,
 * and an Amdahl projection for M machines from the measured serial part. First checks that the two
 * leaderboards hold the same model bytes per trial.
 *
 *   pnpm --filter @backprop/bench bench:sweep        (needs redis-server on PATH)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';

const TRIALS = 12;
const MAIN = fileURLToPath(new URL('../apps/cli/src/main.ts', import.meta.url));
const CLI = ['--conditions=@backprop/source', '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, MAIN];
const SWEEP = ['sweep', '--data', 'mnist', '--epochs', '4', '-w', '1', '--grid', 'lr=0.01,0.02,0.05,0.1', '--seeds', '1..3', '--checkpoint-every', '2', '--json'];
const dir = mkdtempSync(join(tmpdir(), 'backprop-bench-sweep-'));

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

/** Runs the CLI; `onLine` sees each stdout line as it arrives (with its arrival time). */
function cli(args: string[], onLine?: (line: string, t: number) => void): { proc: ChildProcess; done: Promise<number> } {
  const proc = spawn(process.execPath, [...CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine?.(buf.slice(0, i), Date.now());
      buf = buf.slice(i + 1);
    }
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number>((resolve, reject) => proc.on('exit', (code) => (code === 0 || args[0] === 'worker' ? resolve(code ?? 0) : reject(new Error(`backprop ${args[0]} exited ${code}:\n${err}`)))));
  return { proc, done };
}

const board = (out: string) => JSON.parse(readFileSync(join(dir, out, 'leaderboard.json'), 'utf8')) as { trials: { index: number; sha256: string; metrics: { seconds: number } }[] };
const shas = (out: string) => board(out).trials.sort((a, b) => a.index - b.index).map((t) => t.sha256);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const ms = (x: number) => `${x.toFixed(0)} ms`;

const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const workers: ChildProcess[] = [];
try {
  await new Promise((r) => setTimeout(r, 300));
  let t = performance.now();
  await cli([...SWEEP, '-c', '2', '--name', 'bench', '--out-dir', 'local']).done;
  const local = (performance.now() - t) / 1000;

  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 2; i++) {
    const w = cli(['worker', '--redis', url, '-w', '1']);
    workers.push(w.proc);
  }
  await new Promise((r) => setTimeout(r, 4000)); // the workers start (tsx compiles the CLI), outside the timing
  const seen = new Map<number, number>();
  t = performance.now();
  const t0 = Date.now();
  await cli([...SWEEP, '--name', 'bench', '--out-dir', 'redis', '--redis', url], (line, at) => {
    const e = JSON.parse(line) as { event: string; trial: number };
    if (e.event === 'trial-end') seen.set(e.trial, at);
  }).done;
  const remote = (performance.now() - t) / 1000;
  const same = JSON.stringify(shas('local')) === JSON.stringify(shas('redis'));
  if (!same) throw new Error('the local and the Redis leaderboards differ: not the same model bytes per trial');

  // per trial, from BullMQ's own timestamps: a worker free since `free` picked the job up at processedOn
  const q = new Queue('backprop-trials', { connection: { host: '127.0.0.1', port } });
  const jobs = (await Promise.all(Array.from({ length: TRIALS }, (_, i) => q.getJob(`bench.t${i}`)))).map((j) => j!);
  await q.close();
  const byWorker = new Map<string, typeof jobs>();
  for (const j of jobs) byWorker.set((j.returnvalue as { worker: string }).worker, [...(byWorker.get((j.returnvalue as { worker: string }).worker) ?? []), j]);
  const start: number[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.processedOn! - b.processedOn!);
    list.forEach((j, k) => start.push(j.processedOn! - Math.max(j.timestamp, k > 0 ? list[k - 1].finishedOn! : j.timestamp)));
  }
  const result = jobs.map((j, i) => seen.get(i)! - j.finishedOn!);
  const trialSeconds = mean(board('redis').trials.map((x) => x.metrics.seconds));
  const overhead = mean(start) + mean(result);
  const firstStart = Math.min(...jobs.map((j) => j.processedOn!)) - t0;
  const lastSeen = t0 + remote * 1000 - Math.max(...jobs.map((j) => j.finishedOn!));

  console.log(`sweep: ${TRIALS} MNIST trials (4 epochs, 1 thread each), 2 cores; same model bytes per trial locally and through Redis: ${same}`);
  console.log(`local (backprop sweep -c 2)              ${local.toFixed(2)} s`);
  console.log(`redis (2 backprop worker processes)      ${remote.toFixed(2)} s   (${(remote / local).toFixed(3)}× local)`);
  console.log(`trial (mean training time)               ${trialSeconds.toFixed(2)} s`);
  console.log(`queue overhead per trial                 enqueue→start ${ms(mean(start))} (max ${ms(Math.max(...start))}), result→leaderboard ${ms(mean(result))} (max ${ms(Math.max(...result))})`);
  console.log(`overhead / 2-second trial                ${((100 * overhead) / 2000).toFixed(2)} % (goal ≤ 5 %)`);
  // Amdahl: the serial part S (sweep start → first trial running, last result → sweep done) stays; the trials split over M machines of 2 workers
  const S = (firstStart + lastSeen) / 1000;
  const P1 = (remote - S) * 2; // the trials' work on one worker
  const T = (M: number) => S + Math.ceil(TRIALS / (2 * M)) * (P1 / TRIALS); // whole trials per worker: no faster than one trial
  console.log(`Amdahl projection (serial ${S.toFixed(2)} s = ${((100 * S) / remote).toFixed(1)} % of this run; machines of 2 workers; at most ${TRIALS} trials at once):`);
  for (const M of [1, 2, 3, 4, 6, 8, 16]) console.log(`  M = ${String(M).padStart(2)}   ${T(M).toFixed(2)} s   speed-up ${(T(1) / T(M)).toFixed(2)}×`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
  redis.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

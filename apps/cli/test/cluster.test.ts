// Sweeps: local (grid, seeded random, seeds, folds, a sweep file) and as a BullMQ flow on a real
// redis-server with real `backprop worker` processes: the same model bytes per trial, a killed
// worker's trial resumed elsewhere from its checkpoint with the same bits, a bad trial failing once,
// a hostile payload refused without hurting the worker, bad input as one-line errors.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, weightsHash } from '@backprop/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run, runAsync, TRACE } from './helpers.js';
import { freePort, redisCommand, RedisServer } from './redis.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Board {
  metric: string;
  trials: { index: number; state: string; error: string | null; sha256: string | null; params: Record<string, unknown>; seed: number | null; fold: number | null; metrics: { weights: string; epochs: number; resumedFrom: number | null; valLoss: number | null; loss: number } | null }[];
  summary: { n: number; mean: number; std: number }[];
}
const board = (out: string): Board => JSON.parse(readFileSync(join(dir, out, 'leaderboard.json'), 'utf8')) as Board;
/** trial index → sha256 of its model bytes. */
const shas = (b: Board) => Object.fromEntries(b.trials.map((t) => [t.index, t.sha256]));

/** A `backprop worker` process; its stderr collected. */
class WorkerProc {
  readonly proc: ChildProcess;
  log = '';
  constructor(url: string, extra: string[] = []) {
    this.proc = spawn(process.execPath, [...CLI, 'worker', '--redis', url, '-w', '1', '--lock-ms', '1500', '--cache-dir', join(dir, 'cache'), ...extra], { env: { ...process.env, NO_COLOR: '1' } });
    this.proc.stderr!.on('data', (d) => (this.log += d));
    this.proc.stdout!.on('data', () => {});
  }
  async ready(): Promise<void> {
    for (let i = 0; i < 400 && !this.log.includes('worker ready'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(this.log).toContain('worker ready');
  }
  async stop(sig: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.proc.exitCode;
    const done = new Promise<number | null>((r) => this.proc.once('exit', (code) => r(code)));
    this.proc.kill(sig);
    return done;
  }
}

const IRIS = ['--data', 'iris', '--epochs', '8', '-w', '1'];

describe('local sweep', () => {
  it('runs grid × seeds through train’s code: each trial’s weights are those of `backprop train`, best.bpnn is the best trial, mean ± std per configuration', () => {
    const r = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.02,0.2', '--seeds', '1..3', '--val-split', '0.2', '--name', 'grid']);
    expect(r.stderr).not.toMatch(TRACE);
    expect(r.code).toBe(0);
    const b = board('grid');
    expect(b.metric).toBe('valAccuracy');
    expect(b.trials).toHaveLength(6);
    expect(b.trials.every((t) => t.state === 'done')).toBe(true);
    // seeds vary fastest: trial 4 is lr=0.2 seed=2
    const t4 = b.trials.find((t) => t.index === 4)!;
    expect([t4.params.lr, t4.seed]).toEqual([0.2, 2]);
    const train = run(dir, ['train', ...IRIS, '--lr', '0.2', '--seed', '2', '--val-split', '0.2', '-o', 'single.bpnn', '--force']);
    expect(train.code).toBe(0);
    expect(t4.metrics!.weights).toBe(weightsHash(loadModel(readFileSync(join(dir, 'single.bpnn'))).net.params));
    expect(sha(readFileSync(join(dir, 'grid', 'models', 'trial-4.bpnn')))).toBe(t4.sha256);
    expect(sha(readFileSync(join(dir, 'grid', 'best.bpnn')))).toBe(b.trials[0].sha256); // ranked best first
    expect(b.summary.map((s) => s.n)).toEqual([3, 3]);
    expect(r.stdout).toMatch(/mean ± std/);
    expect(r.stdout).toMatch(/lr=0\.02\s*│ 3 │ \d+\.\d+% ± \d+\.\d+%/);
    const csv = readFileSync(join(dir, 'grid', 'leaderboard.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^rank,trial,state,lr,seed,fold,epochs,/);
    expect(csv).toHaveLength(7);
  });

  it('draws the same random trials for the same --sampler-seed; folds partition the training rows; a sweep file gives the same sweep as the flags', () => {
    const a = run(dir, ['sweep', ...IRIS, '--random', 'lr=log:1e-3..1e-1', '--random', 'hidden=4,8', '--trials', '3', '--folds', '3', '--name', 'rand-a', '--json']);
    expect(a.code).toBe(0);
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify({ name: 'rand-b', base: { data: 'iris', epochs: 8, workers: undefined }, random: { lr: 'log:1e-3..1e-1', hidden: '4,8' }, trials: 3, folds: 3 }));
    const b = run(dir, ['sweep', '-w', '1', '--file', file, '--json']);
    expect(b.stderr).not.toMatch(TRACE);
    expect(b.code).toBe(0);
    const [ba, bb] = [board('rand-a'), board('rand-b')];
    expect(ba.trials).toHaveLength(9);
    expect(ba.metric).toBe('valAccuracy');
    const lrs = [...new Set(ba.trials.map((t) => t.params.lr as number))];
    expect(lrs).toHaveLength(3);
    for (const lr of lrs) expect(lr >= 1e-3 && lr <= 1e-1).toBe(true);
    // same draws, same model bytes (a trial's file does not depend on the sweep's name)
    const w = (x: Board) => x.trials.map((t) => [t.index, t.params.lr, t.params.hidden, t.fold, t.sha256]).sort((p, q) => (p[0] as number) - (q[0] as number));
    expect(w(bb)).toEqual(w(ba));
    expect(ba.summary.every((s) => s.n === 3 && s.std >= 0)).toBe(true);
    const c = run(dir, ['sweep', ...IRIS, '--random', 'lr=log:1e-3..1e-1', '--trials', '3', '--sampler-seed', '2', '--name', 'rand-c', '--json']);
    expect(c.code).toBe(0);
    expect(board('rand-c').trials.map((t) => t.params.lr)).not.toEqual(ba.trials.filter((t) => t.fold === 0).map((t) => t.params.lr));
  });

  it('--halving stops the trials the ASHA rule names, from the scores at each rung', () => {
    const r = run(dir, ['sweep', ...IRIS, '--epochs', '9', '--val-split', '0.2', '--grid', 'lr=0.3,0.001,0.05,0.0003,0.1,0.003', '--halving', '--halving-min', '1', '--halving-eta', '2', '--name', 'asha', '--json']);
    expect(r.stderr).not.toMatch(TRACE);
    expect(r.code).toBe(0);
    // the rule, independently: rungs at 1, 2, 4, 8; a trial goes on if fewer than ⌊n/η⌋ (≥ 1) earlier scores beat it
    const scores = new Map<string, number>();
    for (const line of r.stdout.trim().split('\n')) {
      const e = JSON.parse(line) as { event: string; trial: number; epoch: number; valLoss: number };
      if (e.event === 'trial-epoch') scores.set(`${e.trial}@${e.epoch}`, e.valLoss);
    }
    const expected: Record<number, string> = {};
    const rungs = new Map<number, number[]>();
    for (let i = 0; i < 6; i++) {
      expected[i] = 'done';
      for (const rung of [1, 2, 4, 8]) {
        const s = scores.get(`${i}@${rung}`)!;
        const all = [...(rungs.get(rung) ?? []), s];
        rungs.set(rung, all);
        if (all.filter((x) => x < s).length >= Math.max(1, Math.floor(all.length / 2))) {
          expected[i] = `stopped@${rung}`;
          break;
        }
      }
    }
    const b = board('asha');
    const got = Object.fromEntries(b.trials.map((t) => [t.index, t.state === 'stopped' ? `stopped@${t.metrics!.epochs}` : t.state]));
    expect(got).toEqual(expected);
    expect(Object.values(got).filter((s) => s.startsWith('stopped')).length).toBeGreaterThan(0);
  });

  it('refuses bad sweeps with one line and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--grid', 'lr='], /--grid lr= gives lr no values/],
      [['--grid', 'lr=0.1,abc'], /lr=abc: expected a positive number/],
      [['--grid', 'speed=1,2'], /speed is not a train setting/],
      [['--random', 'lr=log:1e-3..1e-1', '--trials', '0'], /--trials 0: random search needs at least 1 trial/],
      [['--grid', 'lr=0.1', '--redis', 'http://host:6379'], /scheme must be redis:\/\/ or rediss:\/\//],
      [['--grid', 'lr=0.1', '--seed', '3', '--seeds', '1..2'], /--seed is one seed and --seeds sweeps seeds/],
      [[], /the sweep has no dimension/],
      [['--grid', 'lr=0.1', '--name', 'grid'], /sweep name grid is already in use here/],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, ['sweep', ...IRIS, ...args]);
      expect([r.code, r.stderr.trim().split('\n').at(-1)], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(TRACE);
    }
  });

  it('says within seconds that Redis is unreachable, with the password masked', async () => {
    const port = await freePort();
    const t0 = performance.now();
    const r = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--redis', `redis://alice:hunter2@127.0.0.1:${port}`, '--name', 'unreachable']);
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`cannot reach Redis at redis://alice:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    const w = run(dir, ['worker', '--redis', `redis://alice:hunter2@127.0.0.1:${port}`]);
    expect(w.code).toBe(2);
    expect(w.stderr).not.toContain('hunter2');
  });
});

describe('sweep on Redis with worker processes', () => {
  let redis: RedisServer;
  const workers: WorkerProc[] = [];
  beforeAll(async () => {
    redis = await new RedisServer(await freePort()).start();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis.stop();
  });

  it('2 workers give the local sweep’s leaderboard bit for bit (model SHA-256 per trial); the name is then taken', async () => {
    const local = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.02,0.1,0.3', '--seeds', '1..2', '--name', 'six', '--out-dir', 'six-local']);
    expect(local.code).toBe(0);
    workers.push(new WorkerProc(redis.url), new WorkerProc(redis.url));
    await Promise.all(workers.map((w) => w.ready()));
    const remote = await runAsync(dir, ['sweep', ...IRIS, '--grid', 'lr=0.02,0.1,0.3', '--seeds', '1..2', '--name', 'six', '--out-dir', 'six-redis', '--redis', redis.url]);
    expect(remote.stderr).not.toMatch(TRACE);
    expect(remote.code).toBe(0);
    const [l, r] = [board('six-local'), board('six-redis')];
    expect(r.trials).toHaveLength(6);
    expect(shas(r)).toEqual(shas(l));
    expect(Object.values(shas(r)).every((h) => /^[0-9a-f]{64}$/.test(h ?? ''))).toBe(true);
    for (const w of workers) expect(w.log).toMatch(/six trial \d: done/); // both took trials
    const again = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--name', 'six', '--out-dir', 'six-again', '--redis', redis.url]);
    expect([again.code, again.stderr.trim().split('\n').at(-1)]).toEqual([2, `error: sweep name six is already in use on ${redis.url}; choose another --name`]);
  });

  it('a trial whose configuration cannot train fails once, with its error in the leaderboard', async () => {
    const r = await runAsync(dir, ['sweep', ...IRIS, '--grid', 'layers=4-8-3,5-8-3', '--name', 'bad', '--redis', redis.url]);
    expect(r.code).toBe(0);
    const b = board('bad');
    const bad = b.trials.find((t) => t.index === 1)!;
    expect(bad.state).toBe('failed');
    expect(bad.error).toMatch(/layer sizes 5-8-3 do not match the data/);
    const q = new Queue('backprop-trials', { connection: { host: '127.0.0.1', port: redis.port } });
    const job = await q.getJob('bad.t1');
    expect(job!.attemptsMade).toBe(1);
    await q.close();
    expect(workers.map((w) => w.log.match(/bad trial 1: failed/g)?.length ?? 0).reduce((s, n) => s + n, 0)).toBe(1);
  });

  it('a hostile job payload fails with a schema error and the worker goes on', async () => {
    const q = new Queue('backprop-trials', { connection: { host: '127.0.0.1', port: redis.port } });
    const hostile = { v: 1, sweep: 'evil', index: 0, of: 1, base: {}, params: {}, seed: null, fold: null, group: 0, data: { kind: 'builtin', spec: '../../etc/passwd' }, checkpointEvery: 1, halving: null };
    const huge = { ...hostile, base: { labelColumn: 'x'.repeat(100_000) } };
    const jobs = [await q.add('evil', hostile, { jobId: 'evil.t0' }), await q.add('evil', huge, { jobId: 'evil.t1' }), await q.add('evil', 'not an object', { jobId: 'evil.t2' })];
    for (let i = 0; i < 200; i++) {
      const states = await Promise.all(jobs.map((j) => j.getState()));
      if (states.every((s) => s === 'failed')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const failed = await Promise.all(jobs.map(async (j) => (await q.getJob(j.id!))!.failedReason));
    expect(failed[0]).toMatch(/field data\.spec is wrong/);
    expect(failed[1]).toMatch(/payload is \d+ bytes; at most 65536/);
    expect(failed[2]).toMatch(/payload/);
    await q.close();
    expect(workers.every((w) => w.proc.exitCode === null)).toBe(true);
    const after = await runAsync(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--name', 'after-evil', '--redis', redis.url]);
    expect(after.code).toBe(0);
  });

  it('SIGKILL of a worker mid-trial: another worker resumes from the checkpoint, same bits, at most K epochs recomputed', async () => {
    const SLOW = ['--data', 'spiral', '--samples', '6000', '--hidden', '128-128', '-b', '8', '--epochs', '24', '-w', '1', '--checkpoint-every', '2'];
    const local = await runAsync(dir, ['sweep', ...SLOW, '--grid', 'lr=0.01', '--name', 'kill', '--out-dir', 'kill-local']);
    expect(local.code).toBe(0);
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    const a = new WorkerProc(redis.url);
    workers.push(a);
    await a.ready();
    const sweep = runAsync(dir, [...['sweep', ...SLOW, '--grid', 'lr=0.01', '--name', 'kill', '--out-dir', 'kill-redis', '--redis', redis.url]]);
    for (let i = 0; i < 600 && !/checkpoint at epoch [4-9]/.test(a.log); i++) await new Promise((r) => setTimeout(r, 25));
    await a.stop('SIGKILL');
    const last = Math.max(...[...a.log.matchAll(/checkpoint at epoch (\d+)/g)].map((m) => Number(m[1])));
    const b = new WorkerProc(redis.url);
    workers.push(b);
    const r = await sweep;
    expect(r.code).toBe(0);
    const t = board('kill-redis').trials[0];
    expect(b.log).toMatch(/kill trial 0: started from its checkpoint/);
    expect(t.metrics!.resumedFrom).toBeGreaterThanOrEqual(last); // the last checkpoint (or a later one being written at the kill)
    expect(t.metrics!.resumedFrom! % 2).toBe(0);
    expect(t.sha256).toBe(board('kill-local').trials[0].sha256);
  });
  it('SIGTERM drains a worker: its trial checkpoints, goes back to the queue, and another worker finishes it with the same bits', async () => {
    const SLOW = ['--data', 'spiral', '--samples', '6000', '--hidden', '128-128', '-b', '8', '--epochs', '24', '-w', '1', '--checkpoint-every', '5'];
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    const a = new WorkerProc(redis.url);
    workers.push(a);
    await a.ready();
    const sweep = runAsync(dir, ['sweep', ...SLOW, '--grid', 'lr=0.01', '--name', 'drain', '--redis', redis.url]);
    for (let i = 0; i < 600 && !/drain trial 0: checkpoint at epoch 5/.test(a.log); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300)); // mid-epoch, between checkpoints
    expect(await a.stop('SIGTERM')).toBe(143);
    const m = /drain trial 0: checkpointed at epoch (\d+) and returned to the queue/.exec(a.log);
    expect(m, a.log).not.toBeNull();
    const b = new WorkerProc(redis.url);
    workers.push(b);
    const r = await sweep;
    expect(r.code).toBe(0);
    expect(b.log).toMatch(/drain trial 0: started from its checkpoint/);
    const t = board('drain').trials[0];
    expect(t.metrics!.resumedFrom).toBe(Number(m![1]));
    expect(t.sha256).toBe(board('kill-local').trials[0].sha256); // the same trial as the SIGKILL test's (24 epochs; K changes no bit)
  });

  it('a CSV file is uploaded once by SHA-256; workers cache it under its hash, verify it, and refuse one over their size limit', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 200; i++) rows.push(`${Math.cos(i * 0.7).toFixed(4)},${Math.sin(i * 1.3).toFixed(4)},${i % 3 === 0 ? 'a' : 'b'}`);
    const csv = `${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'points.csv'), csv);
    const local = run(dir, ['sweep', '--data', 'points.csv', '--epochs', '5', '-w', '1', '--grid', 'lr=0.05,0.1', '--name', 'csv', '--out-dir', 'csv-local']);
    expect(local.code).toBe(0);
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    const w = new WorkerProc(redis.url);
    workers.push(w);
    await w.ready();
    const remote = await runAsync(dir, ['sweep', '--data', 'points.csv', '--epochs', '5', '-w', '1', '--grid', 'lr=0.05,0.1', '--name', 'csv', '--out-dir', 'csv-redis', '--redis', redis.url]);
    expect(remote.code).toBe(0);
    expect(shas(board('csv-redis'))).toEqual(shas(board('csv-local')));
    const h = sha(Buffer.from(csv));
    expect(readFileSync(join(dir, 'cache', `${h}.csv`), 'utf8')).toBe(csv);
    // altered bytes in Redis under the same hash: refused by a worker without a cached copy
    expect(await redisCommand(redis.port, ['SET', `backprop:data:${h}`, 'x,y,label\n1,2,a\n'])).toBe('+OK');
    await Promise.all(workers.splice(0).map((x) => x.stop('SIGKILL')));
    const fresh = new WorkerProc(redis.url, ['--cache-dir', join(dir, 'cache2')]);
    const small = new WorkerProc(redis.url, ['--cache-dir', join(dir, 'cache3'), '--max-data-mb', '1']);
    workers.push(fresh, small);
    await Promise.all([fresh.ready(), small.ready()]);
    const tampered = await runAsync(dir, ['sweep', '--data', 'points.csv', '--epochs', '5', '-w', '1', '--grid', 'lr=0.05', '--name', 'csv-tampered', '--redis', redis.url]);
    expect(tampered.code).toBe(1); // no trial finished
    expect(board('csv-tampered').trials[0].error).toMatch(/does not match its SHA-256/);
    const big = `x,y,label\n${'0.1234,0.5678,a\n0.4321,0.8765,b\n'.repeat(40_000)}`;
    writeFileSync(join(dir, 'big.csv'), big);
    await fresh.stop('SIGKILL');
    const tooBig = await runAsync(dir, ['sweep', '--data', 'big.csv', '--epochs', '1', '-w', '1', '--grid', 'lr=0.05', '--name', 'csv-big', '--redis', redis.url]);
    expect(tooBig.code).toBe(1);
    expect(board('csv-big').trials[0].error).toMatch(/this worker takes at most 1048576/);
  });
});

describe('Redis faults and TLS', () => {
  it('a Redis restart mid-sweep: the sweep and the worker reconnect and say so; every trial counted once, same bits', async () => {
    const data = mkdtempSync(join(dir, 'aof-'));
    const port = await freePort();
    // persistence on, so a restart keeps the queue (as a production Redis would)
    const persist = ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', data];
    let redis = await new RedisServer(port, persist).start();
    const SLOW = ['--data', 'spiral', '--samples', '4000', '--hidden', '64-64', '-b', '8', '--epochs', '12', '-w', '1', '--checkpoint-every', '3'];
    const w = new WorkerProc(redis.url, ['--lock-ms', '20000']);
    try {
      await w.ready();
      const sweep = runAsync(dir, ['sweep', ...SLOW, '--grid', 'lr=0.01,0.02', '--name', 'restart', '--redis', redis.url]);
      for (let i = 0; i < 600 && !/restart trial 0: checkpoint at epoch 3/.test(w.log); i++) await new Promise((r) => setTimeout(r, 25));
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1000));
      redis = await new RedisServer(port, persist).start();
      const r = await sweep;
      expect(r.stderr).not.toMatch(TRACE);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+.*reconnecting/);
      expect(r.stderr).toMatch(/reconnected to Redis/);
      expect(w.log).toMatch(/reconnected to Redis/);
      const b = board('restart');
      expect(b.trials.map((t) => [t.index, t.state]).sort()).toEqual([[0, 'done'], [1, 'done']]);
      const local = run(dir, ['sweep', ...SLOW, '--grid', 'lr=0.01,0.02', '--name', 'restart', '--out-dir', 'restart-local']);
      expect(local.code).toBe(0);
      expect(shas(b)).toEqual(shas(board('restart-local')));
    } finally {
      await w.stop('SIGKILL');
      await redis.stop();
    }
  });

  it('rediss:// with a private CA and a password: a sweep runs; a wrong password or a missing CA is a one-line error, the password masked', async () => {
    const tls = mkdtempSync(join(dir, 'tls-'));
    const ssl = (args: string) => {
      const r = spawnSync('openssl', args.split(' '), { cwd: tls, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    ssl('req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca');
    ssl('req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost');
    writeFileSync(join(tls, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl('x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf');
    const port = await freePort();
    const redis = new RedisServer(port, ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(tls, 'server.pem'), '--tls-key-file', join(tls, 'server.key'), '--tls-ca-cert-file', join(tls, 'ca.pem'), '--tls-auth-clients', 'no', '--requirepass', 'pw-secret', '--save', '', '--appendonly', 'no']);
    await redis.start(false);
    const url = `rediss://:pw-secret@localhost:${port}`;
    const ca = join(tls, 'ca.pem');
    const w = new WorkerProc(url, ['--redis-ca', ca]);
    try {
      await w.ready();
      expect(w.log).toContain(`worker ready on rediss://:***@localhost:${port}`);
      const r = await runAsync(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--name', 'tls', '--redis', url, '--redis-ca', ca]);
      expect(r.code).toBe(0);
      expect(board('tls').trials[0].state).toBe('done');
      const wrong = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--name', 'tls-wrong', '--redis', `rediss://:nope-secret@localhost:${port}`, '--redis-ca', ca]);
      expect([wrong.code, wrong.stderr.trim().split('\n').at(-1)]).toEqual([2, expect.stringMatching(/cannot reach Redis at rediss:\/\/:\*\*\*@localhost:\d+: WRONGPASS.*check the user and password/)]);
      const noCa = run(dir, ['sweep', ...IRIS, '--grid', 'lr=0.1', '--name', 'tls-noca', '--redis', url]);
      expect([noCa.code, noCa.stderr.trim().split('\n').at(-1)]).toEqual([2, expect.stringMatching(/cannot reach Redis at rediss:\/\/:\*\*\*@localhost:\d+: .*certificate.*--redis-ca/)]);
      for (const x of [r, wrong, noCa]) expect(x.stdout + x.stderr).not.toMatch(/pw-secret|nope-secret/);
      expect(w.log).not.toContain('pw-secret');
    } finally {
      await w.stop('SIGKILL');
      await redis.stop();
    }
  });
});

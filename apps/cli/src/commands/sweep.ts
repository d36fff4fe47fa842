/**
 * `backprop sweep`: a base train command line plus search dimensions (--grid, --random with
 * --trials, --seeds, --folds, or a JSON sweep file) becomes a list of trials. Without --redis they
 * run here through `train`'s code, --concurrency at a time with the cores split between them; with
 * --redis (or REDIS_URL) they become a BullMQ flow that `backprop worker` processes on any number of
 * machines. Either way: a live table, then leaderboard.csv / leaderboard.json, every trial's model,
 * best.bpnn, and the mean ± std over seeds or folds.
 *
 * Ctrl-C: a local sweep stops its running trials; a Redis sweep removes its queued trials from
 * Redis (running ones finish on their workers). Both write the leaderboard of the finished trials
 * and exit 130.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  connect, describeParams, dropQueued, expandTrials, leaderboardCsv, leaderboardJson, parseGrid, parseIntList, parseRandom, parseRedisUrl, parseSweepFile, payloadOf, probe, rank, rankingMetric, runLocalSweep, sha256, submitSweep, summarize, SWEEP_NAME, uploadData, watchSweep,
  type DataRef, type Params, type SweepListener, type SweepSpace, type TrialPayload, type TrialProgress, type TrialRecord,
} from '@backprop/cluster';
import { createLogUpdate } from 'log-update';
import { UsageError } from '../errors.js';
import { writeAtomic } from '../files.js';
import { dataKind } from '../meta.js';
import { onSignal, signalExitCode, type Signal } from '../process-io.js';
import { parseSetting, settingKey } from '../train-options.js';
import { trialRunner } from '../trial.js';
import { c, ce, emit, fmt, outputMode, say, table, type Mode } from '../ui.js';
import type { TrainFlags } from './train.js';

export interface SweepFlags extends TrainFlags {
  grid?: string[];
  random?: string[];
  trials?: number;
  seeds?: string;
  folds?: number;
  file?: string;
  name?: string;
  outDir?: string;
  concurrency: number;
  redis?: string;
  redisCa?: string;
  halving?: boolean;
  halvingMin?: number;
  halvingEta?: number;
  checkpointEvery?: number;
  samplerSeed?: number;
  maxDataMb?: number;
}

/** Keys of SweepFlags that are the sweep's own, not train settings. */
const OWN = new Set(['grid', 'random', 'trials', 'seeds', 'folds', 'file', 'name', 'outDir', 'concurrency', 'redis', 'redisCa', 'halving', 'halvingMin', 'halvingEta', 'checkpointEvery', 'samplerSeed', 'maxDataMb', 'force', 'json', 'workers', 'data']);

const EXTENSIONS = ['csv.gz', 'tsv.gz', 'csv', 'tsv'] as const;

/** The data of the sweep: a built-in set by name, or a CSV file's bytes by hash. */
function dataRefOf(spec: string): { ref: DataRef; bytes: Uint8Array | null } {
  const kind = dataKind(spec);
  if (kind === 'mnist' || kind === 'iris' || kind === 'synthetic') {
    if (!/^[A-Za-z][A-Za-z0-9:-]{0,63}$/.test(spec.trim())) throw new UsageError(`--data ${spec}: write a built-in set's name as it is, e.g. iris or spirals:3`);
    return { ref: { kind: 'builtin', spec: spec.trim() }, bytes: null };
  }
  if (kind === 'missing') throw new UsageError(`--data ${spec} does not exist; check the path, or use a built-in set (mnist, iris, circle, …)`);
  if (kind === 'idx') throw new UsageError(`--data ${spec}: sweeps read built-in sets and CSV files, not IDX files yet; use --data mnist, or convert the files to CSV`);
  const ext = EXTENSIONS.find((e) => spec.toLowerCase().endsWith(`.${e}`));
  if (!ext) throw new UsageError(`--data ${spec}: a swept data file must end in .csv, .tsv, .csv.gz or .tsv.gz`);
  const bytes = new Uint8Array(readFileSync(spec));
  const name = basename(spec).replace(/[^A-Za-z0-9_. -]/g, '_').slice(-100);
  return { ref: { kind: 'blob', sha256: '', size: bytes.length, ext, name }, bytes };
}

/** The search space from the flags and the sweep file (a flag adds to the file's dimensions). */
function spaceOf(f: SweepFlags, file: ReturnType<typeof parseSweepFile> | null): SweepSpace {
  const grid = parseGrid([...Object.entries(file?.grid ?? {}).map(([k, xs]) => `${k}=${xs.join(',')}`), ...(f.grid ?? [])], parseSetting);
  const random = parseRandom([...Object.entries(file?.random ?? {}).map(([k, x]) => `${k}=${x}`), ...(f.random ?? [])], parseSetting);
  const seedsRaw = f.seeds ?? (Array.isArray(file?.seeds) ? file.seeds.join(',') : file?.seeds);
  return {
    grid, random,
    trials: f.trials ?? file?.trials ?? 0,
    samplerSeed: f.samplerSeed ?? file?.samplerSeed ?? 1,
    seeds: seedsRaw === undefined ? null : parseIntList(seedsRaw, '--seeds').map((s) => parseSetting('seed', String(s)) as number),
    folds: f.folds ?? file?.folds ?? null,
  };
}

/** The base settings: the train flags given on the command line, over the sweep file's base. */
function baseOf(f: SweepFlags, file: ReturnType<typeof parseSweepFile> | null): Params {
  const base: Params = {};
  for (const [k, x] of Object.entries(file?.base ?? {})) {
    if (k === 'data') continue;
    base[settingKey(k)] = parseSetting(k, String(x));
  }
  for (const [k, x] of Object.entries(f)) {
    if (OWN.has(k) || x === undefined) continue;
    if (typeof x === 'boolean' || (typeof x === 'object' && !Array.isArray(x))) parseSetting(k, ''); // refused with the reason
    base[k] = x as Params[string];
  }
  return base;
}

/** The live table: one row per trial; redrawn in a terminal, one line per event otherwise. */
class Live implements SweepListener {
  private readonly rows = new Map<number, { state: string; where: string; p: TrialProgress | null; r: TrialRecord | null }>();
  private readonly draw = createLogUpdate(process.stderr);
  private last = 0;
  constructor(private readonly mode: Mode, private readonly payloads: TrialPayload[]) {
    for (const p of payloads) this.rows.set(p.index, { state: 'queued', where: '', p: null, r: null });
  }
  started(i: number, where: string) {
    Object.assign(this.rows.get(i)!, { state: 'running', where });
    if (this.mode === 'json') emit({ event: 'trial-start', trial: i });
    else if (this.mode === 'plain') say(this.mode, `trial ${i} started: ${this.label(i)}`);
    this.render(true);
  }
  progress(i: number, p: TrialProgress) {
    const row = this.rows.get(i)!;
    if (row.state === 'queued') row.state = 'running';
    row.p = p;
    if (this.mode === 'json') emit({ event: 'trial-epoch', trial: i, ...p });
    this.render(false);
  }
  finished(r: TrialRecord) {
    Object.assign(this.rows.get(r.index)!, { state: r.state, r });
    if (this.mode === 'json') emit({ event: 'trial-end', trial: r.index, state: r.state, error: r.error, ...r.metrics, sha256: r.sha256 });
    else if (this.mode === 'plain') say(this.mode, `trial ${r.index} ${r.state}${r.error ? `: ${r.error}` : r.metrics ? `: loss ${fmt.loss(r.metrics.loss)}, val acc ${fmt.pct(r.metrics.valAccuracy)}` : ''}`);
    this.render(true);
  }
  private label(i: number): string {
    const p = this.payloads[i];
    return [describeParams(p.params), p.seed !== null ? `seed=${p.seed}` : '', p.fold ? `fold=${p.fold.i + 1}/${p.fold.k}` : ''].filter(Boolean).join(' ');
  }
  private render(force: boolean) {
    if (this.mode !== 'tty') return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const shown = [...this.rows.entries()].slice(0, Math.max(5, (process.stderr.rows || 30) - 8));
    const body = shown.map(([i, row]) => {
      const m = row.r?.metrics;
      const epoch = m ? String(m.epochs) : row.p ? `${row.p.epoch}/${row.p.epochs}` : '';
      const loss = m?.loss ?? row.p?.loss ?? null;
      const acc = m ? m.valAccuracy : (row.p?.valAccuracy ?? null);
      const state = row.state === 'done' ? ce.green('done') : row.state === 'failed' ? ce.red('failed') : row.state === 'stopped' ? ce.yellow('stopped') : row.state;
      return [i, this.label(i), epoch, fmt.loss(loss), fmt.pct(acc), state];
    });
    this.draw(table(['trial', 'parameters', 'epoch', 'loss', 'val acc', 'state'], body));
  }
  stop() {
    this.render(true);
    if (this.mode === 'tty') this.draw.done();
  }
}

export async function sweep(f: SweepFlags): Promise<number> {
  const mode = outputMode(Boolean(f.json));
  const file = f.file ? parseSweepFile(readFileSync(f.file, 'utf8'), f.file) : null;
  const name = f.name ?? file?.name ?? 'sweep';
  if (!SWEEP_NAME.test(name)) throw new UsageError(`--name ${name}: a sweep name is 1 … 64 letters, digits, '.', '_' or '-'`);
  const space = spaceOf(f, file);
  if (space.grid.length === 0 && space.random.length === 0 && space.seeds === null && space.folds === null) throw new UsageError('the sweep has no dimension; add --grid key=a,b, --random key=range --trials N, --seeds 1..5, --folds k or --file sweep.json');
  const plans = expandTrials(space, parseSetting);
  const base = baseOf(f, file);
  if (space.seeds && base.seed !== undefined) throw new UsageError('--seed is one seed and --seeds sweeps seeds; pass one of them');
  if (space.folds && base.valSplit !== undefined) throw new UsageError('--folds makes the validation rows of each trial and --val-split cuts others; pass one of them');
  if (plans.some((p) => p.params.seed !== undefined) && space.seeds) throw new UsageError('seed is a --grid dimension and --seeds sweeps it too; pass one of them');
  const halving = f.halving ? { minEpochs: f.halvingMin ?? 1, eta: f.halvingEta ?? 3 } : null;
  if (!f.halving && (f.halvingMin !== undefined || f.halvingEta !== undefined)) throw new UsageError('--halving-min and --halving-eta set up --halving, which is off; add --halving');
  const dataSpec = f.data ?? file?.base?.data?.toString() ?? 'mnist';
  const { ref, bytes } = dataRefOf(dataSpec);
  if (bytes && ref.kind === 'blob') ref.sha256 = sha256(bytes);
  const payloads = plans.map((p) => payloadOf(p, { sweep: name, of: plans.length, base, data: ref, checkpointEvery: f.checkpointEvery ?? 1, halving }));
  const redisUrl = f.redis ?? process.env.REDIS_URL;
  const target = redisUrl ? parseRedisUrl(redisUrl, f.redisCa) : null;
  const outDir = f.outDir ?? name;
  if (existsSync(join(outDir, 'leaderboard.json')) && !f.force) throw new UsageError(`sweep name ${name} is already in use here (${outDir}/ holds its leaderboard); choose another --name, or pass --force to overwrite it`);
  if (!target && f.redisCa) throw new UsageError('--redis-ca applies to a rediss:// --redis URL, and there is none');
  if (target && f.concurrency !== 1) throw new UsageError('--concurrency splits this machine between trials of a local sweep; with --redis, give it to `backprop worker`');

  const cores = availableParallelism();
  const workers = f.workers ?? Math.max(1, Math.floor(cores / f.concurrency));
  say(mode, `${ce.bold('sweep')}   ${name}: ${plans.length} trial${plans.length === 1 ? '' : 's'} on ${dataSpec}${halving ? `, successive halving (rungs from epoch ${halving.minEpochs}, η = ${halving.eta})` : ''}`);
  say(mode, target ? `${ce.bold('queue')}   BullMQ on ${target.shown}; start \`backprop worker --redis …\` on each machine` : `${ce.bold('local')}   ${f.concurrency} trial${f.concurrency === 1 ? '' : 's'} at a time, ${workers} thread${workers === 1 ? '' : 's'} each`);

  const abort = new AbortController();
  let stoppedBy: Signal | null = null;
  const release = onSignal((sig) => {
    if (stoppedBy) process.exit(signalExitCode(sig));
    stoppedBy = sig;
    abort.abort();
  });
  const live = new Live(mode, payloads);
  let result: Awaited<ReturnType<typeof runLocalSweep>>;
  let note = '';
  try {
    if (target) {
      await probe(target);
      const conn = connect(target, (line) => say(mode, ce.yellow(`note: ${line}`)), `backprop-sweep:${name}`);
      try {
        if (bytes && ref.kind === 'blob') await uploadData(conn, bytes, (f.maxDataMb ?? 256) * 2 ** 20);
        await submitSweep(conn, name, payloads, target.shown);
        result = await watchSweep(conn, name, payloads, { listener: live, signal: abort.signal });
        if (abort.signal.aborted) {
          const n = await dropQueued(conn, name, payloads);
          note = `removed ${n} queued trial${n === 1 ? '' : 's'} from Redis; running trials finish on their workers (their results stay in Redis)`;
        }
      } finally {
        conn.disconnect();
      }
    } else {
      const trials = trialRunner(f.concurrency > 1);
      try {
        result = await runLocalSweep(payloads, trials.run, { concurrency: f.concurrency, workers, data: dataSpec, signal: abort.signal, listener: live });
      } finally {
        await trials.close();
      }
      if (abort.signal.aborted) note = 'stopped the running trials; the trials not started were not run';
    }
  } finally {
    live.stop();
    release();
  }
  const stopped = stoppedBy as Signal | null; // set by the signal handler
  if (stopped) say(mode, ce.yellow(`\ninterrupted (${stopped}): ${note}`));
  return report(mode, name, outDir, result, stopped ? signalExitCode(stopped) : 0);
}

/** Writes the leaderboard and the models, prints the top and the mean ± std per configuration. */
function report(mode: Mode, name: string, outDir: string, { records, models }: Awaited<ReturnType<typeof runLocalSweep>>, code: number): number {
  const metric = rankingMetric(records);
  const ranked = rank(records, metric);
  mkdirSync(join(outDir, 'models'), { recursive: true });
  for (const [i, bytes] of models) writeAtomic(join(outDir, 'models', `trial-${i}.bpnn`), bytes);
  writeAtomic(join(outDir, 'leaderboard.csv'), leaderboardCsv(ranked));
  writeAtomic(join(outDir, 'leaderboard.json'), leaderboardJson(name, ranked, metric));
  const best = ranked.find((r) => r.state === 'done');
  if (best) writeAtomic(join(outDir, 'best.bpnn'), models.get(best.index)!);
  else rmSync(join(outDir, 'best.bpnn'), { force: true });
  const summary = summarize(records, metric);
  const isPct = metric.key.endsWith('ccuracy');
  const show = (x: number | null | undefined) => (x == null ? '–' : isPct ? fmt.pct(x) : fmt.loss(x));
  if (mode === 'json') {
    emit({ event: 'done', sweep: name, metric: metric.key, trials: records.length, done: records.filter((r) => r.state === 'done').length, best: best?.index ?? null, leaderboard: join(outDir, 'leaderboard.json'), summary });
  } else {
    const top = ranked.slice(0, 10).map((r, i) => [i + 1, r.index, describeParams(r.params) + (r.seed !== null ? ` seed=${r.seed}` : '') + (r.fold !== null ? ` fold=${r.fold + 1}` : ''), r.state, show(r.metrics?.[metric.key]), r.error ?? (r.sha256 ?? '').slice(0, 12)]);
    process.stdout.write(table(['rank', 'trial', 'parameters', 'state', metric.label, 'sha256 / error'], top) + '\n');
    if (summary.some((s) => s.n > 1)) {
      process.stdout.write(table(['parameters', 'n', `${metric.label} mean ± std`], summary.map((s) => [describeParams(s.params), s.n, `${show(s.mean)} ± ${show(s.std)}`])) + '\n');
    }
    if (best) process.stdout.write(`best: trial ${best.index} (${describeParams(best.params)}), ${metric.label} ${c.green(c.bold(show(best.metrics?.[metric.key])))} → ${join(outDir, 'best.bpnn')}\n`);
    say(mode, `leaderboard: ${join(outDir, 'leaderboard.csv')}, ${join(outDir, 'leaderboard.json')}`);
  }
  if (!best && code === 0) {
    process.stderr.write(ce.red(`error: no trial of sweep ${name} finished; see the errors in ${join(outDir, 'leaderboard.csv')}`) + '\n');
    return 1;
  }
  return code;
}

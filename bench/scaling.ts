/**
 * Scaling on every core (#14): samples/s of the Trainer on one thread (core LocalEngine) and on
 * 1…N workers (N = the cores here) plus 2N (oversubscribed), on the WASM SIMD kernels, f32, SGD,
 * for the MNIST net 784-128-64-10 and a wide net 784-1024-512-10, at batch 256 (16 shards) and
 * batch 32 (the default 4 shards). 60,000 rows (the mnist package's digits, 850 per class, repeated) are
 * kept once in shared memory; every engine reads them in place.
 *
 * For each it prints busy core-seconds per sample (process.cpuUsage over all threads; the
 * workers' event-loop utilisation beside it), the serial µs per step (a step's wall time less
 * the workers' measured compute, ParallelEngine.busy), each lane's step by phase on 1 and N
 * workers (ParallelEngine.phases), the spread of step times (the median step, and the share of
 * time in steps over 1.5× it: a lane that stalls holds up every lane at the step's barriers) and
 * the step overhead on a tiny net, and an Amdahl projection to
 * 4, 8, 16 and 32 cores (capped by the shards of a batch). Last, RSS per added worker in fresh
 * processes (each one's growth over its own baseline, the median of three), beside a bare worker
 * thread's. All variants of a case train the same rows from the
 * same seed and must end with the same weights bit for bit.
 *
 * For the MNIST net it also measures what the machine allows: N one-thread trainings in N
 * processes at once (nothing shared, no barrier) against one alone. On a virtual machine whose
 * vCPUs share the host's cores that is well under N×, and N workers can at best reach it. First
 * it prints how much of its core a busy thread really gets (`stalls`).
 *
 *   cd bench && npx tsx --conditions=@backprop/source scaling.ts [--quick] [--rounds R] [--seconds S] [--spin µs]
 *   pnpm --filter @backprop/bench bench:scaling [-- --quick]
 * --quick: MNIST net at batch 256 and 32, the wide net at 256 only, one round: a minute or two.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Network, Trainer, jsBackend, type Backend, type Dataset, type Floats } from '@backprop/core';
import { Workspace, createWasmBackend, crc32, loadKernels, now, type WasmModule } from '@backprop/core/engine';
import type { ParallelEngine } from '@backprop/parallel/engine';
import { NodePool, nodeEngine } from '@backprop/parallel/node';
import { mnist, pad, runMain, tinyStepMicros } from './common.js';

const argv = process.argv;
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? Number(argv[i + 1]) : dflt;
};
const QUICK = argv.includes('--quick');
const ROUNDS = arg('rounds', QUICK ? 1 : 3);
const SECONDS = arg('seconds', QUICK ? 0.5 : 1.5); // length of one timed run
const SPIN = argv.includes('--spin') ? arg('spin', 200) : undefined; // ParallelOptions.spin (default: the engine's)
const ROWS = 60_000;
const CORES = availableParallelism();
const MNIST = [784, 128, 64, 10];
const WIDE = [784, 1024, 512, 10];

/** 60,000 rows: the package's 10,000 digits repeated, on shared memory once. */
function rows60k(): Dataset {
  const base = mnist(850); // 8,500 digits (every class has ≥ 850)
  const X = jsBackend.floats('f32', ROWS * 784);
  const Y = jsBackend.floats('f32', ROWS * 10);
  for (let r = 0; r < ROWS; r += base.N) {
    const n = Math.min(base.N, ROWS - r);
    X.set(base.X.subarray(0, n * 784), r * 784);
    Y.set(base.Y.subarray(0, n * 10), r * 10);
  }
  return { X, Y, N: ROWS, nIn: 784, nOut: 10 };
}

const checksum = (v: Floats) => crc32(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
const prefix = (d: Dataset, rows: number): Dataset => ({ X: d.X.subarray(0, rows * d.nIn), Y: d.Y.subarray(0, rows * d.nOut), N: rows, nIn: d.nIn, nOut: d.nOut });

interface Measure {
  rate: number; // samples/s after the first step
  stepUs: number;
  cpuPerSample: number; // busy core-µs per sample, every thread of the process
  eluActive: number; // the workers' event-loop active ms per sample (0 on one thread)
  busyUs: number; // µs per step the workers spent computing shards and stripes, all lanes summed (0 on one thread)
  phases: number[]; // µs per step of each lane in ParallelEngine.phases: [forward and δ, dW, update] per lane
  medianUs: number; // the median step's µs
  slowShare: number; // share of the run's time in steps that took over 1.5× the median
  sum: number;
}

/** The median of step times and the share of their total in steps over 1.5× it. */
function stepSpread(steps: Float64Array): { medianUs: number; slowShare: number } {
  const sorted = Float64Array.from(steps).sort();
  const medianUs = sorted[sorted.length >> 1];
  let all = 0;
  let slow = 0;
  for (const t of steps) {
    all += t;
    if (t > 1.5 * medianUs) slow += t;
  }
  return { medianUs, slowShare: all > 0 ? slow / all : 0 };
}

/** Trains `rows` rows (an epoch of whole batches) and measures from the end of the first step to the end of the last. */
async function measure(data: Dataset, sizes: number[], B: number, shardSize: number, rows: number, backend: Backend, pool: NodePool | null): Promise<Measure> {
  const net = Network.create({ sizes, activation: 'relu', output: 'softmax' }, { seed: 1, backend });
  const trainer = new Trainer(net, { epochs: 1, batchSize: B, shardSize, seed: 2, validationSplit: 0, optimizer: { name: 'sgd', lr: 0.05 } });
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  let elu0 = { active: 0, idle: 0 };
  let m: Omit<Measure, 'sum'> = { rate: 0, stepUs: 0, cpuPerSample: 0, eluActive: 0, busyUs: 0, phases: [], medianUs: 0, slowShare: 0 };
  let steps = new Float64Array(0); // µs of each step after the first (allocated once, at the first)
  let last = 0;
  let engine: ParallelEngine | null = null;
  const factory = pool ? nodeEngine({ pool, spin: SPIN }) : null;
  const busy = () => (engine ? engine.busy.reduce((a, b) => a + b, 0) : 0);
  let busy0 = 0;
  let phases0: number[] = [];
  const phases = () => (engine ? Array.from(engine.phases) : []);
  await trainer.fit(prefix(data, rows), {
    engine: factory ? async (...a) => (engine = (await factory(...a)) as ParallelEngine) : undefined,
    onBatch: (e) => {
      const t = now();
      if (e.batch > 1) steps[e.batch - 2] = (t - last) * 1000;
      last = t;
      if (e.batch === 1) {
        steps = new Float64Array(e.batches - 1);
        t0 = t;
        cpu0 = process.cpuUsage();
        elu0 = pool?.eventLoopUtilization() ?? elu0;
        busy0 = busy();
        phases0 = phases();
      } else if (e.batch === e.batches) {
        const ms = t - t0;
        const cpu = process.cpuUsage(cpu0);
        const samples = (e.batches - 1) * B;
        const elu = pool?.eventLoopUtilization();
        m = {
          rate: (samples * 1000) / ms, stepUs: (ms * 1000) / (e.batches - 1), cpuPerSample: (cpu.user + cpu.system) / samples,
          eluActive: elu ? (elu.active - elu0.active) / samples : 0, busyUs: ((busy() - busy0) * 1000) / (e.batches - 1),
          phases: phases().map((v, i) => ((v - phases0[i]) * 1000) / (e.batches - 1)),
          ...stepSpread(steps),
        };
      }
    },
  });
  return { ...m, sum: checksum(net.params) };
}

/** The command line that runs this script again in a child process (packages from dist when built, as installed). */
function childCommand(args: string[]): { argv: string[]; built: boolean } {
  const self = fileURLToPath(import.meta.url);
  const built = existsSync(fileURLToPath(new URL('../packages/parallel/dist/node/worker.js', import.meta.url))) && existsSync(fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url)));
  const execArgv = built ? process.execArgv.filter((a) => !a.includes('@backprop/source')) : process.execArgv;
  return { argv: [...execArgv, self, ...args], built };
}

/**
 * Child process of `ceilingRound`: one-thread training of `sizes` at batch B, fit after fit of `rows`
 * rows; after "go" on stdin it counts the samples trained in the next `ms` milliseconds.
 */
async function soloChild(sizes: number[], B: number, shardSize: number, rows: number, ms: number): Promise<void> {
  const data = rows60k();
  const backend = await createWasmBackend({ module: await loadKernels() });
  const fit = async (n: number, onBatch?: () => boolean): Promise<void> => {
    const net = Network.create({ sizes, activation: 'relu', output: 'softmax' }, { seed: 1, backend });
    const stop = { aborted: false };
    await new Trainer(net, { epochs: 1, batchSize: B, shardSize, seed: 2, validationSplit: 0, optimizer: { name: 'sgd', lr: 0.05 } })
      .fit(prefix(data, n), { signal: stop, onBatch: onBatch && (() => { stop.aborted = !onBatch(); }) });
  };
  await fit(rows); // warm the JIT on this shape, as long as a timed run (as the variants are)
  console.log('ready');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  const t0 = now();
  let samples = 0;
  while (now() - t0 < ms) {
    await fit(rows, () => {
      if (now() - t0 >= ms) return false;
      samples += B;
      return true;
    });
  }
  console.log(JSON.stringify({ rate: (samples * 1000) / ms }));
}

/** Samples/s of `k` one-thread trainings in `k` processes started together (each its own rate). */
async function together(k: number, sizes: number[], B: number, shardSize: number, rows: number, ms: number): Promise<number[]> {
  const { argv } = childCommand(['--solo', sizes.join('-'), String(B), String(shardSize), String(rows), String(ms)]);
  const children = Array.from({ length: k }, () => spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = children.map((c) => createInterface({ input: c.stdout }));
  const next = (i: number) => new Promise<string>((resolve, reject) => {
    lines[i].once('line', resolve);
    children[i].once('exit', (code) => reject(new Error(`a --solo child exited (${code}) before it reported`)));
  });
  await Promise.all(children.map((_, i) => next(i))); // every child loaded and warm: 'ready'
  const results = children.map((_, i) => next(i));
  for (const c of children) c.stdin.write('go\n');
  return (await Promise.all(results)).map((line) => (JSON.parse(line) as { rate: number }).rate);
}

/** The machine's ceiling for N lanes, one round: N one-thread trainings in N processes at once, and one alone. */
async function ceilingRound(sizes: number[], B: number, shardSize: number, rows: number): Promise<{ alone: number; each: number[] }> {
  const ms = Math.max(1000, SECONDS * 2000);
  const alone = (await together(1, sizes, B, shardSize, rows, ms))[0];
  return { alone, each: await together(CORES, sizes, B, shardSize, rows, ms) };
}

async function throughput(module: WasmModule, data: Dataset): Promise<void> {
  const counts = [...Array.from({ length: CORES }, (_, i) => i + 1), 2 * CORES];
  const pools = new Map(counts.map((n) => [n, new NodePool({ workers: n })]));
  const cases: [string, number[], number][] = [['MNIST', MNIST, 256], ['MNIST', MNIST, 32], ['wide', WIDE, 256]];
  if (!QUICK) cases.push(['wide', WIDE, 32]);
  const tiny = await createWasmBackend({ module });
  const overhead = new Map<number, number>();
  for (const n of [0, ...counts]) overhead.set(n, await tinyStepMicros(tiny, n === 0 ? undefined : nodeEngine({ pool: pools.get(n)! })));
  console.log(`step overhead (4-8-2 at batch 4, wasm): 1 thread ${overhead.get(0)!.toFixed(1)} µs; ${counts.map((n) => `${n} workers ${overhead.get(n)!.toFixed(1)} µs`).join(', ')}\n`);

  for (const [name, sizes, B] of cases) {
    const backend = await createWasmBackend({ module }); // a fresh memory per case: networks' arenas live as long as the memory
    const shardSize = B >= 256 ? B / 16 : Math.min(32, Math.ceil(B / 4)); // batch 256: 16 shards (parallel width 16); else the default
    const shards = Math.ceil(B / shardSize);
    const variants: [string, NodePool | null][] = [['1 thread', null], ...counts.map((n): [string, NodePool] => [`${n} worker${n > 1 ? 's' : ''}${n > CORES ? ' (2N)' : ''}`, pools.get(n)!])];
    const warm = await measure(data, sizes, B, shardSize, 6 * B, backend, null);
    const rows = Math.min(ROWS, Math.max(6, Math.round((warm.rate * SECONDS) / B)) * B); // ≈ SECONDS on one thread
    const best: Measure[] = variants.map(() => ({ rate: 0, stepUs: 0, cpuPerSample: 0, eluActive: 0, busyUs: 0, phases: [], medianUs: 0, slowShare: 0, sum: 0 }));
    const sums = new Set<number>();
    // warm every variant on this shape as long as one timed run: V8 tiers the per-step code of the
    // workers and of this thread up over the first thousand or so steps (2 workers at batch 32 ran
    // at 0.6× of their later rate for the first 500 steps, 0.85× over the next 1000: 2026-12-07)
    for (const [, pool] of variants) await measure(data, sizes, B, shardSize, rows, backend, pool);
    // the machine's ceiling (MNIST only: a few seconds a round), in the same rounds: the best alone, the best together
    const ceiling = { alone: 0, each: [] as number[] };
    const total = (a: number[]) => a.reduce((x, y) => x + y, 0);
    for (let r = 0; r < ROUNDS; r++) {
      for (let v = 0; v < variants.length; v++) {
        const m = await measure(data, sizes, B, shardSize, rows, backend, variants[v][1]);
        sums.add(m.sum);
        if (m.rate > best[v].rate) best[v] = m;
      }
      if (name === 'MNIST' && CORES > 1) {
        const c = await ceilingRound(sizes, B, shardSize, rows);
        ceiling.alone = Math.max(ceiling.alone, c.alone);
        if (total(c.each) > total(ceiling.each)) ceiling.each = c.each;
      }
    }
    if (sums.size !== 1) throw new Error(`${name} batch ${B}: the variants' weights differ: determinism is broken`);
    const one = best[0];
    console.log(`${name} ${sizes.join('-')}, batch ${B} (${shards} shards of ${shardSize}), ${rows} rows per run, best of ${ROUNDS}; all weights bit-identical (crc ${[...sums][0].toString(16)})`);
    console.log(`  ${'variant'.padEnd(18)}${'samples/s'.padStart(11)}${'×1 thread'.padStart(11)}${'µs/step'.padStart(10)}${'core-µs/sample'.padStart(16)}${'×1 thread'.padStart(11)}${'worker ELU ms/1k'.padStart(18)}`);
    variants.forEach(([label], v) => {
      const m = best[v];
      console.log(`  ${label.padEnd(18)}${pad(Math.round(m.rate), 11)}${pad((m.rate / one.rate).toFixed(2), 11)}${pad(m.stepUs.toFixed(0), 10)}${pad(m.cpuPerSample.toFixed(2), 16)}${pad((m.cpuPerSample / one.cpuPerSample).toFixed(2), 11)}${pad((m.eluActive * 1000).toFixed(1), 18)}`);
    });
    // Amdahl: T(n) = s + p/min(n, shards). Measured on 1 worker: p = the worker's compute time per
    // step (shards, reduction, update), s = the rest of the step's wall time (ordering the step,
    // wake-ups, the Trainer's bookkeeping). On N workers the same split also shows the waits.
    const w1 = best[1];
    const wN = best[CORES];
    const s = Math.max(0, w1.stepUs - w1.busyUs);
    const p = w1.busyUs;
    const sN = Math.max(0, wN.stepUs - wN.busyUs / CORES);
    const project = (n: number) => one.stepUs / (s + p / Math.min(n, shards));
    console.log(`  serial part s = ${s.toFixed(1)} µs of a ${w1.stepUs.toFixed(0)} µs step on 1 worker (parallel part ${p.toFixed(0)} µs); on ${CORES} workers ${sN.toFixed(1)} µs of ${wN.stepUs.toFixed(0)} outside the mean worker's compute; tiny-net step ${overhead.get(CORES)!.toFixed(1)} µs`);
    // each lane's step by phase (ParallelEngine.phases): what N lanes side by side cost against one alone
    const lanes = (ph: number[]) => Array.from({ length: ph.length / 3 }, (_, l) => ph.slice(3 * l, 3 * l + 3).map((v) => v.toFixed(0)).join('/')).join(', ');
    console.log(`  per lane, µs per step in forward and δ / dW / update: 1 worker ${lanes(w1.phases)}; ${CORES} workers ${lanes(wN.phases)}`);
    // one thread's steps take about the same time each; N lanes wait at two barriers a step for the
    // slowest lane, so a core that stalls for a while (here: the VM's host, 2026-12-08) stalls every lane
    const spread = (m: Measure) => `median ${m.medianUs.toFixed(0)} µs, ${(m.slowShare * 100).toFixed(0)}% of the time in steps over 1.5× it`;
    console.log(`  step times: 1 thread ${spread(one)}; ${CORES} workers ${spread(wN)}; at the median step ${CORES} workers are ${(one.medianUs / wN.medianUs).toFixed(2)}× one thread`);
    console.log(`  Amdahl projection vs 1 thread: ${[4, 8, 16, 32].map((n) => `${n} cores ${project(n).toFixed(1)}×`).join(', ')}${shards < 32 ? ` (at most ${shards} shards run at once)` : ''}`);
    if (ceiling.alone > 0) {
      // what N lanes could reach here at best: N trainings that share nothing, at once
      const ratio = total(ceiling.each) / ceiling.alone;
      console.log(`  the machine's ceiling: ${CORES} one-thread trainings in ${CORES} processes at once ${ratio.toFixed(2)}× one alone (${ceiling.each.map((r) => Math.round(r)).join(' + ')} against ${Math.round(ceiling.alone)} samples/s); ${CORES} workers reach ${(wN.rate / one.rate / ratio).toFixed(2)} of it`);
    }
    console.log('');
  }
  for (const pool of pools.values()) await pool.destroy();
}

/** Child process: RSS with `workers` engine workers training the wide net on the shared 60k rows, or with `bare` idle worker threads. */
async function rssChild(mode: string, k: number): Promise<void> {
  const data = rows60k();
  const backend = await createWasmBackend({ module: await loadKernels() });
  (globalThis as { gc?: () => void }).gc?.(); // the data's parse garbage gone before the baseline
  const base = process.memoryUsage().rss;
  let rss = base;
  if (mode === 'bare') {
    const threads = Array.from({ length: k }, () => new Worker('setInterval(() => {}, 1 << 30)', { eval: true }));
    await Promise.all(threads.map((t) => new Promise((r) => t.once('online', r))));
    await new Promise((r) => setTimeout(r, 2000)); // threads settle (their start-up garbage collected)
    (globalThis as { gc?: () => void }).gc?.();
    rss = process.memoryUsage().rss;
    await Promise.all(threads.map((t) => t.terminate()));
  } else if (k > 0) {
    const pool = new NodePool({ workers: k, caller: false }); // k threads: RSS per added thread (the calling thread adds only its scratch)
    const net = Network.create({ sizes: WIDE }, { seed: 1, backend });
    await new Trainer(net, { epochs: 1, batchSize: 256, shardSize: 16, seed: 2, validationSplit: 0 }).fit(prefix(data, 256 * 6), {
      engine: nodeEngine({ pool, spin: SPIN }),
      onBatch: (e) => {
        if (e.batch !== 5) return;
        (globalThis as { gc?: () => void }).gc?.();
        rss = process.memoryUsage().rss;
      },
    });
    await pool.destroy();
  }
  console.log(JSON.stringify({ rss, base, data: data.X.byteLength + data.Y.byteLength }));
}

function memory(): void {
  // the installed form: packages from dist (plain JS workers) when built, else from source (each worker then also loads tsx)
  const { built } = childCommand([]);
  // RSS above the child's own baseline (its data loaded, garbage collected): what one process
  // keeps of its data's parse garbage moves by tens of MB from run to run, the growth over it does
  // not; the median of three children per point (one with --quick)
  const once = (mode: string, k: number) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', ...childCommand(['--rss', mode, String(k)]).argv], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { rss: number; base: number; data: number };
  const run = (mode: string, k: number) => {
    const runs = Array.from({ length: QUICK ? 1 : 3 }, () => once(mode, k)).map((r) => ({ grown: r.rss - r.base, data: r.data }));
    return runs.sort((a, b) => a.grown - b.grown)[runs.length >> 1];
  };
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const ks = QUICK ? [1, 2] : [1, 2, 4];
  const bareKs = [0, 4]; // idle threads vary little: the widest spread gives the steadiest per-thread figure
  const bare = bareKs.map((k) => run('bare', k));
  const eng = ks.map((k) => run('engine', k));
  const perBare = (bare[1].grown - bare[0].grown) / (bareKs[1] - bareKs[0]);
  const perWorker = (eng.at(-1)!.grown - eng[0].grown) / (ks.at(-1)! - ks[0]);
  const scratch = 256 * 1024; // a lane's own: its GEMM packing panels (the batch's workspace is shared by every lane, once)
  console.log(`memory (${built ? 'packages from dist' : 'packages from source: build them (pnpm build) for the installed form'}): wide net, 60,000 rows = ${mb(eng[0].data)} MB shared once; ${ks.map((k, i) => `${k} worker(s) RSS ${eng[i].grown >= 0 ? '+' : ''}${mb(eng[i].grown)} MB`).join(', ')} over the process with its data loaded${QUICK ? '' : ' (medians of 3 processes)'}`);
  console.log(`  per added worker ${mb(perWorker)} MB; a bare worker thread ${mb(perBare)} MB; a worker's own scratch ≈ ${mb(scratch)} MB (GEMM panels; the batch's workspace, ${mb(Workspace.bytes(Network.create({ sizes: WIDE }).spec, 256))} MB, is shared)`);
  console.log(`  beyond the bare thread and its scratch: ${mb(perWorker - perBare - scratch)} MB per worker (the data is shared, not copied: a copy would be ${mb(eng[0].data)} MB)`);
}

/**
 * How much of a core this thread really gets: a loop that only reads the clock for `ms`, and
 * the share of that time lost in gaps over 0.1 ms (the thread was not running: interrupts, other
 * work, or a virtual machine's host running something else on the vCPU). A barrier-synchronised
 * step pays every lane's gaps; N independent processes pay only their own.
 */
function stalls(ms: number): { lost: number; gaps: number; longest: number } {
  let last = now();
  const end = last + ms;
  let lost = 0;
  let gaps = 0;
  let longest = 0;
  for (let t = last; t < end; last = t) {
    t = now();
    const d = t - last;
    if (d > 0.1) {
      lost += d;
      gaps++;
      longest = Math.max(longest, d);
    }
  }
  return { lost: lost / ms, gaps, longest };
}

async function main(): Promise<void> {
  const r = argv.indexOf('--rss');
  if (r > 0) return rssChild(argv[r + 1], Number(argv[r + 2]));
  const solo = argv.indexOf('--solo');
  if (solo > 0) return soloChild(argv[solo + 1].split('-').map(Number), ...(argv.slice(solo + 2, solo + 6).map(Number) as [number, number, number, number]));
  const module = await loadKernels();
  const data = rows60k();
  console.log(`scaling bench: WASM SIMD kernels, f32, SGD, relu/softmax+CCE; ${ROWS} rows (mnist digits repeated) in shared memory once; ${CORES} cores here (shared with other work)${QUICK ? '; --quick' : ''}${SPIN !== undefined ? `; spin ${SPIN} µs` : ''}\n`);
  const st = stalls(2000);
  console.log(`this thread's core: a clock-reading loop lost ${(100 * st.lost).toFixed(1)}% of 2 s in ${st.gaps} gaps over 0.1 ms (the longest ${st.longest.toFixed(1)} ms)\n`);
  if (!argv.includes('--memory-only')) await throughput(module, data);
  memory();
}

runMain(main);

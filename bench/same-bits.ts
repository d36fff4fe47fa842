/**
 * What the deterministic math costs (issue #18): training throughput of this checkout against
 * a base commit (default: the commit before the change), in one process, side by side. The
 * base's packages/core (src and assembly) is extracted with `git archive` into a temp dir
 * next to core's node_modules, its kernels.wasm compiled there with the same asc flags; both
 * Trainers then run the same seeded configurations, interleaved (base, new, new, base, …) so
 * load on the shared machine hits both alike, timed in CPU time of this process (one thread:
 * time spent waiting for a core is not counted). Printed: samples per CPU-second of each and the
 * median over rounds of the ratio new/base (1.00 = no cost; 0.97 = 3% slower).
 *
 *   cd bench && npx tsx --conditions=@backprop/source same-bits.ts [--base 9ec18b2] [--rounds 7] [--seconds 0.4] [--only 2-8-8-2]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as now from '@backprop/core';
import { Rng } from '@backprop/core/engine';
import { mnist, pad, runMain } from './common.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BASE = arg('base', '9ec18b2');
const ROUNDS = Number(arg('rounds', '7'));
const ONLY = arg('only', ''); // a substring of the case names to run
const SECONDS = Number(arg('seconds', '0.4')); // length of one timed fit

const repo = fileURLToPath(new URL('..', import.meta.url));
const core = join(repo, 'packages/core');

type Core = typeof now;
type Engine = typeof import('@backprop/core/engine');

/** The base commit's core, importable: src + assembly + package.json in a temp dir that sees core's node_modules. */
async function loadBase(): Promise<{ core: Core; engine: Engine; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-base-'));
  const tar = execFileSync('git', ['archive', BASE, 'packages/core/src', 'packages/core/assembly', 'packages/core/package.json'], { cwd: repo, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir, '--strip-components=2'], { input: tar });
  symlinkSync(join(core, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(join(core, 'node_modules/.bin/asc'), ['assembly/kernels.ts', '-o', 'build/kernels.wasm', '-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--sharedMemory',
    '--initialMemory', '64', '--maximumMemory', '16384', '--enable', 'simd', '--enable', 'threads'], { cwd: dir, stdio: 'inherit' });
  const baseCore = (await import(join(dir, 'src/index.ts'))) as Core;
  const baseEngine = (await import(join(dir, 'src/internal.ts'))) as Engine;
  return { core: baseCore, engine: baseEngine, dir };
}

interface Case {
  name: string;
  sizes: number[];
  activation: string;
  output: string;
  optimizer: string;
  batch: number;
  epochs: number;
  data: () => { X: Float32Array; Y: Float32Array; N: number; nIn: number; nOut: number };
}

/** n playground-style points in [−6, 6]², two classes by a circle (no Math in the generator). */
function points(n: number): () => { X: Float32Array; Y: Float32Array; N: number; nIn: number; nOut: number } {
  return () => {
    const rng = new Rng(5);
    const X = new Float32Array(2 * n);
    const Y = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [u, v] = [rng.uniform(-6, 6), rng.uniform(-6, 6)];
      X[2 * i] = u;
      X[2 * i + 1] = v;
      Y[2 * i + (u * u + v * v < 12 ? 0 : 1)] = 1;
    }
    return { X, Y, N: n, nIn: 2, nOut: 2 };
  };
}

const digits = mnist(200); // 2,000 real digits
const CASES: Case[] = [
  { name: 'MNIST 784-128-64-10 relu, sgd B=32', sizes: [784, 128, 64, 10], activation: 'relu', output: 'softmax', optimizer: 'sgd', batch: 32, epochs: 1, data: () => digits as never },
  { name: 'MNIST 784-128-64-10 relu, adam B=32', sizes: [784, 128, 64, 10], activation: 'relu', output: 'softmax', optimizer: 'adam', batch: 32, epochs: 1, data: () => digits as never },
  { name: '2-8-8-2 tanh, adam B=10', sizes: [2, 8, 8, 2], activation: 'tanh', output: 'softmax', optimizer: 'adam', batch: 10, epochs: 20, data: points(500) },
  { name: '2-8-8-2 sigmoid, sgd B=10', sizes: [2, 8, 8, 2], activation: 'sigmoid', output: 'sigmoid', optimizer: 'sgd', batch: 10, epochs: 20, data: points(500) },
  { name: '2-8-8-2 softplus, adam B=10', sizes: [2, 8, 8, 2], activation: 'softplus', output: 'softmax', optimizer: 'adam', batch: 10, epochs: 20, data: points(500) },
];

/** CPU time of this process in ms: other jobs on the shared cores do not count against either side. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Samples per CPU-second of one seeded fit with `lib` on `backend` (`epochs` overrides the case's). */
async function rate(lib: Core, backend: unknown, c: Case, epochs = c.epochs): Promise<number> {
  const d = c.data();
  const data = lib.dataset(d.X, d.Y, d.nIn, d.nOut);
  const net = lib.Network.create({ sizes: c.sizes, activation: c.activation, output: c.output, dtype: 'f32' } as never, { seed: 1, backend: backend as never });
  const trainer = new lib.Trainer(net, { epochs, batchSize: c.batch, seed: 2, optimizer: { name: c.optimizer, lr: c.optimizer === 'adam' ? 0.005 : 0.05 } });
  const t0 = cpuMs();
  await trainer.fit(data);
  return (epochs * d.N * 1000) / (cpuMs() - t0);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

runMain(async () => {
  const base = await loadBase();
  try {
    const eng = await import('@backprop/core/engine');
    const kernels = [
      { name: 'js', base: base.core.jsBackend, now: now.jsBackend },
      {
        name: 'wasm',
        base: await base.engine.createWasmBackend({ bytes: readFileSync(join(base.dir, 'build/kernels.wasm')) }),
        now: await eng.createWasmBackend({ module: await eng.loadKernels() }),
      },
    ];
    console.log(`same-bits cost: this checkout vs ${BASE} (${execFileSync('git', ['rev-parse', '--short', BASE], { cwd: repo }).toString().trim()}), f32, ${ROUNDS} interleaved rounds, median of the per-round ratios`);
    console.log(`${'case'.padEnd(40)} ${'kernels'.padEnd(7)} ${pad('base', 10)} ${pad('new', 10)} ${pad('new/base', 9)}  (min … max)`);
    const rows: string[] = [];
    for (const c of CASES.filter((x) => x.name.includes(ONLY))) {
      for (const k of kernels) {
        await rate(base.core, k.base, c); // warm-up of both, and the epochs that make a fit last about SECONDS
        const warm = await rate(now, k.now, c);
        const epochs = Math.max(1, Math.round((SECONDS * warm) / c.data().N));
        const ratios: number[] = [];
        const rb: number[] = [];
        const rn: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          const order = r % 2 === 0 ? ['base', 'now'] : ['now', 'base'];
          const got: Record<string, number> = {};
          for (const o of order) got[o] = o === 'base' ? await rate(base.core, k.base, c, epochs) : await rate(now, k.now, c, epochs);
          rb.push(got.base);
          rn.push(got.now);
          ratios.push(got.now / got.base);
        }
        const line = `${c.name.padEnd(40)} ${k.name.padEnd(7)} ${pad(median(rb).toFixed(0), 10)} ${pad(median(rn).toFixed(0), 10)} ${pad(median(ratios).toFixed(3), 9)}  (${Math.min(...ratios).toFixed(3)} … ${Math.max(...ratios).toFixed(3)})`;
        console.log(line);
        rows.push(line);
      }
    }
    if (process.env.SAME_BITS_OUT) writeFileSync(process.env.SAME_BITS_OUT, rows.join('\n') + '\n');
  } finally {
    rmSync(base.dir, { recursive: true, force: true });
  }
});

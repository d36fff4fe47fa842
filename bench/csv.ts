/**
 * CSV loading speed and memory, side by side on one generated numeric file (default 200 MB:
 * 29 features with 6 decimals and a class label 0…9): backprop's reader (fast path), the same
 * through csv-parse (a quoted header sends every line there), `load` (parse + split + z-score
 * into shared-memory datasets), against Python's csv module and numpy `loadtxt` (float32). Each
 * variant runs in a fresh process, so its peak RSS is its own; every result is checked against
 * numpy's column sums before its time is printed. The file goes to a temp dir and is removed.
 *
 *   cd bench && npx tsx --conditions=@backprop/source csv.ts   [--mb 200] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string) => process.argv.indexOf(name);
const FEATURES = 29;

interface Run {
  seconds: number;
  maxRss: number; // bytes
  sums: number[]; // per column, features then label
}

/** One variant in this process: parse `path`, print a Run as JSON. */
async function child(variant: string, path: string): Promise<void> {
  const { now } = await import('@backprop/core/engine');
  const t0 = now();
  let sums: number[];
  if (variant === 'load') {
    const { load } = await import('@backprop/data/node');
    const d = await load(path, { normalization: 'none' });
    const seconds = (now() - t0) / 1000;
    // rows are in split order now: sum every split
    sums = new Array<number>(FEATURES + 1).fill(0);
    for (const part of [d.train, d.test!]) {
      for (let i = 0; i < part.X.length; i++) sums[i % FEATURES] += part.X[i];
      for (let b = 0; b < part.N; b++) for (let k = 0; k < part.nOut; k++) if (part.Y[b * part.nOut + k] === 1) sums[FEATURES] += Number(d.preprocessing.labels![k]);
    }
    return report(seconds, sums);
  }
  const { readCsvTable } = await import('@backprop/data/node');
  const t = await readCsvTable(path);
  const seconds = (now() - t0) / 1000;
  sums = new Array<number>(FEATURES + 1).fill(0);
  for (let i = 0; i < t.X.length; i++) sums[i % FEATURES] += t.X[i];
  if (t.target.kind === 'classes') for (let i = 0; i < t.N; i++) sums[FEATURES] += Number(t.target.labels[t.target.y[i]]);
  report(seconds, sums);
}

function report(seconds: number, sums: number[]): void {
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ seconds, maxRss, sums } satisfies Run));
}

const PY_CSV = `
import csv, sys, time, resource, array, json
t0 = time.perf_counter()
cols = None
with open(sys.argv[1], newline='') as f:
    r = csv.reader(f)
    next(r)
    data = array.array('f')
    for row in r:
        data.extend(map(float, row))
t = time.perf_counter() - t0
n = ${FEATURES + 1}
sums = [sum(data[j::n]) for j in range(n)]
print(json.dumps({"seconds": t, "maxRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "sums": sums}))
`;

const PY_NUMPY = `
import sys, time, resource, json
import numpy as np
t0 = time.perf_counter()
a = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, dtype=np.float32)
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "maxRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "sums": a.astype(np.float64).sum(axis=0).tolist()}))
`;

/** Writes about `mb` MB of seeded rows: 29 numbers in [−10, 10) with 6 decimals, then a class 0…9. */
function generate(path: string, mb: number, quotedHeader = false): number {
  const fd = openSync(path, 'w');
  let s = 0x2545f491;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const header = [...Array.from({ length: FEATURES }, (_, j) => `x${j}`), 'label'].map((h) => (quotedHeader ? `"${h}"` : h)).join(',');
  writeSync(fd, header + '\n');
  let bytes = header.length + 1;
  let rows = 0;
  while (bytes < mb * 1e6) {
    const lines: string[] = [];
    for (let i = 0; i < 4096; i++) {
      const cells = Array.from({ length: FEATURES }, () => (rand() * 20 - 10).toFixed(6));
      cells.push(String(Math.floor(rand() * 10)));
      lines.push(cells.join(','));
    }
    const chunk = lines.join('\n') + '\n';
    writeSync(fd, chunk);
    bytes += chunk.length;
    rows += lines.length;
  }
  closeSync(fd);
  return rows;
}

function run(cmd: string, args: string[]): Run {
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Run;
}

function sameSums(a: number[], ref: number[]): boolean {
  return a.length === ref.length && a.every((x, j) => Math.abs(x - ref[j]) <= 1e-3 + 1e-6 * Math.abs(ref[j]));
}

async function main(): Promise<void> {
  const mbArg = arg('--mb');
  const mb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 200;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-bench-'));
  const plain = join(dir, 'numeric.csv');
  const quoted = join(dir, 'numeric-quoted-header.csv');
  try {
    const rows = generate(plain, mb);
    generate(quoted, mb, true);
    const size = statSync(plain).size;
    const MB = size / 1e6;
    console.log(`csv  ${MB.toFixed(0)} MB, ${rows} rows × ${FEATURES + 1} columns (${FEATURES} features, a class label); each variant in a fresh process`);
    const self = fileURLToPath(import.meta.url);
    const node = (variant: string, file: string) => run(process.execPath, [...process.execArgv, self, '--child', variant, file]);
    const variants: [string, () => Run][] = [
      ['numpy loadtxt (float32)', () => run('python3', ['-c', PY_NUMPY, plain])],
      ['backprop readCsvTable (fast path, float32)', () => node('read', plain)],
      ['backprop load (parse + split + z-score, in place)', () => node('load', plain)],
      ['backprop readCsvTable via csv-parse (quoted header)', () => node('read', quoted)],
      ["Python csv module (float32 array)", () => run('python3', ['-c', PY_CSV, plain])],
    ];
    let ref: Run | null = null;
    const results: [string, Run][] = [];
    for (const [name, f] of variants) {
      const r = f();
      ref ??= r; // numpy's sums are the reference
      if (!sameSums(r.sums, ref.sums)) throw new Error(`${name}: column sums differ from numpy's (${r.sums.slice(0, 3).join(', ')}… vs ${ref.sums.slice(0, 3).join(', ')}…)`);
      results.push([name, r]);
    }
    const np = results[0][1];
    const pyCsv = results[results.length - 1][1];
    for (const [name, r] of results) {
      const speed = MB / r.seconds;
      console.log(`${name.padEnd(52)} ${r.seconds.toFixed(2).padStart(6)} s  ${speed.toFixed(1).padStart(6)} MB/s  (${(np.seconds / r.seconds).toFixed(2)}× numpy, ${(pyCsv.seconds / r.seconds).toFixed(2)}× Python csv)  peak RSS ${(r.maxRss / 1e6).toFixed(0).padStart(4)} MB = ${(r.maxRss / size).toFixed(2)}× the file`);
    }
    console.log('every variant checked: its column sums equal numpy\'s');
    // bigger than memory: the same file streamed under a 20 MB heap limit (first pass + one epoch of 29-16-10 training)
    const script = fileURLToPath(new URL('../packages/data/scripts/stream-train.ts', import.meta.url));
    const sr = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=16', '--max-semi-space-size=1', ...process.execArgv, script, plain, '1'], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { heapLimit: number; rssBefore: number; maxRss: number; firstPass: number; training: number; accuracy: number };
    console.log(`${'backprop load(…, { stream: true }), first pass'.padEnd(52)} ${sr.firstPass.toFixed(2).padStart(6)} s  ${(MB / sr.firstPass).toFixed(1).padStart(6)} MB/s  heap limit ${(sr.heapLimit / 1e6).toFixed(0)} MB, peak RSS ${(sr.maxRss / 1e6).toFixed(0)} MB = ${(sr.maxRss / size).toFixed(2)}× the file (${((sr.maxRss - sr.rssBefore) / 1e6).toFixed(0)} MB above the process at start)`);
    console.log(`${'  + one epoch through the shuffle buffer (training)'.padEnd(52)} ${sr.training.toFixed(2).padStart(6)} s  ${(MB / sr.training).toFixed(1).padStart(6)} MB/s  (JS kernels, one thread; the labels are random, so test accuracy ≈ 10%: ${(100 * sr.accuracy).toFixed(1)}%)`);
  } finally {
    if (arg('--keep') < 0) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

const c = arg('--child');
if (c > 0) await child(process.argv[c + 1], process.argv[c + 2]);
else await main();

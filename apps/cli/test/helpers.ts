/** Running `backprop` as a user does (a child process), and the fixtures the CLI tests share. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN } from './run.js';

/** Node arguments that start the CLI from source, in one process (test/run.ts): `spawn(process.execPath, [...CLI, 'train', …])`. */
export const CLI = RUN;

/** The same as a shell command line (for scripts that pipe and redirect). */
export const CLI_SHELL = [process.execPath, ...RUN].join(' '); // unquoted: $BP in a script is split on spaces (none in these paths)

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs backprop in `cwd` and waits; NO_COLOR unless `env` says otherwise. */
export function run(cwd: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string | undefined> } = {}): Result {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd, input: opts.input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the test process (so several run at once). */
export function runAsync(cwd: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string | undefined> } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `jobs` with at most `n` at a time, in order of the results. */
export async function pool<T, R>(items: T[], n: number, job: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await job(items[i], i);
    }
  }));
  return out;
}

/** A stack trace line: "    at fn (file:1:2)". */
export const TRACE = /\n\s+at /;

/** name → sha256 of every file in `dir` (dot files included), to tell whether a run changed anything. */
export function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${name}/`);
      else m.set(`${prefix}${name}`, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir, '');
  return m;
}

/** Files added, removed or changed between two snapshots. */
export function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push(a.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of a.keys()) if (!b.has(k)) out.push(`removed ${k}`);
  return out;
}

/** A model file's header as JSON, and its body. */
export function splitModel(bytes: Uint8Array): { header: Record<string, unknown>; body: Uint8Array } {
  const H = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H))), body: bytes.slice(16 + H) };
}


/** A model file with the given header and body and a valid checksum (a crafted file): core's test helper. */
export { forge } from '../../../packages/core/src/test-utils/forge.js';

/** `header` with the value at a dotted path replaced (undefined: removed). */
export function edit(header: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(header);
  const keys = path.split('.');
  let node = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  if (value === undefined) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
  return copy;
}

/**
 * houses.csv for the regression tests and examples: price = 3000·area − 2000·age + a city term +
 * noise (about 300,000 ± 175,000), 600 rows, the age missing ("NA") in every 13th; `rand` is the
 * caller's seeded generator, so each test keeps its own stream.
 */
export function housesCsv(rand: () => number): string {
  const houses = ['area,age,city,price'];
  for (let i = 0; i < 600; i++) {
    const area = 50 + 200 * rand();
    const age = 40 * rand();
    const city = ['north', 'south', 'east'][i % 3];
    const price = 3000 * area - 2000 * age + { north: 50000, south: 0, east: -30000 }[city]! + 5000 * (rand() - 0.5);
    houses.push(`${area.toFixed(2)},${i % 13 === 4 ? 'NA' : age.toFixed(1)},${city},${price.toFixed(0)}`);
  }
  return houses.join('\n') + '\n';
}

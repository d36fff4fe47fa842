/**
 * The search space of a sweep and its trials: a grid (Cartesian product, the last dimension
 * fastest), random draws (seeded: the same --sampler-seed draws the same trials on any machine),
 * seeds and k folds. Trial i's settings are a pure function of the sweep definition.
 */
import { Rng, exp, log } from '@backprop/core/engine';
import * as v from 'valibot';
import { SweepError } from './errors.js';

/** One setting of a trial: a number, a name, or layer sizes. */
export type Value = number | string | number[];
/** Train settings by flag key (lr, hidden, optimizer, …). */
export type Params = Record<string, Value>;

/** A random dimension: log-uniform, uniform or integer on [lo, hi], or one of a list. */
export type Distribution = { kind: 'log' | 'uniform' | 'int'; lo: number; hi: number } | { kind: 'choice'; values: Value[] };

export interface SweepSpace {
  grid: { key: string; values: Value[] }[];
  random: { key: string; dist: Distribution }[];
  /** Random draws (--trials); 0 when there is no random dimension. */
  trials: number;
  samplerSeed: number;
  /** Training seeds (--seeds), or null: the base seed. */
  seeds: number[] | null;
  /** k of k-fold cross-validation, or null. */
  folds: number | null;
}

/** A trial to run: its settings, the group it averages with (same settings, other seed or fold). */
export interface TrialPlan {
  index: number;
  /** The swept settings only (the base command line is the sweep's). */
  params: Params;
  seed: number | null;
  fold: { k: number; i: number } | null;
  /** Index of its configuration: trials of one group differ only in seed or fold. */
  group: number;
}

/** Parses a value of `key` as the train flag would (the CLI supplies this; it throws on a bad value). */
export type ValueParser = (key: string, raw: string) => Value;

/** "1..5" or "1,3,5" → the list of integers. */
export function parseIntList(raw: string, what: string): number[] {
  const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(raw);
  if (range) {
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    if (hi < lo) throw new SweepError(`${what} ${raw} is an empty range; write it low..high, e.g. 1..5`);
    if (hi - lo >= 10_000) throw new SweepError(`${what} ${raw} has ${hi - lo + 1} values; at most 10,000`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const out = raw.split(',').map((s) => s.trim());
  if (out.some((s) => !/^-?\d+$/.test(s))) throw new SweepError(`${what} ${raw} is not a list of integers; write 1..5 or 1,2,3`);
  return out.map(Number);
}

/** "lr=0.01,0.05" → { key: 'lr', raw: ['0.01', '0.05'] }. */
function splitDimension(arg: string, flag: string): { key: string; rest: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new SweepError(`${flag} ${arg} names no setting; write ${flag} name=values, e.g. ${flag === '--grid' ? '--grid lr=0.01,0.1' : '--random lr=log:1e-4..1e-1'}`);
  const key = arg.slice(0, eq).trim();
  const rest = arg.slice(eq + 1).trim();
  if (rest === '') throw new SweepError(`${flag} ${arg} gives ${key} no values; write ${flag} ${key}=a,b,…`);
  return { key, rest };
}

/** --grid key=a,b,c (sizes as 128-64, since commas separate values). */
export function parseGrid(args: string[], parse: ValueParser): SweepSpace['grid'] {
  const seen = new Set<string>();
  return args.map((arg) => {
    const { key, rest } = splitDimension(arg, '--grid');
    if (seen.has(key)) throw new SweepError(`--grid ${key} is given twice; list all its values in one --grid ${key}=a,b,…`);
    seen.add(key);
    const parts = rest.split(',').map((s) => s.trim());
    if (parts.some((s) => s === '')) throw new SweepError(`--grid ${arg} has an empty value; separate values with single commas`);
    return { key, values: parts.map((s) => parse(key, s)) };
  });
}

/** --random key=log:1e-4..1e-1 | uniform:a..b | a..b | int:a..b | a,b,c (a choice). */
export function parseRandom(args: string[], parse: ValueParser): SweepSpace['random'] {
  return args.map((arg) => {
    const { key, rest } = splitDimension(arg, '--random');
    const m = /^(?:(log|uniform|int):)?\s*([^.][^]*?)\s*\.\.\s*(.+)$/.exec(rest);
    if (m) {
      const kind = (m[1] ?? 'uniform') as 'log' | 'uniform' | 'int';
      const lo = Number(m[2]);
      const hi = Number(m[3]);
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new SweepError(`--random ${arg}: ${m[2]}..${m[3]} is not a range of numbers; write e.g. ${key}=log:1e-4..1e-1`);
      if (!(lo < hi)) throw new SweepError(`--random ${arg}: the range must go from low to high`);
      if (kind === 'log' && lo <= 0) throw new SweepError(`--random ${arg}: a log range needs a positive low end`);
      if (kind === 'int' && (!Number.isInteger(lo) || !Number.isInteger(hi))) throw new SweepError(`--random ${arg}: an int range needs integer ends`);
      parse(key, String(kind === 'int' ? lo : lo)); // the setting exists and takes numbers
      parse(key, String(hi));
      return { key, dist: { kind, lo, hi } };
    }
    return { key, dist: { kind: 'choice', values: rest.split(',').map((s) => parse(key, s.trim())) } };
  });
}

/** One draw of a distribution (a value the train flag accepts: the parser checks it). */
function draw(d: Distribution, rng: Rng): Value {
  switch (d.kind) {
    // core's exp and log: the same draws on every machine and engine (Math.exp differs between them)
    case 'log': return Number(exp(rng.uniform(log(d.lo), log(d.hi))).toPrecision(6));
    case 'uniform': return Number(rng.uniform(d.lo, d.hi).toPrecision(6));
    case 'int': return d.lo + rng.int(d.hi - d.lo + 1);
    case 'choice': return d.values[rng.int(d.values.length)];
  }
}

/** Every trial of a sweep, in order: configurations × seeds × folds. */
export function expandTrials(space: SweepSpace, parse: ValueParser): TrialPlan[] {
  if (space.random.length > 0 && space.trials < 1) throw new SweepError(`--trials ${space.trials}: random search needs at least 1 trial; pass --trials N with N ≥ 1`);
  if (space.random.length === 0 && space.trials > 0) throw new SweepError('--trials sets how many random draws to make, and no --random dimension is given; add --random key=range, or drop --trials');
  for (const g of space.grid) if (g.values.length === 0) throw new SweepError(`--grid ${g.key} has no values`);
  const keys = [...space.grid.map((g) => g.key), ...space.random.map((r) => r.key)];
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new SweepError(`${dup} is both a --grid and a --random dimension; sweep it one way`);
  if (space.folds !== null && (!Number.isInteger(space.folds) || space.folds < 2)) throw new SweepError(`--folds ${space.folds}: k-fold cross-validation needs k ≥ 2`);
  if (space.seeds !== null && space.seeds.length === 0) throw new SweepError('--seeds lists no seed');
  let configs: Params[] = [{}];
  for (const g of space.grid) configs = configs.flatMap((c) => g.values.map((x) => ({ ...c, [g.key]: x })));
  if (space.random.length > 0) {
    const rng = new Rng(space.samplerSeed);
    const draws: Params[] = [];
    for (let t = 0; t < space.trials; t++) {
      const p: Params = {};
      for (const r of space.random) {
        const x = draw(r.dist, rng);
        p[r.key] = typeof x === 'number' ? parse(r.key, String(x)) : x;
      }
      draws.push(p);
    }
    configs = configs.flatMap((c) => draws.map((d) => ({ ...c, ...d })));
  }
  const total = configs.length * (space.seeds?.length ?? 1) * (space.folds ?? 1);
  if (total > MAX_TRIALS) throw new SweepError(`the sweep has ${total} trials; at most ${MAX_TRIALS.toLocaleString('en-US')}: use fewer values or --trials`);
  const out: TrialPlan[] = [];
  configs.forEach((params, group) => {
    for (const seed of space.seeds ?? [null]) {
      for (let i = 0; i < (space.folds ?? 1); i++) out.push({ index: out.length, params, seed, fold: space.folds ? { k: space.folds, i } : null, group });
    }
  });
  return out;
}

export const MAX_TRIALS = 10_000;

// ── a sweep file (JSON) ──────────────────────────────────────────────────────────────────────

const Scalar = v.union([v.number(), v.pipe(v.string(), v.maxLength(200))]);
const SweepFileSchema = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/))),
  // the base train settings, by flag key
  base: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.union([Scalar, v.boolean()]))),
  grid: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.array(Scalar), v.maxLength(10_000)))),
  random: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.string(), v.maxLength(200)))),
  trials: v.optional(v.pipe(v.number(), v.safeInteger())),
  seeds: v.optional(v.union([v.pipe(v.array(v.pipe(v.number(), v.safeInteger())), v.maxLength(10_000)), v.string()])),
  folds: v.optional(v.pipe(v.number(), v.safeInteger())),
  samplerSeed: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});

/** A sweep file, checked: { name?, base?, grid?: {lr: [0.01, 0.1]}, random?: {lr: "log:1e-4..1e-1"}, trials?, seeds?, folds?, samplerSeed? }. */
export type SweepFile = v.InferOutput<typeof SweepFileSchema>;

export function parseSweepFile(text: string, path: string): SweepFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SweepError(`${path} is not JSON (${(e as Error).message}); see \`backprop sweep --help\` for its shape`);
  }
  const r = v.safeParse(SweepFileSchema, json);
  if (r.success) return r.output;
  const issue = r.issues[0];
  throw new SweepError(`${path}: ${v.getDotPath(issue) ?? 'the top level'} is wrong (${issue.message}); see \`backprop sweep --help\` for the sweep file's shape`);
}

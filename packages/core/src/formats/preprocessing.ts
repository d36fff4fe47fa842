/**
 * Preprocessing and label names as they travel inside foreign files (ONNX metadata_props,
 * TF.js userDefinedMetadata, preprocessing.json): JSON, checked with a schema on the way in.
 */
import * as v from 'valibot';
import { ModelFileError } from '../errors.js';
import type { Preprocessing } from '../preprocess.js';

const finite = v.pipe(v.number(), v.finite());

/** Shapes and types of a saved Preprocessing; loose, so fields a newer writer adds pass through. */
const PreprocessingJson = v.looseObject({
  features: v.array(v.string()),
  normalization: v.looseObject({ kind: v.picklist(['none', 'zscore', 'minmax']), shift: v.array(finite), scale: v.array(finite) }),
  labels: v.nullable(v.array(v.string())),
  targets: v.optional(v.array(v.string())),
  expand: v.optional(v.array(v.string())),
  source: v.optional(v.string()),
});

const Labels = v.array(v.string());

function issue(e: v.ValiError<v.GenericSchema>): string {
  const i = e.issues[0];
  const path = i.path?.map((p) => p.key).join('.') ?? '';
  return `${path ? `${path}: ` : ''}${i.message}`;
}

/** A Preprocessing from a value already parsed from JSON. */
export function checkPreprocessing(value: unknown, where: string): Preprocessing {
  const r = v.safeParse(PreprocessingJson, value);
  if (!r.success) throw new ModelFileError(`${where} is not a backprop preprocessing (${issue(new v.ValiError(r.issues))})`);
  const pre = r.output as Preprocessing;
  if (pre.normalization.shift.length !== pre.normalization.scale.length) throw new ModelFileError(`${where} has ${pre.normalization.shift.length} shifts but ${pre.normalization.scale.length} scales`);
  return pre;
}

/** A Preprocessing from JSON text. */
export function parsePreprocessing(json: string, where: string): Preprocessing {
  return checkPreprocessing(parseJson(json, where), where);
}

/** A list of label names from JSON text. */
export function parseLabels(json: string, where: string): string[] {
  const r = v.safeParse(Labels, parseJson(json, where));
  if (!r.success) throw new ModelFileError(`${where} is not a list of label names`);
  return r.output;
}

export function parseJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new ModelFileError(`${where} is not valid JSON`);
  }
}

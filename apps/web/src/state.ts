/**
 * Playground state and its URL form. The whole run is described by the query string, so a
 * link reproduces it exactly (data, network and training are all seeded). Each key is checked
 * by a valibot schema; `decodeState` never throws: a value that fails its schema is replaced
 * by its default and reported as a `Problem` (shown in the page's language by `problemText`).
 * The name lists come from core and data (activations, optimizers, kernel families, data sets).
 */
import { BACKEND_CHOICES, HIDDEN_ACTIVATIONS, OPTIMIZERS, type ActivationName, type BackendChoice, type OptimizerName } from '@backprop/core';
import { SYNTHETIC_SETS, type SyntheticName } from '@backprop/data';
import * as v from 'valibot';
import { LANGS, type Lang } from './i18n/langs.js';

/** URL names of the data sets (stable in old links) → @backprop/data's synthetic set names. */
export const DATASET_SOURCE = {
  circle: 'circle', xor: 'xor', gauss: 'gauss', spiral: 'spiral', kspirals: 'spirals', blobs: 'blobs', plane: 'plane', multigauss: 'multi-gauss',
} as const satisfies Record<string, SyntheticName>;
export type DatasetName = keyof typeof DATASET_SOURCE;
export const DATASETS = Object.keys(DATASET_SOURCE) as DatasetName[];
/** Datasets whose target is a real value (regression); the rest are classification. */
export const REGRESSION: readonly DatasetName[] = ['plane', 'multigauss'];
/** Datasets whose class count is chosen (`k`); the others have 2 classes. */
export const MULTICLASS: readonly DatasetName[] = ['kspirals', 'blobs'];
/** Every synthetic set of @backprop/data has a URL name (checked by a test). */
export const SOURCE_SETS: readonly SyntheticName[] = SYNTHETIC_SETS;

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁', x2: 'x₂', x1sq: 'x₁²', x2sq: 'x₂²', x1x2: 'x₁·x₂', sinx1: 'sin x₁', sinx2: 'sin x₂',
};

export type HiddenAct = ActivationName;
export const HIDDEN_ACTS: readonly HiddenAct[] = HIDDEN_ACTIVATIONS;
/** Output layers the playground offers; core pairs each with its loss (softmax → cce, sigmoid → bce, else mse). */
export const OUTPUTS = ['softmax', 'sigmoid', 'linear', 'tanh'] as const satisfies readonly ActivationName[];
export type OutputName = (typeof OUTPUTS)[number];
export { OPTIMIZERS, type OptimizerName };
/**
 * Kernel family (core's backend choices): `auto` is core's WASM SIMD kernels where SIMD and
 * shared memory (cross-origin isolation) exist, else the JS kernels. The two give different
 * bits, so a link names the choice.
 */
export const KERNELS: readonly BackendChoice[] = BACKEND_CHOICES;
export type KernelChoice = BackendChoice;
/** Kernels that actually run (what `auto` resolved to). */
export type KernelsUsed = 'js' | 'wasm';

/** Training pace in epochs per second; `Infinity` = as fast as it goes (`pace=max` in a link). */
export const PACES = [1, 2, 5, 10, 20, 30, 60, 120, 300, 1000, 3000, Infinity] as const;
export const PANELS = ['explain', 'lesson'] as const;
export type Panel = (typeof PANELS)[number];
export const WORKER_CHOICES = ['auto', 1, 2, 3, 4, 6, 8] as const;
export type WorkerChoice = 'auto' | number;

export const LIMITS = {
  noise: [0, 50], trainPct: [10, 90], batch: [1, 512], n: [50, 5000], k: [2, 8],
  layers: 10, neurons: 128, lr: [1e-6, 10], reg: [0, 1], workers: [1, 8], seed: [0, 2 ** 31 - 1], pace: [0.1, 100_000],
} as const;

export interface PlayState {
  dataset: DatasetName;
  k: number; // classes for kspirals/blobs
  n: number; // points
  noise: number; // percent
  trainPct: number;
  batch: number;
  features: FeatureName[];
  hidden: number[]; // neurons per hidden layer (any count, any size up to the limits)
  activation: HiddenAct;
  output: OutputName;
  optimizer: OptimizerName;
  lr: number;
  l1: number;
  l2: number;
  seed: number;
  /** Gradient workers, or `auto`: what is fastest for the batch and network (see `autoWorkers`). */
  workers: WorkerChoice;
  kernels: KernelChoice;
  /** Epochs per second (Infinity: as fast as it goes). */
  pace: number;
  lang: Lang;
  panel: Panel;
}

/**
 * Defaults after the TensorFlow Playground: the circle, inputs x₁ and x₂ only, a small tanh
 * network (4, 2), plain gradient descent with lr 0.03 and batch 10, at a pace one can watch.
 */
export const DEFAULT_STATE: Readonly<PlayState> = Object.freeze({
  dataset: 'circle',
  k: 3,
  n: 400,
  noise: 0,
  trainPct: 50,
  batch: 10,
  features: ['x1', 'x2'] as FeatureName[],
  hidden: [4, 2],
  activation: 'tanh',
  output: 'softmax',
  optimizer: 'sgd',
  lr: 0.03,
  l1: 0,
  l2: 0,
  seed: 1,
  workers: 'auto',
  kernels: 'auto',
  pace: 30,
  lang: 'en',
  panel: 'explain',
});

export function defaultState(lang: Lang = 'en'): PlayState {
  return { ...DEFAULT_STATE, features: [...DEFAULT_STATE.features], hidden: [...DEFAULT_STATE.hidden], lang };
}

export function isRegression(s: Pick<PlayState, 'dataset'>): boolean {
  return REGRESSION.includes(s.dataset);
}

/** Number of classes (1 for regression). */
export function classCount(s: Pick<PlayState, 'dataset' | 'k'>): number {
  if (isRegression(s)) return 1;
  return MULTICLASS.includes(s.dataset) ? s.k : 2;
}

/** Output width: softmax needs one unit per class; 2 classes otherwise use one unit. */
export function outputSize(s: Pick<PlayState, 'dataset' | 'k' | 'output'>): number {
  const K = classCount(s);
  if (K === 1) return 1;
  if (s.output === 'softmax') return K;
  return K === 2 ? 1 : K;
}

/** The network sizes [features, hidden…, outputs]. */
export function layerSizes(s: PlayState): number[] {
  return [s.features.length, ...s.hidden, outputSize(s)];
}

const paceText = (p: number): string => (p === Infinity ? 'max' : String(p));

/** The query string of a state (keys short and stable; order fixed so links compare equal). */
export function encodeState(s: PlayState): string {
  const q = new URLSearchParams();
  q.set('ds', s.dataset);
  if (MULTICLASS.includes(s.dataset)) q.set('k', String(s.k));
  q.set('n', String(s.n));
  q.set('noise', String(s.noise));
  q.set('train', String(s.trainPct));
  q.set('batch', String(s.batch));
  q.set('f', s.features.join(','));
  q.set('h', s.hidden.join(','));
  q.set('act', s.activation);
  q.set('out', s.output);
  q.set('opt', s.optimizer);
  q.set('lr', String(s.lr));
  q.set('l1', String(s.l1));
  q.set('l2', String(s.l2));
  q.set('seed', String(s.seed));
  q.set('w', String(s.workers));
  q.set('kernels', s.kernels);
  q.set('pace', paceText(s.pace));
  q.set('lang', s.lang);
  if (s.panel !== 'explain') q.set('panel', s.panel);
  // commas stay readable in links (they are legal in a query)
  return [...q].map(([k, val]) => `${k}=${encodeURIComponent(val).replace(/%2C/g, ',')}`).join('&');
}

/** What a rejected value should have been (rendered in the page's language). */
export type Expected =
  | { kind: 'oneOf'; list: readonly string[] }
  | { kind: 'integer' | 'number'; lo: number; hi: number }
  | { kind: 'pace'; lo: number; hi: number }
  | { kind: 'features'; list: readonly string[] }
  | { kind: 'hidden'; layers: number; neurons: number };

/** A link value that was ignored, or an automatic fix of the output layer. */
export type Problem =
  | { kind: 'ignored'; key: string; raw: string; expected: Expected; used: string }
  | { kind: 'regressionOutput'; dataset: DatasetName }
  | { kind: 'classOutput'; was: OutputName };

export interface Decoded {
  state: PlayState;
  /** One per value that was ignored, saying what was used instead. */
  problems: Problem[];
}

// ---- the schemas: one per kind of URL value (input: the raw string) ----
const oneOfSchema = <T extends string>(list: readonly T[]) => v.picklist(list as T[]);
const numberSchema = (lo: number, hi: number) => v.pipe(v.string(), v.trim(), v.nonEmpty(), v.toNumber(), v.number(), v.finite(), v.minValue(lo), v.maxValue(hi));
const integerSchema = (lo: number, hi: number) => v.pipe(v.string(), v.trim(), v.nonEmpty(), v.toNumber(), v.number(), v.integer(), v.minValue(lo), v.maxValue(hi));
export const paceSchema = v.union([v.pipe(v.literal('max'), v.transform(() => Infinity)), numberSchema(LIMITS.pace[0], LIMITS.pace[1])]);
const workersSchema = v.union([v.literal('auto'), integerSchema(LIMITS.workers[0], LIMITS.workers[1])]);
const featuresSchema = v.pipe(
  v.string(),
  v.transform((s) => s.split(',').filter((p) => p !== '')),
  v.array(oneOfSchema(FEATURES)),
  v.minLength(1),
  v.transform((parts) => FEATURES.filter((x) => parts.includes(x))), // canonical order, no duplicates
);
const hiddenSchema = v.pipe(
  v.string(),
  v.transform((s) => (s === '' ? [] : s.split(','))),
  v.maxLength(LIMITS.layers),
  v.array(v.pipe(v.string(), v.regex(/^\d+$/), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(LIMITS.neurons))),
);

/** Reads a query string; every unusable value falls back to its default with a problem. */
export function decodeState(query: string, fallbackLang: Lang = 'en'): Decoded {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const s = defaultState(fallbackLang);
  const problems: Problem[] = [];
  /** The parsed value of `key`, or `fallback` (with a problem when the key was there but failed). */
  const read = <T>(key: string, schema: v.GenericSchema<string, T>, fallback: T, expected: Expected, shown: (x: T) => string = String): T => {
    const raw = q.get(key);
    if (raw === null) return fallback;
    const r = v.safeParse(schema, raw);
    if (r.success) return r.output;
    problems.push({ kind: 'ignored', key, raw: raw.length > 40 ? raw.slice(0, 40) + '…' : raw, expected, used: shown(fallback) });
    return fallback;
  };
  const oneOf = <T extends string>(key: string, list: readonly T[], fallback: T): T => read(key, oneOfSchema(list), fallback, { kind: 'oneOf', list });
  const num = (key: string, [lo, hi]: readonly [number, number], fallback: number, integer: boolean): number =>
    read(key, integer ? integerSchema(lo, hi) : numberSchema(lo, hi), fallback, { kind: integer ? 'integer' : 'number', lo, hi });

  s.lang = oneOf('lang', LANGS, s.lang);
  s.dataset = oneOf('ds', DATASETS, s.dataset);
  s.k = num('k', LIMITS.k, s.k, true);
  s.n = num('n', LIMITS.n, s.n, true);
  s.noise = num('noise', LIMITS.noise, s.noise, false);
  s.trainPct = num('train', LIMITS.trainPct, s.trainPct, false);
  s.batch = num('batch', LIMITS.batch, s.batch, true);
  s.features = read('f', featuresSchema, s.features, { kind: 'features', list: FEATURES }, (f) => f.join(','));
  s.hidden = read('h', hiddenSchema, s.hidden, { kind: 'hidden', layers: LIMITS.layers, neurons: LIMITS.neurons }, (h) => h.join(','));
  s.activation = oneOf('act', HIDDEN_ACTS, s.activation);
  s.output = oneOf('out', OUTPUTS, s.output);
  s.optimizer = oneOf('opt', OPTIMIZERS, s.optimizer);
  s.lr = num('lr', LIMITS.lr, s.lr, false);
  s.l1 = num('l1', LIMITS.reg, s.l1, false);
  s.l2 = num('l2', LIMITS.reg, s.l2, false);
  s.seed = num('seed', LIMITS.seed, s.seed, true);
  s.workers = read('w', workersSchema, s.workers, { kind: 'integer', lo: LIMITS.workers[0], hi: LIMITS.workers[1] });
  s.kernels = oneOf('kernels', KERNELS, s.kernels);
  s.pace = read('pace', paceSchema, s.pace, { kind: 'pace', lo: LIMITS.pace[0], hi: LIMITS.pace[1] }, paceText);
  s.panel = oneOf('panel', PANELS, s.panel);

  problems.push(...fixPairing(s));
  return { state: s, problems };
}

/**
 * Makes the output layer fit the task: regression needs linear/tanh outputs (mse), and
 * classification needs outputs in (0, 1) when the loss is a cross-entropy. Returns what changed.
 */
export function fixPairing(s: PlayState): Problem[] {
  if (isRegression(s) && (s.output === 'softmax' || s.output === 'sigmoid')) {
    s.output = 'linear';
    return [{ kind: 'regressionOutput', dataset: s.dataset }];
  }
  if (!isRegression(s) && (s.output === 'tanh' || s.output === 'linear')) {
    const was = s.output;
    s.output = 'softmax';
    return [{ kind: 'classOutput', was }];
  }
  return [];
}

/**
 * The kernels a state runs on, given what the page offers (`wasmReady`: SIMD, shared memory
 * and the kernels file all available). `fellBack`: a requested `wasm` could not be honoured.
 */
export function resolveKernels(choice: KernelChoice, wasmReady: boolean): { used: KernelsUsed; fellBack: boolean } {
  if (choice === 'js') return { used: 'js', fellBack: false };
  if (wasmReady) return { used: 'wasm', fellBack: false };
  return { used: 'js', fellBack: choice === 'wasm' };
}

/**
 * The state a shared link should carry: `auto` pinned to the kernels that ran, so the link
 * reproduces this run bit for bit elsewhere (or says plainly that it cannot).
 */
export function pinnedState(s: PlayState, used: KernelsUsed): PlayState {
  return { ...s, features: [...s.features], hidden: [...s.hidden], kernels: s.kernels === 'auto' ? used : s.kernels };
}

/** True when two states describe the same run. */
export function sameState(a: PlayState, b: PlayState): boolean {
  return encodeState(a) === encodeState(b);
}

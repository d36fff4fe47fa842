/**
 * Playground state and its URL form. The whole run is described by the query string, so a
 * link reproduces it exactly (data, network and training are all seeded). `decodeState`
 * never throws: a nonsense value is replaced by its default and reported as a problem.
 */
import { BACKEND_CHOICES, HIDDEN_ACTIVATIONS, OPTIMIZERS, type BackendChoice, type OptimizerName } from '@backprop/core';

export const DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'kspirals', 'blobs', 'plane', 'multigauss'] as const;
export type DatasetName = (typeof DATASETS)[number];
/** Datasets whose target is a real value (regression); the rest are classification. */
const REGRESSION: readonly DatasetName[] = ['plane', 'multigauss'];
/** Datasets whose class count is chosen (`k`); the others have 2 classes. */
export const MULTICLASS: readonly DatasetName[] = ['kspirals', 'blobs'];

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁', x2: 'x₂', x1sq: 'x₁²', x2sq: 'x₂²', x1x2: 'x₁·x₂', sinx1: 'sin x₁', sinx2: 'sin x₂',
};

export const HIDDEN_ACTS = HIDDEN_ACTIVATIONS;
type HiddenAct = (typeof HIDDEN_ACTS)[number];
/** Output layer and the loss it pairs with. */
export const OUTPUTS = ['softmax', 'sigmoid', 'linear', 'tanh'] as const;
type OutputName = (typeof OUTPUTS)[number];
export { OPTIMIZERS };
/**
 * Kernel family: `auto` is core's WASM SIMD kernels where SIMD and shared memory (cross-origin
 * isolation) exist, else the JS kernels. The two give different bits, so a link names the choice.
 */
export const KERNELS = BACKEND_CHOICES;
export type KernelChoice = BackendChoice;
/** Kernels that actually run (what `auto` resolved to). */
export type KernelsUsed = 'js' | 'wasm';

export const LIMITS = {
  noise: [0, 50], trainPct: [10, 90], batch: [1, 512], n: [50, 5000], k: [2, 8],
  layers: 10, neurons: 128, lr: [1e-6, 10], reg: [0, 1], workers: [1, 8], seed: [0, 2 ** 31 - 1],
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
  workers: number;
  kernels: KernelChoice;
}

export const DEFAULT_STATE: Readonly<PlayState> = Object.freeze({
  dataset: 'spiral',
  k: 3,
  n: 400,
  noise: 0,
  trainPct: 50,
  batch: 10,
  features: ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as FeatureName[],
  hidden: [8, 8, 6],
  activation: 'tanh',
  output: 'softmax',
  optimizer: 'adam',
  lr: 0.03,
  l1: 0,
  l2: 0,
  seed: 1,
  workers: 1,
  kernels: 'auto',
});

export function defaultState(): PlayState {
  return { ...DEFAULT_STATE, features: [...DEFAULT_STATE.features], hidden: [...DEFAULT_STATE.hidden] };
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
export function outputSize(s: PlayState): number {
  const K = classCount(s);
  if (K === 1) return 1;
  if (s.output === 'softmax') return K;
  return K === 2 ? 1 : K;
}

/** The network sizes [features, hidden…, outputs]. */
export function layerSizes(s: PlayState): number[] {
  return [s.features.length, ...s.hidden, outputSize(s)];
}

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
  // commas stay readable in links (they are legal in a query)
  return [...q].map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',')}`).join('&');
}

export interface Decoded {
  state: PlayState;
  /** One sentence per value that was ignored, saying what was used instead. */
  problems: string[];
}

/** Reads a query string; every unusable value falls back to its default with a problem. */
export function decodeState(query: string): Decoded {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const s = defaultState();
  const problems: string[] = [];
  const bad = (key: string, raw: string, why: string, used: unknown): void => {
    problems.push(`Ignored ${key}=${JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw)}: ${why}; using ${JSON.stringify(used)}.`);
  };
  const oneOf = <T extends string>(key: string, list: readonly T[], fallback: T): T => {
    const raw = q.get(key);
    if (raw === null) return fallback;
    if ((list as readonly string[]).includes(raw)) return raw as T;
    bad(key, raw, `expected one of ${list.join(', ')}`, fallback);
    return fallback;
  };
  const num = (key: string, [lo, hi]: readonly [number, number], fallback: number, integer: boolean): number => {
    const raw = q.get(key);
    if (raw === null) return fallback;
    const v = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < lo || v > hi) {
      bad(key, raw, `expected ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}`, fallback);
      return fallback;
    }
    return v;
  };

  s.dataset = oneOf('ds', DATASETS, s.dataset);
  s.k = num('k', LIMITS.k, s.k, true);
  s.n = num('n', LIMITS.n, s.n, true);
  s.noise = num('noise', LIMITS.noise, s.noise, false);
  s.trainPct = num('train', LIMITS.trainPct, s.trainPct, false);
  s.batch = num('batch', LIMITS.batch, s.batch, true);

  const f = q.get('f');
  if (f !== null) {
    const parts = f.split(',').filter((p) => p !== '');
    const unique = [...new Set(parts)];
    if (parts.length === 0 || unique.some((p) => !(FEATURES as readonly string[]).includes(p))) {
      bad('f', f, `features must be a comma list of ${FEATURES.join(', ')}`, s.features.join(','));
    } else {
      s.features = FEATURES.filter((x) => unique.includes(x)); // canonical order
    }
  }
  const h = q.get('h');
  if (h !== null) {
    const parts = h === '' ? [] : h.split(',');
    const sizes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
    if (sizes.length > LIMITS.layers || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > LIMITS.neurons)) {
      bad('h', h, `hidden layers must be up to ${LIMITS.layers} sizes from 1 to ${LIMITS.neurons}`, s.hidden.join(','));
    } else {
      s.hidden = sizes;
    }
  }
  s.activation = oneOf('act', HIDDEN_ACTS, s.activation);
  s.output = oneOf('out', OUTPUTS, s.output);
  s.optimizer = oneOf('opt', OPTIMIZERS, s.optimizer);
  const lrRaw = q.get('lr');
  s.lr = num('lr', LIMITS.lr, s.lr, false);
  if (lrRaw !== null && s.lr === 0) s.lr = DEFAULT_STATE.lr;
  s.l1 = num('l1', LIMITS.reg, s.l1, false);
  s.l2 = num('l2', LIMITS.reg, s.l2, false);
  s.seed = num('seed', LIMITS.seed, s.seed, true);
  s.workers = num('w', LIMITS.workers, s.workers, true);
  s.kernels = oneOf('kernels', KERNELS, s.kernels);

  const fixed = fixPairing(s);
  problems.push(...fixed);
  return { state: s, problems };
}

/**
 * Makes the output layer fit the task: regression needs linear/tanh outputs (mse), and
 * classification needs outputs in (0, 1) when the loss is a cross-entropy. Returns what changed.
 */
export function fixPairing(s: PlayState): string[] {
  if (isRegression(s) && (s.output === 'softmax' || s.output === 'sigmoid')) {
    s.output = 'linear';
    return [`The ${s.dataset} dataset is regression: the output is now linear with mean squared error.`];
  }
  if (!isRegression(s) && (s.output === 'tanh' || s.output === 'linear')) {
    const was = s.output;
    s.output = 'softmax';
    return [`${was} outputs do not give class probabilities: the output is now softmax with cross-entropy.`];
  }
  return [];
}

/**
 * The kernels a state runs on, given what the page offers (`wasmReady`: SIMD, shared memory
 * and the kernels file all available). `note` says why a requested `wasm` could not be honoured.
 */
export function resolveKernels(choice: KernelChoice, wasmReady: boolean): { used: KernelsUsed; note: string | null } {
  if (choice === 'js') return { used: 'js', note: null };
  if (wasmReady) return { used: 'wasm', note: null };
  return { used: 'js', note: choice === 'wasm' ? 'The link asks for WASM kernels, but this page cannot run them (it needs WebAssembly SIMD and cross-origin isolation); training on the JS kernels instead, so the weights differ from a WASM run.' : null };
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

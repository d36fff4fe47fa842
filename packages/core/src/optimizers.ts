/**
 * Optimizers over the flat parameter vector. Every step first forms the mean gradient
 *   g = (1/B) Σ_b δ_b x_bᵀ + λ₂·w + λ₁·sign(w)   (regularisation on weights, not biases)
 * then updates:
 *   sgd       w ← w − η g                          (the note's gradient descent)
 *   momentum  v ← μ v + g;  w ← w − η v
 *   nesterov  v ← μ v + g;  w ← w − η (g + μ v)
 *   adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η m̂ / (√v̂ + ε)
 *             m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), βᵗ a running product (one multiplication per
 *             step: the same bits on every engine, unlike Math.pow, and cheaper)
 * State vectors are contiguous like the parameters, so a checkpoint can save them whole.
 */
import type { DType, Floats } from './arena.js';
import { DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import type { Backend, Kernels } from './kernels/index.js';
import { jsBackend } from './kernels/js.js';
import type { LayerInfo } from './network.js';

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam'];

export interface OptimizerConfig {
  name: OptimizerName;
  /** Learning rate η > 0. */
  lr: number;
  /** μ for momentum/nesterov (default 0.9). */
  momentum?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L1 and L2 regularisation strengths on weights (not biases). */
  l1?: number;
  l2?: number;
}

/** What a user writes: any subset of the config, the name as a string (checked at run time). */
export type OptimizerSettings = Omit<Partial<OptimizerConfig>, 'name'> & { name?: string };

/** Optimizer state that a checkpoint saves: the step count, the state vectors and Adam's βᵗ. */
export interface OptimizerState {
  t: number;
  vectors: Record<string, Floats>;
  /**
   * Adam: β₁ᵗ and β₂ᵗ as running products (fl(fl(β·β)·β)…, t factors) and the β they were
   * taken of. A state without them (an older checkpoint), or with other β, is brought to step t
   * by t multiplications: the same bits as a run that never stopped.
   */
  powers?: BetaPowers;
}

/** Adam's bias corrections of one step, c = 1/(1 − βᵗ); both 1 for the optimizers that have none. */
export interface BiasCorrections {
  c1: number;
  c2: number;
}

/** Adam's running products βᵗ and the betas they are powers of. */
export interface BetaPowers {
  beta1: number;
  beta2: number;
  beta1t: number;
  beta2t: number;
}

/** βᵗ for both betas by t multiplications in order: the running product at step t. */
function betaPowers(beta1: number, beta2: number, t: number): BetaPowers {
  let beta1t = 1;
  let beta2t = 1;
  for (let i = 0; i < t; i++) {
    beta1t *= beta1;
    beta2t *= beta2;
  }
  return { beta1, beta2, beta1t, beta2t };
}

function positive(x: unknown, what: string, fix: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new ConfigError(`${what} must be a positive number; got ${String(x)}. ${fix}`);
  return x;
}

function unitInterval(x: number, what: string): number {
  if (!Number.isFinite(x) || x < 0 || x >= 1) throw new ConfigError(`${what} must be in [0, 1); got ${x}`);
  return x;
}

/** Validates an optimizer config and fills its defaults. */
export function resolveOptimizer(c: OptimizerSettings): Required<OptimizerConfig> {
  const name = c.name ?? DEFAULTS.optimizer;
  if (!(OPTIMIZERS as readonly string[]).includes(name)) throw new ConfigError(`unknown optimizer "${name}"; use one of ${OPTIMIZERS.join(', ')}`);
  const lr = positive(c.lr ?? DEFAULTS.learningRate[name as OptimizerName], 'learning rate', `Try ${DEFAULTS.learningRate.sgd} for sgd or ${DEFAULTS.learningRate.adam} for adam.`);
  const l1 = c.l1 ?? 0;
  const l2 = c.l2 ?? 0;
  if (!(l1 >= 0) || !(l2 >= 0) || !Number.isFinite(l1) || !Number.isFinite(l2)) throw new ConfigError(`L1/L2 strengths must be ≥ 0; got l1=${l1}, l2=${l2}`);
  return {
    name: name as OptimizerName,
    lr,
    momentum: unitInterval(c.momentum ?? DEFAULTS.momentum, 'momentum'),
    beta1: unitInterval(c.beta1 ?? DEFAULTS.beta1, 'beta1'),
    beta2: unitInterval(c.beta2 ?? DEFAULTS.beta2, 'beta2'),
    eps: positive(c.eps ?? DEFAULTS.eps, 'eps', `The usual value is ${DEFAULTS.eps}.`),
    l1,
    l2,
  };
}

export class Optimizer {
  readonly config: Required<OptimizerConfig>;
  readonly state: OptimizerState;
  /** What `corrections()` returns, rewritten by each call (no object a step). */
  private readonly c: BiasCorrections = { c1: 1, c2: 1 };

  /** State vectors live in `backend`'s memory (so its kernels, on any thread, can address them). */
  constructor(config: OptimizerSettings, P: number, dtype: DType, private readonly backend: Backend = jsBackend) {
    this.config = resolveOptimizer(config);
    const make = () => backend.floats(dtype, P);
    const vectors: Record<string, Floats> = {};
    if (this.config.name === 'momentum' || this.config.name === 'nesterov') vectors.v = make();
    if (this.config.name === 'adam') {
      vectors.m = make();
      vectors.v = make();
    }
    this.state = { t: 0, vectors };
    if (this.config.name === 'adam') this.state.powers = betaPowers(this.config.beta1, this.config.beta2, 0);
  }

  /** Restores a saved state (sizes are checked by the model-file reader). */
  load(state: OptimizerState): void {
    this.state.t = state.t;
    for (const key of Object.keys(this.state.vectors)) this.state.vectors[key].set(state.vectors[key]);
    if (this.config.name !== 'adam') return;
    const { beta1, beta2 } = this.config;
    const p = state.powers;
    this.state.powers = p && p.beta1 === beta1 && p.beta2 === beta2 ? { ...p } : betaPowers(beta1, beta2, state.t);
  }

  /**
   * One update of `params` from the gradient sum `grad` of B samples. `grad` is overwritten
   * with the mean regularised gradient g. Runs on the kernels of the backend the state lives in.
   * Returns true when every new weight is finite (the kernels check in the update's own pass).
   */
  step(params: Floats, grad: Floats, B: number, layers: LayerInfo[], kernels: Kernels = this.backend.kernels): boolean {
    const finite = updateRange(this.config, this.state.vectors, params, grad, B, layers, 0, params.length, this.corrections(), kernels);
    this.advance();
    return finite;
  }

  /**
   * The bias corrections of the next step t + 1: c = 1/(1 − βᵗ⁺¹) from the running products (1 for
   * the optimizers without one). Reads only: an engine applies them on its workers, then `advance`.
   * The object is this optimizer's own, valid until the next call: read it, do not keep it.
   */
  corrections(): BiasCorrections {
    const p = this.state.powers;
    if (p) {
      this.c.c1 = 1 / (1 - p.beta1t * p.beta1);
      this.c.c2 = 1 / (1 - p.beta2t * p.beta2);
    }
    return this.c;
  }

  /** Counts a step taken (here or on an engine's workers): t and the running products βᵗ move on together. */
  advance(): void {
    this.state.t++;
    const p = this.state.powers;
    if (p) {
      p.beta1t *= p.beta1;
      p.beta2t *= p.beta2;
    }
  }
}

/**
 * One update (its bias corrections `c`, Optimizer.corrections) on params[from, to) only (grad and the state vectors likewise): the
 * arithmetic of every element is that of a whole-vector step, so stripes updated by different
 * workers, in any order, give the bits of `Optimizer.step`. `vectors` are the optimizer's state.
 * Returns true when every new weight in [from, to) is finite.
 */
export function updateRange(
  config: Required<OptimizerConfig>, vectors: Record<string, Floats>, params: Floats, grad: Floats, B: number, layers: LayerInfo[],
  from: number, to: number, c: BiasCorrections, kernels: Kernels,
): boolean {
  const { name, lr, momentum: mu, beta1, beta2, eps, l1, l2 } = config;
  let scale = 1 / B; // the mean over the batch is folded into the update loop
  if (l1 !== 0 || l2 !== 0) {
    meanRegularisedGradient(grad, params, scale, layers, l1, l2, from, to);
    scale = 1;
  }
  const whole = from === 0 && to === params.length; // the whole vector: no views to make
  const p = whole ? params : params.subarray(from, to);
  const g = whole ? grad : grad.subarray(from, to);
  const { m, v } = vectors;
  if (name === 'sgd') return kernels.sgdStep(p, g, scale, lr);
  if (name === 'adam') return kernels.adamStep(p, g, stripeOf(m, whole, from, to), stripeOf(v, whole, from, to), scale, lr, beta1, beta2, eps, c.c1, c.c2);
  return kernels.momentumStep(p, g, stripeOf(v, whole, from, to), scale, lr, mu, name === 'nesterov');
}

function stripeOf(x: Floats, whole: boolean, from: number, to: number): Floats {
  return whole ? x : x.subarray(from, to);
}

/** g = grad·scale + λ₂ w + λ₁ sign(w) on the weights in [from, to); biases (column 0) get no penalty. */
function meanRegularisedGradient(grad: Floats, params: Floats, scale: number, layers: LayerInfo[], l1: number, l2: number, from: number, to: number): void {
  for (let i = from; i < to; i++) grad[i] *= scale;
  if (l1 === 0 && l2 === 0) return;
  for (const { nIn, nOut, offset } of layers) {
    const cols = nIn + 1;
    const k0 = Math.max(0, Math.floor((from - offset) / cols));
    const k1 = Math.min(nOut, Math.ceil((to - offset) / cols));
    for (let k = k0; k < k1; k++) {
      const row = offset + k * cols;
      const j1 = Math.min(cols, to - row);
      for (let j = Math.max(1, from - row); j < j1; j++) {
        const w = params[row + j];
        grad[row + j] += l2 * w + l1 * Math.sign(w);
      }
    }
  }
}

/** The penalty ½λ₂‖w‖² + λ₁‖w‖₁ over weights (not biases), added to the reported loss. */
export function regularisationLoss(params: Floats, layers: LayerInfo[], l1: number, l2: number): number {
  if (l1 === 0 && l2 === 0) return 0;
  let s = 0;
  for (const { nIn, nOut, offset } of layers) {
    const cols = nIn + 1;
    for (let k = 0; k < nOut; k++) {
      for (let j = 1; j < cols; j++) {
        const w = params[offset + k * cols + j];
        s += 0.5 * l2 * w * w + l1 * Math.abs(w);
      }
    }
  }
  return s;
}

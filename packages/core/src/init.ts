/**
 * Seeded weight initialisers. Fan-in n = nIn, fan-out m = nOut of a layer; biases start at 0.
 *   glorot_uniform U(±√(6/(n+m)))   glorot_normal N(0, 2/(n+m))
 *   he_uniform     U(±√(6/n))       he_normal     N(0, 2/n)
 */
import type { ActivationName } from './activations.js';
import { ConfigError } from './errors.js';
import type { Rng } from './rng.js';
import type { Floats } from './arena.js';

export type InitName = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal';
export const INITS: readonly InitName[] = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal'];

/** He for the ReLU family (keeps the variance of net through the layer), Glorot otherwise. */
export function defaultInit(activation: ActivationName): InitName {
  return activation === 'relu' || activation === 'leaky_relu' ? 'he_uniform' : 'glorot_uniform';
}

export function checkInit(name: string): InitName {
  if (!(INITS as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown initialiser "${name}"; use one of ${INITS.join(', ')}`);
  }
  return name as InitName;
}

/** Fills W: (nOut, nIn+1) with column 0 (bias) = 0 and the rest drawn from `init`. */
export function initLayer(W: Floats, nIn: number, nOut: number, init: InitName, rng: Rng): void {
  const cols = nIn + 1;
  const uniform = init.endsWith('uniform');
  const variance = init.startsWith('he') ? 2 / nIn : 2 / (nIn + nOut);
  const limit = Math.sqrt(3 * variance); // U(−l, l) has variance l²/3
  const std = Math.sqrt(variance);
  for (let k = 0; k < nOut; k++) {
    W[k * cols] = 0;
    for (let j = 1; j < cols; j++) W[k * cols + j] = uniform ? rng.uniform(-limit, limit) : rng.normal(0, std);
  }
}

/**
 * Seeded PRNG with explicit state (xoshiro128**, seeded by splitmix32). The state is four
 * uint32 words that can be saved and restored, so a resumed run draws the same numbers.
 */
import { ConfigError } from './errors.js';
import { cos, log } from './math.js';

export type RngState = [number, number, number, number];

/** Seeds are the integers 0 … 2³² − 1: the generator reads 32 bits, so a larger seed would alias a smaller one. */
export const SEED_MAX = 2 ** 32 - 1;

/** A user-given seed, checked against the range (never silently wrapped). */
export function checkSeed(seed: unknown, what = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) {
    throw new ConfigError(`${what} must be an integer from 0 to ${SEED_MAX} (2^32 − 1); got ${String(seed)}`);
  }
  return seed;
}

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

/** Mix two integers into one seed (e.g. the run seed and an epoch number). */
export function mixSeed(a: number, b: number): number {
  return splitmix32((Math.imul(a | 0, 0x27d4eb2d) ^ (b | 0)) | 0)[1];
}

export class Rng {
  private s: Uint32Array;

  constructor(seed: number) {
    this.s = new Uint32Array(4);
    let x = seed | 0;
    for (let i = 0; i < 4; i++) {
      const [nx, z] = splitmix32(x);
      x = nx;
      this.s[i] = z;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A generator that continues from a saved state. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.s.set(state);
    return r;
  }

  get state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** Uniform uint32. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal by Box–Muller (one value per call; no cached spare, so state stays 4 words). */
  normal(mean = 0, std = 1): number {
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * log(u)) * cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The identity permutation 0..n-1 shuffled by a generator seeded with `seed`. */
export function permutation(n: number, seed: number, out: Int32Array = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) out[i] = i;
  return new Rng(seed).shuffle(out);
}

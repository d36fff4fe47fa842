/**
 * Parsers for flag values. Every numeric flag has a range, checked here at parse time, so a
 * value can never reach the code that would trip over it (toFixed, an allocator, a PRNG that
 * reads 32 bits): the user gets commander's one-line error and exit 2.
 */
import { InvalidArgumentError } from 'commander';
import { SEED_MAX } from '@backprop/core';

function num(v: string): number {
  return v.trim() === '' ? NaN : Number(v);
}

const show = (n: number) => (n === Number.MAX_SAFE_INTEGER ? '' : n.toLocaleString('en-US'));

/** An integer in [min, max]. */
export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = num(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}.` : `expected an integer from ${show(min)} to ${show(max)}.`);
    }
    return n;
  };
}

/** Seeds: 0 … 2^32 − 1, the generator's 32 bits (a larger seed would silently alias a smaller one). */
export function seed(v: string): number {
  const n = num(v);
  if (!Number.isSafeInteger(n) || n < 0 || n > SEED_MAX) throw new InvalidArgumentError(`expected an integer from 0 to ${SEED_MAX} (2^32 − 1).`);
  return n;
}

export function positive(v: string): number {
  const n = num(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number, e.g. 0.01.');
  return n;
}

export function nonNegative(v: string): number {
  const n = num(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

/** [0, 1): split fractions, momentum μ, adam's β. */
export function fraction(v: string): number {
  const n = num(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a number in [0, 1), e.g. 0.1.');
  return n;
}

/** A number in [0, 1]. */
export function unit(v: string): number {
  const n = num(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.1.');
  return n;
}

/** Largest layer width a flag accepts; the memory budget decides what actually fits. */
const MAX_LAYER = 2 ** 31 - 1;
/** Most layers a flag accepts. */
const MAX_LAYERS = 64;

/** "784-128-64-10" or "784,128,64,10". */
export function sizes(v: string): number[] {
  const out = v.split(/[-,]/).map((s) => num(s));
  if (out.length === 0 || out.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_LAYER)) throw new InvalidArgumentError(`expected positive integers (each ≤ ${MAX_LAYER}) separated by "-" or ",", e.g. 784-128-64-10.`);
  if (out.length > MAX_LAYERS) throw new InvalidArgumentError(`expected at most ${MAX_LAYERS} sizes.`);
  return out;
}

/** A fraction in [0, 1) or a whole row count ≥ 1 (e.g. --test-split 0.2 or 2000). */
export function rowsOrFraction(v: string): number {
  const n = num(v);
  if (!Number.isFinite(n) || n < 0 || (n >= 1 && !Number.isSafeInteger(n))) throw new InvalidArgumentError('expected a fraction in [0, 1) or a whole row count, e.g. 0.2 or 2000.');
  return n;
}

/** A non-empty string (a column name, a path). */
export function nonEmpty(v: string): string {
  if (v.trim() === '') throw new InvalidArgumentError('expected a non-empty value.');
  return v;
}
/** "color,size" → ['color', 'size']: column names, or 0-based indices (--categorical). */
export function columnList(v: string): (string | number)[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError('expected column names or 0-based indices separated by ",", e.g. color,size.');
  return parts.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** --missing policies: one for all columns and/or per column, as @backprop/data takes them. */
export interface MissingFlag {
  default?: string | number;
  columns: Record<string, string | number>;
}

const MISSING_RULES = ['error', 'drop', 'mean', 'median', 'mode'];

function missingRule(s: string): string | number {
  if (MISSING_RULES.includes(s)) return s;
  const n = Number(s);
  if (s !== '' && Number.isFinite(n)) return n;
  throw new InvalidArgumentError(`"${s}" is not a missing-value policy: use ${MISSING_RULES.join(', ')} or a number, for all columns or as column=policy (e.g. --missing mean --missing age=median).`);
}

/** "--missing mean", "--missing age=median,income=0" (repeatable): collects the policies. */
export function missingPolicy(v: string, prev: MissingFlag = { columns: {} }): MissingFlag {
  const out: MissingFlag = { default: prev.default, columns: { ...prev.columns } };
  for (const part of v.split(',').map((s) => s.trim())) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) out.columns[part.slice(0, eq).trim()] = missingRule(part.slice(eq + 1).trim());
    else out.default = missingRule(part);
  }
  return out;
}

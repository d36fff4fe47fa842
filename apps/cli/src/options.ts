/** Parsers for flag values: each rejects a bad value with a message commander prints (exit 2). */
import { InvalidArgumentError } from 'commander';

export function int(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}.`);
    return n;
  };
}

export function positive(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number, e.g. 0.01.');
  return n;
}

export function nonNegative(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

export function fraction(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a fraction in [0, 1), e.g. 0.1.');
  return n;
}

/** "784-128-64-10" or "784,128,64,10". */
export function sizes(v: string): number[] {
  const parts = v.split(/[-,]/).map((s) => s.trim());
  const out = parts.map(Number);
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('expected positive integers separated by "-" or ",", e.g. 784-128-64-10.');
  return out;
}

/** A fraction in [0, 1) or a whole row count ≥ 1 (e.g. --test-split 0.2 or 2000). */
export function rowsOrFraction(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (n >= 1 && !Number.isInteger(n))) throw new InvalidArgumentError('expected a fraction in [0, 1) or a whole row count, e.g. 0.2 or 2000.');
  return n;
}

/** A number in [0, 1]. */
export function unit(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.1.');
  return n;
}

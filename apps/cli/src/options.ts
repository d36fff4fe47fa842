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

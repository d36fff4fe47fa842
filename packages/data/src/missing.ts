/**
 * Missing values: what an empty, NA or NaN cell becomes. Per column, or for all columns:
 * an error (the default), a dropped row, or a fill value fitted on the training rows only —
 * the mean, the median (mean of the two middle values for an even count), or the mode (most
 * frequent; ties to the smaller value, or the category first in sorted order) — or a given number.
 * Fills are saved with the model, so predict fills the same way.
 */
import { ConfigError, type MissingRule } from '@backprop/core';

/** How one column's missing cells are handled. `'mean'` is short for `{ fill: 'mean' }`. */
export type MissingPolicy = 'error' | 'drop' | 'mean' | 'median' | 'mode' | number | { fill: 'mean' | 'median' | 'mode' | number };

/** One policy for every column, or `{ columns: { age: 'median' }, default: 'error' }`. */
export type MissingOption = MissingPolicy | { columns: Record<string, MissingPolicy>; default?: MissingPolicy };

/** A policy resolved for one column: the rule and, for `value`, the number. */
export interface ColumnMissing {
  rule: MissingRule;
  value?: number;
}

const RULES = ['error', 'drop', 'mean', 'median', 'mode'];

/** Checks one policy (from code or a flag) and resolves it. */
export function checkMissingPolicy(p: MissingPolicy, where = 'missing'): ColumnMissing {
  const fill = typeof p === 'object' && p !== null ? p.fill : p;
  if (typeof fill === 'number') {
    if (!Number.isFinite(fill)) throw new ConfigError(`${where}: the fill value must be a finite number; got ${fill}`);
    return { rule: 'value', value: fill };
  }
  if (typeof fill === 'string' && RULES.includes(fill) && !(typeof p === 'object' && (fill === 'error' || fill === 'drop'))) return { rule: fill };
  throw new ConfigError(`${where}: unknown missing-value policy ${JSON.stringify(p)}; use 'error', 'drop', 'mean', 'median', 'mode' or a number (or { fill: … })`);
}

function isPerColumn(o: MissingOption): o is { columns: Record<string, MissingPolicy>; default?: MissingPolicy } {
  return typeof o === 'object' && o !== null && 'columns' in o;
}

/** The policy for the column `name` (default: error). Column names in a per-column option must exist: see `checkMissingColumns`. */
export function missingFor(o: MissingOption | undefined, name: string): ColumnMissing {
  if (o === undefined) return { rule: 'error' };
  if (!isPerColumn(o)) return checkMissingPolicy(o);
  const own = o.columns[name];
  if (own !== undefined) return checkMissingPolicy(own, `missing.columns["${name}"]`);
  return o.default === undefined ? { rule: 'error' } : checkMissingPolicy(o.default, 'missing.default');
}

/** Refuses per-column policies for columns the data does not have (a typo would be ignored otherwise). */
export function checkMissingColumns(o: MissingOption | undefined, columns: string[], file: string): void {
  if (o === undefined || !isPerColumn(o)) return;
  for (const name of Object.keys(o.columns)) {
    if (!columns.includes(name)) throw new ConfigError(`${file}: a missing-value policy names the column "${name}", which the data does not have; the columns are ${columns.join(', ')}`);
  }
}

/** The advice a missing-cell error gives: which option to pass. */
export function missingAdvice(column: string): string {
  return `pass missing: 'mean' | 'median' | 'mode' | 'drop' | <number> (CLI: --missing mean, or --missing ${column}=median for this column only)`;
}

/** Mean of the values. */
function meanOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Median: the middle value, or the mean of the two middle values (sorts `values` in place). */
export function medianOf(values: Float64Array): number {
  values.sort();
  const n = values.length;
  return n % 2 === 1 ? values[(n - 1) >> 1] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/** Mode: the most frequent value, ties to the smallest (sorts `values` in place). */
export function modeOf(values: Float64Array): number {
  values.sort();
  let best = values[0];
  let bestRun = 0;
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    if (j - i > bestRun) {
      bestRun = j - i;
      best = values[i];
    }
    i = j;
  }
  return best;
}

/** The fill of a numeric column by `rule` over its non-missing training values (null when there are none). */
export function numericFill(m: ColumnMissing, values: Float64Array): number | null {
  if (m.rule === 'value') return m.value!;
  if (values.length === 0) return null;
  if (m.rule === 'mean') return meanOf(values);
  if (m.rule === 'median') return medianOf(values);
  if (m.rule === 'mode') return modeOf(values);
  return null;
}

/**
 * The policy of one column, knowing its kind. For a categorical column an explicit mean, median
 * or number is refused (they have no meaning for categories); one given for all columns leaves
 * categorical columns at 'error' (their missing cells then say to pass mode or drop for them).
 */
export function columnMissing(o: MissingOption | undefined, name: string, categorical: boolean): ColumnMissing {
  const m = missingFor(o, name);
  if (!categorical || m.rule === 'error' || m.rule === 'drop' || m.rule === 'mode') return m;
  const explicit = o !== undefined && isPerColumn(o) && o.columns[name] !== undefined;
  if (explicit) throw new ConfigError(`column "${name}" is categorical: a missing category cannot be filled by ${m.rule === 'value' ? `the number ${m.value}` : m.rule}; use 'mode', 'drop' or 'error' for it`);
  return { rule: 'error' };
}

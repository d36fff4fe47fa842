/**
 * Preprocessing fitted in one pass over rows that never sit in memory together (a file streamed
 * chunk by chunk): per numeric column a running mean and Σ(x − mean)² (Welford, float64), min and
 * max; per categorical column and per class the counts; the values a median fill needs. The
 * result has the shape `prepare` fits on a resident table: the same rules (constant columns by
 * max == min, fills counted in the statistics, categories sorted, labels of the training rows).
 */
import type { ColumnEncoding, NormalizationKind } from '@backprop/core';
import { DataFileError } from './errors.js';
import type { ColumnMissing } from './missing.js';
import { medianOf, modeOf } from './missing.js';
import type { Normalization } from './normalize.js';
import { sortLabels, type Table } from './table.js';

/** Running moments of one numeric column. */
class Moments {
  n = 0;
  mean = 0;
  m2 = 0; // Σ (x − mean)²
  lo = Infinity;
  hi = -Infinity;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** As if k more values equal to f had been added (a fill of k missing cells). */
  addRepeated(f: number, k: number): void {
    if (k === 0) return;
    const n = this.n + k;
    const d = f - this.mean;
    this.m2 += (d * d * this.n * k) / n;
    this.mean += (d * k) / n;
    this.n = n;
    if (f < this.lo) this.lo = f;
    if (f > this.hi) this.hi = f;
  }

  /** shift and scale as fitNormalization defines them (offset c: the reference the values were stored against). */
  fit(kind: NormalizationKind): [number, number] {
    if (kind === 'none' || this.n === 0) return [0, 1];
    if (!(this.hi > this.lo)) return [this.lo, 1]; // constant over the training rows
    return kind === 'zscore' ? [this.mean, 1 / Math.sqrt(this.m2 / this.n)] : [this.lo, 1 / (this.hi - this.lo)];
  }
}

export class StreamFit {
  private readonly moments: Moments[];
  private readonly missingCount: Float64Array;
  private readonly values: (number[] | null)[]; // kept for a median or mode fill
  private readonly counts: (Map<string, number> | null)[]; // categories
  private readonly labelCounts = new Map<string, number>();
  private readonly targets: Moments[];
  rows = 0;

  constructor(
    private readonly names: string[],
    private readonly categorical: boolean[],
    private readonly policies: ColumnMissing[],
    nTargets: number,
  ) {
    const C = names.length;
    this.moments = names.map(() => new Moments());
    this.missingCount = new Float64Array(C);
    this.values = names.map((_, j) => (!categorical[j] && (policies[j].rule === 'median' || policies[j].rule === 'mode') ? [] : null));
    this.counts = names.map((_, j) => (categorical[j] ? new Map() : null));
    this.targets = Array.from({ length: nTargets }, () => new Moments());
  }

  /** Adds the rows `rows` of a chunk's table (training rows only). */
  add(t: Table, rows: Int32Array): void {
    const { X, nIn } = t;
    const target = t.target;
    for (const r of rows) {
      const row = r * nIn;
      for (let j = 0; j < nIn; j++) {
        const u = X[row + j];
        if (u !== u) {
          this.missingCount[j]++;
          continue;
        }
        if (this.categorical[j]) {
          const name = t.categories![j]![u];
          const m = this.counts[j]!;
          m.set(name, (m.get(name) ?? 0) + 1);
          continue;
        }
        const x = u / t.divisor + (t.offset?.[j] ?? 0);
        this.moments[j].add(x);
        this.values[j]?.push(x);
      }
      if (target.kind === 'classes') {
        const name = target.labels[target.y[r]];
        this.labelCounts.set(name, (this.labelCounts.get(name) ?? 0) + 1);
      } else {
        const K = target.names.length;
        for (let k = 0; k < K; k++) this.targets[k].add(target.Y[r * K + k]);
      }
      this.rows++;
    }
  }

  /** The columns with their categories and fills, and the per-column normalisation (offsets as given). */
  columns(kind: NormalizationKind, offset: Float64Array, file: string): { columns: ColumnEncoding[]; perColumn: Normalization } {
    const shift: number[] = [];
    const scale: number[] = [];
    const columns = this.names.map((name, j): ColumnEncoding => {
      const m = this.policies[j];
      if (this.categorical[j]) {
        const counts = this.counts[j]!;
        const categories = sortLabels(counts.keys());
        if (categories.length === 0) throw new DataFileError({ file, column: name, columnIndex: j }, 'the categorical column has no values in the training rows', 'leave it out (ignore) or give rows with values');
        shift.push(0);
        scale.push(1);
        if (m.rule !== 'mode') return { name, kind: 'categorical', categories, missing: m.rule };
        let fill = categories[0];
        for (const c of categories) if (counts.get(c)! > counts.get(fill)!) fill = c;
        return { name, kind: 'categorical', categories, missing: 'mode', fill };
      }
      const mo = this.moments[j];
      let col: ColumnEncoding = { name, kind: 'numeric', missing: m.rule };
      if (m.rule !== 'error' && m.rule !== 'drop') {
        const values = this.values[j];
        const fill = m.rule === 'value' ? m.value! : mo.n === 0 ? null : m.rule === 'mean' ? mo.mean : m.rule === 'median' ? medianOf(Float64Array.from(values!)) : modeOf(Float64Array.from(values!));
        if (fill === null) throw new DataFileError({ file, column: name, columnIndex: j }, `the column has no values in the training rows, so there is no ${m.rule} to fill with`, 'leave it out (ignore) or give a number to fill with');
        mo.addRepeated(fill, this.missingCount[j]);
        col = { name, kind: 'numeric', missing: m.rule, fill };
      }
      const [s, k] = mo.fit(kind);
      shift.push(s);
      scale.push(k);
      return col;
    });
    return { columns, perColumn: { kind, shift, scale, offset: Array.from(offset, (c, j) => (this.categorical[j] ? 0 : c)) } };
  }

  /** Class names of the training rows, sorted as prepare sorts them. */
  labels(): string[] {
    return sortLabels(this.labelCounts.keys());
  }

  /** Target normalisation fitted on the training rows. */
  targetNormalization(kind: NormalizationKind): { kind: NormalizationKind; shift: number[]; scale: number[] } {
    const fits = this.targets.map((m) => m.fit(kind));
    return { kind, shift: fits.map((f) => f[0]), scale: fits.map((f) => f[1]) };
  }
}

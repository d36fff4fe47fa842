/**
 * Errors for bad input data. Each message names where the problem is (file, line or row,
 * column) and how to fix it, so an app can print `err.message` as is.
 */
import { DataError, NumericError } from '@backprop/core';

/** Where in an input a value sits. Lines are 1-based file lines; rows are 0-based item indices. */
export interface Location {
  file?: string;
  line?: number;
  row?: number;
  /** Column name, or 0-based index. */
  column?: string | number;
  /** 0-based index of a named column, printed beside the name. */
  columnIndex?: number;
}

/** "data.csv, line 7, column "x2" (index 1)". */
export function describeLocation(at: Location): string {
  const parts: string[] = [];
  if (at.file !== undefined) parts.push(at.file);
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (typeof at.column === 'string') parts.push(`column "${at.column}"${at.columnIndex !== undefined ? ` (index ${at.columnIndex})` : ''}`);
  else if (typeof at.column === 'number') parts.push(`column ${at.column}`);
  return parts.length > 0 ? parts.join(', ') : 'input';
}

/** Malformed or unusable input at a known place: the message is "<where>: <problem>; <fix>". */
export class DataFileError extends DataError {
  readonly file: string | null;
  readonly line: number | null;
  readonly row: number | null;
  readonly column: string | number | null;

  /** `column` (optional): a column to record in `.column` without naming it in the message (e.g. where a short row ends). */
  constructor(at: Location, problem: string, fix: string, column?: string | number) {
    super(`${describeLocation(at)}: ${problem}; ${fix}`);
    this.file = at.file ?? null;
    this.line = at.line ?? null;
    this.row = at.row ?? null;
    this.column = at.column ?? column ?? null;
  }
}

/** A NaN or ±Infinity in the input: core's NumericError, with the same location fields as DataFileError. */
export class NonFiniteValueError extends NumericError {
  readonly file: string | null;
  readonly line: number | null;
  readonly row: number | null;
  readonly column: string | number | null;

  constructor(at: Location, value: number | string) {
    super(`${describeLocation(at)}: value ${String(value)} is not a finite number; replace it with a real value, or leave the cell empty and pass a missing-value policy (e.g. missing: 'mean', CLI --missing mean) or drop the row`);
    this.file = at.file ?? null;
    this.line = at.line ?? null;
    this.row = at.row ?? null;
    this.column = at.column ?? null;
  }
}

/** A NaN or ±Infinity in the input, at a known place. */
export function nonFiniteError(at: Location, value: number | string): NonFiniteValueError {
  return new NonFiniteValueError(at, value);
}

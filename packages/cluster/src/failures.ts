/** Which failures are the trial's own (a bad configuration: fail once, never retry) and which are the machine's. */
import { isUserError } from '@backprop/core';
import { SweepError } from './errors.js';

/** A user error (bad settings, bad data, a diverging run): retrying gives the same failure. */
export function isDeterministicFailure(e: unknown): boolean {
  return e instanceof SweepError || isUserError(e) || (e instanceof Error && e.name === 'UsageError');
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

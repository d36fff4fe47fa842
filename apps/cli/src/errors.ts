/** Usage errors of the CLI itself (bad flags, paths): printed as one line, exit code 2. */
import { SweepError } from '@backprop/cluster';
import { isUserError } from '@backprop/core';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** True for errors meant for the user as is: ours, core's typed errors, data's errors, the cluster's. */
export function isUsage(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof SweepError || isUserError(e);
}

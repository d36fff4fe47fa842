/** Errors meant for the user as they are (a bad sweep definition, an unreachable Redis): one line, no stack. */
export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

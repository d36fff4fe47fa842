/**
 * Typed errors for user mistakes. Each message names the problem and the fix, so apps can
 * print `err.message` without a stack trace (`isUserError`).
 */

/** Base class: a mistake in the input, never a bug. */
export class BackpropError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor or data shape that does not fit the network. */
export class ShapeError extends BackpropError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** An invalid setting: learning rate, batch size, unknown name, bad pairing. */
export class ConfigError extends BackpropError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

/** NaN or Inf in data, or a loss that diverged during training. */
export class NumericError extends BackpropError {
  constructor(message: string) {
    super('E_NUMERIC', message);
  }
}

/** A model file that is corrupt, truncated, oversized or of an unknown version. */
export class ModelFileError extends BackpropError {
  constructor(message: string) {
    super('E_MODEL_FILE', message);
  }
}

/** Data that cannot be used: empty, malformed, wrong label width. */
export class DataError extends BackpropError {
  constructor(message: string) {
    super('E_DATA', message);
  }
}

/** True for errors whose message is meant for the user as is. */
export function isUserError(e: unknown): e is BackpropError {
  return e instanceof BackpropError;
}

/**
 * Bad input from a user (flags, config files, tables, weight files, datasets). The CLI prints
 * its one-line message and exits with code 2; anything else is a bug and keeps its stack.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * A run stopped on request (Ctrl-C, SIGTERM): not a failure. The CLI prints its one-line message
 * and exits with 128 + the signal number (130 / 143), as a shell expects of a killed program.
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';

  constructor(
    readonly signal: StopSignal,
    message = `interrupted by ${signal}`,
  ) {
    super(message);
  }

  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

export function isInterrupted(e: unknown): e is Interrupted {
  return e instanceof Interrupted;
}

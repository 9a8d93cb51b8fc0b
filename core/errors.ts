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

import { InputError } from '../../core/errors.js';

/** A flag given beside `--resume`, the value it asks for, and the value the run already has. */
export interface FlagValue {
  readonly flag: string;
  readonly given: unknown;
  readonly stored: unknown;
}

/**
 * A resume continues a run as it was configured; a flag that would change it is refused (not
 * silently ignored), naming each conflicting flag and the run's value. Flags not given
 * (`undefined`) and flags equal to the run's value pass.
 */
export function refuseConflictingFlags(resumeDir: string, flags: readonly FlagValue[]): void {
  const conflicts = flags.filter((f) => f.given !== undefined && !sameValue(f.given, f.stored));
  if (conflicts.length === 0) return;
  const list = conflicts.map((f) => `--${f.flag} ${show(f.given)} (the run has ${show(f.stored)})`).join(', ');
  throw new InputError(`--resume ${resumeDir}: ${list} would change the run being resumed; drop ${conflicts.length === 1 ? 'it' : 'them'}, or start a new run with --out`);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(v: unknown): string {
  if (v === undefined || v === null) return 'none';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',');
  return String(v);
}

import { InputError } from '../../core/errors.js';
import { checkNumber, SEED, workersRule, type NumberRule } from '../validation/numbers.js';

/** A yargs `coerce` that accepts only a (positive, or non-negative) integer and names the flag otherwise. */
export function positiveInteger(flag: string, allowZero = false): (value: unknown) => number | undefined {
  return (value: unknown) => {
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) {
      throw new InputError(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(value)}`);
    }
    return n;
  };
}

export function positiveNumber(flag: string, allowZero = false): (value: unknown) => number | undefined {
  return (value: unknown) => {
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
      throw new InputError(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
    }
    return n;
  };
}

/** A yargs `coerce` for a numeric flag checked by one of the shared rules (experiments/validation/numbers.ts). */
export function ruleFlag(flag: string, rule: NumberRule): (value: unknown) => number | undefined {
  return (value: unknown) => (value === undefined ? undefined : checkNumber(value, rule, `--${flag}`));
}

/** --seed: the rule config.json and checkpoints are read back with. */
export const seedFlag = ruleFlag('seed', SEED);

/** --workers: at most twice the cores here (see maxWorkers). */
export const workersFlag = (value: unknown): number | undefined => ruleFlag('workers', workersRule())(value);

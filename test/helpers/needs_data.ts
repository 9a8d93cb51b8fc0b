/**
 * Skips for tests that need data the repository does not ship (NASC_DATA: CIFAR-10, HW-NAS-Bench,
 * NAS-Bench-201) or files that may be absent. Locally a missing input skips with the reason;
 * under CI=true it does not pass silently: the helper registers a failing test that names what is
 * missing (a skipped describe block would otherwise report "skipped 0" and look green).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/** The skip option for tests that need `what`: false when present; else the reason (and, under CI=true, a failing test). */
export function skipUnless(present: boolean, what: string): string | false {
  if (present) return false;
  const reason = `${what} is not available`;
  if (process.env.CI === 'true') {
    test(`CI=true: ${what} must be available`, () => {
      assert.fail(`${reason}; under CI=true a test that needs it fails instead of skipping`);
    });
  }
  return reason;
}

/** NASC_DATA when it is set (and holds `sub`, e.g. "cifar10"), else undefined. */
export function dataDir(...sub: string[]): string | undefined {
  const d = process.env.NASC_DATA;
  if (d === undefined || d === '') return undefined;
  return sub.every((s) => existsSync(path.join(d, s))) ? d : undefined;
}

/** The skip option for tests that need NASC_DATA with the given sub-folders. */
export function skipUnlessData(...sub: string[]): string | false {
  return skipUnless(dataDir(...sub) !== undefined, `NASC_DATA${sub.length > 0 ? ` with ${sub.join(', ')}` : ''} (set NASC_DATA to the data directory)`);
}

import type { TestContext } from 'node:test';

/**
 * The seed of a property test: NASC_FC_SEED when set (to reproduce or explore), else a fixed
 * default, so a run is reproducible; logged as a test diagnostic either way. fast-check also
 * prints seed and path of a failing case, which `fc.assert(…, { seed, path })` replays.
 */
export function fcSeed(t: TestContext, fallback = 20261130): number {
  const env = process.env.NASC_FC_SEED;
  const seed = env === undefined || env === '' ? fallback : Number(env);
  if (!Number.isSafeInteger(seed)) throw new Error(`NASC_FC_SEED must be an integer, got ${env}`);
  t.diagnostic(`fast-check seed ${seed} (set NASC_FC_SEED to change it)`);
  return seed;
}

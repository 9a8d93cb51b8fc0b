import type { AccuracyOracle, AccuracyResult, SubnetQuery } from '../../problems/nasc/accuracy_oracle.js';
import { Interrupted } from '../../core/errors.js';

/**
 * An oracle whose queries reject with the signal's reason once it is aborted (Ctrl-C), for
 * oracles that cannot stop themselves (the Redis queue: its jobs run on other machines and
 * their answers stay in Redis for a resume). The local worker pool stops on the signal itself,
 * letting running evaluations finish (workers/accuracy_pool.ts).
 */
export function abortable(oracle: AccuracyOracle, signal: AbortSignal): AccuracyOracle {
  const stopped = (): Error => (signal.reason instanceof Error ? signal.reason : new Interrupted('SIGINT'));
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(stopped());
    else signal.addEventListener('abort', () => reject(stopped()), { once: true });
  });
  aborted.catch(() => undefined); // observed per query below
  return {
    name: oracle.name,
    accuracy: (queries: readonly SubnetQuery[]): Promise<AccuracyResult[]> => Promise.race([oracle.accuracy(queries), aborted]),
    ...(oracle.close === undefined ? {} : { close: () => (oracle.close as () => Promise<void>)() }),
  };
}

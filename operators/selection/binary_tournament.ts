/**
 * NSGA-II's binary tournament: two distinct members drawn at random (with replacement between
 * tournaments); the winner is decided by, in order, Deb's constraint-domination on cv (feasible
 * beats infeasible, the smaller violation wins), the lower rank, the larger crowding distance,
 * and finally a fair coin. Needs rank and crowding set by survival.
 */
import type { Selection } from '../../core/components.js';
import type { Individual } from '../../core/individual.js';
import type { Rng } from '../../core/rng.js';

export class BinaryTournamentSelection implements Selection {
  readonly name = 'binary_tournament';

  select<Info>(population: readonly Individual<Info>[], count: number, rng: Rng): Individual<Info>[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`selection count must be a non-negative integer, got ${count}`);
    const n = population.length;
    if (count > 0 && n === 0) throw new RangeError('cannot select from an empty population');
    const out: Individual<Info>[] = [];
    for (let t = 0; t < count; t++) {
      if (n === 1) {
        out.push(population[0] as Individual<Info>);
        continue;
      }
      const i = rng.index(n);
      let j = rng.index(n - 1);
      if (j >= i) j += 1; // two different members
      out.push(tournament(population[i] as Individual<Info>, population[j] as Individual<Info>, rng));
    }
    return out;
  }
}

/** The winner of one tournament between a and b. */
export function tournament<Info>(a: Individual<Info>, b: Individual<Info>, rng: Rng): Individual<Info> {
  // Equal cv (both feasible, or equally infeasible) falls through to rank and crowding.
  const cvA = Number.isNaN(a.cv) ? Infinity : a.cv;
  const cvB = Number.isNaN(b.cv) ? Infinity : b.cv;
  if (cvA < cvB) return a;
  if (cvB < cvA) return b;
  if (a.rank < b.rank) return a;
  if (b.rank < a.rank) return b;
  if (a.crowding > b.crowding) return a;
  if (b.crowding > a.crowding) return b;
  return rng.index(2) === 0 ? a : b;
}

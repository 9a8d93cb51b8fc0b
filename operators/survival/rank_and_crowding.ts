/**
 * NSGA-II survival (Deb et al. 2002) with Deb's constraint handling: sort the candidates into
 * constrained fronts (feasible Pareto fronts first, then infeasible ones by ascending cv), take
 * whole fronts while they fit, and fill the rest from the next front by descending crowding
 * distance.
 *
 * rank = index of the constrained front, counted over feasible and infeasible fronts together.
 * crowding = crowding distance within that front, computed on the objectives for infeasible
 * fronts too (all members share one cv, so spread in objective space is the useful tie-break;
 * failed evaluations have all-Infinity objectives and end up with Infinity for the first copy,
 * 0 for the rest).
 */
import type { Survival } from '../../core/components.js';
import { crowdingDistance } from '../../core/crowding.js';
import type { Individual } from '../../core/individual.js';
import type { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';
import type { Fronts } from '../../core/sorting/non_dominated_sort.js';

export interface RankAndCrowdingOptions {
  /**
   * How equal crowding distances in the split front are ordered: 'index' (default) keeps the
   * candidates' order and draws nothing from the rng; 'random' shuffles with the run's rng
   * first, as pymoo does (only when a front is split, so the stream is unchanged otherwise).
   */
  readonly ties?: 'index' | 'random';
}

export class RankAndCrowdingSurvival implements Survival {
  readonly name = 'rank_and_crowding';
  private readonly ties: 'index' | 'random';

  constructor(options: RankAndCrowdingOptions = {}) {
    this.ties = options.ties ?? 'index';
  }

  survive<Info>(candidates: readonly Individual<Info>[], count: number, rng: Rng): Individual<Info>[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`survivor count must be a non-negative integer, got ${count}`);
    const fronts = sortIndividuals(candidates, Math.min(count, candidates.length));
    const survivors: Individual<Info>[] = [];
    for (let r = 0; r < fronts.length && survivors.length < count; r++) {
      const front = fronts[r] as number[];
      const crowding = crowdingDistance(front.map((i) => (candidates[i] as Individual<Info>).objectives));
      let order = front.map((_, t) => t);
      const room = count - survivors.length;
      if (front.length > room) {
        if (this.ties === 'random') rng.shuffle(order);
        // Array.prototype.sort is stable: equal crowding keeps the (index or shuffled) order.
        order.sort((a, b) => descending(crowding[a] as number, crowding[b] as number));
        order = order.slice(0, room);
      }
      for (const t of order) {
        const ind = candidates[front[t] as number] as Individual<Info>;
        ind.rank = r;
        ind.crowding = crowding[t] as number;
        survivors.push(ind);
      }
    }
    return survivors;
  }
}

/** Set rank and crowding on every individual (e.g. an initial population that is not truncated). */
export function assignRankAndCrowding<Info>(individuals: readonly Individual<Info>[]): void {
  const fronts = sortIndividuals(individuals, individuals.length);
  fronts.forEach((front, r) => {
    const crowding = crowdingDistance(front.map((i) => (individuals[i] as Individual<Info>).objectives));
    front.forEach((i, t) => {
      const ind = individuals[i] as Individual<Info>;
      ind.rank = r;
      ind.crowding = crowding[t] as number;
    });
  });
}

function sortIndividuals<Info>(individuals: readonly Individual<Info>[], until: number): Fronts {
  return constrainedNonDominatedSort(
    individuals.map((ind) => ind.objectives),
    individuals.map((ind) => ind.cv),
    { until },
  );
}

/** Larger first; Infinity before finite values, equal values (Infinity included) tie. */
function descending(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

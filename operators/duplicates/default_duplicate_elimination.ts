import type { DuplicateElimination } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import { EpsilonDuplicateElimination } from './epsilon.js';
import { HashDuplicateElimination } from './hash.js';

/** Exact hashing for discrete spaces, ε-comparison (default ε) as soon as any variable is real. */
export function defaultDuplicateElimination(space: SearchSpace): DuplicateElimination {
  return space.discrete ? new HashDuplicateElimination() : new EpsilonDuplicateElimination();
}

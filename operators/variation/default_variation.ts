import type { Variation } from '../../core/components.js';
import type { SearchSpace } from '../../core/space.js';
import { SimulatedBinaryCrossover } from '../crossover/sbx.js';
import { PolynomialMutation } from '../mutation/polynomial.js';
import { CrossoverThenMutation } from './crossover_then_mutation.js';
import { MixedVariation, type VariationOptions } from './mixed_variation.js';

/**
 * The variation a space gets when none is configured: SBX + polynomial mutation for an all-real
 * space (the NSGA-II classic), MixedVariation otherwise.
 */
export function defaultVariation(space: SearchSpace, options: VariationOptions = {}): Variation {
  if (space.kinds.size === 1 && space.kinds.has('real')) {
    return new CrossoverThenMutation(
      new SimulatedBinaryCrossover({
        ...(options.crossoverProb === undefined ? {} : { prob: options.crossoverProb }),
        ...(options.crossoverEta === undefined ? {} : { eta: options.crossoverEta }),
      }),
      new PolynomialMutation({
        ...(options.mutationProb === undefined ? {} : { prob: options.mutationProb }),
        ...(options.mutationEta === undefined ? {} : { eta: options.mutationEta }),
      }),
      { space },
    );
  }
  return new MixedVariation(options);
}

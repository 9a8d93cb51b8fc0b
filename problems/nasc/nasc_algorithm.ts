/**
 * The NASC search as a recipe: NSGA-II on (architecture, split[, precision]) with the operators
 * this genome needs —
 *   - the split repair (best split for lossless payloads by default, privacy only on request),
 *   - a random reset of the split gene with its own probability, so the split can jump to any
 *     allowed value (SBX and polynomial mutation move an ordered integer in small steps, and the
 *     splits next to a good one are often slower, so they never cross to it),
 *   - feasibility screening: latency is known from the tables before any image is run, so only
 *     genomes that are not provably over the bound are evaluated (initial population included);
 *   - optionally surrogate screening (`surrogate: true`): of 10 × offspring mated candidates, those
 *     a predictor of accuracy ranks best — latency and the bound are exact and free, so only
 *     accuracy is predicted (Problem.cheapEvaluate) — with feasibility screening until the
 *     predictor has a population's worth of data.
 */
import type { Mutation, Repair } from '../../core/components.js';
import type { GenerationalAlgorithm } from '../../core/generational.js';
import { knownViolation } from '../../core/problem.js';
import type { Rng } from '../../core/rng.js';
import type { Genome } from '../../core/variables.js';
import { InputError } from '../../core/errors.js';
import { nsga2 } from '../../operators/algorithms/nsga2.js';
import { FunctionRepair } from '../../operators/repair/function.js';
import { RandomResetMutation } from '../../operators/mutation/random_reset.js';
import { FeasibilityScreening } from '../../operators/screening/feasibility_screening.js';
import { SurrogateScreening, type SurrogateScreeningOptions } from '../../operators/screening/surrogate_screening.js';
import { MixedVariation } from '../../operators/variation/mixed_variation.js';
import { VariationThenMutation } from '../../operators/variation/variation_then_mutation.js';
import { DEFAULT_SPLIT_REPAIR, splitRepair, type SplitRepairName } from './best_split_repair.js';
import type { NascInfo, NascProblem } from './problem.js';
import { BOTTLENECK_GENE, SPLIT_GENE } from './search_space.js';
import { BOTTLENECK_LEVELS } from './bottleneck.js';
import { SizeStratifiedSampling } from './size_stratified_sampling.js';

/** Defaults, measured on the NASC problem (see README "split operators"). */
export const NASC_ALGORITHM_DEFAULTS = {
  populationSize: 20,
  /** Per-gene mutation probability of the layer genes (measured on NAS-Bench-201). */
  mutationProb: 0.05,
  crossoverProb: 0.9,
  /**
   * Probability that a child's split is redrawn uniformly from the other allowed values. Measured
   * on the int8 scenario (split searched; 100 evaluations, 3 seeds, results/split-reset-int8):
   * median validation HV 7.37 without the reset (= plain NSGA-II's SBX + polynomial steps),
   * 7.69 at 0.2, 8.47 at 0.5.
   */
  splitResetProb: 0.5,
} as const;

export interface NascAlgorithmOptions {
  readonly populationSize?: number;
  readonly splitRepair?: SplitRepairName;
  /** A ready repair (wins over splitRepair), e.g. the one a comparison gives every strategy. */
  readonly repair?: Repair;
  readonly splitResetProb?: number;
  readonly mutationProb?: number;
  readonly crossoverProb?: number;
  /** Evaluate only genomes not provably over the latency bound (default true). */
  readonly feasibilityScreening?: boolean;
  /** Surrogate screening of offspring by predicted accuracy (default off); options tune it. */
  readonly surrogate?: boolean | Omit<SurrogateScreeningOptions, 'cheap' | 'fallback' | 'minTrainingSize'>;
  readonly initialGenomes?: readonly Genome[];
  /**
   * Extended space: the narrowest bottleneck level the search may propose (1 C/2 … 4 C/16; default:
   * all). Narrower genes are clamped to it before evaluation, as hwnas(max-bottleneck=N) deploys.
   */
  readonly maxBottleneckLevel?: number;
  /**
   * How the initial population is drawn (before screening): 'uniform' (default) or
   * 'size-stratified' (each network its own skip probability, so sizes spread from tiny to
   * all-conv; size_stratified_sampling.ts).
   */
  readonly initialSampling?: InitialSamplingName;
}

export const INITIAL_SAMPLINGS = ['uniform', 'size-stratified'] as const;
export type InitialSamplingName = (typeof INITIAL_SAMPLINGS)[number];

export function nascAlgorithm(problem: NascProblem, options: NascAlgorithmOptions, rng: Rng): GenerationalAlgorithm<NascInfo> {
  const d = NASC_ALGORITHM_DEFAULTS;
  const mixed = new MixedVariation({ mutationProb: options.mutationProb ?? d.mutationProb, crossoverProb: options.crossoverProb ?? d.crossoverProb });
  const hasSplitGene = problem.space.variables.some((v) => v.name === SPLIT_GENE);
  const splitReset: Mutation[] = hasSplitGene && (options.splitResetProb ?? d.splitResetProb) > 0
    ? [new RandomResetMutation({ genes: [SPLIT_GENE], prob: options.splitResetProb ?? d.splitResetProb })]
    : [];
  const feasibility = options.feasibilityScreening === false ? undefined : feasibilityScreening(problem);
  const populationSize = options.populationSize ?? d.populationSize;
  const screening =
    options.surrogate === undefined || options.surrogate === false
      ? feasibility
      : new SurrogateScreening({
          ...(options.surrogate === true ? {} : options.surrogate),
          minTrainingSize: populationSize,
          cheap: (g) => problem.cheapEvaluate(g),
          ...(feasibility === undefined ? {} : { fallback: feasibility }),
        });
  const baseRepair = options.repair ?? splitRepair(problem, options.splitRepair ?? DEFAULT_SPLIT_REPAIR);
  const repair = options.maxBottleneckLevel === undefined ? baseRepair : bottleneckCap(problem, options.maxBottleneckLevel, baseRepair);
  return nsga2<NascInfo>(
    problem.space,
    {
      name: 'nasc-nsga2',
      populationSize,
      variation: splitReset.length === 0 ? mixed : new VariationThenMutation(mixed, splitReset),
      repair,
      duplicateScope: 'archive',
      ...(options.initialSampling === 'size-stratified' ? { sampling: new SizeStratifiedSampling() } : {}),
      ...(screening === undefined ? {} : { screening }),
      ...(options.initialGenomes === undefined ? {} : { initialGenomes: options.initialGenomes }),
    },
    rng,
  );
}

/**
 * Initial candidates drawn per place: at a 20 ms bound only 0.1 % of random architectures meet it
 * even at their best split (2.2 % at 50 Mbit/s; HW-NAS-Bench tables, raspi4 → edgegpu), so 500
 * draws per place (≈ 0.2 s of table look-ups for a population of 20) find a few feasible ones.
 */
export const INITIAL_OVERSAMPLING = 500;

/** Screening by the latency bound and privacy, both known from the tables. */
export function feasibilityScreening(problem: NascProblem): FeasibilityScreening {
  return new FeasibilityScreening({ violation: (g) => knownViolation(problem.cheapEvaluate(g)), initialOversampling: INITIAL_OVERSAMPLING });
}

/** Clamps the bottleneck gene to `maxLevel`, then applies `then` (the split repair). */
function bottleneckCap(problem: NascProblem, maxLevel: number, then: Repair): Repair {
  const gene = problem.space.variables.findIndex((v) => v.name === BOTTLENECK_GENE);
  if (gene < 0) throw new InputError('nasc: max-bottleneck needs the extended space (a bottleneck gene)');
  if (!Number.isInteger(maxLevel) || maxLevel < 0 || maxLevel >= BOTTLENECK_LEVELS) throw new InputError(`nasc: max-bottleneck must be an integer in 0..${BOTTLENECK_LEVELS - 1}, got ${maxLevel}`);
  return new FunctionRepair(`bottleneck-cap-${maxLevel}+${then.name}`, (genome, space) => {
    const capped = [...genome];
    if ((capped[gene] as number) > maxLevel) capped[gene] = maxLevel;
    return then.repair(space, capped);
  });
}

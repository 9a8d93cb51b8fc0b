/**
 * What the baselines share: each is a strategy (an ask/tell Algorithm) on the same NascProblem as
 * NASC — scenario, latency model, accuracy oracle and cache — so `nasc compare`, the main job and
 * the paper reproduction run them with the same budget of accuracy evaluations, seeds and
 * indicators. Searching baselines run NSGA-II on their own view of the problem (an inner
 * genome of 22 layer genes) embedded into the NASC genome.
 */
import type { Screening } from '../../../core/components.js';
import type { GenerationalAlgorithm } from '../../../core/generational.js';
import type { Evaluation } from '../../../core/individual.js';
import type { CheapEvaluation } from '../../../core/problem.js';
import type { Rng } from '../../../core/rng.js';
import type { SearchSpace } from '../../../core/space.js';
import type { Genome } from '../../../core/variables.js';
import { nsga2 } from '../../../operators/algorithms/nsga2.js';
import { FeasibilityScreening } from '../../../operators/screening/feasibility_screening.js';
import { SurrogateScreening } from '../../../operators/screening/surrogate_screening.js';
import { MixedVariation } from '../../../operators/variation/mixed_variation.js';
import type { PayloadPrecision } from '../accuracy_oracle.js';
import { INITIAL_OVERSAMPLING, NASC_ALGORITHM_DEFAULTS, type InitialSamplingName } from '../nasc_algorithm.js';
import type { NascInfo, NascProblem } from '../problem.js';
import { MAX_SPLIT, checkArchitecture, nascSearchSpace, type DecodedGenome } from '../search_space.js';
import { SizeStratifiedSampling } from '../size_stratified_sampling.js';

/** Settings every baseline strategy takes (the rest is fixed by its definition). */
export interface BaselineOptions {
  readonly populationSize?: number;
  /**
   * Surrogate screening of the inner offspring by predicted accuracy, as nasc(surrogate=true)
   * does (the device latency and the bound are exact): a comparison with a surrogate-assisted
   * NASC then differs only in what is searched.
   */
  readonly surrogate?: boolean;
  /** Initial architectures: uniform (default) or size-stratified, as nasc(init=…) offers. */
  readonly initialSampling?: InitialSamplingName;
}

/** The inner genome of a searching baseline: 22 layer genes (the architecture). */
export const ARCHITECTURE_SPACE: SearchSpace = nascSearchSpace({ split: { fixed: MAX_SPLIT }, precision: 'fp32' });

/** NSGA-II as NASC configures it, on the architecture genes (same population, rates, de-duplication). */
export function innerNsga2<Info>(name: string, options: BaselineOptions, rng: Rng, screening?: Screening): GenerationalAlgorithm<Info> {
  const d = NASC_ALGORITHM_DEFAULTS;
  return nsga2<Info>(
    ARCHITECTURE_SPACE,
    {
      name,
      populationSize: options.populationSize ?? d.populationSize,
      variation: new MixedVariation({ mutationProb: d.mutationProb, crossoverProb: d.crossoverProb }),
      duplicateScope: 'archive',
      ...(options.initialSampling === 'size-stratified' ? { sampling: new SizeStratifiedSampling() } : {}),
      ...(screening === undefined ? {} : { screening }),
    },
    rng,
  );
}

/** Screening by whole-network device latency ≤ bound (known from the tables). */
export function deviceBoundScreening(problem: NascProblem): FeasibilityScreening {
  const bound = problem.scenario.latencyBoundMs;
  return new FeasibilityScreening({ violation: (arch) => Math.max(0, problem.model.deviceOnlyMs(arch) - bound), initialOversampling: INITIAL_OVERSAMPLING });
}

/**
 * The inner screening of a baseline under the device bound: feasibility by the tables, or with
 * `surrogate` the surrogate screening that falls back to it, predicting only what `cheap` (the
 * inner objectives and constraints known for free, e.g. latency) leaves unknown.
 */
export function innerScreening(problem: NascProblem, options: BaselineOptions, cheap: (architecture: Genome) => CheapEvaluation): Screening {
  const feasibility = deviceBoundScreening(problem);
  if (options.surrogate !== true) return feasibility;
  return new SurrogateScreening({ minTrainingSize: options.populationSize ?? NASC_ALGORITHM_DEFAULTS.populationSize, cheap, fallback: feasibility });
}

/** What a baseline ranking by [error, device-only latency] under the bound knows of an architecture for free. */
export function deviceLatencyKnown(problem: NascProblem): (architecture: Genome) => CheapEvaluation {
  const bound = problem.scenario.latencyBoundMs;
  return (arch) => {
    const deviceMs = problem.model.deviceOnlyMs(arch);
    return { objectives: [null, deviceMs], constraints: [deviceMs - bound] };
  };
}

/** The precision a baseline sends when it has no choice to make: the scenario's, or fp32 when searched. */
export function defaultPrecision(problem: NascProblem): PayloadPrecision {
  return problem.scenario.precision === 'search' ? 'fp32' : problem.scenario.precision;
}

/** A NASC genome for (architecture, split) that any layout accepts: at s ∈ {0, 22} the precision is moot. */
export function genomeAt(problem: NascProblem, architecture: readonly number[], split: number, precision: PayloadPrecision = defaultPrecision(problem)): Genome {
  checkArchitecture(architecture);
  const layout = problem.layout;
  const p: PayloadPrecision = layout.precision === 'search' ? precision : layout.precision;
  const d: DecodedGenome = { architecture: [...architecture], split, precision: p };
  return problem.encode(d);
}

/** An evaluation passed through with its failure, if any, and new objectives/constraints. */
export function translated<Info>(outer: Evaluation<NascInfo>, objectives: readonly number[], constraints: readonly number[], info: Info): Evaluation<Info> {
  return outer.failure === undefined ? { objectives, constraints, info } : { objectives, constraints, info, failure: outer.failure };
}

/** The architecture an (outer) NASC evaluation was made for. */
export function architectureOf(genome: Genome): number[] {
  return genome.slice(0, ARCHITECTURE_SPACE.size);
}

import type { Algorithm, AlgorithmState } from './algorithm.js';
import { PendingBatch } from './pending_batch.js';
import type { DuplicateElimination, Repair, Sampling, Screening, Selection, Survival, Variation } from './components.js';
import { individualFromJSON, individualToJSON, makeIndividual, type Evaluation, type Individual } from './individual.js';
import { Rng } from './rng.js';
import type { SearchSpace } from './space.js';
import type { Genome, VariableKind } from './variables.js';

/** Against what a new genome must be new: the current population, or everything ever evaluated. */
export type DuplicateScope = 'population' | 'archive';

export interface GenerationalComponents {
  readonly sampling: Sampling;
  readonly selection: Selection;
  readonly variation: Variation;
  readonly survival: Survival;
  readonly repair?: Repair;
  readonly duplicates?: DuplicateElimination;
  /** Picks which new candidates are evaluated (feasibility, surrogate); absent = all of them. */
  readonly screening?: Screening;
}

export interface GenerationalOptions {
  readonly populationSize: number;
  /** Offspring per generation; defaults to the population size. Any positive integer. */
  readonly offspringSize?: number;
  /** Genomes evaluated first (warm start); sampling fills the rest of the initial population. */
  readonly initialGenomes?: readonly Genome[];
  readonly duplicateScope?: DuplicateScope;
  /** Rounds of mating tried to find enough new genomes before settling for fewer. */
  readonly maxMatingRounds?: number;
}

/**
 * A (μ + λ) generational evolutionary algorithm assembled from components, after jMetal's
 * ComponentBasedEvolutionaryAlgorithm. NSGA-II, and most of its relatives, are recipes that
 * choose the components. The random stream is owned by the run and saved with the state.
 */
export class GenerationalAlgorithm<Info = unknown> implements Algorithm<Info> {
  readonly name: string;
  private readonly space: SearchSpace;
  private readonly components: GenerationalComponents;
  private readonly populationSize: number;
  private readonly offspringSize: number;
  private readonly initialGenomes: readonly Genome[];
  private readonly duplicateScope: DuplicateScope;
  private readonly maxMatingRounds: number;
  private rng: Rng;
  private pop: Individual<Info>[] = [];
  /** Every genome evaluated, kept only when duplicates are judged against the archive. */
  private archive: Genome[] = [];
  private readonly pending = new PendingBatch<Genome>();
  private started = false;
  private gen = 0;
  private evals = 0;

  constructor(name: string, space: SearchSpace, components: GenerationalComponents, options: GenerationalOptions, rng: Rng) {
    const { populationSize } = options;
    if (!Number.isSafeInteger(populationSize) || populationSize < 1) {
      throw new Error(`population size must be a positive integer, got ${populationSize}`);
    }
    const offspringSize = options.offspringSize ?? populationSize;
    if (!Number.isSafeInteger(offspringSize) || offspringSize < 1) {
      throw new Error(`offspring size must be a positive integer, got ${offspringSize}`);
    }
    for (const op of [components.sampling, components.variation]) checkKinds(op.name, op.kinds, space.kinds);
    for (const g of options.initialGenomes ?? []) space.validate(g);
    this.name = name;
    this.space = space;
    this.components = components;
    this.populationSize = populationSize;
    this.offspringSize = offspringSize;
    this.initialGenomes = options.initialGenomes ?? [];
    this.duplicateScope = options.duplicateScope ?? 'population';
    this.maxMatingRounds = options.maxMatingRounds ?? 100;
    this.rng = rng;
  }

  get generation(): number {
    return this.gen;
  }

  get evaluations(): number {
    return this.evals;
  }

  population(): readonly Individual<Info>[] {
    return this.pop;
  }

  ask(limit = Infinity): Genome[] {
    const batch = this.started ? this.offspring(Math.min(limit, this.offspringSize)) : this.initial(Math.min(limit, this.populationSize));
    this.pending.start(batch);
    return batch.map((g) => [...g]);
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void {
    const pending = this.pending.finish(genomes, evaluations);
    if (pending.length === 0) return; // nothing new could be proposed: the state stays as it is
    const evaluated = pending.map((g, i) => makeIndividual(g, evaluations[i] as Evaluation<Info>));
    this.evals += evaluated.length;
    if (this.duplicateScope === 'archive') this.archive.push(...pending);
    // Before survival, which sets rank and crowding on the individuals in place.
    this.components.screening?.observe?.(evaluated);
    if (!this.started) {
      this.started = true;
      this.pop = this.components.survival.survive(evaluated, this.populationSize, this.rng);
    } else {
      this.pop = this.components.survival.survive([...this.pop, ...evaluated], this.populationSize, this.rng);
      this.gen += 1;
    }
  }

  saveState(): AlgorithmState<Info> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    return {
      algorithm: this.name,
      version: 1,
      rng: this.rng.state(),
      generation: this.gen,
      evaluations: this.evals,
      population: this.pop.map((ind) => individualToJSON(ind)),
      extra: {
        started: this.started,
        archive: this.archive.map((g) => [...g]),
        ...(this.components.screening?.saveState === undefined ? {} : { screening: this.components.screening.saveState() }),
      },
    };
  }

  loadState(state: AlgorithmState<Info>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const extra = state.extra as { started?: unknown; archive?: unknown; screening?: unknown } | undefined;
    if (typeof extra?.started !== 'boolean' || !Array.isArray(extra.archive)) throw new Error('state lacks the generational fields');
    const { screening } = this.components;
    if (screening?.loadState !== undefined) {
      if (extra.screening === undefined) throw new Error(`state lacks the state of screening ${screening.name}`);
      screening.loadState(extra.screening);
    }
    this.rng = Rng.fromState(state.rng);
    this.gen = state.generation;
    this.evals = state.evaluations;
    this.pop = state.population.map((j) => individualFromJSON(j));
    for (const ind of this.pop) this.space.validate(ind.genome);
    this.archive = (extra.archive as number[][]).map((g) => [...g]);
    this.started = extra.started;
    this.pending.reset();
  }

  private initial(count: number): Genome[] {
    const { sampling } = this.components;
    const chosen = this.dedupe(this.initialGenomes.map((g) => this.repair(g)), []).slice(0, count);
    const pool = this.poolSize(count - chosen.length, 'initial');
    const drawn: Genome[] = [];
    for (let round = 0; drawn.length < pool && round < this.maxMatingRounds; round++) {
      const sampled = sampling.sample(this.space, pool - drawn.length, this.rng).map((g) => this.repair(g));
      drawn.push(...this.dedupe(sampled, [...chosen, ...drawn]));
    }
    return [...chosen, ...this.screen(drawn, count - chosen.length)];
  }

  private offspring(count: number): Genome[] {
    const { selection, variation } = this.components;
    const pool = this.poolSize(count, 'offspring');
    const accepted: Genome[] = [];
    for (let round = 0; accepted.length < pool && round < this.maxMatingRounds; round++) {
      const need = pool - accepted.length;
      const matings = Math.ceil(need / variation.children);
      const parents = selection.select(this.pop, matings * variation.parents, this.rng);
      const children: Genome[] = [];
      for (let m = 0; m < matings; m++) {
        const group = parents.slice(m * variation.parents, (m + 1) * variation.parents).map((p) => p.genome);
        children.push(...variation.vary(this.space, group, this.rng).map((g) => this.repair(g)));
      }
      accepted.push(...this.dedupe(children, accepted).slice(0, need));
    }
    return this.screen(accepted, count);
  }

  private poolSize(count: number, phase: 'initial' | 'offspring'): number {
    const { screening } = this.components;
    if (screening === undefined || count <= 0) return Math.max(0, count);
    const n = screening.candidatesFor(count, phase);
    if (!Number.isSafeInteger(n) || n < count) throw new Error(`screening ${screening.name} asked for ${n} candidates to fill ${count}`);
    return n;
  }

  private screen(candidates: readonly Genome[], count: number): Genome[] {
    const { screening } = this.components;
    if (screening === undefined) return candidates.slice(0, count);
    const kept = screening.screen(this.space, candidates, count, this.pop, this.rng);
    if (kept.length > count) throw new Error(`screening ${screening.name} kept ${kept.length} of ${count} places`);
    return kept;
  }

  private repair(genome: Genome): Genome {
    const { repair } = this.components;
    return repair === undefined ? genome : repair.repair(this.space, genome);
  }

  /** The candidates that are new with respect to each other, `alsoAgainst`, and the scope. */
  private dedupe(candidates: readonly Genome[], alsoAgainst: readonly Genome[]): Genome[] {
    const { duplicates } = this.components;
    if (duplicates === undefined) return [...candidates];
    const scope = this.duplicateScope === 'archive' ? this.archive : this.pop.map((p) => p.genome);
    return duplicates.filter(this.space, candidates, [...scope, ...alsoAgainst]);
  }
}

function checkKinds(name: string, accepted: ReadonlySet<VariableKind>, needed: ReadonlySet<VariableKind>): void {
  for (const kind of needed) {
    if (!accepted.has(kind)) throw new Error(`operator ${name} does not handle ${kind} variables`);
  }
}

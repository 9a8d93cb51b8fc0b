import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { individualFromJSON, individualToJSON, makeIndividual, type Evaluation, type Individual, type IndividualJSON } from '../../core/individual.js';
import { PendingBatch } from '../../core/pending_batch.js';
import type { Genome } from '../../core/variables.js';

/**
 * How an inner search space maps into an outer problem: every inner genome becomes one outer
 * genome, and each outer evaluation is translated into what the inner algorithm optimises.
 */
export interface Embedding<InnerInfo, OuterInfo> {
  /** The outer genome an inner genome stands for (deterministic). */
  embed(inner: Genome): Genome;
  /** What the inner algorithm is told of the outer evaluation of `embed(inner)`. */
  feedback(inner: Genome, outer: Evaluation<OuterInfo>): Evaluation<InnerInfo>;
}

interface EmbeddedExtra<InnerInfo> {
  readonly inner: AlgorithmState<InnerInfo>;
  /** Inner genome of each member of the saved (outer) population, in order. */
  readonly innerGenomes: number[][];
}

/**
 * Runs an algorithm on another view of a problem and answers it through the outer problem —
 * e.g. hardware-aware NAS (architectures ranked by device-only latency) whose every architecture
 * is evaluated at its best split on the split-computing problem. Budgets are counted on the outer
 * problem, so a baseline built this way gets exactly the evaluations of any other strategy.
 */
export class EmbeddedAlgorithm<InnerInfo, OuterInfo> implements Algorithm<OuterInfo> {
  private readonly pending = new PendingBatch<Genome>();
  /** Outer individual of every inner genome told so far that is still in the inner population. */
  private outer = new Map<string, Individual<OuterInfo>>();

  constructor(
    readonly name: string,
    private readonly inner: Algorithm<InnerInfo>,
    private readonly embedding: Embedding<InnerInfo, OuterInfo>,
  ) {}

  get generation(): number {
    return this.inner.generation;
  }

  get evaluations(): number {
    return this.inner.evaluations;
  }

  ask(limit?: number): Genome[] {
    const batch = this.inner.ask(limit);
    this.pending.start(batch.map((g) => [...g]));
    return batch.map((g) => this.embedding.embed(g));
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<OuterInfo>[]): void {
    const innerBatch = this.pending.finish(genomes, evaluations);
    this.inner.tell(
      innerBatch,
      innerBatch.map((g, i) => this.embedding.feedback(g, evaluations[i] as Evaluation<OuterInfo>)),
    );
    innerBatch.forEach((g, i) => this.outer.set(g.join(','), makeIndividual(genomes[i] as Genome, evaluations[i] as Evaluation<OuterInfo>)));
    // Keep only what the inner population still holds, so memory stays bounded.
    const alive = new Set(this.inner.population().map((ind) => ind.genome.join(',')));
    for (const k of [...this.outer.keys()]) if (!alive.has(k)) this.outer.delete(k);
  }

  /** The inner population, as the outer individuals that were evaluated for it. */
  population(): readonly Individual<OuterInfo>[] {
    return this.inner.population().flatMap((ind) => {
      const o = this.outer.get(ind.genome.join(','));
      return o === undefined ? [] : [o];
    });
  }

  saveState(): AlgorithmState<OuterInfo> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    const inner = this.inner.saveState();
    const members = this.inner.population().flatMap((ind) => {
      const o = this.outer.get(ind.genome.join(','));
      return o === undefined ? [] : [{ innerGenome: [...ind.genome], outer: o }];
    });
    const extra: EmbeddedExtra<InnerInfo> = { inner, innerGenomes: members.map((m) => m.innerGenome) };
    return {
      algorithm: this.name,
      version: 1,
      rng: inner.rng,
      generation: inner.generation,
      evaluations: inner.evaluations,
      population: members.map((m) => individualToJSON(m.outer)),
      extra,
    };
  }

  loadState(state: AlgorithmState<OuterInfo>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const extra = state.extra as Partial<EmbeddedExtra<InnerInfo>> | undefined;
    if (extra?.inner === undefined || !Array.isArray(extra.innerGenomes) || extra.innerGenomes.length !== state.population.length) {
      throw new Error('state lacks the embedded algorithm fields');
    }
    this.inner.loadState(extra.inner);
    this.outer = new Map(extra.innerGenomes.map((g, i) => [g.join(','), individualFromJSON(state.population[i] as IndividualJSON<OuterInfo>)]));
    this.pending.reset();
  }
}

import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { individualFromJSON, individualToJSON, makeIndividual, type Evaluation, type Individual } from '../../core/individual.js';
import { PendingBatch } from '../../core/pending_batch.js';
import type { Genome } from '../../core/variables.js';

/**
 * Evaluates a given list of genomes and then has nothing more to propose — the "strategy" of a
 * baseline that deploys known designs (e.g. well-known networks at their best split), so it can
 * be run, budgeted and reported like any search.
 */
export class FixedGenomes<Info = unknown> implements Algorithm<Info> {
  private readonly pending = new PendingBatch<Genome>();
  private evaluated: Individual<Info>[] = [];
  private next = 0;

  constructor(
    readonly name: string,
    private readonly genomes: readonly Genome[],
  ) {}

  get generation(): number {
    return 0;
  }

  get evaluations(): number {
    return this.evaluated.length;
  }

  ask(limit = Infinity): Genome[] {
    const batch = this.genomes.slice(this.next, this.next + Math.max(0, Math.min(limit, this.genomes.length - this.next))).map((g) => [...g]);
    return this.pending.start(batch).map((g) => [...g]);
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void {
    const batch = this.pending.finish(genomes, evaluations);
    this.next += batch.length;
    batch.forEach((g, i) => this.evaluated.push(makeIndividual(g, evaluations[i] as Evaluation<Info>)));
  }

  population(): readonly Individual<Info>[] {
    return this.evaluated;
  }

  saveState(): AlgorithmState<Info> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    return { algorithm: this.name, version: 1, rng: [0, 0, 0, 0], generation: 0, evaluations: this.evaluated.length, population: this.evaluated.map((i) => individualToJSON(i)), extra: { next: this.next } };
  }

  loadState(state: AlgorithmState<Info>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const next = (state.extra as { next?: unknown } | undefined)?.next;
    if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0 || next > this.genomes.length) throw new Error('state lacks the fixed-genomes position');
    this.evaluated = state.population.map((j) => individualFromJSON(j));
    this.next = next;
    this.pending.reset();
  }
}

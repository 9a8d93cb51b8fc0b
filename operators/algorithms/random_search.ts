import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { PendingBatch } from '../../core/pending_batch.js';
import type { Repair, Sampling, Screening } from '../../core/components.js';
import { makeIndividual, type Evaluation, type Individual, type IndividualJSON } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { UniformSampling } from '../sampling/uniform.js';
import { NondominatedArchive } from './nondominated_archive.js';

export interface RandomSearchOptions {
  /** Genomes per ask (default 100, so a batch matches a default NSGA-II generation). */
  readonly batchSize?: number;
  readonly sampling?: Sampling;
  /** Draws tried per wanted genome before a batch settles for fewer (default 100). */
  readonly maxDrawsPerGenome?: number;
  /** Applied to every drawn genome before the duplicate check (e.g. the NASC split repairs). */
  readonly repair?: Repair;
  /** Which drawn genomes are evaluated (e.g. only those not provably infeasible); default all. */
  readonly screening?: Screening;
}

interface RandomSearchExtra {
  readonly evaluated: number[][];
  readonly batches: number;
}

/**
 * Random search: genomes drawn from `sampling` (uniform by default). In a discrete space a genome
 * already evaluated, or already in the batch, is never proposed again; once the whole space is
 * evaluated ask() returns an empty batch. The population is the non-dominated archive of
 * everything evaluated.
 */
export class RandomSearch<Info = unknown> implements Algorithm<Info> {
  readonly name = 'random_search';
  private readonly space: SearchSpace;
  private readonly sampling: Sampling;
  private readonly batchSize: number;
  private readonly maxDraws: number;
  private readonly repair: Repair | undefined;
  private readonly screening: Screening | undefined;
  private rng: Rng;
  private archive = new NondominatedArchive<Info>();
  /** Keys of every evaluated genome (discrete spaces only; reals never repeat in practice). */
  private seen = new Set<string>();
  private evaluatedGenomes: Genome[] = [];
  private readonly pending = new PendingBatch<Genome>();
  private batches = 0;
  private evals = 0;

  constructor(space: SearchSpace, options: RandomSearchOptions, rng: Rng) {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    this.space = space;
    this.sampling = options.sampling ?? new UniformSampling();
    for (const k of space.kinds) if (!this.sampling.kinds.has(k)) throw new Error(`sampling ${this.sampling.name} does not handle ${k} variables`);
    this.batchSize = batchSize;
    this.maxDraws = options.maxDrawsPerGenome ?? 100;
    this.repair = options.repair;
    this.screening = options.screening;
    this.rng = rng;
  }

  get generation(): number {
    return Math.max(0, this.batches - 1);
  }

  get evaluations(): number {
    return this.evals;
  }

  population(): readonly Individual<Info>[] {
    return this.archive.individuals();
  }

  ask(limit = Infinity): Genome[] {
    const places = Math.min(limit, this.batchSize, this.space.discrete ? this.space.cardinality() - this.seen.size : Infinity);
    const want = this.screening === undefined || places <= 0 ? places : this.screening.candidatesFor(places, 'initial');
    let batch: Genome[] = [];
    const inBatch = new Set<string>();
    for (let draws = 0; batch.length < want && draws < want * this.maxDraws; ) {
      const sampled = this.sampling.sample(this.space, want - batch.length, this.rng);
      const drawn = this.repair === undefined ? sampled : sampled.map((g) => (this.repair as Repair).repair(this.space, g));
      draws += drawn.length;
      for (const g of drawn) {
        if (batch.length >= want) break;
        if (this.space.discrete) {
          const key = this.space.key(g);
          if (this.seen.has(key) || inBatch.has(key)) continue;
          inBatch.add(key);
        }
        batch.push(g);
      }
    }
    // Rejection sampling rarely hits the last few unseen genomes of a small space: draw those
    // uniformly from the enumerated remainder instead.
    // (Not with a repair: it maps many genomes to one, so "unseen" would not stay unseen.)
    if (batch.length < want && this.repair === undefined && this.space.discrete && this.space.cardinality() <= ENUMERATION_LIMIT) {
      const rest = unseenGenomes(this.space, (k) => this.seen.has(k) || inBatch.has(k));
      this.rng.shuffle(rest);
      batch.push(...rest.slice(0, want - batch.length));
    }
    if (this.screening !== undefined) batch = this.screening.screen(this.space, batch, places, this.archive.individuals(), this.rng);
    this.pending.start(batch);
    return batch.map((g) => [...g]);
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void {
    const pending = this.pending.finish(genomes, evaluations);
    if (pending.length === 0) return;
    pending.forEach((g, i) => {
      this.archive.add(makeIndividual(g, evaluations[i] as Evaluation<Info>));
      this.evaluatedGenomes.push(g);
      if (this.space.discrete) this.seen.add(this.space.key(g));
    });
    this.evals += pending.length;
    this.batches += 1;
  }

  saveState(): AlgorithmState<Info> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    const extra: RandomSearchExtra = { evaluated: this.evaluatedGenomes.map((g) => [...g]), batches: this.batches };
    return {
      algorithm: this.name,
      version: 1,
      rng: this.rng.state(),
      generation: this.generation,
      evaluations: this.evals,
      population: this.archive.toJSON(),
      extra,
    };
  }

  loadState(state: AlgorithmState<Info>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const extra = state.extra as { evaluated?: unknown; batches?: unknown } | undefined;
    if (!Array.isArray(extra?.evaluated) || typeof extra.batches !== 'number') throw new Error('state lacks the random-search fields');
    const evaluated = extra.evaluated as number[][];
    for (const g of evaluated) this.space.validate(g);
    this.rng = Rng.fromState(state.rng);
    this.evals = state.evaluations;
    this.batches = extra.batches;
    this.archive = NondominatedArchive.fromJSON(state.population as IndividualJSON<Info>[]);
    this.evaluatedGenomes = evaluated.map((g) => [...g]);
    this.seen = this.space.discrete ? new Set(evaluated.map((g) => this.space.key(g))) : new Set();
    this.pending.reset();
  }
}

/** Largest discrete space whose unseen genomes random search will enumerate. */
const ENUMERATION_LIMIT = 1 << 20;

/** Every genome of a discrete space whose key `skip` rejects not, in mixed-radix order. */
function unseenGenomes(space: SearchSpace, skip: (key: string) => boolean): Genome[] {
  const domains = space.variables.map((v) => {
    switch (v.kind) {
      case 'integer':
        return Array.from({ length: v.upper - v.lower + 1 }, (_, i) => v.lower + i);
      case 'categorical':
        return v.choices.map((_, i) => i);
      case 'binary':
        return [0, 1];
      case 'real':
        throw new Error('unseenGenomes: real variables cannot be enumerated');
    }
  });
  const out: Genome[] = [];
  const digits = domains.map(() => 0);
  for (;;) {
    const g = digits.map((d, i) => (domains[i] as number[])[d] as number);
    if (!skip(space.key(g))) out.push(g);
    let i = 0;
    while (i < digits.length) {
      digits[i] = (digits[i] as number) + 1;
      if ((digits[i] as number) < (domains[i] as number[]).length) break;
      digits[i] = 0;
      i++;
    }
    if (i === digits.length) return out;
  }
}

/** Factory in the style of `nsga2(space, options, rng)`. */
export function randomSearch<Info = unknown>(space: SearchSpace, options: RandomSearchOptions, rng: Rng): RandomSearch<Info> {
  return new RandomSearch<Info>(space, options, rng);
}

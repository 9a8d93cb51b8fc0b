import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { PendingBatch } from '../../core/pending_batch.js';
import type { DuplicateElimination, Repair, Sampling, Selection, Variation } from '../../core/components.js';
import { crowdingDistance } from '../../core/crowding.js';
import { individualFromJSON, individualToJSON, makeIndividual, type Evaluation, type Individual, type IndividualJSON } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { defaultDuplicateElimination } from '../duplicates/default_duplicate_elimination.js';
import { UniformSampling } from '../sampling/uniform.js';
import { BinaryTournamentSelection } from '../selection/binary_tournament.js';
import { kendallTau, spearmanRho } from '../surrogate/rank_correlation.js';
import { SurrogateModel, type SurrogateKind } from '../surrogate/surrogate_model.js';
import { RankAndCrowdingSurvival } from '../survival/rank_and_crowding.js';
import { defaultVariation } from '../variation/default_variation.js';

export interface SurrogateNsga2Options {
  readonly populationSize?: number;
  /** Genomes truly evaluated per generation (default: the population size). */
  readonly offspringSize?: number;
  /** Candidates generated per evaluated offspring, k (default 10, best of 3/5/10 on NAS-Bench-201): k × offspring are screened. */
  readonly candidateFactor?: number;
  /** Predictor (default 'boosted-trees', which ranked best on NAS-Bench-201; see operators/surrogate). */
  readonly surrogate?: SurrogateKind;
  /** Ridge penalty for the ridge predictors (default 1). */
  readonly ridgeLambda?: number;
  /**
   * Indices of the objectives that are expensive and therefore predicted (default: all). The
   * others come from `cheapObjectives`, which must then be given.
   */
  readonly expensive?: readonly number[];
  /** All objective values of each genome, of which only the non-expensive ones are used. */
  readonly cheapObjectives?: (genomes: readonly Genome[]) => readonly (readonly number[])[];
  /** Fewest evaluated genomes before screening starts (default: the population size). */
  readonly minTrainingSize?: number;
  readonly sampling?: Sampling;
  readonly selection?: Selection;
  readonly variation?: Variation;
  readonly repair?: Repair;
  /** Default: exact/ε duplicate elimination against everything evaluated. */
  readonly duplicates?: DuplicateElimination;
  readonly initialGenomes?: readonly Genome[];
  /** Rounds of mating tried to find enough new candidates (default 100). */
  readonly maxMatingRounds?: number;
}

/** How well the predictor ranked the offspring it chose, measured once their true values came in. */
export interface SurrogateRecord {
  readonly generation: number;
  /** Evaluated genomes the predictor was fitted on. */
  readonly trainingSize: number;
  readonly candidates: number;
  /** Per predicted target (expensive objectives, then constraints): Kendall τ-b and Spearman ρ. */
  readonly tau: number[];
  readonly rho: number[];
}

interface Screened {
  readonly genome: Genome;
  /** Predicted targets, when the batch was screened. */
  readonly predicted?: readonly number[];
}

interface SurrogateExtra {
  readonly started: boolean;
  readonly archive: IndividualJSON[];
  readonly records: SurrogateRecord[];
  /** Predicted vs true targets of every screened, evaluated genome (for pooled correlations). */
  readonly pairs: [number[], number[]][];
}

/**
 * Surrogate-assisted NSGA-II (pre-screening, as in e.g. Emmerich et al. 2006 / Lu et al.'s NSGANetV2
 * without the bi-level part): each generation mates k × offspringSize new candidates with NSGA-II's
 * selection and variation, fits a predictor on every genome evaluated so far, and truly evaluates
 * only the offspringSize candidates that rank best on predicted values — constrained
 * non-dominated rank among the current population (true values) and the candidates (predicted),
 * then crowding distance. Survival is NSGA-II's on true values. Constraints, when the problem has
 * any, are predicted like expensive objectives.
 *
 * Every prediction made for an evaluated genome is out of sample, so the recorded Kendall τ /
 * Spearman ρ are held-out rank correlations — on the chosen candidates, a range-restricted sample
 * that makes them lower than on random genomes.
 */
export class SurrogateNsga2<Info = unknown> implements Algorithm<Info> {
  readonly name = 'surrogate_nsga2';
  private readonly space: SearchSpace;
  private readonly populationSize: number;
  private readonly offspringSize: number;
  private readonly factor: number;
  private readonly kind: SurrogateKind;
  private readonly ridgeLambda: number;
  private readonly expensive: readonly number[] | undefined;
  private readonly cheap: SurrogateNsga2Options['cheapObjectives'];
  private readonly minTraining: number;
  private readonly sampling: Sampling;
  private readonly selection: Selection;
  private readonly variation: Variation;
  private readonly repair: Repair | undefined;
  private readonly duplicates: DuplicateElimination;
  private readonly initialGenomes: readonly Genome[];
  private readonly maxMatingRounds: number;
  private readonly survival = new RankAndCrowdingSurvival();
  private rng: Rng;
  private pop: Individual<Info>[] = [];
  private archive: Individual<Info>[] = [];
  private records: SurrogateRecord[] = [];
  private pairs: [number[], number[]][] = [];
  private readonly pending = new PendingBatch<Screened>();
  private pendingTraining = 0;
  private pendingCandidates = 0;
  private started = false;
  private gen = 0;

  constructor(space: SearchSpace, options: SurrogateNsga2Options, rng: Rng) {
    this.populationSize = options.populationSize ?? 100;
    this.offspringSize = options.offspringSize ?? this.populationSize;
    this.factor = options.candidateFactor ?? 10;
    for (const [what, v] of [['population size', this.populationSize], ['offspring size', this.offspringSize]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, got ${v}`);
    }
    if (!(this.factor >= 1)) throw new Error(`candidate factor must be ≥ 1, got ${this.factor}`);
    if (options.expensive !== undefined && options.cheapObjectives === undefined) {
      throw new Error('surrogate NSGA-II: `expensive` names the predicted objectives, so `cheapObjectives` must give the others');
    }
    this.space = space;
    this.kind = options.surrogate ?? 'boosted-trees';
    this.ridgeLambda = options.ridgeLambda ?? 1;
    this.expensive = options.expensive;
    this.cheap = options.cheapObjectives;
    this.minTraining = options.minTrainingSize ?? this.populationSize;
    this.sampling = options.sampling ?? new UniformSampling();
    this.selection = options.selection ?? new BinaryTournamentSelection();
    this.variation = options.variation ?? defaultVariation(space);
    this.repair = options.repair;
    this.duplicates = options.duplicates ?? defaultDuplicateElimination(space);
    this.initialGenomes = options.initialGenomes ?? [];
    this.maxMatingRounds = options.maxMatingRounds ?? 100;
    this.rng = rng;
    for (const op of [this.sampling, this.variation]) {
      for (const k of space.kinds) if (!op.kinds.has(k)) throw new Error(`operator ${op.name} does not handle ${k} variables`);
    }
    for (const g of this.initialGenomes) space.validate(g);
  }

  get generation(): number {
    return this.gen;
  }

  get evaluations(): number {
    return this.archive.length;
  }

  population(): readonly Individual<Info>[] {
    return this.pop;
  }

  /** Held-out rank correlations of the predictor, one record per screened generation. */
  surrogateRecords(): readonly SurrogateRecord[] {
    return this.records;
  }

  /** τ and ρ per target pooled over every screened genome evaluated so far. */
  pooledCorrelation(): { tau: number[]; rho: number[]; count: number } {
    const targets = this.pairs[0]?.[0].length ?? 0;
    const column = (side: 0 | 1, t: number) => this.pairs.map((p) => p[side][t] as number);
    return {
      tau: Array.from({ length: targets }, (_, t) => kendallTau(column(0, t), column(1, t))),
      rho: Array.from({ length: targets }, (_, t) => spearmanRho(column(0, t), column(1, t))),
      count: this.pairs.length,
    };
  }

  /**
   * For reports, per predicted target t: held-out τ and ρ pooled over every screened genome
   * (`surrogateTau<t>`, `surrogateRho<t>`; pooling across generations includes their spread) and
   * the median of the per-generation τ (`surrogateTauPerGeneration<t>`, the stricter figure).
   */
  figures(): Record<string, number> {
    const { tau, rho } = this.pooledCorrelation();
    const out: Record<string, number> = {};
    tau.forEach((t, i) => {
      out[`surrogateTau${i}`] = t;
      out[`surrogateRho${i}`] = rho[i] as number;
      const perGen = this.records.map((r) => r.tau[i] as number).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const mid = perGen.length >> 1;
      out[`surrogateTauPerGeneration${i}`] = perGen.length === 0 ? Number.NaN : perGen.length % 2 === 1 ? (perGen[mid] as number) : ((perGen[mid - 1] as number) + (perGen[mid] as number)) / 2;
    });
    return out;
  }

  ask(limit = Infinity): Genome[] {
    const batch = this.started ? this.screened(Math.min(limit, this.offspringSize)) : this.initial(Math.min(limit, this.populationSize)).map((genome) => ({ genome }));
    this.pending.start(batch);
    return batch.map((s) => [...s.genome]);
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void {
    const pending = this.pending.finish(genomes, evaluations);
    if (pending.length === 0) return;
    const evaluated = pending.map((s, i) => makeIndividual(s.genome, evaluations[i] as Evaluation<Info>));
    // Copies: survival sets rank and crowding on population members in place, the archive keeps none.
    this.archive.push(...evaluated.map((ind) => ({ ...ind, rank: Number.NaN, crowding: Number.NaN })));
    this.record(pending, evaluated);
    if (!this.started) {
      this.started = true;
      this.pop = this.survival.survive(evaluated, this.populationSize, this.rng);
    } else {
      this.pop = this.survival.survive([...this.pop, ...evaluated], this.populationSize, this.rng);
      this.gen += 1;
    }
  }

  saveState(): AlgorithmState<Info> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    const extra: SurrogateExtra = {
      started: this.started,
      archive: this.archive.map((ind) => individualToJSON(ind) as IndividualJSON),
      records: this.records.map((r) => ({ ...r, tau: [...r.tau], rho: [...r.rho] })),
      pairs: this.pairs.map(([p, t]) => [[...p], [...t]]),
    };
    return {
      algorithm: this.name,
      version: 1,
      rng: this.rng.state(),
      generation: this.gen,
      evaluations: this.archive.length,
      population: this.pop.map((ind) => individualToJSON(ind)),
      extra: JSON.parse(JSON.stringify(extra)) as unknown, // τ may be NaN: JSON makes it null, as a resume sees it
    };
  }

  loadState(state: AlgorithmState<Info>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const extra = state.extra as Partial<SurrogateExtra> | undefined;
    if (typeof extra?.started !== 'boolean' || !Array.isArray(extra.archive) || !Array.isArray(extra.records) || !Array.isArray(extra.pairs)) {
      throw new Error('state lacks the surrogate NSGA-II fields');
    }
    this.rng = Rng.fromState(state.rng);
    this.gen = state.generation;
    this.pop = state.population.map((j) => individualFromJSON(j));
    this.archive = extra.archive.map((j) => individualFromJSON(j as IndividualJSON<Info>));
    for (const ind of this.archive) this.space.validate(ind.genome);
    this.records = extra.records.map((r) => ({ ...r, tau: r.tau.map(nullToNaN), rho: r.rho.map(nullToNaN) }));
    this.pairs = extra.pairs.map(([p, t]) => [[...p], [...t]]);
    this.started = extra.started;
    this.pending.reset();
  }

  private initial(count: number): Genome[] {
    const chosen = this.dedupe(this.initialGenomes.map((g) => this.repaired(g)), []).slice(0, count);
    for (let round = 0; chosen.length < count && round < this.maxMatingRounds; round++) {
      const sampled = this.sampling.sample(this.space, count - chosen.length, this.rng).map((g) => this.repaired(g));
      chosen.push(...this.dedupe(sampled, chosen));
    }
    return chosen;
  }

  /** Mates k × count new candidates and keeps the count best by predicted rank and crowding. */
  private screened(count: number): Screened[] {
    if (count <= 0) return [];
    const training = this.archive.filter((ind) => ind.objectives.every(Number.isFinite) && ind.constraints.every(Number.isFinite));
    const screen = training.length >= this.minTraining;
    const want = screen ? Math.ceil(count * this.factor) : count;
    const candidates = this.mate(want);
    this.pendingTraining = screen ? training.length : 0;
    this.pendingCandidates = candidates.length;
    if (!screen || candidates.length <= count) return candidates.slice(0, count).map((genome) => ({ genome }));
    const model = new SurrogateModel(this.space, { kind: this.kind, lambda: this.ridgeLambda });
    model.fit(
      training.map((ind) => ind.genome),
      training.map((ind) => this.targetsOf(ind.objectives, ind.constraints)),
      this.rng,
    );
    const predicted = model.predict(candidates);
    const cheap = this.expensive === undefined ? undefined : (this.cheap as NonNullable<SurrogateNsga2Options['cheapObjectives']>)(candidates);
    const m = this.pop[0]?.objectives.length ?? 0;
    const objectives = predicted.map((p, i) => this.objectivesFrom(p, cheap?.[i], m));
    const cvs = predicted.map((p) => {
      let cv = 0;
      for (let t = this.expensiveCount(m); t < p.length; t++) cv += Math.max(0, p[t] as number);
      return cv;
    });
    // Rank the candidates among the current population: a candidate only the population dominates
    // is not promising, however it compares with the other candidates.
    const points = [...this.pop.map((ind) => ind.objectives), ...objectives];
    const cv = [...this.pop.map((ind) => ind.cv), ...cvs];
    const fronts = constrainedNonDominatedSort(points, cv);
    const chosen: number[] = [];
    for (const front of fronts) {
      const mine = front.filter((i) => i >= this.pop.length);
      if (mine.length === 0) continue;
      const room = count - chosen.length;
      if (mine.length <= room) chosen.push(...mine);
      else {
        const crowd = crowdingDistance(front.map((i) => points[i] as readonly number[]));
        const byIndex = new Map(front.map((i, t) => [i, crowd[t] as number]));
        const order = [...mine].sort((a, b) => descending(byIndex.get(a) as number, byIndex.get(b) as number));
        chosen.push(...order.slice(0, room));
      }
      if (chosen.length >= count) break;
    }
    return chosen.map((i) => ({ genome: candidates[i - this.pop.length] as Genome, predicted: predicted[i - this.pop.length] as number[] }));
  }

  private mate(count: number): Genome[] {
    const accepted: Genome[] = [];
    for (let round = 0; accepted.length < count && round < this.maxMatingRounds; round++) {
      const need = count - accepted.length;
      const matings = Math.ceil(need / this.variation.children);
      const parents = this.selection.select(this.pop, matings * this.variation.parents, this.rng);
      const children: Genome[] = [];
      for (let k = 0; k < matings; k++) {
        const group = parents.slice(k * this.variation.parents, (k + 1) * this.variation.parents).map((p) => p.genome);
        children.push(...this.variation.vary(this.space, group, this.rng).map((g) => this.repaired(g)));
      }
      accepted.push(...this.dedupe(children, accepted).slice(0, need));
    }
    return accepted;
  }

  private record(pending: readonly Screened[], evaluated: readonly Individual<Info>[]): void {
    const rows: [number[], number[]][] = [];
    pending.forEach((s, i) => {
      const ind = evaluated[i] as Individual<Info>;
      if (s.predicted === undefined || !ind.objectives.every(Number.isFinite)) return;
      rows.push([[...s.predicted], this.targetsOf(ind.objectives, ind.constraints)]);
    });
    if (rows.length === 0) return;
    this.pairs.push(...rows);
    const targets = (rows[0] as [number[], number[]])[0].length;
    const column = (side: 0 | 1, t: number) => rows.map((r) => r[side][t] as number);
    this.records.push({
      generation: this.gen + 1,
      trainingSize: this.pendingTraining,
      candidates: this.pendingCandidates,
      tau: Array.from({ length: targets }, (_, t) => kendallTau(column(0, t), column(1, t))),
      rho: Array.from({ length: targets }, (_, t) => spearmanRho(column(0, t), column(1, t))),
    });
  }

  private expensiveCount(m: number): number {
    return this.expensive === undefined ? m : this.expensive.length;
  }

  /** What the predictor learns: the expensive objectives, then every constraint. */
  private targetsOf(objectives: readonly number[], constraints: readonly number[]): number[] {
    const obj = this.expensive === undefined ? [...objectives] : this.expensive.map((k) => objectives[k] as number);
    return [...obj, ...constraints];
  }

  private objectivesFrom(predicted: readonly number[], cheap: readonly number[] | undefined, m: number): number[] {
    if (this.expensive === undefined) return predicted.slice(0, m);
    const out = [...(cheap as readonly number[])];
    this.expensive.forEach((k, t) => {
      out[k] = predicted[t] as number;
    });
    return out;
  }

  private repaired(genome: Genome): Genome {
    return this.repair === undefined ? genome : this.repair.repair(this.space, genome);
  }

  /** New with respect to each other, `alsoAgainst`, and everything evaluated. */
  private dedupe(candidates: readonly Genome[], alsoAgainst: readonly Genome[]): Genome[] {
    return this.duplicates.filter(this.space, candidates, [...this.archive.map((ind) => ind.genome), ...alsoAgainst]);
  }
}

function descending(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function nullToNaN(x: number | null): number {
  return x === null ? Number.NaN : x;
}

/** Factory in the style of `nsga2(space, options, rng)`. */
export function surrogateNsga2<Info = unknown>(space: SearchSpace, options: SurrogateNsga2Options, rng: Rng): SurrogateNsga2<Info> {
  return new SurrogateNsga2<Info>(space, options, rng);
}

import type { Screening } from '../../core/components.js';
import { crowdingDistance } from '../../core/crowding.js';
import { individualFromJSON, individualToJSON, type Individual, type IndividualJSON } from '../../core/individual.js';
import type { CheapEvaluation } from '../../core/problem.js';
import type { Rng } from '../../core/rng.js';
import { constrainedNonDominatedSort } from '../../core/sorting/constrained_sort.js';
import type { SearchSpace } from '../../core/space.js';
import type { Genome } from '../../core/variables.js';
import { kendallTau, spearmanRho } from '../surrogate/rank_correlation.js';
import { SurrogateModel, type SurrogateKind } from '../surrogate/surrogate_model.js';

export interface SurrogateScreeningOptions {
  /** Candidates per evaluated offspring, k (default 10, best of 3/5/10 on NAS-Bench-201): k × offspring are screened. */
  readonly candidateFactor?: number;
  /** Predictor (default 'boosted-trees', which ranked best on NAS-Bench-201; see operators/surrogate). */
  readonly surrogate?: SurrogateKind;
  /** Ridge penalty for the ridge predictors (default 1). */
  readonly ridgeLambda?: number;
  /** Fewest evaluated genomes before screening starts (the recipe passes the population size). */
  readonly minTrainingSize: number;
  /**
   * What the problem knows of a genome for free (Problem.cheapEvaluate): known objectives and
   * constraints are used as they are, only the unknown ones (`null`) are predicted. Absent:
   * everything is predicted.
   */
  readonly cheap?: (genome: Genome) => CheapEvaluation;
  /**
   * The screening used while the predictor is not ready (the initial population, too little
   * training data), e.g. feasibility screening by the known constraints. Absent: candidates are
   * kept as drawn.
   */
  readonly fallback?: Screening;
}

/** How well the predictor ranked the offspring it chose, measured once their true values came in. */
export interface SurrogateRecord {
  readonly generation: number;
  /** Evaluated genomes the predictor was fitted on. */
  readonly trainingSize: number;
  readonly candidates: number;
  /** Per predicted target (predicted objectives, then predicted constraints): Kendall τ-b and Spearman ρ. */
  readonly tau: number[];
  readonly rho: number[];
}

interface SurrogateScreeningState {
  readonly observed: number;
  readonly archive: IndividualJSON[];
  readonly records: SurrogateRecord[];
  /** Predicted vs true targets of every screened, evaluated genome (for pooled correlations). */
  readonly pairs: [number[], number[]][];
}

/** Which objectives and constraints the predictor learns: those some candidate does not know for free. */
interface Targets {
  readonly objectives: readonly number[];
  readonly constraints: readonly number[];
}

/**
 * Surrogate pre-screening (e.g. Emmerich et al. 2006; Lu et al.'s NSGANetV2 without the bi-level
 * part): the engine mates k × offspring candidates, a predictor fitted on every genome evaluated
 * so far estimates what is not known for free, and only the candidates that rank best — by
 * constrained non-dominated rank among the current population (true values) and the candidates
 * (predicted or cheaply known values), then crowding distance — are truly evaluated. Screening
 * starts once `minTrainingSize` genomes with finite values have been seen; before that (and for
 * the initial population) it defers to the fallback screening, or keeps the candidates as drawn.
 *
 * Every prediction made for an evaluated genome is out of sample, so the recorded Kendall τ /
 * Spearman ρ are held-out rank correlations — on the chosen candidates, a range-restricted sample
 * that makes them lower than on random genomes.
 */
export class SurrogateScreening implements Screening {
  readonly name = 'surrogate-screening';
  private readonly factor: number;
  private readonly kind: SurrogateKind;
  private readonly ridgeLambda: number;
  private readonly minTraining: number;
  private archive: Individual[] = [];
  private records: SurrogateRecord[] = [];
  private pairs: [number[], number[]][] = [];
  private observed = 0;
  /** Predictions for the genomes of the batch being evaluated, by genome key. */
  private pending = new Map<string, number[]>();
  private pendingTraining = 0;
  private pendingCandidates = 0;
  private pendingTargets: Targets | undefined;

  constructor(private readonly options: SurrogateScreeningOptions) {
    this.factor = options.candidateFactor ?? 10;
    if (!(this.factor >= 1)) throw new Error(`candidate factor must be ≥ 1, got ${this.factor}`);
    if (!Number.isSafeInteger(options.minTrainingSize) || options.minTrainingSize < 1) {
      throw new Error(`minimum training size must be a positive integer, got ${options.minTrainingSize}`);
    }
    this.kind = options.surrogate ?? 'boosted-trees';
    this.ridgeLambda = options.ridgeLambda ?? 1;
    this.minTraining = options.minTrainingSize;
  }

  candidatesFor(count: number, phase: 'initial' | 'offspring'): number {
    if (phase === 'offspring' && this.ready()) return Math.ceil(count * this.factor);
    return this.options.fallback?.candidatesFor(count, phase) ?? count;
  }

  screen<Info>(space: SearchSpace, candidates: readonly Genome[], count: number, population: readonly Individual<Info>[], rng: Rng): Genome[] {
    this.pending = new Map();
    this.pendingCandidates = candidates.length;
    const training = this.training();
    const screen = training.length >= this.minTraining && population.length > 0;
    this.pendingTraining = screen ? training.length : 0;
    if (!screen) return this.options.fallback?.screen(space, candidates, count, population, rng) ?? candidates.slice(0, count);
    if (candidates.length <= count) return candidates.slice(0, count);

    const m = population[0]?.objectives.length ?? 0;
    const nc = population[0]?.constraints.length ?? 0;
    const cheap = this.options.cheap === undefined ? undefined : candidates.map((g) => (this.options.cheap as (g: Genome) => CheapEvaluation)(g));
    const targets = targetsOf(cheap, m, nc);
    this.pendingTargets = targets;
    const model = new SurrogateModel(space, { kind: this.kind, lambda: this.ridgeLambda });
    model.fit(
      training.map((ind) => ind.genome),
      training.map((ind) => pick(ind, targets)),
      rng,
    );
    const predicted = model.predict(candidates);
    const objectives: number[][] = [];
    const cvs: number[] = [];
    candidates.forEach((_, i) => {
      const p = predicted[i] as number[];
      const known = cheap?.[i];
      const obj = Array.from({ length: m }, (_, k) => known?.objectives[k] ?? Number.NaN);
      targets.objectives.forEach((k, t) => (obj[k] = p[t] as number));
      const con = Array.from({ length: nc }, (_, k) => known?.constraints[k] ?? Number.NaN);
      targets.constraints.forEach((k, t) => (con[k] = p[targets.objectives.length + t] as number));
      objectives.push(obj);
      cvs.push(con.reduce((s, g) => s + Math.max(0, g), 0));
    });
    // Rank the candidates among the current population: a candidate only the population dominates
    // is not promising, however it compares with the other candidates.
    const points = [...population.map((ind) => ind.objectives), ...objectives];
    const cv = [...population.map((ind) => ind.cv), ...cvs];
    const fronts = constrainedNonDominatedSort(points, cv);
    const chosen: number[] = [];
    for (const front of fronts) {
      const mine = front.filter((i) => i >= population.length);
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
    return chosen.map((i) => {
      const j = i - population.length;
      const genome = candidates[j] as Genome;
      this.pending.set(genome.join(','), predicted[j] as number[]);
      return genome;
    });
  }

  observe<Info>(evaluated: readonly Individual<Info>[]): void {
    this.options.fallback?.observe?.(evaluated);
    // Copies: survival sets rank and crowding on population members in place; info is not needed.
    this.archive.push(...evaluated.map((ind) => copyOf(ind)));
    const targets = this.pendingTargets;
    const rows: [number[], number[]][] = [];
    if (targets !== undefined) {
      for (const ind of evaluated) {
        const p = this.pending.get(ind.genome.join(','));
        if (p === undefined || !ind.objectives.every(Number.isFinite)) continue;
        rows.push([[...p], pick(ind, targets)]);
      }
    }
    if (rows.length > 0) {
      this.pairs.push(...rows);
      const n = (rows[0] as [number[], number[]])[0].length;
      const column = (side: 0 | 1, t: number) => rows.map((r) => r[side][t] as number);
      this.records.push({
        generation: this.observed,
        trainingSize: this.pendingTraining,
        candidates: this.pendingCandidates,
        tau: Array.from({ length: n }, (_, t) => kendallTau(column(0, t), column(1, t))),
        rho: Array.from({ length: n }, (_, t) => spearmanRho(column(0, t), column(1, t))),
      });
    }
    this.observed += 1;
    this.pending = new Map();
    this.pendingTargets = undefined;
  }

  saveState(): SurrogateScreeningState {
    const state: SurrogateScreeningState = {
      observed: this.observed,
      archive: this.archive.map((ind) => individualToJSON(ind) as IndividualJSON),
      records: this.records.map((r) => ({ ...r, tau: [...r.tau], rho: [...r.rho] })),
      pairs: this.pairs.map(([p, t]) => [[...p], [...t]]),
    };
    return JSON.parse(JSON.stringify(state)) as SurrogateScreeningState; // τ may be NaN: JSON makes it null, as a resume sees it
  }

  loadState(raw: unknown): void {
    const s = raw as Partial<SurrogateScreeningState> | undefined;
    if (typeof s?.observed !== 'number' || !Array.isArray(s.archive) || !Array.isArray(s.records) || !Array.isArray(s.pairs)) {
      throw new Error('state lacks the surrogate screening fields');
    }
    this.observed = s.observed;
    this.archive = s.archive.map((j) => individualFromJSON(j));
    this.records = s.records.map((r) => ({ ...r, tau: r.tau.map(nullToNaN), rho: r.rho.map(nullToNaN) }));
    this.pairs = s.pairs.map(([p, t]) => [[...p], [...t]]);
    this.pending = new Map();
    this.pendingTargets = undefined;
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

  private training(): Individual[] {
    return this.archive.filter((ind) => ind.objectives.every(Number.isFinite) && ind.constraints.every(Number.isFinite));
  }

  private ready(): boolean {
    return this.training().length >= this.minTraining;
  }
}

/** Objectives and constraints unknown for free to at least one candidate (all of them without a cheap evaluation). */
function targetsOf(cheap: readonly CheapEvaluation[] | undefined, m: number, nc: number): Targets {
  const all = (n: number) => Array.from({ length: n }, (_, k) => k);
  if (cheap === undefined) return { objectives: all(m), constraints: all(nc) };
  return {
    objectives: all(m).filter((k) => cheap.some((c) => c.objectives[k] === null || c.objectives[k] === undefined)),
    constraints: all(nc).filter((k) => cheap.some((c) => c.constraints[k] === null || c.constraints[k] === undefined)),
  };
}

function pick(ind: Pick<Individual, 'objectives' | 'constraints'>, targets: Targets): number[] {
  return [...targets.objectives.map((k) => ind.objectives[k] as number), ...targets.constraints.map((k) => ind.constraints[k] as number)];
}

function copyOf<Info>(ind: Individual<Info>): Individual {
  return {
    genome: [...ind.genome],
    objectives: [...ind.objectives],
    constraints: [...ind.constraints],
    cv: ind.cv,
    rank: Number.NaN,
    crowding: Number.NaN,
    ...(ind.failure === undefined ? {} : { failure: ind.failure }),
  };
}

function descending(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function nullToNaN(x: number | null): number {
  return x === null ? Number.NaN : x;
}

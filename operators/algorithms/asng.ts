import type { Algorithm, AlgorithmState } from '../../core/algorithm.js';
import { PendingBatch } from '../../core/pending_batch.js';
import { encodeNumber, decodeNumber, makeIndividual, type Evaluation, type Individual, type IndividualJSON } from '../../core/individual.js';
import { Rng } from '../../core/rng.js';
import type { SearchSpace } from '../../core/space.js';
import { cardinality, type Genome, type Variable } from '../../core/variables.js';
import {
  asngUpdate,
  defaultThetaMin,
  initialParameters,
  sampleCategories,
  type AsngParameters,
  type AsngSettings,
  type Loss,
} from './asng_update.js';
import { NondominatedArchive } from './nondominated_archive.js';

/**
 * How constraints enter ASNG's single loss:
 * - `rank`: every infeasible sample ranks below every feasible one; infeasible ones by violation
 *   (loss = [0, f] when feasible, [1, cv] otherwise, compared lexicographically);
 * - `penalty`: loss = f + μ·cv (μ = `penalty`).
 * On an unconstrained problem both are the same.
 */
export type AsngConstraintHandling = 'rank' | 'penalty';

export interface AsngOptions {
  /** Samples per update λ (default 2, the paper's). */
  readonly lambda?: number;
  /** Step-adaptation threshold α (default 1.5). */
  readonly alpha?: number;
  /** δ_init (default 1). */
  readonly deltaInit?: number;
  /** Upper bound on Δ (default Infinity, as in the paper). */
  readonly DeltaMax?: number;
  /**
   * ASNG is single-objective: it minimises objective `objective` (default 0 — the error for the
   * NASC and NAS-Bench-201 problems). Other objectives are only recorded in the archive.
   */
  readonly objective?: number;
  readonly constraint?: AsngConstraintHandling;
  /** μ of `penalty` (default 1, in the units of the constraint values). */
  readonly penalty?: number;
  /** Floor of every probability (default 1/(d(K_i − 1)), see `defaultThetaMin`). */
  readonly thetaMin?: number;
  /**
   * Reuse the loss of a genome evaluated before instead of asking for it again (default true):
   * exact for deterministic problems (tables, fixed validation sets), and what makes a budget of
   * distinct evaluations meaningful. Switch off for noisy evaluations.
   */
  readonly reuseEvaluations?: boolean;
  /** Updates made from already-known genomes alone within one ask before it gives up (default 10,000). */
  readonly maxFreeSteps?: number;
}

interface AsngExtra {
  readonly parameters: AsngParameters;
  /** Samples (genomes) of the update in progress, with a loss once known. */
  readonly step: { genome: number[]; loss: (number | string)[] | null }[];
  /** Every evaluated genome and its loss (when `reuseEvaluations`). */
  readonly known: [number[], (number | string)[]][];
}

interface StepSample {
  readonly genome: Genome;
  loss: Loss | undefined;
}

/**
 * ASNG (Akimoto et al., ICML 2019) as an ask/tell strategy over a product of categorical
 * distributions: categorical genes as they are, integers as categories lower..upper, binaries as
 * K = 2. Each update draws λ genomes from θ, ranks them by the loss, and takes one adaptive
 * natural-gradient step (see asng_update.ts). The population reported is the non-dominated
 * archive of everything evaluated, so its fronts compare with a multi-objective strategy's.
 * `generation` counts θ updates.
 */
export class Asng<Info = unknown> implements Algorithm<Info> {
  readonly name = 'asng';
  private readonly space: SearchSpace;
  private readonly lambda: number;
  private readonly settings: AsngSettings;
  private readonly objective: number;
  private readonly constraint: AsngConstraintHandling;
  private readonly penalty: number;
  private readonly reuse: boolean;
  private readonly maxFreeSteps: number;
  private readonly categories: number[];
  private rng: Rng;
  private params: AsngParameters;
  private step: StepSample[] = [];
  private known = new Map<string, Loss>();
  private archive = new NondominatedArchive<Info>();
  private readonly pending = new PendingBatch<Genome>();
  private updates = 0;
  private evals = 0;

  constructor(space: SearchSpace, options: AsngOptions, rng: Rng) {
    const real = space.variables.find((v) => v.kind === 'real');
    if (real !== undefined) throw new Error(`ASNG handles categorical, integer and binary variables; ${real.name} is real`);
    this.lambda = options.lambda ?? 2;
    if (!Number.isSafeInteger(this.lambda) || this.lambda < 2) throw new Error(`ASNG needs λ ≥ 2, got ${this.lambda}`);
    this.categories = space.variables.map((v) => cardinality(v));
    const tooMany = this.categories.findIndex((k) => k > 10_000);
    if (tooMany >= 0) throw new Error(`ASNG: variable ${space.variables[tooMany]?.name} has ${this.categories[tooMany]} values, too many for a categorical distribution`);
    const floor = options.thetaMin === undefined ? defaultThetaMin(this.categories) : this.categories.map((k) => (k > 1 ? Math.min(options.thetaMin as number, 1 / k) : 0));
    this.settings = {
      alpha: options.alpha ?? 1.5,
      deltaInit: options.deltaInit ?? 1,
      DeltaMax: options.DeltaMax ?? Infinity,
      thetaMin: floor,
    };
    this.objective = options.objective ?? 0;
    if (!Number.isSafeInteger(this.objective) || this.objective < 0) throw new Error(`ASNG objective index must be a non-negative integer, got ${this.objective}`);
    this.constraint = options.constraint ?? 'rank';
    this.penalty = options.penalty ?? 1;
    this.reuse = options.reuseEvaluations ?? true;
    this.maxFreeSteps = options.maxFreeSteps ?? 10_000;
    this.space = space;
    this.rng = rng;
    this.params = initialParameters(this.categories);
  }

  get generation(): number {
    return this.updates;
  }

  get evaluations(): number {
    return this.evals;
  }

  population(): readonly Individual<Info>[] {
    return this.archive.individuals();
  }

  /** The current distribution θ (one probability vector per variable). */
  distribution(): number[][] {
    return this.params.theta.map((t) => [...t]);
  }

  /** The current adaptation state (θ, s, γ, Δ). */
  parameters(): AsngParameters {
    return this.params;
  }

  /** The most likely genome under θ. */
  mode(): Genome {
    return this.params.theta.map((t, i) => this.geneOf(i, t.indexOf(Math.max(...t))));
  }

  ask(limit = Infinity): Genome[] {
    let free = 0;
    for (;;) {
      if (this.step.length === 0) this.step = this.drawStep();
      if (this.step.some((x) => x.loss === undefined)) break;
      // Every sample is known already: update without asking (exactly what re-evaluating would give).
      this.finishStep();
      if (++free >= this.maxFreeSteps) {
        return this.pending.start([]);
      }
    }
    const batch: Genome[] = [];
    const inBatch = new Set<string>();
    for (const x of this.step) {
      if (batch.length >= limit) break;
      if (x.loss !== undefined) continue;
      const key = this.space.key(x.genome);
      if (this.reuse && inBatch.has(key)) continue;
      inBatch.add(key);
      batch.push(x.genome);
    }
    this.pending.start(batch);
    return batch.map((g) => [...g]);
  }

  tell(genomes: readonly Genome[], evaluations: readonly Evaluation<Info>[]): void {
    const pending = this.pending.finish(genomes, evaluations);
    if (pending.length === 0) return;
    const losses = pending.map((g, i) => {
      const ind = makeIndividual(g, evaluations[i] as Evaluation<Info>);
      this.archive.add(ind);
      const loss = this.lossOf(ind);
      if (this.reuse) this.known.set(this.space.key(g), loss);
      return loss;
    });
    this.evals += pending.length;
    // Fill the step: by genome when losses are reused, else each asked sample in order.
    let next = 0;
    for (const x of this.step) {
      if (x.loss !== undefined) continue;
      if (this.reuse) x.loss = this.known.get(this.space.key(x.genome));
      else if (next < losses.length) x.loss = losses[next++];
    }
    if (this.step.every((x) => x.loss !== undefined)) this.finishStep();
  }

  saveState(): AlgorithmState<Info> {
    if (this.pending.isOpen) throw new Error('cannot save state between ask() and tell()');
    const extra: AsngExtra & { updates: number } = {
      parameters: { theta: this.params.theta.map((t) => [...t]), s: [...this.params.s], gamma: this.params.gamma, Delta: this.params.Delta },
      step: this.step.map((x) => ({ genome: [...x.genome], loss: x.loss === undefined ? null : x.loss.map(encodeNumber) })),
      known: [...this.known.entries()].map(([key, loss]) => [key.split(',').map(Number), loss.map(encodeNumber)]),
      updates: this.updates,
    };
    return {
      algorithm: this.name,
      version: 1,
      rng: this.rng.state(),
      generation: this.updates,
      evaluations: this.evals,
      population: this.archive.toJSON(),
      extra,
    };
  }

  loadState(state: AlgorithmState<Info>): void {
    if (state.algorithm !== this.name) throw new Error(`state is for ${state.algorithm}, not ${this.name}`);
    const extra = state.extra as Partial<AsngExtra & { updates: number }> | undefined;
    const p = extra?.parameters;
    if (p === undefined || !Array.isArray(extra?.step) || !Array.isArray(extra?.known) || typeof extra?.updates !== 'number') {
      throw new Error('state lacks the ASNG fields');
    }
    if (p.theta.length !== this.categories.length || p.theta.some((t, i) => t.length !== this.categories[i])) {
      throw new Error('ASNG state does not match the search space');
    }
    this.rng = Rng.fromState(state.rng);
    this.params = { theta: p.theta.map((t) => [...t]), s: [...p.s], gamma: p.gamma, Delta: p.Delta };
    this.step = extra.step.map((x) => ({ genome: [...x.genome], loss: x.loss === null ? undefined : x.loss.map(decodeNumber) }));
    this.known = new Map(extra.known.map(([g, loss]) => [this.space.key(g), loss.map(decodeNumber)]));
    this.archive = NondominatedArchive.fromJSON(state.population as IndividualJSON<Info>[]);
    this.updates = extra.updates;
    this.evals = state.evaluations;
    this.pending.reset();
  }

  private drawStep(): StepSample[] {
    const out: StepSample[] = [];
    for (let k = 0; k < this.lambda; k++) {
      const cats = sampleCategories(this.params.theta, () => this.rng.random());
      const genome = cats.map((c, i) => this.geneOf(i, c));
      out.push({ genome, loss: this.reuse ? this.known.get(this.space.key(genome)) : undefined });
    }
    return out;
  }

  private finishStep(): void {
    const samples = this.step.map((x) => x.genome.map((g, i) => this.categoryOf(i, g)));
    const losses = this.step.map((x) => x.loss as Loss);
    this.params = asngUpdate(this.params, samples, losses, this.settings).parameters;
    this.updates += 1;
    this.step = [];
  }

  /** The single loss ASNG ranks by (see AsngConstraintHandling). */
  private lossOf(ind: Individual<Info>): Loss {
    const f = ind.objectives[this.objective];
    if (f === undefined) throw new Error(`ASNG objective index ${this.objective} is out of range (${ind.objectives.length} objectives)`);
    const value = Number.isNaN(f) ? Infinity : f;
    if (this.constraint === 'penalty') return [0, value + this.penalty * ind.cv];
    return ind.cv === 0 ? [0, value] : [1, ind.cv];
  }

  private geneOf(i: number, category: number): number {
    const v = this.space.variables[i] as Variable;
    return v.kind === 'integer' ? v.lower + category : category;
  }

  private categoryOf(i: number, gene: number): number {
    const v = this.space.variables[i] as Variable;
    return v.kind === 'integer' ? gene - v.lower : gene;
  }
}

/** Factory in the style of `nsga2(space, options, rng)`. */
export function asng<Info = unknown>(space: SearchSpace, options: AsngOptions, rng: Rng): Asng<Info> {
  return new Asng<Info>(space, options, rng);
}

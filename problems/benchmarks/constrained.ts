/**
 * Classic constrained bi-objective test problems (Deb 2001, ch. 14; Deb, Pratap & Meyarivan 2001).
 * Constraints are in the g(x) ≤ 0 form of core/problem.ts. Reference points sit a little beyond
 * the nadir point of each true front; they are this project's convention, not the literature's.
 */
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { SearchSpace } from '../../core/space.js';
import { real, type Genome } from '../../core/variables.js';
import { linspace, nonDominated2d, thin } from './front.js';

const OBJECTIVES = ['f1', 'f2'] as const;

/**
 * Binh & Korn: f1 = 4x1² + 4x2², f2 = (x1 − 5)² + (x2 − 5)² on [0, 5] × [0, 3], with two circle
 * constraints (neither is active on the front). Front: x1 = x2 ∈ [0, 3], then x2 = 3, x1 ∈ [3, 5].
 */
export class Bnh implements Problem<undefined> {
  readonly name = 'bnh';
  readonly space = new SearchSpace([real('x1', 0, 5), real('x2', 0, 3)]);
  readonly objectiveNames = OBJECTIVES;
  readonly constraintNames = ['(x1-5)^2+x2^2<=25', '(x1-8)^2+(x2+3)^2>=7.7'] as const;
  /** Front spans f1 ∈ [0, 136], f2 ∈ [4, 50]. */
  readonly referencePoint: readonly number[] = [140, 55];

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    return genomes.map((x) => {
      const x1 = x[0] as number;
      const x2 = x[1] as number;
      return {
        objectives: [4 * x1 * x1 + 4 * x2 * x2, (x1 - 5) ** 2 + (x2 - 5) ** 2],
        constraints: [(x1 - 5) ** 2 + x2 * x2 - 25, 7.7 - (x1 - 8) ** 2 - (x2 + 3) ** 2],
      };
    });
  }

  trueFront(points: number): number[][] {
    return linspace(0, 5, points).map((x1) => {
      const x2 = Math.min(x1, 3);
      return [4 * x1 * x1 + 4 * x2 * x2, (x1 - 5) ** 2 + (x2 - 5) ** 2];
    });
  }
}

/** TNK's wavy constraint g1(x) ≤ 0, written with atan2 so that x = (0, 0) is defined (and infeasible). */
function tnkG1(x1: number, x2: number): number {
  return -(x1 * x1) - x2 * x2 + 1 + 0.1 * Math.cos(16 * Math.atan2(x1, x2));
}

function tnkG2(x1: number, x2: number): number {
  return (x1 - 0.5) ** 2 + (x2 - 0.5) ** 2 - 0.5;
}

/**
 * Tanaka: f = x on [0, π]², feasible outside the wavy curve x1² + x2² = 1 + 0.1·cos(16·atan(x1/x2))
 * and inside the circle around (½, ½) of radius √½. The front lies on the wavy curve, in pieces.
 */
export class Tnk implements Problem<undefined> {
  readonly name = 'tnk';
  readonly space = new SearchSpace([real('x1', 0, Math.PI), real('x2', 0, Math.PI)]);
  readonly objectiveNames = OBJECTIVES;
  readonly constraintNames = ['wavy-curve', 'circle'] as const;
  /** Front spans about [0.04, 1.04] in both objectives. */
  readonly referencePoint: readonly number[] = [1.2, 1.2];

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    return genomes.map((x) => {
      const x1 = x[0] as number;
      const x2 = x[1] as number;
      return { objectives: [x1, x2], constraints: [tnkG1(x1, x2), tnkG2(x1, x2)] };
    });
  }

  /**
   * Dense points on the curve g1 = 0 (polar: r(φ)² = 1 + 0.1·cos 16φ with φ = atan2(x1, x2)),
   * kept where the circle allows, reduced to their non-dominated subset, thinned to `points`.
   */
  trueFront(points: number): number[][] {
    const dense: number[][] = [];
    for (const phi of linspace(0, Math.PI / 2, Math.max(200_001, 20 * points))) {
      const r = Math.sqrt(1 + 0.1 * Math.cos(16 * phi));
      const x1 = r * Math.sin(phi);
      const x2 = r * Math.cos(phi);
      if (tnkG2(x1, x2) <= 0) dense.push([x1, x2]);
    }
    return thin(nonDominated2d(dense), points);
  }
}

/**
 * Srinivas & Deb: two quadratics on [−20, 20]², inside the circle of radius 15 and on one side of a
 * line. Front (Deb 2001): x1 = −2.5, x2 ∈ [2.5, √218.75] — the line and the circle bound x2.
 */
export class Srn implements Problem<undefined> {
  readonly name = 'srn';
  readonly space = new SearchSpace([real('x1', -20, 20), real('x2', -20, 20)]);
  readonly objectiveNames = OBJECTIVES;
  readonly constraintNames = ['x1^2+x2^2<=225', 'x1-3x2+10<=0'] as const;
  /** Front spans f1 ∈ [24.5, 212.4], f2 ∈ [−212.7, −24.75]. */
  readonly referencePoint: readonly number[] = [250, 0];

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    return genomes.map((x) => {
      const x1 = x[0] as number;
      const x2 = x[1] as number;
      return {
        objectives: [2 + (x1 - 2) ** 2 + (x2 - 1) ** 2, 9 * x1 - (x2 - 1) ** 2],
        constraints: [x1 * x1 + x2 * x2 - 225, x1 - 3 * x2 + 10],
      };
    });
  }

  trueFront(points: number): number[][] {
    return linspace(2.5, Math.sqrt(225 - 2.5 * 2.5), points).map((x2) => {
      const u = (x2 - 1) ** 2;
      return [2 + 20.25 + u, -22.5 - u];
    });
  }
}

export interface Ctp1Options {
  /** Number of variables (default 2, as pymoo). */
  n?: number;
}

/**
 * CTP1 (Deb, Pratap & Meyarivan 2001) with J = 2 constraints and pymoo's linear g = 1 + Σ x2..xn on
 * [0, 1]ⁿ: f1 = x1, f2 = g·exp(−f1/g). The constraints f2 ≥ a_j·exp(−b_j·f1) cut into the
 * unconstrained front f2 = exp(−f1); the a_j, b_j are chosen so that they do so in J pieces.
 */
export class Ctp1 implements Problem<undefined> {
  readonly name = 'ctp1';
  readonly space: SearchSpace;
  readonly objectiveNames = OBJECTIVES;
  readonly constraintNames = ['c1', 'c2'] as const;
  readonly referencePoint: readonly number[] = [1.1, 1.1];
  /** a_j, b_j of the constraints, by Deb's recurrence (≈ 0.858, 0.728 and 0.541, 0.295). */
  readonly a: readonly number[];
  readonly b: readonly number[];

  constructor(options: Ctp1Options = {}) {
    const n = options.n ?? 2;
    if (!(Number.isInteger(n) && n >= 2)) throw new InputError(`ctp1: n must be an integer >= 2 (--variables), got ${n}`);
    this.space = new SearchSpace(Array.from({ length: n }, (_, i) => real(`x${i + 1}`, 0, 1)));
    const J = 2;
    const a = [1];
    const b = [1];
    const delta = 1 / (J + 1);
    let alpha = delta;
    for (let j = 0; j < J; j++) {
      const beta = (a[j] as number) * Math.exp(-(b[j] as number) * alpha);
      a.push(((a[j] as number) + beta) / 2);
      b.push((-1 / alpha) * Math.log(beta / (a[j + 1] as number)));
      alpha += delta;
    }
    this.a = a.slice(1);
    this.b = b.slice(1);
  }

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    return genomes.map((x) => {
      const f1 = x[0] as number;
      let g = 1;
      for (let i = 1; i < x.length; i++) g += x[i] as number;
      const f2 = g * Math.exp(-f1 / g);
      return { objectives: [f1, f2], constraints: this.a.map((aj, j) => aj * Math.exp(-(this.b[j] as number) * f1) - f2) };
    });
  }

  /**
   * For each f1 the lowest reachable f2 is exp(−f1) (g = 1), raised to the binding constraint:
   * f2 = max(exp(−f1), max_j a_j·exp(−b_j·f1)). That curve decreases in f1, so all of it is Pareto-optimal.
   */
  trueFront(points: number): number[][] {
    return linspace(0, 1, points).map((f1) => {
      let f2 = Math.exp(-f1);
      this.a.forEach((aj, j) => {
        f2 = Math.max(f2, aj * Math.exp(-(this.b[j] as number) * f1));
      });
      return [f1, f2];
    });
  }
}

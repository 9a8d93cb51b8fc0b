/**
 * The ZDT suite (Zitzler, Deb & Thiele 2000): bi-objective, box-constrained, real-coded. Known
 * fronts and hypervolumes are in shared/REFERENCE.md; the conventional reference point is (1, 1).
 * `evaluate` is a plain loop over the batch: the engine's speed benchmark runs on these.
 */
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { SearchSpace } from '../../core/space.js';
import { real, type Genome } from '../../core/variables.js';
import { linspace, nonDominated2d, thin } from './front.js';

export interface ZdtOptions {
  /** Number of variables (default 30 for ZDT1–3, 10 for ZDT4 and ZDT6). */
  n?: number;
}

const NO_CONSTRAINTS: readonly number[] = Object.freeze([]);

abstract class Zdt implements Problem<undefined> {
  readonly space: SearchSpace;
  readonly objectiveNames = ['f1', 'f2'] as const;
  readonly constraintNames: readonly string[] = [];
  readonly referencePoint: readonly number[] = [1, 1];
  readonly n: number;

  constructor(
    readonly name: string,
    n: number,
    /** Box of x2..xn (x1 is always in [0, 1]). */
    tail: readonly [number, number] = [0, 1],
  ) {
    if (!(Number.isInteger(n) && n >= 2)) throw new InputError(`${name}: n must be an integer >= 2 (--variables), got ${n}`);
    this.n = n;
    this.space = new SearchSpace(Array.from({ length: n }, (_, i) => (i === 0 ? real('x1', 0, 1) : real(`x${i + 1}`, tail[0], tail[1]))));
  }

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    const out = new Array<Evaluation<undefined>>(genomes.length);
    for (let k = 0; k < genomes.length; k++) {
      out[k] = { objectives: this.objectives(genomes[k] as Genome), constraints: NO_CONSTRAINTS };
    }
    return out;
  }

  protected abstract objectives(x: Genome): [number, number];
  abstract trueFront(points: number): number[][];
}

/** Σ x2..xn. */
function tailSum(x: Genome): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i] as number;
  return s;
}

/** Convex front f2 = 1 − √f1. */
export class Zdt1 extends Zdt {
  constructor(options: ZdtOptions = {}) {
    super('zdt1', options.n ?? 30);
  }

  protected objectives(x: Genome): [number, number] {
    const f1 = x[0] as number;
    const g = 1 + (9 * tailSum(x)) / (x.length - 1);
    return [f1, g * (1 - Math.sqrt(f1 / g))];
  }

  trueFront(points: number): number[][] {
    return linspace(0, 1, points).map((f1) => [f1, 1 - Math.sqrt(f1)]);
  }
}

/** Concave front f2 = 1 − f1². */
export class Zdt2 extends Zdt {
  constructor(options: ZdtOptions = {}) {
    super('zdt2', options.n ?? 30);
  }

  protected objectives(x: Genome): [number, number] {
    const f1 = x[0] as number;
    const g = 1 + (9 * tailSum(x)) / (x.length - 1);
    const r = f1 / g;
    return [f1, g * (1 - r * r)];
  }

  trueFront(points: number): number[][] {
    return linspace(0, 1, points).map((f1) => [f1, 1 - f1 * f1]);
  }
}

/** Front of five disconnected pieces of f2 = 1 − √f1 − f1·sin(10πf1). */
export class Zdt3 extends Zdt {
  constructor(options: ZdtOptions = {}) {
    super('zdt3', options.n ?? 30);
  }

  protected objectives(x: Genome): [number, number] {
    const f1 = x[0] as number;
    const g = 1 + (9 * tailSum(x)) / (x.length - 1);
    const r = f1 / g;
    return [f1, g * (1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * f1))];
  }

  /** The non-dominated subset of the g = 1 curve on a dense f1 grid, thinned evenly to `points`. */
  trueFront(points: number): number[][] {
    const dense = linspace(0, 1, Math.max(200_001, 20 * points)).map((f1) => [f1, 1 - Math.sqrt(f1) - f1 * Math.sin(10 * Math.PI * f1)]);
    return thin(nonDominated2d(dense), points);
  }
}

/** ZDT1's front behind 21^(n−1) local fronts: x2..xn ∈ [−5, 5] with a Rastrigin-like g. */
export class Zdt4 extends Zdt {
  constructor(options: ZdtOptions = {}) {
    super('zdt4', options.n ?? 10, [-5, 5]);
  }

  protected objectives(x: Genome): [number, number] {
    const f1 = x[0] as number;
    let g = 1 + 10 * (x.length - 1);
    for (let i = 1; i < x.length; i++) {
      const xi = x[i] as number;
      g += xi * xi - 10 * Math.cos(4 * Math.PI * xi);
    }
    return [f1, g * (1 - Math.sqrt(f1 / g))];
  }

  trueFront(points: number): number[][] {
    return linspace(0, 1, points).map((f1) => [f1, 1 - Math.sqrt(f1)]);
  }
}

/** Smallest f1 = 1 − exp(−4x1)·sin⁶(6πx1) over x1 ∈ [0, 1] (reached near x1 ≈ 0.0816). */
export const ZDT6_F1_MIN = 0.2807753191;

/** Non-uniform, biased search space; concave front f2 = 1 − f1² for f1 ∈ [0.2807753191, 1]. */
export class Zdt6 extends Zdt {
  constructor(options: ZdtOptions = {}) {
    super('zdt6', options.n ?? 10);
  }

  protected objectives(x: Genome): [number, number] {
    const x1 = x[0] as number;
    const f1 = 1 - Math.exp(-4 * x1) * Math.pow(Math.sin(6 * Math.PI * x1), 6);
    const g = 1 + 9 * Math.pow(tailSum(x) / (x.length - 1), 0.25);
    const r = f1 / g;
    return [f1, g * (1 - r * r)];
  }

  trueFront(points: number): number[][] {
    return linspace(ZDT6_F1_MIN, 1, points).map((f1) => [f1, 1 - f1 * f1]);
  }
}

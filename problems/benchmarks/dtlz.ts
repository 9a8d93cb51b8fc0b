/**
 * DTLZ1 and DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002): scalable in the number of objectives m,
 * with n = m + k − 1 variables in [0, 1]; the last k are "distance" variables (optimal at 0.5), the
 * first m − 1 place the point on the front.
 */
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { SearchSpace } from '../../core/space.js';
import { real, type Genome } from '../../core/variables.js';
import { latticeResolution, simplexLattice } from './front.js';

export interface DtlzOptions {
  /** Number of objectives (default 3). */
  m?: number;
  /** Number of variables (default m + 4 for DTLZ1, m + 9 for DTLZ2, i.e. k = 5 / 10). */
  n?: number;
}

const NO_CONSTRAINTS: readonly number[] = Object.freeze([]);

abstract class Dtlz implements Problem<undefined> {
  readonly space: SearchSpace;
  readonly objectiveNames: readonly string[];
  readonly constraintNames: readonly string[] = [];
  abstract readonly referencePoint: readonly number[];
  readonly m: number;
  readonly n: number;

  constructor(
    readonly name: string,
    options: DtlzOptions,
    k: number,
  ) {
    const m = options.m ?? 3;
    const n = options.n ?? m + k - 1;
    if (!(Number.isInteger(m) && m >= 2)) throw new InputError(`${name}: m must be an integer >= 2 (--objectives), got ${m}`);
    if (!(Number.isInteger(n) && n >= m)) throw new InputError(`${name}: n must be an integer >= m = ${m} (--variables), got ${n}`);
    this.m = m;
    this.n = n;
    this.objectiveNames = Array.from({ length: m }, (_, j) => `f${j + 1}`);
    this.space = new SearchSpace(Array.from({ length: n }, (_, i) => real(`x${i + 1}`, 0, 1)));
  }

  evaluate(genomes: readonly Genome[]): Evaluation<undefined>[] {
    return genomes.map((x) => ({ objectives: this.objectives(x), constraints: NO_CONSTRAINTS }));
  }

  protected abstract objectives(x: Genome): number[];
  abstract trueFront(points: number): number[][];
}

/** Linear front Σ f = 0.5 behind 11^k − 1 local fronts. Reference point (1, …, 1). */
export class Dtlz1 extends Dtlz {
  readonly referencePoint: readonly number[];

  constructor(options: DtlzOptions = {}) {
    super('dtlz1', options, 5);
    this.referencePoint = new Array<number>(this.m).fill(1);
  }

  protected objectives(x: Genome): number[] {
    const m = this.m;
    const k = x.length - m + 1;
    let g = k;
    for (let i = m - 1; i < x.length; i++) {
      const d = (x[i] as number) - 0.5;
      g += d * d - Math.cos(20 * Math.PI * d);
    }
    g *= 100;
    const f = new Array<number>(m);
    for (let j = 0; j < m; j++) {
      let v = 0.5 * (1 + g);
      for (let i = 0; i < m - 1 - j; i++) v *= x[i] as number;
      if (j > 0) v *= 1 - (x[m - 1 - j] as number);
      f[j] = v;
    }
    return f;
  }

  /** A simplex lattice of about `points` points, scaled onto Σ f = 0.5. */
  trueFront(points: number): number[][] {
    return simplexLattice(this.m, latticeResolution(this.m, points)).map((w) => w.map((v) => 0.5 * v));
  }
}

/** Spherical front Σ f² = 1 (positive orthant). Reference point (1.1, …, 1.1). */
export class Dtlz2 extends Dtlz {
  readonly referencePoint: readonly number[];

  constructor(options: DtlzOptions = {}) {
    super('dtlz2', options, 10);
    this.referencePoint = new Array<number>(this.m).fill(1.1);
  }

  protected objectives(x: Genome): number[] {
    const m = this.m;
    let g = 0;
    for (let i = m - 1; i < x.length; i++) {
      const d = (x[i] as number) - 0.5;
      g += d * d;
    }
    const f = new Array<number>(m);
    for (let j = 0; j < m; j++) {
      let v = 1 + g;
      for (let i = 0; i < m - 1 - j; i++) v *= Math.cos((x[i] as number) * Math.PI * 0.5);
      if (j > 0) v *= Math.sin((x[m - 1 - j] as number) * Math.PI * 0.5);
      f[j] = v;
    }
    return f;
  }

  /** A simplex lattice of about `points` directions, projected onto the unit sphere. */
  trueFront(points: number): number[][] {
    return simplexLattice(this.m, latticeResolution(this.m, points)).map((w) => {
      const norm = Math.hypot(...w);
      return w.map((v) => v / norm);
    });
  }
}

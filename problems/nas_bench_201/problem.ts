/**
 * NAS-Bench-201 as a tabular bi-objective problem: minimise [test error %, latency ms] of a
 * cell architecture for one dataset and one device. Every architecture is in the table, so the
 * true Pareto front is known by enumeration and a search can be scored by front recall and by
 * its hypervolume as a fraction of the optimum.
 */
import { InputError } from '../../core/errors.js';
import type { Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { SearchSpace } from '../../core/space.js';
import { categorical, type Genome } from '../../core/variables.js';
import { NB201_EDGES, NB201_OPS, archToString } from './arch_string.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import { nonDominatedSort } from '../../core/sorting/non_dominated_sort.js';
import { NB201_DATASETS, NB201_DEVICES, type Nb201Dataset, type Nb201Device, type Nb201Tables } from './tables.js';

export interface Nb201Info {
  readonly index: number;
  readonly arch: string;
}

export interface Nb201Options {
  readonly dataset: Nb201Dataset;
  readonly device: Nb201Device;
}

export function nb201SearchSpace(): SearchSpace {
  return new SearchSpace(NB201_EDGES.map(([to, from]) => categorical(`edge${to}<-${from}`, NB201_OPS)));
}

export class NasBench201Problem implements Problem<Nb201Info> {
  readonly name: string;
  readonly space = nb201SearchSpace();
  readonly objectiveNames = ['error_pct', 'latency_ms'] as const;
  readonly constraintNames = [] as const;
  /** The true front's nadir + 10 % of its range. */
  readonly referencePoint: readonly [number, number];
  /** objectives[i] of architecture index i. */
  readonly objectives: readonly (readonly [number, number])[];
  private readonly front: readonly number[];
  private readonly frontHv: number;

  constructor(
    readonly tables: Nb201Tables,
    readonly options: Nb201Options,
  ) {
    if (!NB201_DATASETS.includes(options.dataset)) throw new InputError(`nas-bench-201: unknown dataset "${options.dataset}" (datasets: ${NB201_DATASETS.join(', ')})`);
    if (!NB201_DEVICES.includes(options.device)) throw new InputError(`nas-bench-201: unknown device "${options.device}" (devices: ${NB201_DEVICES.join(', ')})`);
    this.name = `nas-bench-201(${options.dataset}, ${options.device})`;
    const acc = tables.accuracy[options.dataset];
    const lat = tables.latencyMs[options.device];
    this.objectives = acc.map((a, i) => [100 - a, lat[i] as number] as const);
    this.front = nonDominatedSort(this.objectives, { until: 1 })[0] ?? [];
    const fp = this.front.map((i) => this.objectives[i] as readonly [number, number]);
    const lo = [Math.min(...fp.map((p) => p[0])), Math.min(...fp.map((p) => p[1]))];
    const hi = [Math.max(...fp.map((p) => p[0])), Math.max(...fp.map((p) => p[1]))];
    // A one-point front has no range; a unit margin keeps its hypervolume positive.
    const margin = (k: number): number => ((hi[k] as number) > (lo[k] as number) ? 0.1 * ((hi[k] as number) - (lo[k] as number)) : 1);
    this.referencePoint = [(hi[0] as number) + margin(0), (hi[1] as number) + margin(1)];
    this.frontHv = hypervolume(fp, this.referencePoint);
  }

  indexOf(genome: Genome): number {
    const arch = archToString(genome);
    const i = this.tables.indexOf.get(arch);
    if (i === undefined) throw new InputError(`nas-bench-201: architecture ${arch} is not in the table`);
    return i;
  }

  evaluate(genomes: readonly Genome[]): Evaluation<Nb201Info>[] {
    return genomes.map((g) => {
      const index = this.indexOf(g);
      return { objectives: [...(this.objectives[index] as readonly [number, number])], constraints: [], info: { index, arch: this.tables.archStrings[index] as string } };
    });
  }

  /** NAS-Bench-201 indices of the true Pareto-optimal architectures (ascending). */
  trueFrontIndices(): readonly number[] {
    return this.front;
  }

  /** The whole true front in objective space (a finite set, so `points` is ignored). */
  trueFront(): number[][] {
    return this.front.map((i) => [...(this.objectives[i] as readonly [number, number])]);
  }

  /** Fraction of the true Pareto-optimal architectures among the evaluated indices. */
  frontRecall(evaluatedIndices: Iterable<number>): number {
    const seen = new Set(evaluatedIndices);
    let hit = 0;
    for (const i of this.front) if (seen.has(i)) hit++;
    return hit / this.front.length;
  }

  /** Both indicators over everything a run evaluated (failed evaluations skipped). */
  indicators(evaluated: readonly { readonly objectives: readonly number[]; readonly info?: Nb201Info }[]): { frontRecall: number; hvRatio: number } {
    const ok = evaluated.filter((e) => e.objectives.every(Number.isFinite));
    const indices = ok.flatMap((e) => (e.info === undefined ? [] : [e.info.index]));
    return { frontRecall: this.frontRecall(indices), hvRatio: this.hvRatio(ok.map((e) => e.objectives)) };
  }

  /** HV(points) / HV(true front), both wrt referencePoint. */
  hvRatio(points: readonly (readonly number[])[]): number {
    return hypervolume(points, this.referencePoint) / this.frontHv;
  }
}

/**
 * The paper comparison's numbers, as pure functions of the runs' re-measured fronts: per cell
 * (bandwidth, latency bound) and seed, the latency of a method against the reference (HWNAS) at
 * matched TEST accuracy (core/indicators/matched_ratio.ts: for each accuracy level both fronts
 * reach, the fastest point of each), then the median and inter-quartile range over seeds; beside
 * it each method's test hypervolume and best feasible test accuracy (validation beside it).
 */
import { quantile } from 'd3-array';
import { matchedRatios } from '../../core/indicators/matched_ratio.js';
import type { HeldOutPoint } from '../plugin_types.js';

/** One finished run of the study. */
export interface StudyRun {
  readonly bandwidthMbps: number;
  readonly boundMs: number;
  readonly strategy: string;
  readonly seed: number;
  /** Distinct genomes evaluated (the budget actually used). */
  readonly evaluations: number;
  readonly final: Record<string, number>;
  /** The run's feasible validation front, re-measured on test images. */
  readonly front: HeldOutPoint[];
}

export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly n: number;
}

export function spread(xs: readonly number[]): Spread | null {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return { median: quantile(s, 0.5) as number, q1: quantile(s, 0.25) as number, q3: quantile(s, 0.75) as number, n: s.length };
}

/** Test points (test error, total latency) of a run's front. */
export function testPoints(run: Pick<StudyRun, 'front'>): number[][] {
  return run.front.map((p) => [p.heldOutObjectives[0] as number, p.heldOutObjectives[1] as number]).filter((p) => p.every(Number.isFinite));
}

/** 1 − T_A/T_B at matched test accuracy for one seed: median over the shared accuracy range, and its range. */
export interface SeedReduction {
  readonly seed: number;
  /** null: the fronts share no accuracy range (see `moreAccurate`). */
  readonly medianPct: number | null;
  readonly minPct: number | null;
  readonly maxPct: number | null;
  /** When there is no shared range: which run reached the higher test accuracy, or 'empty' (a front is empty). */
  readonly moreAccurate?: 'a' | 'b' | 'empty';
}

export function seedReduction(seed: number, a: Pick<StudyRun, 'front'> | undefined, b: Pick<StudyRun, 'front'> | undefined): SeedReduction {
  const pa = a === undefined ? [] : testPoints(a);
  const pb = b === undefined ? [] : testPoints(b);
  if (pa.length === 0 || pb.length === 0) return { seed, medianPct: null, minPct: null, maxPct: null, moreAccurate: 'empty' };
  const m = matchedRatios(pa, pb);
  if (m === undefined) {
    const bestErr = (ps: number[][]) => Math.min(...ps.map((p) => p[0] as number));
    return { seed, medianPct: null, minPct: null, maxPct: null, moreAccurate: bestErr(pa) < bestErr(pb) ? 'a' : 'b' };
  }
  // A larger ratio is a smaller reduction: the largest ratio gives the smallest reduction.
  return { seed, medianPct: 100 * (1 - m.median), minPct: 100 * (1 - m.max), maxPct: 100 * (1 - m.min) };
}

type MethodFigure = 'test_hv' | 'hv' | 'test_bestFeasibleAccuracy' | 'bestFeasibleAccuracy' | 'evaluations';

export interface CellSummary {
  readonly bandwidthMbps: number;
  readonly boundMs: number;
  /** Seeds of which the reference run finished. */
  readonly seeds: number[];
  /** Per compared strategy: its per-seed reductions vs the reference and their spread over seeds. */
  readonly reductions: Record<string, { readonly perSeed: SeedReduction[]; readonly spread: Spread | null }>;
  /** Per strategy: test HV, validation HV, best feasible test and validation accuracy, evaluations used. */
  readonly methods: Record<string, Record<MethodFigure, Spread | null>>;
}

/** The runs of each cell, cells ordered by bound, then bandwidth (every group is non-empty). */
export function groupByCell(runs: readonly StudyRun[]): StudyRun[][] {
  const cells = new Map<string, StudyRun[]>();
  for (const r of runs) {
    const k = `${r.boundMs}|${r.bandwidthMbps}`;
    cells.set(k, [...(cells.get(k) ?? []), r]);
  }
  return [...cells.values()].sort((x, y) => (x[0] as StudyRun).boundMs - (y[0] as StudyRun).boundMs || (x[0] as StudyRun).bandwidthMbps - (y[0] as StudyRun).bandwidthMbps);
}

/** Groups runs by cell (bound, then bandwidth) and compares each of `compared` with `reference`. */
export function summariseStudy(runs: readonly StudyRun[], reference: string, compared: readonly string[]): CellSummary[] {
  return groupByCell(runs).map((rs) => {
    const strategies = [...new Set(rs.map((r) => r.strategy))];
    const find = (s: string, seed: number) => rs.find((r) => r.strategy === s && r.seed === seed);
    const seeds = [...new Set(rs.map((r) => r.seed))].sort((a, b) => a - b).filter((seed) => find(reference, seed) !== undefined);
    const reductions: Record<string, { perSeed: SeedReduction[]; spread: Spread | null }> = {};
    for (const c of compared.filter((s) => s !== reference && strategies.includes(s))) {
      const perSeed = seeds.filter((seed) => find(c, seed) !== undefined).map((seed) => seedReduction(seed, find(c, seed), find(reference, seed)));
      reductions[c] = { perSeed, spread: spread(perSeed.flatMap((p) => (p.medianPct === null ? [] : [p.medianPct]))) };
    }
    const methods: Record<string, Record<MethodFigure, Spread | null>> = {};
    for (const s of strategies) {
      const of = (f: (r: StudyRun) => number) => spread(rs.filter((r) => r.strategy === s).map(f));
      methods[s] = {
        test_hv: of((r) => r.final.test_hv ?? Number.NaN),
        hv: of((r) => r.final.hv ?? Number.NaN),
        test_bestFeasibleAccuracy: of((r) => r.final.test_bestFeasibleAccuracy ?? Number.NaN),
        bestFeasibleAccuracy: of((r) => r.final.bestFeasibleAccuracy ?? Number.NaN),
        evaluations: of((r) => r.evaluations),
      };
    }
    const first = rs[0] as StudyRun;
    return { bandwidthMbps: first.bandwidthMbps, boundMs: first.boundMs, seeds, reductions, methods };
  });
}

const fmt = (x: Spread | null, d = 1, scale = 1) => (x === null ? '—' : `${(scale * x.median).toFixed(d)} [${(scale * x.q1).toFixed(d)}, ${(scale * x.q3).toFixed(d)}]`);

/** The README tables: reductions at matched test accuracy, then each method's test figures. */
export function studyMarkdown(cells: readonly CellSummary[], reference: string, compared: readonly string[], budget: string): string {
  const shown = compared.filter((c) => c !== reference && cells.some((x) => x.reductions[c] !== undefined));
  const strategies = [...new Set(cells.flatMap((c) => Object.keys(c.methods)))];
  const noOverlap = (x: CellSummary, c: string) => {
    const per = x.reductions[c]?.perSeed ?? [];
    const none = per.filter((p) => p.medianPct === null);
    if (none.length === 0) return '';
    const a = none.filter((p) => p.moreAccurate === 'a').length;
    const b = none.filter((p) => p.moreAccurate === 'b').length;
    const empty = none.length - a - b;
    return ` (no shared accuracy range in ${none.length} of ${per.length}: ${c} more accurate in ${a}, ${reference} in ${b}${empty > 0 ? `, an empty front in ${empty}` : ''})`;
  };
  const head1 = ['Mbit/s', 'bound ms', 'seeds', ...shown.map((c) => `${c} vs ${reference}: latency reduction at matched test accuracy, % (median [IQR])`)];
  const head2 = ['Mbit/s', 'bound ms', ...strategies.map((s) => `${s}: test HV / best test acc % (val %)`)];
  const lines = [
    `Budget: ${budget}. Reduction = 1 − T(method) / T(${reference}) at matched test accuracy (positive: faster than ${reference}); per seed, the median over an even grid of the accuracy levels both fronts reach; then median [IQR] over seeds.`,
    '',
    `| ${head1.join(' | ')} |`,
    `|${head1.map(() => '---').join('|')}|`,
    ...cells.map((x) => `| ${x.bandwidthMbps} | ${x.boundMs} | ${x.seeds.length} | ${shown.map((c) => `${fmt(x.reductions[c]?.spread ?? null)}${noOverlap(x, c)}`).join(' | ')} |`),
    '',
    `Test hypervolume (reference: error 1, the bound) and best feasible test accuracy, median [IQR] over seeds; validation accuracy of the same runs' best point in brackets:`,
    '',
    `| ${head2.join(' | ')} |`,
    `|${head2.map(() => '---').join('|')}|`,
    ...cells.map(
      (x) =>
        `| ${x.bandwidthMbps} | ${x.boundMs} | ${strategies
          .map((s) => {
            const m = x.methods[s];
            if (m === undefined) return '—';
            return `${fmt(m.test_hv, 2)} / ${fmt(m.test_bestFeasibleAccuracy, 1, 100)} (${m.bestFeasibleAccuracy === null ? '—' : (100 * m.bestFeasibleAccuracy.median).toFixed(1)})`;
          })
          .join(' | ')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

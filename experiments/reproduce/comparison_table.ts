/**
 * The paper comparison's table: per cell (bandwidth, bound, seed) each method's representative
 * point; per (bandwidth, bound) NASC's latency reduction and accuracy difference against HWNAS
 * over seeds (median and IQR), and the methods' median points. Pure functions of cells.json.
 */
import { quantile } from 'd3-array';

export interface Point {
  readonly accuracy: number;
  readonly totalMs: number;
  readonly split: number;
}

export interface CellResult {
  readonly bandwidthMbps: number;
  readonly boundMs: number;
  readonly seed: number;
  readonly methods: Record<string, Point | null>;
}

/** A candidate point of a method: accuracy, total latency, split and feasibility. */
export interface Candidate {
  readonly accuracy: number;
  readonly totalMs: number;
  readonly split: number;
  readonly feasible: boolean;
}

/** The most accurate feasible point (ties → faster). */
export function best(points: readonly Candidate[]): Point | null {
  let b: Point | null = null;
  for (const p of points) {
    if (!p.feasible || !Number.isFinite(p.accuracy)) continue;
    if (b === null || p.accuracy > b.accuracy || (p.accuracy === b.accuracy && p.totalMs < b.totalMs)) b = { accuracy: p.accuracy, totalMs: p.totalMs, split: p.split };
  }
  return b;
}

/** The fastest feasible point with accuracy ≥ floor (ties → more accurate). */
export function fastestWithin(points: readonly Candidate[], floor: number): Point | null {
  let b: Point | null = null;
  for (const p of points) {
    if (!p.feasible || !Number.isFinite(p.accuracy) || p.accuracy < floor - 1e-12) continue;
    if (b === null || p.totalMs < b.totalMs || (p.totalMs === b.totalMs && p.accuracy > b.accuracy)) b = { accuracy: p.accuracy, totalMs: p.totalMs, split: p.split };
  }
  return b;
}

/** NASC variants compared against HWNAS, in table order. */
const NASC_VARIANTS = ['nasc', 'nascIsoAccuracy', 'nascBestSplit', 'nascBestSplitIsoAccuracy'] as const;
const VARIANT_LABEL: Record<string, string> = {
  nasc: 'NASC, most accurate',
  nascIsoAccuracy: 'NASC, fastest within tolerance',
  nascBestSplit: 'NASC + best-split repair, most accurate',
  nascBestSplitIsoAccuracy: 'NASC + best-split repair, fastest within tolerance',
};
/** Representative points shown per method (median ms / accuracy). */
const SHOWN = ['nasc', 'nascIsoAccuracy', 'nascBestSplit', 'hwnas', 'deviceOnly', 'serverOnlyNoPrivacy', 'fixedBestSplit'] as const;
const SHOWN_LABEL: Record<string, string> = {
  nasc: 'NASC',
  nascIsoAccuracy: 'NASC iso-acc.',
  nascBestSplit: 'NASC+best split',
  hwnas: 'HWNAS',
  deviceOnly: 'device-only',
  serverOnlyNoPrivacy: 'server-only (no privacy)',
  fixedBestSplit: 'fixed arch + best split',
};

type Spread = { median: number; q1: number; q3: number };

interface Comparison {
  readonly pairs: number;
  readonly latencyReductionPct: Spread | null;
  readonly accuracyDiffPts: Spread | null;
}

export interface Row {
  bandwidthMbps: number;
  boundMs: number;
  seeds: number;
  /** Per NASC variant: 1 − T/T_HWNAS and accuracy − accuracy_HWNAS over seeds where both exist. */
  vsHwnas: Record<string, Comparison>;
  medianMs: Record<string, number | null>;
  medianAccuracyPct: Record<string, number | null>;
  /** Seeds in which the method had no point (none feasible; for iso-accuracy, none within tolerance). */
  infeasible: Record<string, number>;
}

function stats(xs: number[]): Spread | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5) as number, q1: quantile(s, 0.25) as number, q3: quantile(s, 0.75) as number };
}

export function summarise(cells: readonly CellResult[]): Row[] {
  const groups = new Map<string, CellResult[]>();
  for (const c of cells) {
    const k = `${c.bandwidthMbps}|${c.boundMs}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.values()].map((g) => {
    const methods = [...new Set(g.flatMap((c) => Object.keys(c.methods)))];
    const points = (m: string) => g.map((c) => c.methods[m]).filter((p): p is Point => p !== null && p !== undefined);
    const med = (f: (p: Point) => number) => Object.fromEntries(methods.map((m) => [m, stats(points(m).map(f))?.median ?? null]));
    const vsHwnas: Record<string, Comparison> = {};
    for (const v of NASC_VARIANTS) {
      if (!methods.includes(v)) continue;
      const pairs = g.filter((c) => c.methods[v] && c.methods.hwnas);
      vsHwnas[v] = {
        pairs: pairs.length,
        latencyReductionPct: stats(pairs.map((c) => 100 * (1 - (c.methods[v] as Point).totalMs / (c.methods.hwnas as Point).totalMs))),
        accuracyDiffPts: stats(pairs.map((c) => 100 * ((c.methods[v] as Point).accuracy - (c.methods.hwnas as Point).accuracy))),
      };
    }
    return {
      bandwidthMbps: g[0]?.bandwidthMbps ?? NaN,
      boundMs: g[0]?.boundMs ?? NaN,
      seeds: g.length,
      vsHwnas,
      medianMs: med((p) => p.totalMs),
      medianAccuracyPct: med((p) => 100 * p.accuracy),
      infeasible: Object.fromEntries(methods.map((m) => [m, g.filter((c) => c.methods[m] === null).length])),
    };
  });
}

export function markdown(rows: readonly Row[], tolerance: number): string {
  const r = (x: Spread | null, d = 1) => (x === null ? '—' : `${x.median.toFixed(d)} [${x.q1.toFixed(d)}, ${x.q3.toFixed(d)}]`);
  const v = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const variants = NASC_VARIANTS.filter((m) => rows.some((x) => x.vsHwnas[m] !== undefined));
  const shown = SHOWN.filter((m) => rows.some((x) => m in x.medianMs));
  const head1 = ['Mbit/s', 'bound ms', 'seeds', ...variants.map((m) => `${VARIANT_LABEL[m]}: latency reduction vs HWNAS % / accuracy diff pts (median [IQR])`)];
  const head2 = ['Mbit/s', 'bound ms', ...shown.map((m) => `${SHOWN_LABEL[m]} ms / acc %`)];
  const infeasible = (x: Row, m: string) => ((x.infeasible[m] ?? 0) > 0 ? ` (no point in ${x.infeasible[m]} of ${x.seeds})` : '');
  const lines = [
    `Latency reduction and accuracy difference against HWNAS (tolerance for "fastest within tolerance": ${tolerance} point):`,
    '',
    `| ${head1.join(' | ')} |`,
    `|${head1.map(() => '---').join('|')}|`,
    ...rows.map((x) => `| ${x.bandwidthMbps} | ${x.boundMs} | ${x.seeds} | ${variants.map((m) => { const c = x.vsHwnas[m]; return c === undefined ? '—' : `${r(c.latencyReductionPct)} / ${r(c.accuracyDiffPts)}${c.pairs < x.seeds ? ` (${c.pairs} of ${x.seeds} seeds)` : ''}`; }).join(' | ')} |`),
    '',
    'Median representative points (most accurate feasible, except iso-accuracy):',
    '',
    `| ${head2.join(' | ')} |`,
    `|${head2.map(() => '---').join('|')}|`,
    ...rows.map((x) => `| ${x.bandwidthMbps} | ${x.boundMs} | ${shown.map((m) => `${v(x.medianMs[m])} / ${v(x.medianAccuracyPct[m])}${infeasible(x, m)}`).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}


/**
 * Where the study's fronts deploy: per cell and method, how many test-front points (pooled over
 * seeds) run device-only, send the image, or cut at split s with a given payload. It is the table
 * that says whether splitting pays in a cell and which width a method found, beside the reduction
 * figures (which say only how much faster).
 */
import { BOTTLENECK_LEVEL_NAMES, bottleneckPayloadBytes, levelOfWidth } from '../../problems/nasc/bottleneck.js';
import { MAX_SPLIT } from '../../problems/nasc/fbnet_space.js';
import type { HeldOutPoint } from '../plugin_types.js';
import type { StudyRun } from './paper_analysis.js';

/** A deployment's label: 'device-only', 'server-only', 's=21 fp32' or 's=21 C/8 (376 B)'. */
export function deploymentLabel(details: HeldOutPoint['details']): string {
  const split = details?.split;
  if (typeof split !== 'number') return 'unknown';
  if (split === MAX_SPLIT) return 'device-only';
  if (split === 0) return 'server-only';
  const width = typeof details?.bottleneck === 'number' ? details.bottleneck : 0;
  if (width === 0) return `s=${split} ${String(details?.precision ?? '')}`.trim();
  let level: number;
  try {
    level = levelOfWidth(split, width);
  } catch {
    // A width outside the four levels (a custom space): name the channel count instead.
    return `s=${split} c=${width} (${bottleneckPayloadBytes(split, width)} B)`;
  }
  return `s=${split} ${BOTTLENECK_LEVEL_NAMES[level]} (${bottleneckPayloadBytes(split, width)} B)`;
}

export interface DeploymentCount {
  readonly label: string;
  readonly points: number;
}

export interface CellDeployments {
  readonly bandwidthMbps: number;
  readonly boundMs: number;
  /** Per strategy: front points by deployment, most used first (ties by label). */
  readonly byStrategy: Record<string, DeploymentCount[]>;
}

/** Counts every run's test-front points by deployment, per cell (bound, then bandwidth) and strategy. */
export function frontDeployments(runs: readonly StudyRun[]): CellDeployments[] {
  const cells = new Map<string, { bandwidthMbps: number; boundMs: number; counts: Map<string, Map<string, number>> }>();
  for (const r of runs) {
    const key = `${r.boundMs}|${r.bandwidthMbps}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { bandwidthMbps: r.bandwidthMbps, boundMs: r.boundMs, counts: new Map() };
      cells.set(key, cell);
    }
    let counts = cell.counts.get(r.strategy);
    if (counts === undefined) {
      counts = new Map();
      cell.counts.set(r.strategy, counts);
    }
    for (const p of r.front) {
      const label = deploymentLabel(p.details);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  return [...cells.values()]
    .sort((a, b) => a.boundMs - b.boundMs || a.bandwidthMbps - b.bandwidthMbps)
    .map((c) => ({
      bandwidthMbps: c.bandwidthMbps,
      boundMs: c.boundMs,
      byStrategy: Object.fromEntries(
        [...c.counts.entries()].map(([s, m]) => [s, [...m.entries()].map(([label, points]) => ({ label, points })).sort((a, b) => b.points - a.points || a.label.localeCompare(b.label))]),
      ),
    }));
}

/** A pipe table: a row per cell, a column per strategy listing its deployments (the `top` most used, then the rest summed). */
export function deploymentsMarkdown(cells: readonly CellDeployments[], strategies: readonly string[], top = 4): string {
  const shown = strategies.filter((s) => cells.some((c) => c.byStrategy[s] !== undefined));
  const head = ['Mbit/s', 'bound ms', ...shown];
  const list = (counts: DeploymentCount[] | undefined) => {
    if (counts === undefined || counts.length === 0) return '—';
    const total = counts.reduce((t, c) => t + c.points, 0);
    const first = counts.slice(0, top).map((c) => `${c.label} ×${c.points}`);
    const rest = counts.slice(top).reduce((t, c) => t + c.points, 0);
    return `${total} point${total === 1 ? '' : 's'}: ${first.join(', ')}${rest > 0 ? `, other ×${rest}` : ''}`;
  };
  return [
    'Where the test fronts deploy (front points of all seeds pooled, by split and payload; C/k: a learned bottleneck of C/k channels, int8):',
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...cells.map((c) => `| ${c.bandwidthMbps} | ${c.boundMs} | ${shown.map((s) => list(c.byStrategy[s])).join(' | ')} |`),
  ].join('\n');
}

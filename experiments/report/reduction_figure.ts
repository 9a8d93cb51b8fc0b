import * as Plot from '@observablehq/plot';
import path from 'node:path';
import type { CellSummary } from '../reproduce/paper_analysis.js';
import { writePlot } from './render.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];

/**
 * Latency reduction of `compared` against `reference` at matched test accuracy, against bandwidth:
 * one line per latency bound (median over seeds), inter-quartile bars.
 */
export function drawReductionFigure(out: string, cells: readonly CellSummary[], compared: string, reference: string): string[] {
  const rows = cells.flatMap((c) => {
    const s = c.reductions[compared]?.spread;
    return s === null || s === undefined ? [] : [{ bandwidth: c.bandwidthMbps, bound: `${c.boundMs} ms`, median: s.median, q1: s.q1, q3: s.q3 }];
  });
  if (rows.length === 0) return [];
  const bounds = [...new Set(rows.map((r) => r.bound))];
  const file = reductionFigureBase(out, compared);
  return writePlot(file, {
    title: `${compared} vs ${reference}: latency reduction at matched test accuracy`,
    width: 720,
    height: 420,
    grid: true,
    x: { type: 'log', label: 'uplink bandwidth (Mbit/s)', ticks: [...new Set(rows.map((r) => r.bandwidth))] },
    // The domain spans the IQR bars too (Plot sizes it from the lines' medians otherwise) and 0.
    y: { label: 'latency reduction (%), median and IQR over seeds', domain: paddedDomain([0, ...rows.flatMap((r) => [r.q1, r.median, r.q3])]) },
    color: { legend: true, domain: bounds, range: PALETTE },
    marks: [
      Plot.ruleY([0], { stroke: '#999' }),
      // Each bound's line and bars shifted a few pixels sideways, so IQR bars at one bandwidth do not hide each other.
      ...bounds.flatMap((bound, i) => {
        const own = rows.filter((r) => r.bound === bound);
        const dx = (i - (bounds.length - 1) / 2) * 7;
        return [
          Plot.ruleX(own, { x: 'bandwidth', y1: 'q1', y2: 'q3', stroke: 'bound', strokeWidth: 2, dx }),
          Plot.line(own, { x: 'bandwidth', y: 'median', stroke: 'bound', marker: 'circle', dx }),
        ];
      }),
    ],
  });
}

function paddedDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = Math.max(1, 0.05 * (hi - lo));
  return [lo - pad, hi + pad];
}

/** The figure's path without extension: `reduction-<strategy spec, sanitised for a file name>`. */
export function reductionFigureBase(out: string, compared: string): string {
  return path.join(out, `reduction-${compared.replace(/[^a-zA-Z0-9_.=-]+/g, '_')}`);
}

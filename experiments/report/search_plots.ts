import * as Plot from '@observablehq/plot';
import path from 'node:path';
import type { SearchResults } from '../search/results.js';
import { writePlot } from './render.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/** The four figures of a search: front vs baselines, HV vs evaluations, latency breakdown, split histogram. */
export function drawSearchPlots(dir: string, r: SearchResults): string[] {
  const bound = r.config.scenario.latencyBoundMs;
  const nascLabel = `${r.config.strategy} (this search, ${r.history[r.history.length - 1]?.evaluations ?? r.config.evaluations} evals)`;
  const series = [
    ...r.front.map((p) => ({ who: nascLabel, totalMs: p.totalMs, errorPct: 100 * (1 - p.testAccuracy), split: p.split })),
    // Each baseline's legend entry states its budget: fronts of different budgets are not comparable.
    ...r.baselines.flatMap((b) => b.front.map((p) => ({ who: `${b.name} (${b.evaluations} evals)`, totalMs: p.totalMs, errorPct: 100 * (1 - p.testAccuracy), split: p.split }))),
  ].filter((d) => Number.isFinite(d.errorPct));
  // A baseline without a feasible point still gets a legend entry saying so.
  const empty = r.baselines.filter((b) => !b.front.some((p) => Number.isFinite(p.testAccuracy))).map((b) => `${b.name} (${b.evaluations} evals, no feasible point)`);
  const names = [...new Set([...series.map((d) => d.who), ...empty])];
  const files: string[] = [];
  files.push(
    ...writePlot(path.join(dir, 'front'), {
      title: `Error vs end-to-end latency — ${r.config.scenario.name} (${r.config.scenario.device} → ${r.config.scenario.server}, ${r.config.scenario.bandwidthMbps} Mbit/s)`,
      width: 760,
      height: 460,
      grid: true,
      x: { label: 'total latency (ms)' },
      y: { label: 'top-1 test error (%)' },
      color: { legend: true, domain: names, range: PALETTE },
      marks: [
        Plot.ruleX([bound], { stroke: '#999', strokeDasharray: '4,3' }),
        Plot.text([{ x: bound }], { x: 'x', frameAnchor: 'top', dx: -4, text: () => `bound ${bound} ms`, textAnchor: 'end', fill: '#666' }),
        Plot.line(
          series.filter((d) => d.who === nascLabel).sort((a, b) => a.totalMs - b.totalMs),
          { x: 'totalMs', y: 'errorPct', stroke: PALETTE[0], curve: 'step-after' },
        ),
        Plot.dot(series, { x: 'totalMs', y: 'errorPct', stroke: 'who', symbol: 'who', r: 4 }),
      ],
    }),
  );
  files.push(
    ...writePlot(path.join(dir, 'hv'), {
      title: 'Hypervolume of the feasible front vs evaluations',
      width: 640,
      height: 360,
      grid: true,
      x: { label: 'evaluations' },
      y: { label: `HV wrt (${r.referencePoint.map((v) => v.toFixed(3)).join(', ')})` },
      marks: [Plot.line(r.history, { x: 'evaluations', y: 'hv', stroke: PALETTE[0] }), Plot.dot(r.history, { x: 'evaluations', y: 'hv', fill: PALETTE[0], r: 2 })],
    }),
  );
  const parts = r.front.flatMap((p, i) => [
    { point: i, part: 'device', ms: p.deviceMs },
    { point: i, part: 'encoder', ms: p.encoderMs ?? 0 },
    { point: i, part: 'link', ms: p.linkMs },
    { point: i, part: 'decoder', ms: p.decoderMs ?? 0 },
    { point: i, part: 'server', ms: p.serverMs },
  ]);
  files.push(
    ...writePlot(path.join(dir, 'latency_breakdown'), {
      title: 'Latency breakdown of the front (sorted by total latency)',
      // ≈ 34 px a bar keeps the two-line "s=18 / c=11" tick labels apart on long fronts.
      width: Math.max(720, 60 + 34 * r.front.length),
      // Bottleneck widths go on a second tick line: room for it above the axis label.
      ...(r.front.some((p) => (p.bottleneck ?? 0) > 0) ? { height: 400, marginBottom: 52 } : { height: 380 }),
      x: { label: 'front point (s = split, c = bottleneck width)', tickFormat: (i: number) => `s=${r.front[i]?.split ?? ''}${(r.front[i]?.bottleneck ?? 0) > 0 ? `\nc=${r.front[i]?.bottleneck}` : ''}` },
      y: { label: 'latency (ms)', grid: true },
      color: { legend: true, domain: ['device', 'encoder', 'link', 'decoder', 'server'], range: [PALETTE[0] as string, PALETTE[3] as string, PALETTE[1] as string, PALETTE[5] as string, PALETTE[4] as string] },
      marks: [Plot.barY(parts, { x: 'point', y: 'ms', fill: 'part' }), Plot.ruleY([0])],
    }),
  );
  const splits = r.front.map((p) => ({ split: p.split }));
  files.push(
    ...writePlot(path.join(dir, 'split_histogram'), {
      title: 'Split points on the front',
      width: 640,
      height: 320,
      x: { label: 'split point s (0 = send image, 22 = device-only)', domain: Array.from({ length: 23 }, (_, i) => i) },
      y: { label: 'front points', grid: true },
      marks: [Plot.barY(splits, Plot.groupX({ y: 'count' }, { x: 'split', fill: PALETTE[0] })), Plot.ruleY([0])],
    }),
  );
  return files;
}

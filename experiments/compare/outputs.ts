import * as Plot from '@observablehq/plot';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic_write.js';
import { writeCompareReportHtml } from '../report/compare_report.js';
import { writePlot } from '../report/render.js';
import type { CompareResult } from './compare.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ab'];

/** Indicators not worth a plot (equal for every strategy by construction). */
const UNPLOTTED = new Set(['distinctEvaluations']);

/**
 * Writes a comparison to `dir`: compare.json (everything, runs and curves included),
 * summary.csv (final median/q1/q3/mean per strategy and indicator), pvalues.csv, budgets.csv
 * (the same table at each reporting budget, with the leader), curves.csv (every run's indicator
 * values at every checkpoint), and one plot per indicator — median line and inter-quartile band
 * vs evaluations — as SVG and PNG, and report.html (all of it on one offline page). Returns the files written.
 */
export function writeCompareOutputs(dir: string, result: CompareResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, text);
    files.push(file);
  };
  const json = path.join(dir, 'compare.json');
  writeJsonAtomic(json, result);
  files.push(json);
  const names = Object.keys(result.strategies);
  const summaryRows = [['strategy', 'indicator', 'median', 'q1', 'q3', 'mean', 'n']];
  for (const name of names) {
    for (const [ind, s] of Object.entries(result.strategies[name] ?? {})) summaryRows.push([name, ind, num(s.median), num(s.q1), num(s.q3), num(s.mean), String(s.n)]);
  }
  put('summary.csv', csv(summaryRows));
  const pRows = [['a', 'b', 'indicator', 'p']];
  for (const [pair, row] of Object.entries(result.pValues)) {
    const [a, b] = pair.split('|');
    for (const [ind, p] of Object.entries(row)) pRows.push([a ?? '', b ?? '', ind, num(p)]);
  }
  put('pvalues.csv', csv(pRows));
  const budgetRows = [['evaluations', 'indicator', 'strategy', 'median', 'q1', 'q3', 'leader', 'p_vs_runner_up']];
  for (const b of result.atBudgets) {
    for (const ind of result.indicators) {
      const lead = b.leader[ind];
      for (const name of names) {
        const s = b.strategies[name]?.[ind];
        if (s === undefined) continue;
        budgetRows.push([String(b.evaluations), ind, name, num(s.median), num(s.q1), num(s.q3), lead?.strategy === name ? 'yes' : '', lead?.strategy === name && lead.p !== undefined ? num(lead.p) : '']);
      }
    }
  }
  put('budgets.csv', csv(budgetRows));
  const curveRows = [['strategy', 'seed', 'evaluations', 'indicator', 'value']];
  for (const r of result.runs) {
    for (const c of r.curve) for (const [ind, v] of Object.entries(c.indicators)) curveRows.push([r.strategy, String(r.seed), String(c.evaluations), ind, num(v)]);
  }
  put('curves.csv', csv(curveRows));
  for (const ind of result.indicators) {
    if (UNPLOTTED.has(ind)) continue;
    files.push(...plotIndicator(path.join(dir, safeName(ind)), result, ind, names));
  }
  files.push(writeCompareReportHtml(dir));
  return files;
}

function plotIndicator(base: string, result: CompareResult, indicator: string, names: readonly string[]): string[] {
  const data = names.flatMap((name) => (result.curves[name]?.[indicator] ?? []).filter((p) => !Number.isNaN(p.median)).map((p) => ({ strategy: name, ...p })));
  if (data.length === 0) return [];
  // Room for the one-row legend the renderer draws (about 28 px + 6.5 px per character a swatch).
  const legendWidth = names.reduce((w, n) => w + 28 + n.length * 6.5, 20);
  return writePlot(base, {
    title: `${indicator} — ${result.problem}, ${result.seeds.length} seeds (median, inter-quartile band)`,
    width: Math.max(720, Math.ceil(legendWidth)),
    height: 420,
    marginLeft: 60,
    x: { label: 'evaluations', grid: true },
    y: { label: indicator, grid: true },
    color: { legend: true, domain: [...names], range: PALETTE.slice(0, Math.max(1, names.length)) },
    marks: [
      // Plot's types want Data and channel names; plain objects and keys are what it accepts at runtime.
      areaY(data, { x: 'evaluations', y1: 'q1', y2: 'q3', fill: 'strategy', fillOpacity: 0.18 }),
      lineY(data, { x: 'evaluations', y: 'median', stroke: 'strategy', strokeWidth: 2 }),
    ],
  });
}


function areaY(data: readonly object[], options: Plot.AreaYOptions): Plot.Area {
  return Plot.areaY(data, options);
}

function lineY(data: readonly object[], options: Plot.LineYOptions): Plot.Line {
  return Plot.lineY(data, options);
}

function num(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function csv(rows: readonly (readonly string[])[]): string {
  return `${rows.map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\n')}\n`;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

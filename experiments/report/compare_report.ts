/**
 * The `report.html` page of a `nasc compare` folder (its compare.json): per indicator the median
 * and inter-quartile band vs evaluations for every strategy (hover: median, quartiles, seeds),
 * and the final summary table. Reads only the fields below, so any writer of that shape (compare,
 * the NAS-Bench-201 study, the paper comparison) can use it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { configTable, writeReportHtml, type HtmlReport, type ReportSection } from './html.js';
import { escapeXml, legendHtml, lineChart, TipList } from './svg_chart.js';

interface Quartiles {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export interface CompareLike {
  readonly problem: string;
  readonly evaluations: number;
  readonly seeds: readonly number[];
  readonly indicators: readonly string[];
  readonly strategies: Readonly<Record<string, Readonly<Record<string, Quartiles & { readonly mean?: number; readonly n?: number }>>>>;
  readonly curves: Readonly<Record<string, Readonly<Record<string, readonly (Quartiles & { readonly evaluations: number })[]>>>>;
}

/** Indicators equal for every strategy by construction (as in compare's plots). */
const UNPLOTTED = new Set(['distinctEvaluations']);

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

export function compareReport(r: CompareLike, title = `nasc compare — ${r.problem}`): HtmlReport {
  const tips = new TipList();
  const names = Object.keys(r.strategies);
  const sections: ReportSection[] = [];
  for (const indicator of r.indicators) {
    if (UNPLOTTED.has(indicator)) continue;
    const series = names.map((name) => ({
      name,
      points: (r.curves[name]?.[indicator] ?? [])
        .filter((p) => Number.isFinite(p.median))
        .map((p) => ({
          x: p.evaluations,
          y: p.median,
          lo: p.q1,
          hi: p.q3,
          tip: tips.add({ title: `${name} — ${indicator}`, rows: [['evaluations', String(p.evaluations)], ['median', fmt(p.median)], ['quartiles', `${fmt(p.q1)} … ${fmt(p.q3)}`], ['seeds', String(r.seeds.length)]] }),
        })),
    }));
    if (series.every((s) => s.points.length === 0)) continue;
    const id = `ind-${indicator.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
    sections.push({
      id,
      title: indicator,
      note: `Median over ${r.seeds.length} seeds and inter-quartile band vs evaluations.`,
      body: legendHtml(names, 'line') + lineChart({ id, label: `${indicator} vs evaluations`, xLabel: 'evaluations', yLabel: indicator, series }),
    });
  }
  const head = `<tr><th>strategy</th>${r.indicators.map((i) => `<th>${escapeXml(i)} median [q1, q3]</th>`).join('')}</tr>`;
  const rows = names
    .map((name) => `<tr><td>${escapeXml(name)}</td>${r.indicators.map((i) => {
      const s = r.strategies[name]?.[i];
      return `<td class="num">${s === undefined ? '—' : `${fmt(s.median)} [${fmt(s.q1)}, ${fmt(s.q3)}]`}</td>`;
    }).join('')}</tr>`)
    .join('');
  sections.push({ id: 'summary', title: `Final values (${r.evaluations} evaluations)`, body: `<div class="scroll"><table id="summary-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>` });
  sections.push({ id: 'config', title: 'Configuration', body: configTable({ problem: r.problem, evaluations: r.evaluations, seeds: r.seeds, strategies: names, indicators: r.indicators }) });
  return { title, subtitle: `${names.length} strategies × ${r.seeds.length} seeds, ${r.evaluations} evaluations each`, sections, tips: tips.tips };
}

/** Reads `<dir>/compare.json`; one InputError line when it is missing or not a comparison. */
export function readCompareFolder(dir: string): CompareLike {
  const file = path.join(dir, 'compare.json');
  if (!existsSync(file)) throw new InputError(`${dir} has no compare.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(`${file} is not valid JSON`);
  }
  const c = json as Partial<CompareLike>;
  if (typeof c.problem !== 'string' || !Array.isArray(c.indicators) || typeof c.strategies !== 'object' || typeof c.curves !== 'object' || !Array.isArray(c.seeds)) {
    throw new InputError(`${file} is not a nasc comparison (problem, indicators, strategies, curves, seeds)`);
  }
  return c as CompareLike;
}

/** `report.html` of a compare folder; returns its path. */
export function writeCompareReportHtml(dir: string): string {
  return writeReportHtml(dir, compareReport(readCompareFolder(dir)));
}

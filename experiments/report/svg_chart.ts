/**
 * Small SVG charts for the self-contained HTML report: scatter (with an optional step line and
 * a vertical rule), lines (with an optional band), and bars. Pure functions from data to SVG
 * text — no DOM, no library — so the report needs nothing at view time but the browser. Every
 * mark that has a tooltip carries `data-tip="<index into the page's tip list>"`; the page's
 * script shows the tip on hover and keyboard focus.
 */

export interface Tip {
  readonly title: string;
  readonly rows: readonly (readonly [string, string])[];
}

/** Collects the tooltips of a page; marks refer to them by index. */
export class TipList {
  readonly tips: Tip[] = [];

  add(tip: Tip): number {
    this.tips.push(tip);
    return this.tips.length - 1;
  }
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ab'];

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

const MARGIN: Margin = { top: 16, right: 20, bottom: 44, left: 60 };

export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
  readonly step: number;
}

/** Tick step 1, 2 or 5 × 10^k giving about `count` ticks over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f >= 5 ? 10 : f >= 2 ? 5 : f >= 1.5 ? 2 : 1) * pow;
}

/**
 * A linear scale whose domain is widened to whole tick steps ("nice"), after `pad` (a fraction
 * of the span) on both sides so marks never sit on the frame. `integer` keeps the step ≥ 1 (counts).
 */
export function linearScale(lo: number, hi: number, range: readonly [number, number], count = 6, pad = 0, integer = false): Scale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= d;
    hi += d;
  }
  const extra = (hi - lo) * pad;
  lo -= extra;
  hi += extra;
  const step = integer ? Math.max(1, tickStep(lo, hi, count)) : tickStep(lo, hi, count);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; a + k * step <= b + step * 1e-9; k++) ticks.push(roundTo(a + k * step, step));
  const [r0, r1] = range;
  const f = ((v: number) => r0 + ((v - a) / (b - a)) * (r1 - r0)) as Scale;
  return Object.assign(f, { domain: [a, b] as const, ticks, step });
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(12, digits)));
}

export function formatNumber(v: number, step: number): string {
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(digits);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r = (v: number) => Math.round(v * 100) / 100;

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly margin: Margin;
  readonly x: Scale;
  readonly y: Scale;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Tick labels for a categorical x (bars). */
  readonly xTickLabel?: (v: number) => string;
}

function axes(f: Frame): string {
  const { margin: m, width: w, height: h } = f;
  const parts: string[] = [];
  for (const t of f.y.ticks) {
    const y = r(f.y(t));
    parts.push(`<line class="grid" x1="${m.left}" x2="${w - m.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${m.left - 6}" y="${y}" dy="0.32em" text-anchor="end">${formatNumber(t, f.y.step)}</text>`);
  }
  for (const t of f.x.ticks) {
    const x = r(f.x(t));
    if (f.xTickLabel === undefined) parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${m.top}" y2="${h - m.bottom}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${h - m.bottom + 16}" text-anchor="middle">${escapeXml(f.xTickLabel?.(t) ?? formatNumber(t, f.x.step))}</text>`);
  }
  parts.push(`<line class="axis" x1="${m.left}" x2="${w - m.right}" y1="${h - m.bottom}" y2="${h - m.bottom}"/>`);
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${h - m.bottom}"/>`);
  parts.push(`<text class="label" x="${(m.left + w - m.right) / 2}" y="${h - 8}" text-anchor="middle">${escapeXml(f.xLabel)}</text>`);
  parts.push(`<text class="label" transform="translate(14 ${(m.top + h - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(f.yLabel)}</text>`);
  return parts.join('');
}

/** Symbol paths centred on (0, 0), ~r = 4.5; one per series index (cycled). */
const SYMBOLS = [
  'M4.5,0A4.5,4.5,0,1,1,-4.5,0A4.5,4.5,0,1,1,4.5,0Z',
  'M-4,-4L4,4M-4,4L4,-4',
  'M0,-5L4.6,3.5L-4.6,3.5Z',
  'M-4,-4H4V4H-4Z',
  'M0,-5.2L5.2,0L0,5.2L-5.2,0Z',
  'M-5,0H5M0,-5V5',
  'M0,-5L1.5,-1.5L5,0L1.5,1.5L0,5L-1.5,1.5L-5,0L-1.5,-1.5Z',
];

export function symbolPath(series: number): string {
  return SYMBOLS[series % SYMBOLS.length] as string;
}

function svgOpen(id: string, width: number, height: number, label: string): string {
  return `<svg id="${escapeXml(id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(label)}">`;
}

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly tip?: number;
}

export interface ScatterSeries {
  readonly name: string;
  readonly points: readonly ScatterPoint[];
  /** Join the points, sorted by x, with a step line (a front). */
  readonly stepLine?: boolean;
}

export interface ScatterSpec {
  readonly id: string;
  readonly label: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ScatterSeries[];
  readonly rule?: { readonly x: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

/** Scatter plot; each point a `<path class="mark" data-series="i">`, in series then point order. */
export function scatterChart(s: ScatterSpec): string {
  const width = s.width ?? 760;
  const height = s.height ?? 440;
  const m = MARGIN;
  const all = s.series.flatMap((x) => x.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = [...all.map((p) => p.x), ...(s.rule === undefined ? [] : [s.rule.x])];
  const ys = all.map((p) => p.y);
  const x = linearScale(Math.min(...xs), Math.max(...xs), [m.left, width - m.right], 8, 0.02);
  const y = linearScale(Math.min(...ys), Math.max(...ys), [height - m.bottom, m.top], 7, 0.03);
  const parts = [svgOpen(s.id, width, height, s.label), axes({ width, height, margin: m, x, y, xLabel: s.xLabel, yLabel: s.yLabel })];
  if (s.rule !== undefined) {
    const rx = r(x(s.rule.x));
    parts.push(`<line class="rule" x1="${rx}" x2="${rx}" y1="${m.top}" y2="${height - m.bottom}"/>`);
    parts.push(`<text class="rule-label" x="${rx - 4}" y="${m.top + 10}" text-anchor="end">${escapeXml(s.rule.label)}</text>`);
  }
  s.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const pts = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (series.stepLine === true && pts.length > 1) {
      const sorted = [...pts].sort((a, b) => a.x - b.x);
      let d = `M${r(x(sorted[0]?.x ?? 0))},${r(y(sorted[0]?.y ?? 0))}`;
      for (let k = 1; k < sorted.length; k++) {
        const p = sorted[k] as ScatterPoint;
        d += `H${r(x(p.x))}V${r(y(p.y))}`;
      }
      parts.push(`<path class="line" d="${d}" stroke="${color}"/>`);
    }
    const filled = i === 0;
    parts.push(`<g class="series" data-name="${escapeXml(series.name)}">`);
    for (const p of pts) {
      const tip = p.tip === undefined ? '' : ` data-tip="${p.tip}" tabindex="0"`;
      const paint = filled ? `fill="${color}" stroke="${color}"` : `fill="none" stroke="${color}"`;
      parts.push(`<path class="mark" data-series="${i}"${tip} d="${symbolPath(i)}" transform="translate(${r(x(p.x))} ${r(y(p.y))})" ${paint}/>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  /** Band (e.g. inter-quartile range) around y. */
  readonly lo?: number;
  readonly hi?: number;
  readonly tip?: number;
}

export interface LineSpec {
  readonly id: string;
  readonly label: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly { readonly name: string; readonly points: readonly LinePoint[] }[];
  readonly width?: number;
  readonly height?: number;
}

/** Lines with dots (and bands where lo/hi are given); dots are the marks. */
export function lineChart(s: LineSpec): string {
  const width = s.width ?? 760;
  const height = s.height ?? 360;
  const m = MARGIN;
  const all = s.series.flatMap((x) => x.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const ys = all.flatMap((p) => [p.y, ...(p.lo === undefined ? [] : [p.lo]), ...(p.hi === undefined ? [] : [p.hi])]).filter(Number.isFinite);
  const x = linearScale(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)), [m.left, width - m.right], 8);
  const y = linearScale(Math.min(...ys), Math.max(...ys), [height - m.bottom, m.top], 6);
  const parts = [svgOpen(s.id, width, height, s.label), axes({ width, height, margin: m, x, y, xLabel: s.xLabel, yLabel: s.yLabel })];
  s.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const pts = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    const band = pts.filter((p) => p.lo !== undefined && p.hi !== undefined && Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (band.length > 1) {
      const top = band.map((p) => `${r(x(p.x))},${r(y(p.hi as number))}`);
      const bottom = band.map((p) => `${r(x(p.x))},${r(y(p.lo as number))}`).reverse();
      parts.push(`<path class="band" d="M${top.join('L')}L${bottom.join('L')}Z" fill="${color}"/>`);
    }
    if (pts.length > 1) parts.push(`<path class="line" d="M${pts.map((p) => `${r(x(p.x))},${r(y(p.y))}`).join('L')}" stroke="${color}"/>`);
    parts.push(`<g class="series" data-name="${escapeXml(series.name)}">`);
    for (const p of pts) {
      const tip = p.tip === undefined ? '' : ` data-tip="${p.tip}" tabindex="0"`;
      parts.push(`<circle class="mark dot" data-series="${i}"${tip} cx="${r(x(p.x))}" cy="${r(y(p.y))}" r="3" fill="${color}"/>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface BarSpec {
  readonly id: string;
  readonly label: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Categories 0..n−1 in order; `value` the bar height. */
  readonly bars: readonly { readonly category: string; readonly value: number; readonly tip?: number }[];
  readonly width?: number;
  readonly height?: number;
}

/** Vertical bars over categorical x; each bar a `<rect class="mark">`. */
export function barChart(s: BarSpec): string {
  const width = s.width ?? 760;
  const height = s.height ?? 320;
  const m = MARGIN;
  const n = Math.max(1, s.bars.length);
  const band = (width - m.left - m.right) / n;
  const y = linearScale(0, Math.max(1, ...s.bars.map((b) => b.value)), [height - m.bottom, m.top], 5, 0, true);
  const x = Object.assign((v: number) => m.left + (v + 0.5) * band, { domain: [0, n - 1] as const, ticks: s.bars.map((_, i) => i), step: 1 }) as Scale;
  const parts = [svgOpen(s.id, width, height, s.label), axes({ width, height, margin: m, x, y, xLabel: s.xLabel, yLabel: s.yLabel, xTickLabel: (v) => s.bars[v]?.category ?? '' })];
  s.bars.forEach((b, i) => {
    if (!(b.value > 0)) return;
    const top = r(y(b.value));
    const tip = b.tip === undefined ? '' : ` data-tip="${b.tip}" tabindex="0"`;
    parts.push(`<rect class="mark bar" data-series="0"${tip} x="${r(m.left + i * band + band * 0.1)}" width="${r(band * 0.8)}" y="${top}" height="${r(height - m.bottom - top)}" fill="${PALETTE[0]}"/>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A legend as HTML: per name its colour, as the series' symbol (scatter) or a line (line charts). */
export function legendHtml(names: readonly string[], mark: 'symbol' | 'line' = 'symbol'): string {
  return `<div class="legend">${names
    .map((name, i) => {
      const color = PALETTE[i % PALETTE.length] as string;
      const paint = i === 0 ? `fill="${color}" stroke="${color}"` : `fill="none" stroke="${color}"`;
      const glyph = mark === 'line' ? `<path d="M-7,0H7" stroke="${color}" stroke-width="2.5"/>` : `<path d="${symbolPath(i)}" ${paint} stroke-width="1.5"/>`;
      return `<span class="swatch"><svg viewBox="-7 -7 14 14" width="14" height="14" aria-hidden="true">${glyph}</svg>${escapeXml(name)}</span>`;
    })
    .join('')}</div>`;
}

/**
 * `report.html`: one self-contained page per results folder — charts as inline SVG, styles and
 * the tooltip script inline, data embedded as JSON — that works offline from a file:// URL.
 *
 * `renderReportHtml` turns any `HtmlReport` (sections of HTML, tooltips) into the page, so
 * compare and reproduce outputs can use it too (report/compare_report.ts); `searchReport`
 * builds the page of a `nasc search` folder from its JSON files (config.json, front.json,
 * history.json, baselines.json): the front against the baselines (hover: genome, split,
 * precision, latency breakdown, both accuracies), HV vs evaluations, the split histogram, the
 * front as a table and the run's configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { MAX_SPLIT } from '../../problems/nasc/search_space.js';
import { writeFileAtomic } from '../io/atomic_write.js';
import { barChart, escapeXml, legendHtml, lineChart, scatterChart, TipList, type Tip } from './svg_chart.js';

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  /** Trusted HTML (built by this module's helpers; every data string escaped). */
  readonly body: string;
  readonly note?: string;
}

export interface HtmlReport {
  readonly title: string;
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
  readonly tips: readonly Tip[];
}

const STYLE = `
:root{color-scheme:light;--fg:#1d1d1f;--muted:#666;--line:#ddd}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:#fff;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:32px 0 6px;border-bottom:1px solid var(--line);padding-bottom:4px}
.subtitle{color:var(--muted);margin:0 0 8px}
nav a{margin-right:14px;color:#4e79a7;text-decoration:none}
.note{color:var(--muted);margin:2px 0 8px;font-size:13px}
svg.chart{width:100%;max-width:900px;height:auto;overflow:visible;font:11px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
svg .grid{stroke:#eee}
svg .axis{stroke:#999}
svg .tick{fill:#555}
svg .label{fill:#333;font-size:12px}
svg .rule{stroke:#999;stroke-dasharray:4 3}
svg .rule-label{fill:#666}
svg .line{fill:none;stroke-width:1.5}
svg .band{opacity:.18}
svg .mark{stroke-width:1.5;cursor:pointer}
svg .mark:focus{outline:none}
svg .mark.active{stroke:#000;stroke-width:2.5}
svg rect.mark.active{fill-opacity:.75}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0}
.swatch{display:inline-flex;align-items:center;gap:5px}
table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #eee;padding:3px 10px 3px 0;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.genome,code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
.scroll{overflow-x:auto}
#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #bbb;border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.15);padding:6px 9px;font-size:12px;max-width:460px;display:none;z-index:10}
#tip .t{font-weight:600;margin-bottom:3px}
#tip td{border:0;padding:1px 8px 1px 0}
#tip td:first-child{color:var(--muted);white-space:nowrap}
#tip td.v{font-family:ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-word}
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

/** Shows the tooltip of the mark under the pointer (or with keyboard focus); text only, no HTML from data. */
const SCRIPT = `
(function(){
  var tips = JSON.parse(document.getElementById('nasc-tips').textContent);
  var box = document.getElementById('tip');
  var active = null;
  function fill(tip){
    box.textContent = '';
    var t = document.createElement('div'); t.className = 't'; t.textContent = tip.title; box.appendChild(t);
    var table = document.createElement('table');
    tip.rows.forEach(function(row){
      var tr = document.createElement('tr');
      var k = document.createElement('td'); k.textContent = row[0];
      var v = document.createElement('td'); v.className = 'v'; v.textContent = row[1];
      tr.appendChild(k); tr.appendChild(v); table.appendChild(tr);
    });
    box.appendChild(table);
  }
  function place(x, y){
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = x + 14 + w > window.innerWidth ? x - 14 - w : x + 14;
    var top = y + 14 + h > window.innerHeight ? y - 14 - h : y + 14;
    box.style.left = Math.max(4, left) + 'px'; box.style.top = Math.max(4, top) + 'px';
  }
  function show(el, x, y){
    var tip = tips[Number(el.getAttribute('data-tip'))];
    if (!tip) return;
    if (active && active !== el) active.classList.remove('active');
    active = el; el.classList.add('active');
    fill(tip); box.style.display = 'block'; place(x, y);
  }
  function hide(){
    if (active) active.classList.remove('active');
    active = null; box.style.display = 'none';
  }
  document.addEventListener('mouseover', function(e){
    var el = e.target.closest ? e.target.closest('[data-tip]') : null;
    if (el) show(el, e.clientX, e.clientY); else hide();
  });
  document.addEventListener('mousemove', function(e){ if (active) place(e.clientX, e.clientY); });
  document.addEventListener('focusin', function(e){
    var el = e.target.closest ? e.target.closest('[data-tip]') : null;
    if (!el) { hide(); return; }
    var r = el.getBoundingClientRect(); show(el, r.right, r.bottom);
  });
  document.addEventListener('keydown', function(e){ if (e.key === 'Escape') hide(); });
})();
`;

/** JSON inside <script>: `<` escaped so no data can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderReportHtml(report: HtmlReport): string {
  const nav = report.sections.map((s) => `<a href="#${escapeXml(s.id)}-section">${escapeXml(s.title)}</a>`).join('');
  const sections = report.sections
    .map((s) => `<section id="${escapeXml(s.id)}-section"><h2>${escapeXml(s.title)}</h2>${s.note === undefined ? '' : `<p class="note">${escapeXml(s.note)}</p>`}${s.body}</section>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(report.title)}</h1>
${report.subtitle === undefined ? '' : `<p class="subtitle">${escapeXml(report.subtitle)}</p>`}
<nav>${nav}</nav>
${sections}
<footer>Written by nasc. Self-contained: no network access needed. Hover (or focus with Tab) a mark for its details.</footer>
<div id="tip" role="tooltip"></div>
<script type="application/json" id="nasc-tips">${scriptJson(report.tips)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Writes `report.html` in `dir` atomically; returns its path. */
export function writeReportHtml(dir: string, report: HtmlReport): string {
  const file = path.join(dir, 'report.html');
  writeFileAtomic(file, renderReportHtml(report));
  return file;
}

// ---------- a nasc search folder ----------

export interface ReportFrontPoint {
  readonly architecture: readonly string[];
  readonly split: number;
  readonly precision: string;
  readonly valAccuracy: number;
  readonly testAccuracy: number;
  readonly deviceMs: number;
  readonly linkMs: number;
  readonly serverMs: number;
  readonly totalMs: number;
  readonly payloadBytes: number;
  readonly deviceEnergyMj?: number;
}

/** What the page reads from a search folder (a subset of what the search writes). */
export interface SearchFolder {
  readonly dir: string;
  readonly config: Readonly<Record<string, unknown>> & {
    readonly scenario: { readonly name: string; readonly device: string; readonly server: string; readonly bandwidthMbps: number; readonly latencyBoundMs: number };
  };
  readonly front: readonly ReportFrontPoint[];
  readonly hv: number;
  readonly referencePoint: readonly number[];
  readonly history: readonly { readonly generation: number; readonly evaluations: number; readonly hv: number; readonly bestFeasibleAccuracy: number | null; readonly feasible: number; readonly failed: number }[];
  /** `evaluations` (distinct genomes evaluated) is absent in folders older than the baselines-as-strategies layout. */
  readonly baselines: readonly { readonly name: string; readonly evaluations?: number; readonly front: readonly ReportFrontPoint[] }[];
}

const SEARCH_FILES = ['config.json', 'front.json', 'history.json', 'baselines.json'] as const;

/** Reads a finished search folder; a missing or malformed file is one InputError line. */
export function readSearchFolder(dir: string): SearchFolder {
  for (const f of SEARCH_FILES) {
    if (!existsSync(path.join(dir, f))) throw new InputError(`${dir} is not a finished nasc search folder: ${f} is missing`);
  }
  const read = (f: string): unknown => {
    try {
      return JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      throw new InputError(`${path.join(dir, f)} is not valid JSON`);
    }
  };
  const config = read('config.json') as SearchFolder['config'];
  const front = read('front.json') as { front?: unknown; indicators?: { hv?: unknown }; referencePoint?: unknown };
  const history = read('history.json');
  const baselines = read('baselines.json');
  if (typeof config !== 'object' || config === null || typeof config.scenario !== 'object' || config.scenario === null) throw new InputError(`${path.join(dir, 'config.json')}: no scenario object`);
  if (!Array.isArray(front.front)) throw new InputError(`${path.join(dir, 'front.json')}: no "front" array`);
  if (!Array.isArray(history)) throw new InputError(`${path.join(dir, 'history.json')}: not an array`);
  if (!Array.isArray(baselines)) throw new InputError(`${path.join(dir, 'baselines.json')}: not an array`);
  const points = front.front as unknown[];
  points.forEach((p, i) => checkPoint(p, `${path.join(dir, 'front.json')}: front[${i}]`));
  baselines.forEach((b: unknown, i) => {
    const bb = b as { name?: unknown; front?: unknown };
    if (typeof bb.name !== 'string' || !Array.isArray(bb.front)) throw new InputError(`${path.join(dir, 'baselines.json')}: [${i}] needs "name" and "front"`);
    (bb.front as unknown[]).forEach((p, k) => checkPoint(p, `${path.join(dir, 'baselines.json')}: [${i}].front[${k}]`));
  });
  return {
    dir,
    config,
    front: points as ReportFrontPoint[],
    hv: typeof front.indicators?.hv === 'number' ? front.indicators.hv : Number.NaN,
    referencePoint: Array.isArray(front.referencePoint) ? (front.referencePoint as number[]) : [],
    history: history as SearchFolder['history'],
    baselines: baselines as SearchFolder['baselines'],
  };
}

function checkPoint(p: unknown, where: string): void {
  const q = p as Partial<Record<keyof ReportFrontPoint, unknown>>;
  if (typeof q !== 'object' || q === null || !Array.isArray(q.architecture) || typeof q.split !== 'number' || typeof q.totalMs !== 'number') {
    throw new InputError(`${where}: not a front point (architecture, split, totalMs, ...)`);
  }
}

const pct = (a: number) => (Number.isFinite(a) ? `${(100 * a).toFixed(1)}\u00a0%` : '—');
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : '—');

function splitText(s: number): string {
  return s === 0 ? '0 (server-only: the image is sent)' : s === MAX_SPLIT ? `${MAX_SPLIT} (device-only)` : `${s} (stem + layers 0..${s - 1} on the device)`;
}

/** The tooltip of one front point: genome, split, precision, latency breakdown, both accuracies. */
export function frontPointTip(series: string, index: number, count: number, p: ReportFrontPoint): Tip {
  return {
    title: `${series} — point ${index + 1} of ${count}`,
    rows: [
      ['genome', p.architecture.join(' ')],
      ['split', splitText(p.split)],
      ['precision', p.precision],
      ['latency', `device ${ms(p.deviceMs)} + link ${ms(p.linkMs)} + server ${ms(p.serverMs)} = ${ms(p.totalMs)}`],
      ['payload', `${p.payloadBytes.toLocaleString('en-US')} bytes`],
      ['accuracy', `validation ${pct(p.valAccuracy)}, test ${pct(p.testAccuracy)}`],
      ...(p.deviceEnergyMj === undefined ? [] : [['device energy', `${p.deviceEnergyMj.toFixed(3)} mJ`] as const]),
    ],
  };
}

const NASC_SERIES = 'NASC (this search)';

export function searchReport(f: SearchFolder): HtmlReport {
  const tips = new TipList();
  const sc = f.config.scenario;
  const byLatency = [...f.front].sort((a, b) => a.totalMs - b.totalMs);
  const seriesOf = (name: string, pts: readonly ReportFrontPoint[]) =>
    pts.map((p, i) => ({ x: p.totalMs, y: 100 * (1 - p.testAccuracy), tip: tips.add(frontPointTip(name, i, pts.length, p)) }));
  const series = [
    { name: NASC_SERIES, points: seriesOf(NASC_SERIES, byLatency), stepLine: true },
    ...f.baselines.map((b) => ({ name: b.name, points: seriesOf(b.name, b.front) })),
  ];
  const evals = (n: number | undefined) => (n === undefined ? '' : `${n} evaluations`);
  const legendNames = [
    `${NASC_SERIES}${f.history.length === 0 ? '' : `, ${evals(f.history.at(-1)?.evaluations)}`}`,
    ...f.baselines.map((b) => `${b.name}${b.evaluations === undefined ? '' : ` (${evals(b.evaluations)}${b.front.length === 0 ? ', no feasible point' : ''})`}`),
  ];
  const front = scatterChart({
    id: 'front',
    label: 'Error vs end-to-end latency',
    xLabel: 'total latency (ms)',
    yLabel: 'top-1 test error (%)',
    series,
    rule: { x: sc.latencyBoundMs, label: `bound ${sc.latencyBoundMs} ms` },
  });

  const hvTips = f.history.map((h) =>
    tips.add({
      title: `generation ${h.generation}`,
      rows: [
        ['evaluations', String(h.evaluations)],
        ['HV', h.hv.toFixed(5)],
        ['best feasible accuracy', h.bestFeasibleAccuracy === null ? '—' : pct(h.bestFeasibleAccuracy)],
        ['feasible', String(h.feasible)],
        ['failed', String(h.failed)],
      ],
    }),
  );
  const hv = lineChart({
    id: 'hv',
    label: 'Hypervolume vs evaluations',
    xLabel: 'evaluations',
    yLabel: `HV wrt (${f.referencePoint.map((v) => v.toFixed(3)).join(', ')})`,
    series: [{ name: 'HV', points: f.history.map((h, i) => ({ x: h.evaluations, y: h.hv, tip: hvTips[i] as number })) }],
  });

  const maxSplit = Math.max(MAX_SPLIT, ...f.front.map((p) => p.split));
  const bars = Array.from({ length: maxSplit + 1 }, (_, s) => {
    const at = byLatency.filter((p) => p.split === s);
    return {
      category: String(s),
      value: at.length,
      ...(at.length === 0
        ? {}
        : { tip: tips.add({ title: `split s = ${s}: ${at.length} front point${at.length === 1 ? '' : 's'}`, rows: at.map((p) => [`${ms(p.totalMs)}`, `${p.precision}, test ${pct(p.testAccuracy)}`] as const) }) }),
    };
  });
  const histogram = barChart({ id: 'splits', label: 'Split points on the front', xLabel: `split point s (0 = send the image, ${MAX_SPLIT} = device-only)`, yLabel: 'front points', bars });

  const rows = byLatency
    .map(
      (p, i) =>
        `<tr><td class="num">${i + 1}</td><td class="num">${p.split}</td><td>${escapeXml(p.precision)}</td><td class="num">${pct(p.valAccuracy)}</td><td class="num">${pct(p.testAccuracy)}</td><td class="num">${p.deviceMs.toFixed(2)}</td><td class="num">${p.linkMs.toFixed(2)}</td><td class="num">${p.serverMs.toFixed(2)}</td><td class="num">${p.totalMs.toFixed(2)}</td><td class="num">${p.payloadBytes}</td><td class="genome">${escapeXml(p.architecture.join(' '))}</td></tr>`,
    )
    .join('');
  const table = `<div class="scroll"><table id="front-table"><thead><tr><th>#</th><th>s</th><th>precision</th><th>val acc</th><th>test acc</th><th>device ms</th><th>link ms</th><th>server ms</th><th>total ms</th><th>payload B</th><th>genome (layers 0..21)</th></tr></thead><tbody>${rows}</tbody></table></div>`;

  const evaluations = f.history.at(-1)?.evaluations;
  return {
    title: `NASC search — ${sc.name}`,
    subtitle: `${sc.device} → ${sc.server}, ${sc.bandwidthMbps} Mbit/s, bound ${sc.latencyBoundMs} ms · seed ${String(f.config.seed ?? '?')} · ${String(f.config.strategy ?? '?')} · ${evaluations ?? '?'} evaluations · front: ${f.front.length} points, HV ${Number.isFinite(f.hv) ? f.hv.toFixed(4) : '—'}`,
    sections: [
      {
        id: 'front',
        title: 'Front and baselines',
        note: 'Error vs end-to-end latency (device + link + server) of the final front, accuracies re-measured on the test images; the baselines beside it. Hover a mark for its genome, split, precision, latency breakdown and accuracies.',
        body: legendHtml(legendNames) + front,
      },
      { id: 'hv', title: 'Hypervolume vs evaluations', note: 'HV of the feasible front (validation error, latency) after each generation.', body: hv },
      { id: 'splits', title: 'Split histogram', note: 'Where the front cuts the network.', body: histogram },
      { id: 'table', title: 'Front (sorted by latency)', body: table },
      { id: 'config', title: 'Configuration', note: 'config.json: everything needed to rerun this search.', body: configTable(f.config) },
    ],
    tips: tips.tips,
  };
}

/** Nested JSON as a two-column table of dotted keys. */
export function configTable(config: unknown): string {
  const rows: [string, string][] = [];
  const walk = (v: unknown, key: string) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, key === '' ? k : `${key}.${k}`);
      return;
    }
    rows.push([key, Array.isArray(v) ? (v.length === 0 ? '[]' : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')) : v === null ? 'null' : String(v)]);
  };
  walk(config, '');
  return `<table id="config-table"><tbody>${rows.map(([k, v]) => `<tr><th><code>${escapeXml(k)}</code></th><td>${escapeXml(v)}</td></tr>`).join('')}</tbody></table>`;
}

/** `report.html` of a search folder; returns its path. */
export function writeSearchReportHtml(dir: string): string {
  return writeReportHtml(dir, searchReport(readSearchFolder(dir)));
}

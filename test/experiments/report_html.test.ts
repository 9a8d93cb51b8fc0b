/**
 * report.html: the page alone (self-contained, escaped), then in a real headless browser —
 * Debian's chromium driven over the DevTools protocol (test/fixtures/headless_chromium.ts): it loads from file:// with no console error and no
 * network request, the front chart has one mark per front point, and hovering a mark shows that
 * point's genome. Skipped with a reason where chromium is missing; under CI=true a missing
 * chromium fails (.ci/run installs it: experiments/setup/debian.sh browser).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isInputError } from '../../core/errors.js';
import { compareReport } from '../../experiments/report/compare_report.js';
import { readSearchFolder, renderReportHtml, searchReport, writeSearchReportHtml, type ReportFrontPoint } from '../../experiments/report/html.js';
import { CANDIDATES, NUM_LAYERS } from '../../problems/nasc/search_space.js';
import { findChromium, HeadlessChromium } from '../fixtures/headless_chromium.js';

const OPS = CANDIDATES.map((c) => c.name);

/** A front point whose genome is a function of `k` (distinct per k). */
function point(k: number, totalMs: number, testAccuracy: number, split: number): ReportFrontPoint {
  const architecture = Array.from({ length: NUM_LAYERS }, (_, i) => OPS[(k * 7 + i * (k + 1)) % OPS.length] as string);
  const deviceMs = totalMs * 0.6;
  const linkMs = totalMs * 0.1;
  return { architecture, split, precision: k % 2 === 0 ? 'fp32' : 'int8', valAccuracy: testAccuracy + 0.01, testAccuracy, deviceMs, linkMs, serverMs: totalMs - deviceMs - linkMs, totalMs, payloadBytes: 1000 * (k + 1) };
}

/** A search folder as `nasc search` writes it (the four JSON files the page reads). */
function searchFolder(): { dir: string; front: ReportFrontPoint[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nasc-report-'));
  // Deliberately not sorted by latency: the page sorts; the test must find each point anyway.
  const front = [point(0, 24.1, 0.712, 19), point(1, 20.3, 0.652, 19), point(2, 27.0, 0.733, 18), point(3, 21.9, 0.68, 5), point(4, 22.5, 0.69, 19), point(5, 25.2, 0.72, 22), point(6, 26.1, 0.725, 19)];
  const write = (f: string, v: unknown) => writeFileSync(path.join(dir, f), JSON.stringify(v));
  write('config.json', {
    format: 'nasc-search',
    version: 1,
    scenario: { name: 'default', device: 'raspi4', server: 'edgegpu', bandwidthMbps: 10, latencyBoundMs: 30, comment: 'a </script> in the data must not end the page' },
    seed: 1,
    strategy: 'nsga2',
    evaluations: 60,
    weights: { file: 'store.json', sha256: 'abc', steps: 10 },
    profiles: [],
  });
  write('front.json', { scenario: 'default', referencePoint: [1, 30], indicators: { hv: 0.1234 }, front });
  write('history.json', [0, 1, 2].map((g) => ({ generation: g, evaluations: 20 * (g + 1), hv: 0.05 * (g + 1), bestFeasibleAccuracy: g === 0 ? null : 0.7, feasible: 3 * g, failed: 0 })));
  write('baselines.json', [
    { name: 'device-only', budget: 40, evaluations: 40, stoppedBy: 'budget', front: [point(10, 27.7, 0.718, 22)] },
    { name: 'hwnas', budget: 40, evaluations: 40, stoppedBy: 'budget', front: [point(11, 27.6, 0.712, 19), point(12, 23.0, 0.6, 17)] },
    { name: 'fixed-architectures', budget: 40, evaluations: 3, stoppedBy: 'exhausted', front: [] },
  ]);
  return { dir, front };
}

test('the page is self-contained: no external resource, data escaped, one tooltip per mark', () => {
  const { dir, front } = searchFolder();
  const html = renderReportHtml(searchReport(readSearchFolder(dir)));
  assert.doesNotMatch(html, /<link\b|\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external URL, <link> or src=');
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'the data\'s </script> is escaped');
  assert.ok(html.includes('a &lt;/script&gt; in the data'));
  const tips = JSON.parse(/<script type="application\/json" id="nasc-tips">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]') as unknown[];
  const marks = html.match(/data-tip="\d+"/g) ?? [];
  assert.equal(marks.length, tips.length);
  assert.equal((html.match(/class="mark" data-series="0"/g) ?? []).length, front.length);
  for (const p of front) assert.ok(html.includes(p.architecture.join(' ')), 'every genome is in the front table');
  assert.ok(html.includes('fixed-architectures (3 evaluations, no feasible point)'), 'an empty baseline front is named in the legend');
});

test('a folder that is not a search: one-line InputError', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'nasc-report-'));
  assert.throws(() => readSearchFolder(empty), (e) => isInputError(e) && /config\.json is missing/.test(e.message));
  const { dir } = searchFolder();
  writeFileSync(path.join(dir, 'front.json'), '{"front": [{"split": 1}]}');
  assert.throws(() => readSearchFolder(dir), (e) => isInputError(e) && /front\[0\]: not a front point/.test(e.message));
});

test('the compare page: one band chart per plotted indicator and the summary table', () => {
  const curve = (m: number) => [10, 20].map((e) => ({ evaluations: e, median: m * e, q1: m * e - 1, q3: m * e + 1 }));
  const html = renderReportHtml(
    compareReport({
      problem: 'nb201',
      evaluations: 20,
      seeds: [1, 2, 3],
      indicators: ['hv', 'distinctEvaluations'],
      strategies: { nsga2: { hv: { median: 40, q1: 39, q3: 41 } }, random: { hv: { median: 20, q1: 19, q3: 21 } } },
      curves: { nsga2: { hv: curve(2) }, random: { hv: curve(1) } },
    }),
  );
  assert.equal((html.match(/<svg id="ind-/g) ?? []).length, 1);
  assert.equal((html.match(/class="mark dot"/g) ?? []).length, 4);
  assert.match(html, /<td>nsga2<\/td><td class="num">40\.00 \[39\.00, 41\.00\]<\/td>/);
});

const chromium = findChromium();
const underCi = process.env.CI === 'true';
const browserSkip = chromium === undefined && !underCi ? 'chromium not found (install: experiments/setup/debian.sh browser, or set NASC_CHROMIUM)' : false;

interface MarkInfo {
  readonly x: number;
  readonly y: number;
  readonly tip: string;
}

test('in headless chromium: loads offline without errors, one mark per front point, hover shows the genome', { skip: browserSkip, timeout: 120_000 }, async () => {
  assert.ok(chromium !== undefined, 'CI=true but chromium is missing: .ci/run must install it (experiments/setup/debian.sh browser)');
  const { dir, front } = searchFolder();
  const file = writeSearchReportHtml(dir);
  const url = pathToFileURL(file).href;
  const browser = HeadlessChromium.launch(chromium);
  try {
    const { page, events } = await browser.newPage(1100, 900);
    await page.goto(url);
    assert.deepEqual(events.problems, [], 'no console error, warning or exception');
    assert.deepEqual(events.requests, [url], 'the page loads nothing but itself');

    const count = (selector: string) => page.evaluate<number>(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
    assert.equal(await count('#front .mark[data-series="0"]'), front.length, 'one NASC mark per front point');
    assert.equal(await count('#front .mark'), front.length + 3, 'and one per baseline point');

    /** Scrolls mark k of a selector into view and returns its centre (viewport coordinates). */
    const centre = (selector: string, k: number) =>
      page.evaluate<{ x: number; y: number }>(
        `(() => { const el = document.querySelectorAll(${JSON.stringify(selector)})[${k}]; el.scrollIntoView({ block: 'center' }); const r = el.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`,
      );
    const tipText = () => page.evaluate<{ text: string; shown: boolean }>(`({ text: document.getElementById('tip').textContent, shown: document.getElementById('tip').style.display === 'block' })`);

    // Hover every NASC mark with the mouse and read its tooltip back: the genome, latency and
    // precision must be those of the point drawn there (the page sorts by latency).
    const sorted = [...front].sort((a, b) => a.totalMs - b.totalMs);
    const seen: MarkInfo[] = [];
    for (let k = 0; k < front.length; k++) {
      const c = await centre('#front .mark[data-series="0"]', k);
      await page.mouseMove(c.x, c.y);
      const tip = await tipText();
      const p = sorted[k] as ReportFrontPoint;
      assert.ok(tip.shown, `tooltip shown for mark ${k}`);
      assert.ok(tip.text.includes(p.architecture.join(' ')), `mark ${k}: genome of the ${k + 1}th fastest point in "${tip.text}"`);
      assert.ok(tip.text.includes(`${p.totalMs.toFixed(2)} ms`) && tip.text.includes(p.precision), `mark ${k}: latency and precision`);
      seen.push({ ...c, tip: tip.text });
    }
    // Faster points are further left.
    const xs = seen.map((m) => m.x);
    assert.deepEqual([...xs].sort((a, b) => a - b), xs);
    // Moving off the marks hides the tooltip.
    await page.mouseMove(2, 2);
    assert.equal((await tipText()).shown, false);

    // Keyboard: focusing a baseline mark shows its tooltip too.
    await page.evaluate(`document.querySelector('#front .mark[data-series="1"]').focus()`);
    assert.match((await tipText()).text, /device-only — point 1 of 1/);

    // For the eye: the top of the page with the fastest point's tooltip open.
    await page.evaluate('window.scrollTo(0, 0)');
    const first = await page.evaluate<{ x: number; y: number }>(`(() => { const r = document.querySelector('#front .mark[data-series="0"]').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
    await page.mouseMove(first.x, first.y);
    const shot = path.join(dir, 'report-screenshot.png');
    writeFileSync(shot, await page.screenshot());
    assert.ok(readFileSync(shot).length > 10_000);
    console.log(`# screenshot: ${shot}`);
    assert.deepEqual(events.problems, []);
  } finally {
    await browser.close();
  }
});

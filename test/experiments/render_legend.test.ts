/** The hand-drawn plot legend wraps long entries onto further rows instead of running off the figure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Plot from '@observablehq/plot';
import { renderSvg } from '../../experiments/report/render.js';

function plotWith(names: string[]): string {
  return renderSvg({
    title: 'legend',
    width: 400,
    height: 200,
    color: { legend: true, domain: names, range: ['#4e79a7', '#f28e2b', '#e15759'] },
    marks: [Plot.dot([{ x: 1, y: 1 }], { x: 'x', y: 'y' })],
  });
}

test('legend entries that do not fit one row wrap, and the figure grows by a row each', () => {
  const short = plotWith(['a', 'b']);
  const long = plotWith(['nasc(surrogate=true) (this search, 200 evals)', 'hwnas(surrogate=true) (200 evals)', 'fixed-architectures (3 evals, no feasible point)']);
  const heightOf = (svg: string) => Number(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="(\d+)"/.exec(svg)?.[1]);
  const rowsOf = (svg: string) => new Set([...svg.matchAll(/<rect x="\d+(?:\.\d+)?" y="(\d+)" width="12"/g)].map((m) => m[1])).size;
  assert.equal(rowsOf(short), 1);
  assert.equal(rowsOf(long), 3, 'each long entry on its own row at 400 px');
  assert.equal(heightOf(long) - heightOf(short), 40);
  // No entry starts beyond the right edge.
  for (const m of long.matchAll(/<rect x="(\d+(?:\.\d+)?)" y="\d+" width="12"/g)) assert.ok(Number(m[1]) < 400);
});

test('a title longer than the figure wraps onto further lines, each within the width, and the figure grows by them', () => {
  const render = (title: string) =>
    renderSvg({ title, width: 400, height: 200, marks: [Plot.dot([{ x: 1, y: 1 }], { x: 'x', y: 'y' })] });
  const heightOf = (svg: string) => Number(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="(\d+)"/.exec(svg)?.[1]);
  const titleLines = (svg: string) => [...svg.matchAll(/<text x="200" y="\d+" text-anchor="middle" font-size="14" font-weight="bold">([^<]*)<\/text>/g)].map((m) => m[1] as string);
  const one = render('short title');
  const long = render('nasc(surrogate=true) vs hwnas(surrogate=true): latency reduction at matched test accuracy');
  assert.deepEqual(titleLines(one), ['short title']);
  const lines = titleLines(long);
  assert.ok(lines.length >= 2, JSON.stringify(lines));
  assert.equal(lines.join(' '), 'nasc(surrogate=true) vs hwnas(surrogate=true): latency reduction at matched test accuracy');
  for (const l of lines) assert.ok(l.length * 8.5 <= 400, `"${l}" runs past 400 px`);
  assert.equal(heightOf(long) - heightOf(one), 18 * (lines.length - 1));
});

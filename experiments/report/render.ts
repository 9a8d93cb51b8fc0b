import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { writeFileAtomic } from '../io/atomic_write.js';
import { svgToPng } from './png.js';

export type PlotOptions = Plot.PlotOptions;

/**
 * Renders an Observable Plot figure to a standalone SVG string without a browser: linkedom
 * supplies the DOM Plot writes into.
 */
export function renderSvg(options: PlotOptions): string {
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const { title, ...rest } = options;
  const figure = Plot.plot({ ...rest, document: document as unknown as NonNullable<PlotOptions['document']> });
  // With a legend Plot returns a <figure> holding swatch SVGs and the plot: keep the largest SVG.
  const svgs = figure.tagName.toLowerCase() === 'svg' ? [figure] : [...figure.querySelectorAll('svg')];
  const area = (e: { getAttribute(name: string): string | null }) => Number(e.getAttribute('width') ?? 0) * Number(e.getAttribute('height') ?? 0);
  const svg = svgs.sort((a, b) => area(b) - area(a))[0];
  if (svg === undefined) throw new Error('Plot produced no <svg>');
  const width = Number(svg.getAttribute('width') ?? 640);
  const height = Number(svg.getAttribute('height') ?? 400);
  const { markup: legend, rows } = legendMarkup(options, width);
  const titleLines = typeof title === 'string' ? wrapWords(title, Math.max(20, Math.floor((width - 20) / TITLE_CHAR_PX))) : [];
  const titleHeight = titleLines.length === 0 ? 0 : 6 + TITLE_LINE * titleLines.length;
  const legendHeight = rows * LEGEND_ROW;
  const top = titleHeight + legendHeight;
  const inner = svg.outerHTML.replace(/^<svg/, `<svg x="0" y="${top}"`);
  const titleText = titleLines.map((line, i) => `<text x="${width / 2}" y="${17 + i * TITLE_LINE}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(line)}</text>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top}" viewBox="0 0 ${width} ${height + top}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/>${titleText}<g transform="translate(0 ${titleHeight})">${legend}</g>${inner}</svg>\n`
  );
}

/**
 * A colour legend drawn by hand, so the SVG stays a single standalone file; entries wrap onto
 * further rows rather than run past the right edge (labels carry budgets and parameters).
 */
function legendMarkup(options: PlotOptions, width: number): { markup: string; rows: number } {
  const color = options.color as { legend?: boolean; domain?: readonly unknown[]; range?: readonly string[] } | undefined;
  if (color?.legend !== true || color.domain === undefined || color.range === undefined) return { markup: '', rows: 0 };
  // Width of a label at font-size 11, generously (resvg's sans-serif runs wider than 6.5 px/char).
  const CHAR_PX = 7;
  let x = 10;
  let row = 0;
  const parts: string[] = [];
  color.domain.forEach((d, i) => {
    const label = escapeXml(String(d));
    const itemWidth = 28 + String(d).length * CHAR_PX;
    if (x > 10 && x + itemWidth > width) {
      row++;
      x = 10;
    }
    const y = row * LEGEND_ROW;
    parts.push(`<rect x="${x}" y="${y + 4}" width="12" height="12" fill="${color.range?.[i % (color.range?.length ?? 1)] ?? '#888'}"/>`);
    parts.push(`<text x="${x + 16}" y="${y + 14}">${label}</text>`);
    x += itemWidth;
  });
  return { markup: parts.join(''), rows: row + 1 };
}

const LEGEND_ROW = 20;
/** Bold 14 px sans-serif, generously (as CHAR_PX for the legend); titles name strategy specs and run long. */
const TITLE_CHAR_PX = 8.5;
const TITLE_LINE = 18;

/** Greedy word wrap to lines of at most `max` characters (a longer word gets a line of its own). */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line.length === 0 ? word : `${line} ${word}`;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Writes `<base>.svg` and `<base>.png` (both atomically). Returns the files written. */
export function writePlot(base: string, options: PlotOptions): string[] {
  const svg = renderSvg(options);
  writeFileAtomic(`${base}.svg`, svg);
  writeFileAtomic(`${base}.png`, svgToPng(svg));
  return [`${base}.svg`, `${base}.png`];
}

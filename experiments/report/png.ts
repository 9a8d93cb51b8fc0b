/**
 * SVG → PNG in-process with resvg (@resvg/resvg-js: a Rust renderer shipped as prebuilt npm
 * binaries), so every results folder gets its PNGs with no system package. Text uses the DejaVu
 * Sans files shipped beside this module (fonts/LICENSE), never the system's fonts: the same SVG
 * gives the same pixels on every machine.
 */
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { packageRoot } from '../../core/package_root.js';

/** The shipped fonts (found from the package root, so a compiled dist/ build finds them too). */
function fontFiles(): string[] {
  const dir = path.join(packageRoot(), 'experiments', 'report', 'fonts');
  return [path.join(dir, 'DejaVuSans.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf')];
}

export interface PngOptions {
  /** Scale factor over the SVG's own size (default 2: crisp on high-density screens and in papers). */
  readonly zoom?: number;
  /** Background colour (default white: the plots have no transparent parts worth keeping). */
  readonly background?: string;
}

/** Renders an SVG document to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.zoom ?? 2 },
    background: options.background ?? 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans',
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

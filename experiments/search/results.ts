/**
 * The results folder of a search: JSON and CSV a researcher can load, and the plots.
 * Every file is written atomically (temporary file + rename), so a killed run leaves either
 * the previous file or the new one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic_write.js';
import type { SearchConfig } from './config.js';

export interface FrontPoint {
  readonly architecture: string[];
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

export interface HistoryEntry {
  readonly generation: number;
  readonly evaluations: number;
  readonly hv: number;
  readonly bestFeasibleAccuracy: number | null;
  readonly feasible: number;
  readonly failed: number;
}

export interface BaselineSummary {
  /** The strategy spec, e.g. `hwnas`. */
  readonly name: string;
  /** Evaluations it was allowed. */
  readonly budget: number;
  /** Distinct genomes it evaluated (accuracy evaluations; fewer than the budget when it ran out of proposals). */
  readonly evaluations: number;
  readonly stoppedBy: 'budget' | 'exhausted' | 'stalled';
  /** Its feasible validation front, re-measured on the test images. */
  readonly front: FrontPoint[];
}

export interface SearchResults {
  readonly config: SearchConfig;
  readonly front: FrontPoint[];
  readonly history: HistoryEntry[];
  readonly baselines: BaselineSummary[];
  /** HV of the validation front (validation error, latency) and of the same points with test error. */
  readonly indicators: { readonly hv: number; readonly testHv: number };
  readonly referencePoint: number[];
}

const CSV_COLUMNS = ['architecture', 'split', 'precision', 'valAccuracy', 'testAccuracy', 'deviceMs', 'linkMs', 'serverMs', 'totalMs', 'payloadBytes', 'deviceEnergyMj'] as const;

export function frontCsv(front: readonly FrontPoint[]): string {
  const rows = front.map((p) =>
    CSV_COLUMNS.map((c) => {
      const v = p[c];
      if (v === undefined) return '';
      return Array.isArray(v) ? v.join(' ') : String(v);
    }).join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

export function writeResults(dir: string, r: SearchResults): void {
  writeJsonAtomic(path.join(dir, 'front.json'), { scenario: r.config.scenario.name, referencePoint: r.referencePoint, indicators: r.indicators, front: r.front });
  writeFileAtomic(path.join(dir, 'front.csv'), frontCsv(r.front));
  writeJsonAtomic(path.join(dir, 'history.json'), r.history);
  writeJsonAtomic(path.join(dir, 'baselines.json'), r.baselines);
}

/** Reads a results folder back (for `nasc report`). */
export function readResults(dir: string): SearchResults {
  const need = ['config.json', 'front.json', 'history.json', 'baselines.json'];
  for (const f of need) {
    if (!existsSync(path.join(dir, f))) throw new InputError(`${dir} is not a finished nasc search folder: ${f} is missing`);
  }
  const read = (f: string): unknown => {
    try {
      return JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      throw new InputError(`${path.join(dir, f)} is not valid JSON`);
    }
  };
  const front = read('front.json') as { front: FrontPoint[]; indicators: { hv: number; testHv: number }; referencePoint: number[] };
  return {
    config: read('config.json') as SearchConfig,
    front: front.front,
    indicators: front.indicators,
    referencePoint: front.referencePoint,
    history: read('history.json') as HistoryEntry[],
    baselines: read('baselines.json') as BaselineSummary[],
  };
}

/**
 * A baseline tuned the way its user would tune it: of a family of configurations of one strategy
 * (HWNAS whose deployment may use a bottleneck down to C/2, C/4 or C/8, …), per cell the one whose
 * runs reached the highest median VALIDATION hypervolume over seeds. Its runs then stand for the
 * family and are re-measured on test images like every method's. The choice never sees a test
 * image, so it is the strongest fair form of the family; picking on test figures would flatter it.
 */
import { quantile } from 'd3-array';
import { InputError } from '../../core/errors.js';
import { groupByCell, type StudyRun } from './paper_analysis.js';

export interface CellSelection {
  readonly boundMs: number;
  readonly bandwidthMbps: number;
  /** The member whose runs stand for the family in this cell. */
  readonly chosen: string;
  /** Median validation HV over seeds, per member that ran in the cell. */
  readonly validationHv: Record<string, number>;
}

/** The synthetic strategy's name, e.g. `hwnas[best on validation]`. */
export function selectionLabel(family: string): string {
  return `${family}[best on validation]`;
}

/** The listed strategies of a family: the plain name and every `name(…)` variant, in listed order. */
export function familyMembers(family: string, strategies: readonly string[]): string[] {
  return strategies.filter((s) => s === family || s.startsWith(`${family}(`));
}

/** The family's members, refused (exit 2) when fewer than two are listed: nothing to choose from. */
export function requireFamily(family: string, strategies: readonly string[]): string[] {
  const members = familyMembers(family, strategies);
  if (members.length < 2) throw new InputError(`--select-on-validation ${family}: needs at least two ${family} configurations among --strategies, found ${members.length}`);
  return members;
}

/**
 * Per cell, the member with the highest median validation HV (a tie goes to the member listed
 * first); its runs relabelled as the family's. A cell where no member ran is left out.
 */
export function selectOnValidation(runs: readonly StudyRun[], family: string, strategies: readonly string[]): { runs: StudyRun[]; selections: CellSelection[] } {
  const members = requireFamily(family, strategies);
  const label = selectionLabel(family);
  const selections: CellSelection[] = [];
  const selected: StudyRun[] = [];
  for (const rs of groupByCell(runs.filter((r) => members.includes(r.strategy)))) {
    const validationHv: Record<string, number> = {};
    let chosen: string | undefined;
    for (const m of members) {
      const hvs = rs.filter((r) => r.strategy === m).map((r) => r.final.hv ?? Number.NaN).filter(Number.isFinite).sort((a, b) => a - b);
      if (hvs.length === 0) continue;
      validationHv[m] = quantile(hvs, 0.5) as number;
      if (chosen === undefined || (validationHv[m] as number) > (validationHv[chosen] as number)) chosen = m;
    }
    if (chosen === undefined) continue;
    const first = rs[0] as StudyRun;
    selections.push({ boundMs: first.boundMs, bandwidthMbps: first.bandwidthMbps, chosen, validationHv });
    selected.push(...rs.filter((r) => r.strategy === chosen).map((r) => ({ ...r, strategy: label })));
  }
  return { runs: selected, selections };
}

/** The table's note: which configuration stood for the family in each cell. */
export function selectionMarkdown(family: string, selections: readonly CellSelection[]): string {
  const members = [...new Set(selections.flatMap((s) => Object.keys(s.validationHv)))];
  const head = ['Mbit/s', 'bound ms', 'chosen', ...members.map((m) => `${m}: median validation HV`)];
  return [
    `${selectionLabel(family)}: per cell, the ${family} configuration with the highest median validation HV over seeds (its runs, re-measured on test images, stand for ${family}):`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...selections.map((s) => `| ${s.bandwidthMbps} | ${s.boundMs} | ${s.chosen} | ${members.map((m) => (s.validationHv[m] === undefined ? '—' : (s.validationHv[m] as number).toFixed(2))).join(' | ')} |`),
    '',
  ].join('\n');
}

/** What a search's results folder records in config.json: everything needed to rerun it. */
import type { SplitRepairName } from '../../problems/nasc/best_split_repair.js';
import type { Scenario } from '../../problems/nasc/scenario.js';
import type { BnMode } from '../../workers/bn_statistics.js';

export interface SearchConfig {
  readonly format: 'nasc-search';
  readonly version: 2;
  readonly scenario: Scenario;
  readonly scenarioSource: string;
  readonly seed: number;
  /** Strategy spec: a registry name, optionally with parameters, e.g. `nasc(split-reset=0.3)`. */
  readonly strategy: string;
  readonly populationSize: number;
  readonly evaluations: number;
  readonly valImages: number;
  readonly testImages: number;
  readonly calibrationImages: number;
  /** Images per BN-recalibration batch (absent in older folders: 100). */
  readonly calibrationBatchSize?: number;
  /**
   * Racing on validation images (absent: every candidate on all valImages): first slice, and the
   * images front entrants get (≥ valImages; the validation set holds this many).
   */
  readonly racing?: { readonly firstImages: number; readonly frontImages: number; readonly z: number };
  readonly bn: BnMode;
  readonly weights: { readonly file: string; readonly sha256: string; readonly steps: number | null };
  readonly lut: string | null;
  /** Extra tables (e.g. from `nasc profile`) whose metrics override the LUT's. */
  readonly profiles?: readonly string[];
  /**
   * The latency tables as resolved (the LUT, then the profiles) with their sha256, written when
   * the run starts; a resume refuses tables that changed (absent in older folders).
   */
  readonly tables?: readonly { readonly file: string; readonly sha256: string }[];
  /** How the search repairs the split gene (a strategy's own parameter wins). */
  readonly splitRepair: SplitRepairName;
  /** Baseline strategies run after the search on the same problem, and each one's budget of evaluations. */
  readonly baselines: { readonly strategies: readonly string[]; readonly evaluations: number };
  readonly versions: Record<string, string>;
}

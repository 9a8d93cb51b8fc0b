/**
 * A real NASC search state without trained weights or data, for the config/checkpoint tests:
 * the synthetic cost table, the PROXY accuracy oracle (unit tests only), NSGA-II, and the
 * config/checkpoint a `nasc search` would write after a few generations.
 */
import type { Algorithm } from '../../core/algorithm.js';
import { hypervolume } from '../../core/indicators/hypervolume.js';
import type { Individual } from '../../core/individual.js';
import { minimize, paretoFront } from '../../core/minimize.js';
import { Rng } from '../../core/rng.js';
import { maxEvaluations } from '../../core/termination.js';
import { LatencyTable } from '../../problems/nasc/latency_table.js';
import { NascProblem, type NascInfo } from '../../problems/nasc/problem.js';
import { ProxyAccuracyOracle } from '../../problems/nasc/proxy_oracle.js';
import { parseScenario, type Scenario } from '../../problems/nasc/scenario.js';
import { algorithms } from '../../experiments/plugins.js';
import { makeSearchCheckpoint, type SearchCheckpoint } from '../../experiments/resume/search_checkpoint.js';
import type { HistoryEntry } from '../../experiments/search/results.js';
import { createStrategy, type SearchConfig } from '../../experiments/search/search_job.js';
import { parsePluginSpec } from '../../core/registry.js';
import { syntheticLut } from '../fixtures/nasc/synthetic_lut.js';

export const fixtureTable = LatencyTable.parse({ raw_lut: syntheticLut() }, 'synthetic');

export function fixtureScenario(change: Record<string, unknown> = {}): Scenario {
  return parseScenario({ name: 'fixture', device: 'tiny', server: 'big', bandwidthMbps: 10, latencyBoundMs: 60, sMin: 1, ...change }, 'fixture');
}

export function fixtureConfig(change: Partial<SearchConfig> = {}): SearchConfig {
  return {
    format: 'nasc-search',
    version: 2,
    scenario: fixtureScenario(),
    scenarioSource: 'fixture.json',
    seed: 7,
    strategy: 'nasc',
    populationSize: 6,
    evaluations: 30,
    valImages: 40,
    testImages: 40,
    calibrationImages: 16,
    bn: 'recalibrate',
    weights: { file: '/nowhere/tiny.json', sha256: 'a'.repeat(64), steps: null },
    lut: null,
    profiles: [],
    splitRepair: 'best',
    baselines: { strategies: ['hwnas', 'fixed-architectures'], evaluations: 12 },
    versions: { node: 'v20' },
    ...change,
  };
}

export function fixtureProblem(config: SearchConfig): NascProblem {
  return NascProblem.fromTable(config.scenario, fixtureTable, new ProxyAccuracyOracle(config.scenario.numClasses));
}

/** The strategy as `nasc search` builds it (split repair, feasibility screening, spec parameters). */
export function fixtureAlgorithm(problem: NascProblem, config: SearchConfig): Algorithm<NascInfo> {
  return createStrategy(config.strategy, problem, config, Rng.fromSeed(config.seed));
}

/** What the search's readers check a strategy spec with. */
export const checkStrategy = (spec: string): void => void parsePluginSpec(algorithms, spec);

/** Runs the search to `evaluations` and returns the checkpoint after the last generation. */
export async function fixtureCheckpoint(config: SearchConfig, evaluations: number): Promise<SearchCheckpoint> {
  const problem = fixtureProblem(config);
  const algorithm = fixtureAlgorithm(problem, config);
  const archive: Individual<NascInfo>[] = [];
  const history: HistoryEntry[] = [];
  let last: SearchCheckpoint | undefined;
  const ref = problem.referencePoint ?? [1, config.scenario.latencyBoundMs];
  await minimize(problem, algorithm, {
    termination: maxEvaluations(evaluations),
    onGeneration: ({ algorithm: a, progress: p, evaluated }) => {
      archive.push(...evaluated);
      const front = paretoFront(archive);
      history.push({
        generation: p.generation,
        evaluations: p.evaluations,
        hv: hypervolume(front.map((i) => [...i.objectives]), ref),
        bestFeasibleAccuracy: front.length === 0 ? null : Math.max(...front.map((i) => i.info?.accuracy ?? 0)),
        feasible: archive.filter((i) => i.cv === 0).length,
        failed: archive.filter((i) => i.failure !== undefined).length,
      });
      last = makeSearchCheckpoint(config, a.saveState(), archive, history, p.elapsedMs);
    },
  });
  if (last === undefined) throw new Error('no generation ran');
  return JSON.parse(JSON.stringify(last)) as SearchCheckpoint;
}

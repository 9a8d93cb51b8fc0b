import type { Registry } from '../../core/registry.js';
import { problemOptionsOf, type AlgorithmFactory, type AlgorithmSettings, type ProblemFactory, type ProblemInstance, type ProblemOptions, type StrategyParameters } from '../plugin_types.js';
import type { StrategySpec } from './compare.js';

/** The problem and strategy registries a comparison draws from (experiments/plugins.ts in the CLI). */
export interface CompareRegistry {
  readonly problems: Registry<ProblemFactory>;
  readonly algorithms: Registry<AlgorithmFactory>;
  /**
   * URL of a module exporting the same two registries as `problems` and `algorithms`: worker
   * threads import it to rebuild problem and strategies (needed only for --workers > 1).
   */
  readonly module?: string;
}

/** Problem settings that survive a postMessage (the data directory as a path, not a function). */
export interface PlainProblemSettings extends ProblemOptions {
  readonly dataDir?: string;
}

/** A strategy by registry name, with its label and plain settings (parameters checked against the entry). */
export interface RegistryStrategy {
  readonly label: string;
  readonly algorithm: string;
  readonly settings: { readonly populationSize?: number; readonly offspringSize?: number; readonly parameters?: StrategyParameters };
}

export function problemFromRegistry(registry: Pick<CompareRegistry, 'problems'>, name: string, plain: PlainProblemSettings, dataDir: () => string): ProblemInstance {
  return registry.problems.get(name).create({ ...problemOptionsOf(plain), dataDir });
}

/** A StrategySpec that builds the registered algorithm, applying the problem's repair and screening like `nasc run`. */
export function strategyFromRegistry(registry: Pick<CompareRegistry, 'algorithms'>, strategy: RegistryStrategy, instance: ProblemInstance): StrategySpec {
  const factory = registry.algorithms.get(strategy.algorithm).create;
  const settings: AlgorithmSettings = {
    ...strategy.settings,
    ...(instance.repair === undefined ? {} : { repair: instance.repair }),
    ...(instance.screening === undefined ? {} : { screening: instance.screening }),
  };
  return { name: strategy.label, create: (problem, rng) => factory(problem, settings, rng) };
}

/**
 * The plugin registries the CLI reads: problems and algorithms (search strategies), each entry
 * with a description and capability tags so `nasc list` can show them and `nasc run` can refuse
 * a mismatch. New plugins register here.
 */
import type { Operator, Variation } from '../core/components.js';
import type { Individual } from '../core/individual.js';
import type { Problem } from '../core/problem.js';
import { capabilityMismatch, Registry, type Capabilities } from '../core/registry.js';
import { InputError } from '../core/errors.js';
import type { Genome, VariableKind } from '../core/variables.js';
import { SimulatedBinaryCrossover } from '../operators/crossover/sbx.js';
import { UniformCrossover } from '../operators/crossover/uniform.js';
import { OnePointCrossover } from '../operators/crossover/one_point.js';
import { TwoPointCrossover } from '../operators/crossover/two_point.js';
import { PolynomialMutation } from '../operators/mutation/polynomial.js';
import { RandomResetMutation } from '../operators/mutation/random_reset.js';
import { BitFlipMutation } from '../operators/mutation/bit_flip.js';
import { UniformSampling } from '../operators/sampling/uniform.js';
import { LatinHypercubeSampling } from '../operators/sampling/latin_hypercube.js';
import { asng } from '../operators/algorithms/asng.js';
import { nsga2 } from '../operators/algorithms/nsga2.js';
import { randomSearch } from '../operators/algorithms/random_search.js';
import { smsEmoa } from '../operators/algorithms/sms_emoa.js';
import { surrogateNsga2 } from '../operators/algorithms/surrogate_nsga2.js';
import { MixedVariation } from '../operators/variation/mixed_variation.js';
import { Bnh, Ctp1, Srn, Tnk } from '../problems/benchmarks/constrained.js';
import { Dtlz1, Dtlz2 } from '../problems/benchmarks/dtlz.js';
import { Zdt1, Zdt2, Zdt3, Zdt4, Zdt6 } from '../problems/benchmarks/zdt.js';
import { NasBench201Problem, type Nb201Info } from '../problems/nas_bench_201/problem.js';
import { loadNb201, NB201_DATASETS, NB201_DEVICES, type Nb201Dataset, type Nb201Device, type Nb201Tables } from '../problems/nas_bench_201/tables.js';
import { nascProblemInstance } from './nasc/instance.js';
import { registerNascStrategies } from './nasc/strategies.js';
import type { AlgorithmFactory, AlgorithmSettings, ProblemFactory, ProblemInstance, ProblemSettings } from './plugin_types.js';

export const problems = new Registry<ProblemFactory>('problem');
export const algorithms = new Registry<AlgorithmFactory>('algorithm');
/** Operators, for listing and for `--crossover`/`--mutation` style choices; each creates a fresh instance. */
export const operators = new Registry<() => Operator>('operator');

const real: Capabilities = { kinds: ['real'], objectives: { min: 2, max: 2 }, constraints: false, tags: ['benchmark'] };
const constrained: Capabilities = { ...real, constraints: true };

function variablesOption(s: ProblemSettings): { n?: number } {
  return s.variables === undefined ? {} : { n: s.variables };
}

problems
  .register({ name: 'zdt1', description: 'ZDT1 (n=30, convex front f2 = 1 − √f1)', capabilities: real, create: (s) => ({ problem: new Zdt1(variablesOption(s)) }) })
  .register({ name: 'zdt2', description: 'ZDT2 (n=30, concave front f2 = 1 − f1²)', capabilities: real, create: (s) => ({ problem: new Zdt2(variablesOption(s)) }) })
  .register({ name: 'zdt3', description: 'ZDT3 (n=30, five disconnected pieces)', capabilities: real, create: (s) => ({ problem: new Zdt3(variablesOption(s)) }) })
  .register({ name: 'zdt4', description: 'ZDT4 (n=10, 21⁹ local fronts)', capabilities: real, create: (s) => ({ problem: new Zdt4(variablesOption(s)) }) })
  .register({ name: 'zdt6', description: 'ZDT6 (n=10, non-uniform density)', capabilities: real, create: (s) => ({ problem: new Zdt6(variablesOption(s)) }) })
  .register({
    name: 'dtlz1',
    description: 'DTLZ1 (M=3 default, linear front Σf = 1/2)',
    capabilities: { ...real, objectives: { min: 2, max: 10 } },
    create: (s) => ({ problem: new Dtlz1({ ...(s.objectives === undefined ? {} : { m: s.objectives }), ...variablesOption(s) }) }),
  })
  .register({
    name: 'dtlz2',
    description: 'DTLZ2 (M=3 default, spherical front)',
    capabilities: { ...real, objectives: { min: 2, max: 10 } },
    create: (s) => ({ problem: new Dtlz2({ ...(s.objectives === undefined ? {} : { m: s.objectives }), ...variablesOption(s) }) }),
  })
  .register({ name: 'bnh', description: 'BNH (Binh & Korn; 2 variables, 2 constraints)', capabilities: constrained, create: () => ({ problem: new Bnh() }) })
  .register({ name: 'tnk', description: 'TNK (Tanaka; 2 variables, 2 constraints, disconnected front)', capabilities: constrained, create: () => ({ problem: new Tnk() }) })
  .register({ name: 'srn', description: 'SRN (Srinivas & Deb; 2 variables, 2 constraints)', capabilities: constrained, create: () => ({ problem: new Srn() }) })
  .register({ name: 'ctp1', description: 'CTP1 (Deb et al.; constrained front)', capabilities: constrained, create: (s) => ({ problem: new Ctp1(variablesOption(s)) }) })
  .register({
    name: 'nb201',
    description: 'NAS-Bench-201 tabular (error %, latency ms); --dataset cifar10|cifar100|ImageNet16-120, --device raspi4|pixel3|eyeriss|fpga; indicators frontRecall and hvRatio',
    capabilities: { kinds: ['categorical'], objectives: { min: 2, max: 2 }, constraints: false, tags: ['tabular', 'nas'] },
    create: (s) => nb201Instance(s),
  })
  .register({
    name: 'nasc',
    description: 'NASC split computing on a scenario (supernet accuracy on validation images, HW-NAS-Bench latency); --scenario, --val-images (200), --test-images (2000), --split-repair best|none; indicators hv, bestFeasibleAccuracy, feasibleFraction and, re-measured on test images, test_hv, test_bestFeasibleAccuracy',
    capabilities: { kinds: ['integer', 'categorical'], objectives: { min: 2, max: 3 }, constraints: true, tags: ['nas', 'split'] },
    create: (s) => nascProblemInstance(s),
  });

const nb201Cache = new Map<string, Nb201Tables>();

function nb201Instance(s: ProblemSettings): ProblemInstance<Nb201Info> {
  const dataset = (s.dataset ?? 'cifar100') as Nb201Dataset;
  const device = (s.device ?? 'raspi4') as Nb201Device;
  if (!NB201_DATASETS.includes(dataset)) throw new InputError(`unknown --dataset ${dataset} for nb201 (${NB201_DATASETS.join(', ')})`);
  if (!NB201_DEVICES.includes(device)) throw new InputError(`unknown --device ${device} for nb201 (${NB201_DEVICES.join(', ')})`);
  const dir = s.dataDir();
  let tables = nb201Cache.get(dir);
  if (tables === undefined) {
    tables = loadNb201(dir);
    nb201Cache.set(dir, tables);
  }
  const problem = new NasBench201Problem(tables, { dataset, device });
  return {
    problem,
    indicators: (evaluated: readonly Individual<Nb201Info>[]) => {
      const points = evaluated.map((ind) => [...ind.objectives]);
      return {
        frontRecall: problem.frontRecall(evaluated.map((ind) => ind.info?.index ?? problem.indexOf(ind.genome))),
        hvRatio: problem.hvRatio(points),
        distinctEvaluations: new Set(evaluated.map((ind) => ind.genome.join(','))).size,
      };
    },
  };
}

const anyKinds: readonly VariableKind[] = ['real', 'integer', 'categorical', 'binary'];
const discreteKinds: readonly VariableKind[] = ['integer', 'categorical', 'binary'];

/** Discrete spaces judge duplicates against everything evaluated, so every evaluation is a new genome. */
function scopeFor(problem: Problem<unknown>): 'archive' | 'population' {
  return problem.space.discrete ? 'archive' : 'population';
}

/**
 * Defaults for discrete (NAS) spaces, measured on NAS-Bench-201 (CIFAR-100, raspi4, 1,500 distinct
 * evaluations, 10 seeds; experiments/compare/nb201_study.ts): a per-gene mutation rate of 0.05
 * and population 60 raise NSGA-II's median frontRecall from 0.50 (1/n, population 100) to 0.70;
 * the rate mattered most (0.02–0.05 best, 1/2 worst). Real-valued spaces keep SBX + PM with 1/n.
 */
function discreteDefaults(problem: Problem<unknown>, s: AlgorithmSettings, populationSize: number): AlgorithmSettings & { variation?: Variation } {
  if (!problem.space.discrete) return s;
  return { populationSize, ...s, variation: new MixedVariation({ mutationProb: 0.05, crossoverProb: 0.9 }) };
}

algorithms
  .register({
    name: 'nsga2',
    description: 'NSGA-II (Deb et al. 2002): binary tournament, type-dispatched variation, rank-and-crowding survival',
    capabilities: { kinds: anyKinds, objectives: { min: 1, max: 3 }, constraints: true },
    create: (problem, s, rng) =>
      nsga2(problem.space, { ...discreteDefaults(problem, s, 60), duplicateScope: scopeFor(problem) }, rng),
  })
  .register({
    name: 'random',
    description: 'Random search: uniform sampling, no genome evaluated twice in a discrete space',
    capabilities: { kinds: anyKinds, objectives: { min: 1, max: 10 }, constraints: true },
    create: (problem, s, rng) =>
      randomSearch(
        problem.space,
        { ...(s.populationSize === undefined ? {} : { batchSize: s.populationSize }), ...(s.repair === undefined ? {} : { repair: s.repair }), ...(s.screening === undefined ? {} : { screening: s.screening }) },
        rng,
      ),
  })
  .register({
    name: 'asng',
    description: 'ASNG (Akimoto et al. 2019): adaptive stochastic natural gradient on a categorical distribution; scalarises objective 0, infeasible ranked last',
    capabilities: { kinds: discreteKinds, objectives: { min: 1, max: 10 }, constraints: true },
    create: (problem, _s, rng) => asng(problem.space, {}, rng),
  })
  .register({
    name: 'sms-emoa',
    description: 'SMS-EMOA (Beume et al. 2007): steady-state, least hypervolume contribution discarded',
    capabilities: { kinds: anyKinds, objectives: { min: 2, max: 3 }, constraints: true },
    create: (problem, s, rng) => smsEmoa(problem.space, { ...discreteDefaults(problem, s, 100), duplicateScope: scopeFor(problem) }, rng),
  })
  .register({
    name: 'surrogate-nsga2',
    description: 'Surrogate-assisted NSGA-II: 10× offspring screened by boosted trees fitted on everything evaluated (only what the problem does not know for free is predicted); only the most promising are truly evaluated',
    capabilities: { kinds: anyKinds, objectives: { min: 1, max: 3 }, constraints: true },
    create: (problem, s, rng) =>
      surrogateNsga2(problem.space, { ...discreteDefaults(problem, s, 60), ...(problem.cheapEvaluate === undefined ? {} : { cheap: (g: Genome) => (problem.cheapEvaluate as NonNullable<typeof problem.cheapEvaluate>)(g) }) }, rng),
  });

registerNascStrategies(algorithms);

/** Refuses a strategy that cannot handle the problem, naming why. */
export function checkCompatible(algorithmName: string, problemName: string, problem: Problem<unknown>): void {
  const solver = algorithms.get(algorithmName).capabilities;
  const mismatch = capabilityMismatch(solver, {
    kinds: [...problem.space.kinds],
    objectives: { min: problem.objectiveNames.length, max: problem.objectiveNames.length },
    constraints: problem.constraintNames.length > 0,
  });
  if (mismatch !== undefined) throw new InputError(`algorithm ${algorithmName} cannot solve ${problemName}: ${mismatch}`);
}

const operatorEntries: [string, string, () => Operator][] = [
  ['uniform-sampling', 'sampling: uniform per variable kind', () => new UniformSampling()],
  ['lhs', 'sampling: Latin hypercube for reals, uniform otherwise', () => new LatinHypercubeSampling()],
  ['sbx', 'crossover: simulated binary (bounded; integers rounded)', () => new SimulatedBinaryCrossover()],
  ['uniform-crossover', 'crossover: uniform gene swap', () => new UniformCrossover()],
  ['one-point', 'crossover: one point', () => new OnePointCrossover()],
  ['two-point', 'crossover: two points', () => new TwoPointCrossover()],
  ['pm', 'mutation: polynomial (bounded; integers rounded)', () => new PolynomialMutation()],
  ['random-reset', 'mutation: categorical/integer reset to a different value', () => new RandomResetMutation()],
  ['bit-flip', 'mutation: binary bit flip', () => new BitFlipMutation()],
];
for (const [name, description, create] of operatorEntries) {
  operators.register({ name, description, capabilities: { kinds: [...create().kinds] }, create });
}

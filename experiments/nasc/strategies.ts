/**
 * The NASC problem's own strategies, registered beside the generic ones (nsga2, random, …) so
 * `nasc compare --problem nasc --strategies nasc,hwnas,device-only …` runs any of them with the
 * same budget of accuracy evaluations, seeds, statistics and plots. Definitions:
 * problems/nasc/nasc_algorithm.ts and problems/nasc/baselines/README.md.
 */
import type { Algorithm } from '../../core/algorithm.js';
import { InputError } from '../../core/errors.js';
import type { Problem } from '../../core/problem.js';
import type { Capabilities, Registry } from '../../core/registry.js';
import { SPLIT_REPAIRS, parseSplitRepair } from '../../problems/nasc/best_split_repair.js';
import { fixedArchitecturesStrategy } from '../../problems/nasc/baselines/best_split.js';
import { deviceOnlyStrategy } from '../../problems/nasc/baselines/device_only.js';
import { hwnasStrategy } from '../../problems/nasc/baselines/hwnas.js';
import { serverOnlyStrategy } from '../../problems/nasc/baselines/server_only.js';
import { twoStageStrategy } from '../../problems/nasc/baselines/two_stage.js';
import { INITIAL_SAMPLINGS, NASC_ALGORITHM_DEFAULTS, nascAlgorithm } from '../../problems/nasc/nasc_algorithm.js';
import { NascProblem } from '../../problems/nasc/problem.js';
import type { AlgorithmFactory, AlgorithmSettings } from '../plugin_types.js';

const NASC_CAPABILITIES: Capabilities = { kinds: ['integer', 'categorical'], objectives: { min: 2, max: 3 }, constraints: true, tags: ['nasc'] };

function nascProblemOf(strategy: string, problem: Problem<unknown>): NascProblem {
  if (!(problem instanceof NascProblem)) throw new InputError(`strategy ${strategy} runs on the nasc problem only, not ${problem.name}`);
  return problem;
}

function baseline(name: string, description: string, build: (p: NascProblem, s: AlgorithmSettings, rng: import('../../core/rng.js').Rng) => Algorithm<unknown>) {
  return {
    name,
    description,
    capabilities: { ...NASC_CAPABILITIES, tags: ['nasc', 'baseline'] },
    create: ((problem, settings, rng) => build(nascProblemOf(name, problem), settings, rng)) as AlgorithmFactory,
  };
}

const population = (s: AlgorithmSettings) => (s.populationSize === undefined ? {} : { populationSize: s.populationSize });

export function registerNascStrategies(algorithms: Registry<AlgorithmFactory>): void {
  algorithms
    .register({
      name: 'nasc',
      description: `NASC: NSGA-II on architecture + split (+ precision) with the split repair (best split for lossless payloads unless split-repair=none), a random reset of the split (split-reset, default ${NASC_ALGORITHM_DEFAULTS.splitResetProb}) and feasibility screening by the tables' latency`,
      capabilities: NASC_CAPABILITIES,
      parameters: [
        { name: 'split-repair', description: 'best (lossless payloads at their latency-optimal split) | deployment (extended space: bottleneck genomes also at the fastest trained (split, width) no narrower than their level) | none (the paper\'s free split gene, only lifted to sMin)', type: 'choice', choices: SPLIT_REPAIRS },
        { name: 'split-reset', description: 'probability that a child\'s split is redrawn uniformly', type: 'number', min: 0, max: 1 },
        { name: 'screening', description: 'evaluate only genomes not provably over the latency bound', type: 'boolean' },
        { name: 'surrogate', description: 'screen 10x offspring by predicted accuracy (boosted trees; latency and the bound are exact), evaluate the most promising', type: 'boolean' },
        { name: 'max-bottleneck', description: 'extended space: narrowest bottleneck level the search may propose (1 C/2, 2 C/4, 3 C/8, 4 C/16; narrower genes are clamped)', type: 'integer', min: 1, max: 4 },
        { name: 'init', description: 'initial population: uniform (default) | size-stratified (each network its own skip probability, so sizes spread from tiny to all-conv)', type: 'choice', choices: INITIAL_SAMPLINGS },
      ],
      create: (problem, settings, rng) => {
        const p = nascProblemOf('nasc', problem);
        const params = settings.parameters ?? {};
        const repairName = params['split-repair'];
        return nascAlgorithm(
          p,
          {
            ...population(settings),
            // A repair named in the strategy wins over the problem-wide one (e.g. --split-repair).
            ...(typeof repairName === 'string' ? { splitRepair: parseSplitRepair(repairName) } : settings.repair === undefined ? {} : { repair: settings.repair }),
            ...(typeof params['split-reset'] === 'number' ? { splitResetProb: params['split-reset'] } : {}),
            ...(typeof params.screening === 'boolean' ? { feasibilityScreening: params.screening } : {}),
            ...(params.surrogate === true ? { surrogate: true } : {}),
            ...(typeof params['max-bottleneck'] === 'number' ? { maxBottleneckLevel: params['max-bottleneck'] } : {}),
            ...(params.init === 'size-stratified' ? { initialSampling: 'size-stratified' as const } : {}),
            ...(settings.initialGenomes === undefined ? {} : { initialGenomes: settings.initialGenomes }),
          },
          rng,
        );
      },
    })
    .register({
      ...baseline('hwnas', 'HWNAS + best split: NSGA-II on [error, device-only latency] under the bound, each architecture deployed at its latency-optimal split (extended space: max-bottleneck=1..4 also allows the trained bottlenecks down to C/2 … C/16)', (p, s, rng) =>
        hwnasStrategy(
          p,
          {
            ...population(s),
            ...(typeof s.parameters?.['max-bottleneck'] === 'number' ? { maxBottleneckLevel: s.parameters['max-bottleneck'] } : {}),
            ...(s.parameters?.surrogate === true ? { surrogate: true } : {}),
            ...(s.parameters?.init === 'size-stratified' ? { initialSampling: 'size-stratified' as const } : {}),
          },
          rng,
        ),
      ),
      parameters: [
        { name: 'max-bottleneck', description: 'extended space: narrowest bottleneck level the deployment may use (0 none, 1 C/2, 2 C/4, 3 C/8, 4 C/16)', type: 'integer', min: 0, max: 4 },
        { name: 'surrogate', description: 'screen 10x offspring by predicted accuracy as nasc(surrogate=true) does (device latency and the bound are exact)', type: 'boolean' },
        { name: 'init', description: 'initial architectures: uniform (default) | size-stratified (as nasc(init=size-stratified))', type: 'choice', choices: INITIAL_SAMPLINGS },
      ],
    })
    .register({
      ...baseline('device-only', 'device-only NAS: NSGA-II on the architecture with the split fixed at 22 (everything on the device)', (p, s, rng) =>
        deviceOnlyStrategy(p, { ...population(s), ...(s.parameters?.surrogate === true ? { surrogate: true } : {}) }, rng),
      ),
      parameters: [{ name: 'surrogate', description: 'screen 10x offspring by predicted accuracy as nasc(surrogate=true) does (latency and the bound are exact)', type: 'boolean' }],
    })
    .register(baseline('server-only', 'server-only NAS: NSGA-II on the architecture with the split fixed at 0 (the image is sent; ignores privacy)', (p, s, rng) => serverOnlyStrategy(p, population(s), rng)))
    .register(baseline('two-stage', 'two-stage: NSGA-II on accuracy alone, each architecture deployed at its best split', (p, s, rng) => twoStageStrategy(p, population(s), rng)))
    .register(baseline('fixed-architectures', 'fixed architectures + best split: all-k5_e6, all-k3_e6, all-k3_e3 at their latency-optimal split (3 evaluations)', (p) => fixedArchitecturesStrategy(p)));
}

import { cardinality, isValidGene, type Genome, type Variable, type VariableKind } from './variables.js';

/** An ordered list of typed variables: the search space a problem exposes. */
export class SearchSpace {
  readonly variables: readonly Variable[];
  readonly kinds: ReadonlySet<VariableKind>;
  /** True when every variable is integer, categorical or binary (genomes hash exactly). */
  readonly discrete: boolean;

  constructor(variables: readonly Variable[]) {
    if (variables.length === 0) throw new Error('a search space needs at least one variable');
    const names = new Set<string>();
    for (const v of variables) {
      if (names.has(v.name)) throw new Error(`duplicate variable name ${v.name}`);
      names.add(v.name);
    }
    this.variables = [...variables];
    this.kinds = new Set(variables.map((v) => v.kind));
    this.discrete = !this.kinds.has('real');
  }

  get size(): number {
    return this.variables.length;
  }

  /** Number of distinct genomes (Infinity when any variable is real). */
  cardinality(): number {
    return this.variables.reduce((n, v) => n * cardinality(v), 1);
  }

  indicesOfKind(kind: VariableKind): number[] {
    const out: number[] = [];
    this.variables.forEach((v, i) => {
      if (v.kind === kind) out.push(i);
    });
    return out;
  }

  contains(genome: Genome): boolean {
    return genome.length === this.variables.length && genome.every((x, i) => isValidGene(this.variables[i] as Variable, x));
  }

  /** Throws a one-line error naming the first bad gene. */
  validate(genome: Genome): void {
    if (genome.length !== this.variables.length) {
      throw new Error(`genome has ${genome.length} genes, the space has ${this.variables.length} variables`);
    }
    genome.forEach((x, i) => {
      const v = this.variables[i] as Variable;
      if (!isValidGene(v, x)) throw new Error(`gene ${v.name} = ${x} is outside its ${v.kind} domain`);
    });
  }

  /** Exact identity key of a genome (used for hashing discrete genomes and for caches). */
  key(genome: Genome): string {
    return genome.join(',');
  }

  /** Labels of a genome's values, for reports (categoricals by choice name). */
  describe(genome: Genome): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    this.variables.forEach((v, i) => {
      const x = genome[i] as number;
      out[v.name] = v.kind === 'categorical' ? (v.choices[x] ?? String(x)) : x;
    });
    return out;
  }
}

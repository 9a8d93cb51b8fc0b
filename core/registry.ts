import { InputError } from './errors.js';
import type { VariableKind } from './variables.js';

/** What a plugin can handle, so the CLI can refuse a mismatch before a run starts. */
export interface Capabilities {
  /** Variable kinds an algorithm/operator accepts, or a problem uses. */
  readonly kinds?: readonly VariableKind[];
  /** Objective counts supported (algorithms) or produced (problems). */
  readonly objectives?: { readonly min: number; readonly max: number };
  /** Whether constraints are handled (algorithms) or present (problems). */
  readonly constraints?: boolean;
  /** Free-form tags for listing, e.g. 'benchmark', 'tabular', 'baseline'. */
  readonly tags?: readonly string[];
}

export interface PluginEntry<Factory> {
  readonly name: string;
  readonly description: string;
  readonly capabilities: Capabilities;
  readonly create: Factory;
}

/**
 * A registry of one category of plugins (problems, algorithms, operators, devices, strategies),
 * each typed by its own factory signature rather than a shared bag of options.
 */
export class Registry<Factory> {
  private readonly entries = new Map<string, PluginEntry<Factory>>();

  constructor(readonly category: string) {}

  register(entry: PluginEntry<Factory>): this {
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(entry.name)) throw new Error(`${this.category} name ${entry.name} must be lower-case, digits, _ . -`);
    if (this.entries.has(entry.name)) throw new Error(`${this.category} ${entry.name} is registered twice`);
    this.entries.set(entry.name, entry);
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry, or an InputError listing what exists. */
  get(name: string): PluginEntry<Factory> {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new InputError(`unknown ${this.category} '${name}' (known: ${this.names().join(', ')})`);
    }
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): PluginEntry<Factory>[] {
    return this.names().map((n) => this.entries.get(n) as PluginEntry<Factory>);
  }
}

/**
 * Checks that a solver can handle a problem: variable kinds, objective count, constraints.
 * Returns the first mismatch as a sentence, or undefined when they fit.
 */
export function capabilityMismatch(solver: Capabilities, problem: Capabilities): string | undefined {
  if (solver.kinds !== undefined && problem.kinds !== undefined) {
    const missing = problem.kinds.filter((k) => !solver.kinds?.includes(k));
    if (missing.length > 0) return `it does not handle ${missing.join(', ')} variables`;
  }
  if (solver.objectives !== undefined && problem.objectives !== undefined) {
    const { min, max } = solver.objectives;
    if (problem.objectives.min < min || problem.objectives.max > max) {
      return `it handles ${min}–${max} objectives, the problem has ${problem.objectives.min === problem.objectives.max ? problem.objectives.min : `${problem.objectives.min}–${problem.objectives.max}`}`;
    }
  }
  if (problem.constraints === true && solver.constraints === false) return 'it does not handle constraints';
  return undefined;
}

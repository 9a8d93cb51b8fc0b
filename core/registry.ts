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
  /** Parameters a user may set, e.g. `nasc(split-repair=none)`; values reach the factory checked. */
  readonly parameters?: readonly PluginParameter[];
}

export type PluginParameterValue = string | number | boolean;

/** One settable parameter of a plugin, with its type and range. */
export interface PluginParameter {
  readonly name: string;
  readonly description: string;
  readonly type: 'number' | 'integer' | 'boolean' | 'choice';
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/** A plugin named with parameter values: `name` or `name(key=value,key=value)`. */
export interface PluginSpec {
  /** The text as given (used as the label of a run). */
  readonly label: string;
  readonly name: string;
  readonly parameters: Readonly<Record<string, PluginParameterValue>>;
}

/** Splits a comma-separated list of specs, keeping commas inside parentheses. */
export function splitSpecList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new InputError(`unbalanced ')' in "${text}"`);
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new InputError(`unbalanced '(' in "${text}"`);
  out.push(current.trim());
  return out.filter((x) => x !== '');
}

/** Parses `name(key=value,…)` against the entry's declared parameters (an InputError names the fault). */
export function parsePluginSpec<Factory>(registry: Registry<Factory>, text: string): PluginSpec {
  const m = /^([a-z0-9][a-z0-9_.-]*)(?:\((.*)\))?$/.exec(text.trim());
  if (m === null) throw new InputError(`${registry.category} "${text}" is not of the form name or name(key=value,...)`);
  const name = m[1] as string;
  const entry = registry.get(name);
  const parameters: Record<string, PluginParameterValue> = {};
  const body = m[2]?.trim() ?? '';
  for (const item of body === '' ? [] : body.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new InputError(`${registry.category} ${name}: "${item.trim()}" is not key=value`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    const p = entry.parameters?.find((q) => q.name === key);
    if (p === undefined) {
      const known = (entry.parameters ?? []).map((q) => q.name);
      throw new InputError(`${registry.category} ${name} has no parameter "${key}" (${known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`})`);
    }
    if (key in parameters) throw new InputError(`${registry.category} ${name}: parameter ${key} given twice`);
    parameters[key] = parseParameterValue(`${name}: ${key}`, p, raw);
  }
  return { label: text.trim(), name, parameters };
}

function parseParameterValue(what: string, p: PluginParameter, raw: string): PluginParameterValue {
  switch (p.type) {
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new InputError(`${what} must be true or false, got "${raw}"`);
    case 'choice':
      if ((p.choices ?? []).includes(raw)) return raw;
      throw new InputError(`${what} must be one of ${(p.choices ?? []).join(', ')}, got "${raw}"`);
    case 'number':
    case 'integer': {
      const x = raw === '' ? Number.NaN : Number(raw);
      const ok = Number.isFinite(x) && (p.type === 'number' || Number.isSafeInteger(x)) && (p.min === undefined || x >= p.min) && (p.max === undefined || x <= p.max);
      if (!ok) throw new InputError(`${what} must be ${p.type === 'integer' ? 'an integer' : 'a number'}${p.min === undefined ? '' : ` >= ${p.min}`}${p.max === undefined ? '' : ` <= ${p.max}`}, got "${raw}"`);
      return x;
    }
  }
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

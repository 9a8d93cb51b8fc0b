/**
 * Typed reads of fields of a parsed JSON object, each refusing a missing or mistyped field with
 * a one-line InputError that names the file and the field path (`config.json: weights.sha256 …`).
 * Used for files nasc reads back (config.json, checkpoints), so a hand-edited or damaged file
 * fails like a bad flag instead of with a TypeError deep inside a run.
 */
import { InputError } from '../../core/errors.js';
import { describeValue, type NumberRule } from './numbers.js';

export class JsonFields {
  private constructor(
    readonly value: Readonly<Record<string, unknown>>,
    /** e.g. "config.json" or "checkpoint.json: state" */
    readonly where: string,
  ) {}

  static of(json: unknown, where: string): JsonFields {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${where}: must be a JSON object, got ${describeValue(json)}`);
    return new JsonFields(json as Record<string, unknown>, where);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  fail(key: string, rule: string): never {
    const v = this.value[key];
    throw new InputError(`${this.where}: ${key} ${v === undefined ? 'is missing' : `= ${describeValue(v)}`}, must be ${rule}`);
  }

  /** Refuses keys outside `known` (a typo must not silently become a default). */
  onlyKeys(known: readonly string[]): this {
    for (const k of Object.keys(this.value)) {
      if (!known.includes(k)) throw new InputError(`${this.where}: unknown field "${k}"`);
    }
    return this;
  }

  /** A JSON number (not a numeric string: files nasc wrote hold numbers) that the rule accepts. */
  number(key: string, rule: NumberRule): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !rule.accepts(v)) return this.fail(key, rule.text);
    return v;
  }

  optionalNumber(key: string, rule: NumberRule): number | undefined {
    return this.has(key) ? this.number(key, rule) : undefined;
  }

  string(key: string, pattern?: { readonly test: (s: string) => boolean; readonly text: string }): string {
    const v = this.value[key];
    if (typeof v !== 'string' || v === '' || (pattern !== undefined && !pattern.test(v))) return this.fail(key, pattern?.text ?? 'a non-empty string');
    return v;
  }

  boolean(key: string): boolean {
    const v = this.value[key];
    if (typeof v !== 'boolean') return this.fail(key, 'true or false');
    return v;
  }

  literal<T extends string | number>(key: string, expected: T): T {
    if (this.value[key] !== expected) return this.fail(key, JSON.stringify(expected));
    return expected;
  }

  oneOf<T extends string>(key: string, options: readonly T[]): T {
    const v = this.value[key];
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) return this.fail(key, `one of ${options.join(', ')}`);
    return v as T;
  }

  object(key: string): JsonFields {
    const v = this.value[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(key, 'a JSON object');
    return new JsonFields(v as Record<string, unknown>, `${this.where}: ${key}`);
  }

  array(key: string, length?: { readonly min?: number; readonly max?: number }): unknown[] {
    const v = this.value[key];
    const min = length?.min ?? 0;
    const max = length?.max ?? Infinity;
    if (!Array.isArray(v) || v.length < min || v.length > max) {
      return this.fail(key, `an array${min === max ? ` of ${min} items` : min > 0 || max < Infinity ? ` of ${min}..${max === Infinity ? '' : max} items` : ''}`);
    }
    return v;
  }

  /** The elements of an array field as JsonFields objects (`where` names the index). */
  objects(key: string, length?: { readonly min?: number; readonly max?: number }): JsonFields[] {
    return this.array(key, length).map((item, i) => JsonFields.of(item, `${this.where}: ${key}[${i}]`));
  }

  /** An array of numbers that each satisfy the rule. */
  numbers(key: string, rule: NumberRule, length?: { readonly min?: number; readonly max?: number }): number[] {
    return this.array(key, length).map((item, i) => {
      if (typeof item !== 'number' || !rule.accepts(item)) throw new InputError(`${this.where}: ${key}[${i}] = ${describeValue(item)}, must be ${rule.text}`);
      return item;
    });
  }

  strings(key: string): string[] {
    return this.array(key).map((item, i) => {
      if (typeof item !== 'string' || item === '') throw new InputError(`${this.where}: ${key}[${i}] = ${describeValue(item)}, must be a non-empty string`);
      return item;
    });
  }

  /** A string → string map (e.g. recorded versions). */
  stringMap(key: string): Record<string, string> {
    const o = this.object(key);
    for (const [k, v] of Object.entries(o.value)) {
      if (typeof v !== 'string') throw new InputError(`${o.where}: ${k} = ${describeValue(v)}, must be a string`);
    }
    return { ...(o.value as Record<string, string>) };
  }
}

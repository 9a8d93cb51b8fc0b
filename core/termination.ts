/** When a run stops. Terminations compose with `anyOf` / `allOf`. */
export interface Progress {
  /** Generations completed after the initial one (0 once the initial population is evaluated). */
  readonly generation: number;
  readonly evaluations: number;
  readonly elapsedMs: number;
}

export interface Termination {
  readonly description: string;
  hasTerminated(progress: Progress): boolean;
  /** Evaluations still allowed, if this termination bounds them (lets the last batch be cut to fit). */
  remainingEvaluations?(progress: Progress): number;
}

export function maxGenerations(n: number): Termination {
  checkCount(n, 'generations');
  return { description: `${n} generations`, hasTerminated: (p) => p.generation >= n };
}

export function maxEvaluations(n: number): Termination {
  checkCount(n, 'evaluations');
  return {
    description: `${n} evaluations`,
    hasTerminated: (p) => p.evaluations >= n,
    remainingEvaluations: (p) => Math.max(0, n - p.evaluations),
  };
}

/** Wall-clock budget. Not reproducible by nature: a resumed run counts only its own time. */
export function maxTime(ms: number): Termination {
  if (!(ms > 0)) throw new Error(`time budget must be positive, got ${ms}`);
  return { description: `${ms} ms`, hasTerminated: (p) => p.elapsedMs >= ms };
}

export function anyOf(...terms: Termination[]): Termination {
  return {
    description: terms.map((t) => t.description).join(' or '),
    hasTerminated: (p) => terms.some((t) => t.hasTerminated(p)),
    remainingEvaluations: (p) => Math.min(...terms.map((t) => t.remainingEvaluations?.(p) ?? Infinity)),
  };
}

export function allOf(...terms: Termination[]): Termination {
  return {
    description: terms.map((t) => t.description).join(' and '),
    hasTerminated: (p) => terms.every((t) => t.hasTerminated(p)),
    remainingEvaluations: (p) => Math.max(...terms.map((t) => t.remainingEvaluations?.(p) ?? Infinity)),
  };
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
}

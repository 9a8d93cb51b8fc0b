/**
 * The update of ASNG (Adaptive Stochastic Natural Gradient, Akimoto et al., ICML 2019) for a
 * product of categorical distributions, as pure functions. A faithful port of the authors'
 * `CategoricalASNG.update` and `utility` (shirakawas/ASNG-NAS): ranking utility, natural gradient
 * of the expected utility, Fisher-normalised step, evolution path s, its normaliser γ, the step
 * adaptation Δ, and the range restriction θ ≥ θ_min with renormalisation.
 */

/** The distribution and the adaptation state. theta[i] has K_i entries summing to 1. */
export interface AsngParameters {
  readonly theta: readonly (readonly number[])[];
  /** Evolution path, one entry per free parameter (Σ(K_i − 1) of them). */
  readonly s: readonly number[];
  readonly gamma: number;
  /** Step-size adaptation factor Δ (δ = δ_init / Δ). */
  readonly Delta: number;
}

export interface AsngSettings {
  /** Threshold α of the step adaptation (default 1.5). */
  readonly alpha: number;
  /** δ_init (default 1). */
  readonly deltaInit: number;
  /** Upper bound on Δ (default Infinity). */
  readonly DeltaMax: number;
  /** Floor of every θ_i,k, per variable (see `defaultThetaMin`). */
  readonly thetaMin: readonly number[];
}

/**
 * A sample's loss, compared lexicographically: e.g. [0, error] for a feasible sample and
 * [1, violation] for an infeasible one ranks every infeasible sample below every feasible one.
 */
export type Loss = readonly number[];

/** Uniform θ and a fresh adaptation state for variables with the given numbers of categories. */
export function initialParameters(categories: readonly number[]): AsngParameters {
  for (const k of categories) if (!Number.isSafeInteger(k) || k < 1) throw new Error(`a variable needs at least one category, got ${k}`);
  const free = categories.reduce((n, k) => n + k - 1, 0);
  return { theta: categories.map((k) => new Array<number>(k).fill(1 / k)), s: new Array<number>(free).fill(0), gamma: 0, Delta: 1 };
}

/**
 * θ_min = 1 / (d (K_i − 1)) with d the number of variables that have a choice (K_i > 1); 0 for
 * K_i = 1. With so few variables that θ_min ≥ 1/K_i (d = 1, or d = 2 with K = 2) the floor would
 * leave no room (or no feasible θ), so it is capped at 1/K_i: θ then stays uniform. Override
 * `thetaMin` in such spaces.
 */
export function defaultThetaMin(categories: readonly number[]): number[] {
  const d = categories.filter((k) => k > 1).length;
  return categories.map((k) => (k > 1 ? Math.min(1 / (d * (k - 1)), 1 / k) : 0));
}

/** Lexicographic comparison of two losses (NaN never occurs: callers map failures to Infinity). */
export function compareLoss(a: Loss, b: Loss): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (!lossEqual(x, y)) return x < y ? -1 : 1;
  }
  return 0;
}

/** Equal up to the original's relative tolerance 1e-14 (Infinity equals Infinity). */
function lossEqual(x: number, y: number): boolean {
  if (x === y) return true;
  return Math.abs(x - y) <= 1e-14 * Math.abs(x);
}

/**
 * Ranking-based utility of the authors' code: with μ = ⌈ρλ⌉ (ρ = 1/4), the μ best samples get
 * +1/μ, the μ worst −1/μ, the rest 0; tied samples share the mean of their slots. Returned in
 * the order of `losses`.
 */
export function rankingUtility(losses: readonly Loss[], rho = 0.25): number[] {
  const lam = losses.length;
  const mu = Math.ceil(lam * rho);
  const order = losses.map((_, i) => i).sort((a, b) => compareLoss(losses[a] as Loss, losses[b] as Loss) || a - b);
  const slots = new Array<number>(lam).fill(0);
  for (let r = 0; r < mu && r < lam; r++) slots[r] = 1 / mu;
  for (let r = Math.max(0, lam - mu); r < lam; r++) slots[r] = -1 / mu;
  const u = new Array<number>(lam).fill(0);
  for (let start = 0; start < lam; ) {
    let end = start + 1;
    while (end < lam && compareLoss(losses[order[start] as number] as Loss, losses[order[end] as number] as Loss) === 0) end++;
    let mean = 0;
    for (let r = start; r < end; r++) mean += slots[r] as number;
    mean /= end - start;
    for (let r = start; r < end; r++) u[order[r] as number] = mean;
    start = end;
  }
  return u;
}

/**
 * g = mean_k (u_k − ū)(onehot(x_k) − θ), per variable; samples are category indices. The ranking
 * utility sums to 0, so ū = 0 and this is the REFERENCE's mean_k u_k (M_k − θ); the authors'
 * code centres anyway, and so does this port.
 */
export function naturalGradient(theta: readonly (readonly number[])[], samples: readonly (readonly number[])[], utilities: readonly number[]): number[][] {
  const lam = samples.length;
  const mean = utilities.reduce((a, u) => a + u, 0) / lam;
  return theta.map((th, i) => {
    const g = new Array<number>(th.length).fill(0);
    samples.forEach((x, k) => {
      const u = (utilities[k] as number) - mean;
      const c = x[i] as number;
      for (let j = 0; j < th.length; j++) g[j] = (g[j] as number) + (u * ((j === c ? 1 : 0) - (th[j] as number))) / lam;
    });
    return g;
  });
}

/**
 * The gradient expressed in the Fisher-whitened coordinates of the K−1 free parameters of each
 * variable: s_j = g_j/√θ_j + √θ_j Σ_{l<K−1} g_l / (θ_K + √θ_K). Its Euclidean norm is the Fisher
 * norm of g (= √Σ_j g_j²/θ_j when Σ g = 0).
 */
export function fisherWhitened(theta: readonly (readonly number[])[], g: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  theta.forEach((th, i) => {
    const K = th.length;
    if (K < 2) return;
    const gi = g[i] as readonly number[];
    const thK = th[K - 1] as number;
    let sum = 0;
    for (let j = 0; j < K - 1; j++) sum += gi[j] as number;
    const tail = sum / (thK + Math.sqrt(thK));
    for (let j = 0; j < K - 1; j++) {
      const t = th[j] as number;
      // θ_j = 0 happens only with the range restriction switched off; its term is then taken as 0.
      out.push((t > 0 ? (gi[j] as number) / Math.sqrt(t) : 0) + (Number.isFinite(tail) ? Math.sqrt(t) * tail : 0));
    }
  });
  return out;
}

/** θ_i ← max(θ_i, θ_min), then the excess is taken proportionally from the mass above θ_min. */
export function restrictRange(theta: readonly number[], thetaMin: number): number[] {
  const K = theta.length;
  const clipped = theta.map((t) => Math.max(t, thetaMin));
  const sum = clipped.reduce((a, b) => a + b, 0);
  const above = sum - thetaMin * K;
  if (!(above > 0)) return new Array<number>(K).fill(1 / K);
  const adjusted = clipped.map((t) => t - ((sum - 1) * (t - thetaMin)) / above);
  const total = adjusted.reduce((a, b) => a + b, 0);
  return adjusted.map((t) => t / total);
}

/** What an update did, for logs and tests. */
export interface AsngStep {
  readonly parameters: AsngParameters;
  /** δ = δ_init / Δ used by this update. */
  readonly delta: number;
  /** ‖s‖, the Fisher norm of the gradient; NaN when the update was skipped. */
  readonly gradientNorm: number;
  /** False when all utilities were equal (all samples tied) or g vanished: nothing changes. */
  readonly updated: boolean;
}

/**
 * One ASNG update from λ samples (category indices, one array per sample) and their losses.
 * δ = δ_init/Δ, β = δ/√N; θ ← θ + (δ/‖s‖) g; s ← (1−β)s + √(β(2−β)) s_g/‖s_g‖;
 * γ ← (1−β)²γ + β(2−β); Δ ← min(Δ_max, Δ exp(β(γ − ‖s‖²/α))); then the range restriction.
 */
export function asngUpdate(params: AsngParameters, samples: readonly (readonly number[])[], losses: readonly Loss[], settings: AsngSettings): AsngStep {
  if (samples.length !== losses.length || samples.length < 2) throw new Error(`ASNG needs λ ≥ 2 samples with a loss each, got ${samples.length}/${losses.length}`);
  const delta = settings.deltaInit / params.Delta;
  const N = params.s.length;
  const utilities = rankingUtility(losses);
  const skipped: AsngStep = { parameters: params, delta, gradientNorm: Number.NaN, updated: false };
  if (N === 0 || utilities.every((u) => u === utilities[0])) return skipped;
  const beta = delta / Math.sqrt(N);
  const g = naturalGradient(params.theta, samples, utilities);
  // Identical samples with different losses give g = 0; its norm would be 0 (the authors skip too).
  if (g.every((gi) => gi.every((x) => Math.abs(x) < 1e-18))) return skipped;
  const sg = fisherWhitened(params.theta, g);
  const pnorm = Math.sqrt(sg.reduce((a, x) => a + x * x, 0));
  const eps = delta / pnorm;
  const moved = params.theta.map((th, i) => th.map((t, j) => t + eps * ((g[i] as number[])[j] as number)));
  const c = Math.sqrt(beta * (2 - beta));
  const s = params.s.map((x, j) => (1 - beta) * x + (c * (sg[j] as number)) / pnorm);
  const gamma = (1 - beta) ** 2 * params.gamma + beta * (2 - beta);
  const ss = s.reduce((a, x) => a + x * x, 0);
  const Delta = Math.min(settings.DeltaMax, params.Delta * Math.exp(beta * (gamma - ss / settings.alpha)));
  const theta = moved.map((th, i) => (th.length > 1 ? restrictRange(th, settings.thetaMin[i] ?? 0) : th));
  return { parameters: { theta, s, gamma, Delta }, delta, gradientNorm: pnorm, updated: true };
}

/** Draws one category per variable from θ (inverse CDF with one uniform per variable). */
export function sampleCategories(theta: readonly (readonly number[])[], uniform: () => number): number[] {
  return theta.map((th) => {
    const u = uniform();
    let acc = 0;
    for (let j = 0; j < th.length - 1; j++) {
      acc += th[j] as number;
      if (u < acc) return j;
    }
    return th.length - 1;
  });
}

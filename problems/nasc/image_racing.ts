/**
 * Racing on images: every candidate is measured on a first slice of the validation images, and
 * more images go only to candidates that can still reach the front (Maron & Moore's racing,
 * applied to the images of one accuracy measurement).
 *
 * Rule. After n images with k correct, a feasible candidate at latency L stops when its upper
 * Wilson bound U(k, n, z) (problems/nasc/wilson_interval.ts; z = 1.96: one-sided 97.5 %) is below
 * the accuracy of a point of the reference front with latency ≤ L — even optimistically it would
 * be dominated. Otherwise its images double (first, 2·first, …, full). An infeasible candidate
 * (over the latency bound, or below s_min) cannot reach the feasible front whatever its accuracy
 * and stops after the first slice. A candidate that reaches `fullImages` is complete; if it is
 * then non-dominated among the reference front and the batch's other complete candidates it is
 * topped up to `frontImages` (the images racing saved, spent where selection happens, which
 * shrinks the optimistic bias of the front's maxima). So every point that can be on the front
 * carries at least the full-size measurement; a stopped candidate is dominated by a front point
 * with a full one, and stays dominated.
 *
 * The reference front is the non-dominated set of this run's complete, feasible candidates (their
 * reported accuracy and latency), grown after every round. Decisions depend only on integer
 * counts on fixed image prefixes (MeasurementStore), taken in synchronous rounds, so the result is
 * the same for any number of workers. One ImageRacing per run: its front is the run's state, to be
 * rebuilt on resume with `remember` from the run's evaluated points.
 */
import type { DecodedGenome } from './search_space.js';
import type { MeasurementStore, PrefixCount } from './measurement_store.js';
import { wilsonInterval } from './wilson_interval.js';

export interface ImageRacingOptions {
  /** Images every candidate gets first (default 100). */
  readonly firstImages?: number;
  /** Images of a full measurement (default: all the store's images). */
  readonly fullImages?: number;
  /** Images for complete candidates that enter the front (default: fullImages, i.e. no top-up). */
  readonly frontImages?: number;
  /** Normal quantile of the one-sided Wilson upper bound (default 1.96). */
  readonly z?: number;
}

export interface RaceCandidate {
  readonly decoded: DecodedGenome;
  /** The latency objective (ms). */
  readonly latencyMs: number;
  /** Within every constraint (known for free from the tables). */
  readonly feasible: boolean;
}

export interface RaceResult {
  readonly correct: number;
  readonly images: number;
  /** correct / images (NaN when failed). */
  readonly accuracy: number;
  /** Wilson interval of the accuracy at the racing z. */
  readonly interval: readonly [number, number];
  /** Stopped before the full measurement (it cannot reach the front). */
  readonly stopped: boolean;
  readonly failure?: string;
}

export interface FrontPoint {
  readonly accuracy: number;
  readonly latencyMs: number;
}

export class ImageRacing {
  readonly firstImages: number;
  readonly fullImages: number;
  readonly frontImages: number;
  readonly z: number;
  /** Non-dominated complete feasible points, sorted by latency (accuracy then strictly increasing). */
  private reference: FrontPoint[] = [];

  constructor(
    readonly store: MeasurementStore,
    options: ImageRacingOptions = {},
  ) {
    const total = store.imageCount;
    this.fullImages = options.fullImages ?? total;
    this.firstImages = Math.min(options.firstImages ?? 100, this.fullImages);
    this.frontImages = options.frontImages ?? this.fullImages;
    this.z = options.z ?? 1.96;
    if (!(Number.isInteger(this.firstImages) && this.firstImages >= 1)) throw new RangeError(`racing: first images must be a positive integer, got ${this.firstImages}`);
    if (!(Number.isInteger(this.fullImages) && this.fullImages <= total)) throw new RangeError(`racing: full images ${this.fullImages} must be an integer ≤ the ${total} images of the set`);
    if (!(Number.isInteger(this.frontImages) && this.frontImages >= this.fullImages && this.frontImages <= total)) {
      throw new RangeError(`racing: front images ${this.frontImages} must be an integer in [${this.fullImages}, ${total}]`);
    }
    if (!(this.z >= 0)) throw new RangeError(`racing: z must be ≥ 0, got ${this.z}`);
  }

  /** Image counts a candidate goes through: first, 2·first, … up to full. */
  get schedule(): number[] {
    const s: number[] = [];
    for (let n = this.firstImages; n < this.fullImages; n *= 2) s.push(n);
    s.push(this.fullImages);
    return s;
  }

  /** The reference front (copy). */
  front(): FrontPoint[] {
    return this.reference.map((p) => ({ ...p }));
  }

  /** Adds complete feasible points of this run (e.g. from a checkpoint, on resume). */
  remember(points: readonly FrontPoint[]): void {
    for (const p of points) this.add(p);
  }

  /** Highest reference accuracy at latency ≤ L (−∞ when none). */
  bestAccuracyWithin(latencyMs: number): number {
    let best = -Infinity;
    for (const p of this.reference) {
      if (p.latencyMs > latencyMs) break;
      best = p.accuracy; // accuracy increases along the sorted front
    }
    return best;
  }

  /** Could a candidate with this count still reach the front at this latency? */
  canMatter(count: Pick<PrefixCount, 'correct' | 'images'>, latencyMs: number): boolean {
    const upper = wilsonInterval(count.correct, count.images, this.z)[1];
    return !(upper < this.bestAccuracyWithin(latencyMs));
  }

  async race(candidates: readonly RaceCandidate[]): Promise<RaceResult[]> {
    const before = this.front();
    const results: (RaceResult | undefined)[] = candidates.map(() => undefined);
    const counts: PrefixCount[] = candidates.map(() => ({ correct: 0, images: 0 }));
    const schedule = this.schedule;
    let active = candidates.map((_, i) => i);
    const complete: number[] = [];
    for (let stage = 0; active.length > 0; stage++) {
      const target = schedule[Math.min(stage, schedule.length - 1)] as number;
      const got = await this.store.atLeast(
        active.map((i) => (candidates[i] as RaceCandidate).decoded),
        active.map(() => target),
      );
      const next: number[] = [];
      const done: number[] = [];
      active.forEach((i, j) => {
        const c = got[j] as PrefixCount;
        counts[i] = c;
        const cand = candidates[i] as RaceCandidate;
        if (c.failure !== undefined) results[i] = this.result(c, false);
        else if (c.images >= this.fullImages) done.push(i);
        else if (!cand.feasible || !this.canMatter(c, cand.latencyMs)) results[i] = this.result(c, true);
        else next.push(i);
      });
      // Complete feasible candidates join the reference before the next round's decisions.
      for (const i of done) {
        complete.push(i);
        const cand = candidates[i] as RaceCandidate;
        if (cand.feasible) this.add({ accuracy: accuracyOf(counts[i] as PrefixCount), latencyMs: cand.latencyMs });
      }
      active = next;
    }
    // Spend more images on the complete candidates that are on the front now.
    if (this.frontImages > this.fullImages) {
      const entrants = complete.filter((i) => {
        const cand = candidates[i] as RaceCandidate;
        return cand.feasible && (counts[i] as PrefixCount).images < this.frontImages && this.onFront(accuracyOf(counts[i] as PrefixCount), cand.latencyMs);
      });
      if (entrants.length > 0) {
        const more = await this.store.atLeast(
          entrants.map((i) => (candidates[i] as RaceCandidate).decoded),
          entrants.map(() => this.frontImages),
        );
        entrants.forEach((i, j) => {
          const c = more[j] as PrefixCount;
          if (c.failure === undefined) counts[i] = c;
        });
        // The reference keeps the accuracies the candidates are reported with.
        this.reference = [];
        for (const p of before) this.add(p);
        for (const i of complete) {
          const cand = candidates[i] as RaceCandidate;
          if (cand.feasible) this.add({ accuracy: accuracyOf(counts[i] as PrefixCount), latencyMs: cand.latencyMs });
        }
      }
    }
    for (const i of complete) results[i] = this.result(counts[i] as PrefixCount, false);
    return results as RaceResult[];
  }

  private result(c: PrefixCount, stopped: boolean): RaceResult {
    return {
      correct: c.correct,
      images: c.images,
      accuracy: c.failure !== undefined || c.images === 0 ? Number.NaN : c.correct / c.images,
      interval: wilsonInterval(c.correct, c.images, this.z),
      stopped,
      ...(c.failure === undefined ? {} : { failure: c.failure }),
    };
  }

  /** Not dominated by the reference (a point equal to a reference point counts as on it). */
  private onFront(accuracy: number, latencyMs: number): boolean {
    return !this.reference.some((p) => p.latencyMs <= latencyMs && p.accuracy >= accuracy && (p.latencyMs < latencyMs || p.accuracy > accuracy));
  }

  private add(p: FrontPoint): void {
    if (!Number.isFinite(p.accuracy) || !Number.isFinite(p.latencyMs)) return;
    if (this.reference.some((q) => q.latencyMs <= p.latencyMs && q.accuracy >= p.accuracy)) return;
    this.reference = this.reference.filter((q) => !(p.latencyMs <= q.latencyMs && p.accuracy >= q.accuracy));
    this.reference.push({ accuracy: p.accuracy, latencyMs: p.latencyMs });
    this.reference.sort((a, b) => a.latencyMs - b.latencyMs);
  }
}

function accuracyOf(c: PrefixCount): number {
  return c.images === 0 ? Number.NaN : c.correct / c.images;
}

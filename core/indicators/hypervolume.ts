/**
 * Exact hypervolume (minimisation): the measure of the region dominated by the points and
 * bounded by the reference point. Only points that strictly dominate the reference count
 * (pymoo and the WFG toolkit do the same); dominated points and copies change nothing.
 *
 *   M = 1, 2  sort and sweep, O(N log N)
 *   M = 3     Beume et al. (2009) sweep over the third objective keeping the 2-D staircase in
 *             an ordered set (ordered_set.ts): O(N log N)
 *   M >= 4    WFG (While et al. 2012): exclusive volumes against limit sets, reducing one
 *             dimension per level until the 3-D sweep takes over. Exponential in M at worst;
 *             fine for the few objectives NAS uses.
 */
import { compareLexicographic } from '../sorting/lexicographic.js';
import { OrderedIndexSet } from './ordered_set.js';

type Point = readonly number[];

export function hypervolume(points: readonly Point[], reference: Point): number {
  return volume(relevant(points, reference), reference);
}

/**
 * Exclusive contribution of each point: HV(all) − HV(all but i). Two objectives: exact in
 * O(N log N) (each staircase point's box minus what dominated points cover of it); other M:
 * computed from that definition, with weakly dominated points and copies (contribution 0)
 * skipped. Points that do not strictly dominate the reference contribute 0.
 */
export function hypervolumeContributions(points: readonly Point[], reference: Point): number[] {
  const m = reference.length;
  checkShape(points, m);
  if (m === 2) return contributions2d(points, reference);
  const n = points.length;
  const out = new Array<number>(n).fill(0);
  const inside = (i: number): boolean => strictlyDominates(points[i] as Point, reference);
  const total = hypervolume(points, reference);
  for (let i = 0; i < n; i++) {
    if (!inside(i) || coveredByAnother(points, i)) continue;
    const rest = points.filter((_, j) => j !== i);
    out[i] = Math.max(0, total - hypervolume(rest, reference));
  }
  return out;
}

function checkShape(points: readonly Point[], m: number): void {
  for (let i = 0; i < points.length; i++) {
    const len = (points[i] as Point).length;
    if (len !== m) throw new RangeError(`point ${i} has ${len} objectives, the reference has ${m}`);
  }
}

function strictlyDominates(p: Point, reference: Point): boolean {
  for (let j = 0; j < reference.length; j++) if (!((p[j] as number) < (reference[j] as number))) return false;
  return true;
}

/** Is point i weakly dominated by another point (a copy with a smaller index included)? */
function coveredByAnother(points: readonly Point[], i: number): boolean {
  const p = points[i] as Point;
  for (let j = 0; j < points.length; j++) {
    if (j === i) continue;
    const q = points[j] as Point;
    let weakly = true;
    let equal = true;
    for (let d = 0; d < p.length && weakly; d++) {
      if ((q[d] as number) > (p[d] as number)) weakly = false;
      else if ((q[d] as number) < (p[d] as number)) equal = false;
    }
    if (weakly && (!equal || j < i)) return true;
  }
  return false;
}

function relevant(points: readonly Point[], reference: Point): Point[] {
  checkShape(points, reference.length);
  return points.filter((p) => strictlyDominates(p, reference));
}

/** HV of points that all strictly dominate the reference, in reference.length dimensions. */
function volume(points: readonly Point[], reference: Point): number {
  const m = reference.length;
  if (points.length === 0 || m === 0) return 0;
  if (m === 1) {
    let best = Infinity;
    for (const p of points) best = Math.min(best, p[0] as number);
    return (reference[0] as number) - best;
  }
  if (m === 2) return volume2d(points, reference);
  if (m === 3) return volume3d(points, reference);
  return volumeWfg(points, reference);
}

/** Sort by x; each point that lowers the best y so far adds the strip between the two y levels. */
function volume2d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  const rx = reference[0] as number;
  let level = reference[1] as number;
  let area = 0;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < level) {
      area += (rx - (p[0] as number)) * (level - y);
      level = y;
    }
  }
  return area;
}

/**
 * Sweep upwards in z. Between consecutive z values the dominated slice is the 2-D area of the
 * staircase of the points seen so far; inserting a point removes the staircase points it
 * dominates (each at most once) and changes the area by what it newly covers.
 */
function volume3d(points: readonly Point[], reference: Point): number {
  const [rx, ry, rz] = reference as readonly [number, number, number];
  const byZ = [...points].sort((a, b) => (a[2] as number) - (b[2] as number));
  const xs = Float64Array.from(points, (p) => p[0] as number).sort();
  const slotOf = (x: number): number => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((xs[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo; // first slot holding x: equal xs share it
  };
  const stair = new OrderedIndexSet(xs.length);
  const yAt = new Float64Array(xs.length);
  let area = 0;
  let volume = 0;
  let z = byZ.length > 0 ? ((byZ[0] as Point)[2] as number) : 0;
  for (const p of byZ) {
    const [px, py, pz] = p as readonly [number, number, number];
    volume += area * (pz - z);
    z = pz;
    const s = slotOf(px);
    const left = stair.prev(s);
    if (left >= 0 && (yAt[left] as number) <= py) continue; // weakly dominated in (x, y)
    // Level just left of px. If `left` shares px it is about to be removed as a zero-width step.
    let level = left >= 0 ? (yAt[left] as number) : ry;
    let from = px;
    let added = 0;
    let q = stair.next(s);
    while (q >= 0 && (yAt[q] as number) >= py) {
      added += ((xs[q] as number) - from) * (level - py);
      level = yAt[q] as number;
      from = xs[q] as number;
      stair.erase(q);
      q = stair.next(q + 1);
    }
    added += ((q >= 0 ? (xs[q] as number) : rx) - from) * (level - py);
    area += added;
    stair.insert(s);
    yAt[s] = py;
  }
  return volume + area * (rz - z);
}

/**
 * WFG with dimension reduction. With the points sorted by the last objective, the part of
 * p_k's box not dominated by p_0..p_(k-1) is (r_last − p_k,last) times the (M−1)-dimensional
 * box of p_k minus the (M−1)-dimensional HV of the earlier points limited to that box
 * (max(q, p_k) componentwise). The sum over k telescopes to HV of the whole set.
 */
function volumeWfg(points: readonly Point[], reference: Point): number {
  const m = reference.length;
  const last = m - 1;
  const sorted = nondominated(points).sort((a, b) => (a[last] as number) - (b[last] as number));
  const lower = reference.slice(0, last);
  let total = 0;
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k] as Point;
    let box = 1;
    for (let j = 0; j < last; j++) box *= (reference[j] as number) - (p[j] as number);
    const limited: number[][] = [];
    for (let i = 0; i < k; i++) {
      const q = sorted[i] as Point;
      const l = new Array<number>(last);
      for (let j = 0; j < last; j++) l[j] = Math.max(q[j] as number, p[j] as number);
      limited.push(l);
    }
    const covered = volume(limited.length > 1 ? nondominated(limited) : limited, lower);
    total += ((reference[last] as number) - (p[last] as number)) * (box - covered);
  }
  return total;
}

/** The points no other point weakly dominates, one copy each (lexicographic order makes one pass enough). */
function nondominated(points: readonly Point[]): Point[] {
  const sorted = [...points].sort(compareLexicographic);
  const kept: Point[] = [];
  for (const p of sorted) {
    let covered = false;
    for (const q of kept) {
      let weakly = true;
      for (let j = 0; j < p.length; j++) {
        if ((q[j] as number) > (p[j] as number)) {
          weakly = false;
          break;
        }
      }
      if (weakly) {
        covered = true;
        break;
      }
    }
    if (!covered) kept.push(p);
  }
  return kept;
}

/** Exact 2-D exclusive contributions; see hypervolumeContributions. */
function contributions2d(points: readonly Point[], reference: Point): number[] {
  const n = points.length;
  const out = new Array<number>(n).fill(0);
  const [rx, ry] = reference as readonly [number, number];
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (strictlyDominates(points[i] as Point, reference)) idx.push(i);
  const x = (i: number): number => (points[i] as Point)[0] as number;
  const y = (i: number): number => (points[i] as Point)[1] as number;
  idx.sort((a, b) => x(a) - x(b) || y(a) - y(b) || a - b);
  // Staircase: x strictly increasing, y strictly decreasing; the rest (dominated points, later copies) contribute 0.
  const stair: number[] = [];
  const others: number[] = [];
  let level = ry;
  for (const i of idx) {
    if (y(i) < level) {
      stair.push(i);
      level = y(i);
    } else others.push(i);
  }
  // Each staircase point's exclusive box runs to the next point's x and the previous point's y.
  // A dominated point can only overlap the box of the last staircase point at or left of it.
  const inBox: Point[][] = stair.map(() => []);
  for (const q of others) {
    let lo = 0;
    let hi = stair.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x(stair[mid] as number) <= x(q)) lo = mid + 1;
      else hi = mid;
    }
    const s = lo - 1;
    const top = s > 0 ? y(stair[s - 1] as number) : ry;
    if (s >= 0 && y(q) < top) (inBox[s] as Point[]).push(points[q] as Point);
  }
  for (let s = 0; s < stair.length; s++) {
    const i = stair[s] as number;
    const right = s + 1 < stair.length ? x(stair[s + 1] as number) : rx;
    const top = s > 0 ? y(stair[s - 1] as number) : ry;
    const box = (right - x(i)) * (top - y(i));
    const group = inBox[s] as Point[];
    out[i] = group.length === 0 ? box : Math.max(0, box - volume2d(group, [right, top]));
  }
  return out;
}

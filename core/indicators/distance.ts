/**
 * Distance-based quality indicators (minimisation), each the mean of per-point distances:
 *   GD    mean over the approximation of the Euclidean distance to the nearest reference point
 *   IGD   mean over the reference of the Euclidean distance to the nearest approximation point
 *   GD+, IGD+  the same with Ishibuchi et al.'s (2015) dominance-compliant
 *              d+(a, z) = sqrt(Σ max(a_i − z_i, 0)²): only the ways a is worse than z count.
 * Since d+ <= Euclidean distance pointwise, IGD+ <= IGD and GD+ <= GD.
 * An empty approximation scores Infinity (it approximates nothing); an empty reference is an error.
 */
type Point = readonly number[];
type Distance = (a: Point, z: Point) => number;

export function gd(front: readonly Point[], referenceFront: readonly Point[]): number {
  return meanNearest(front, referenceFront, (a, z) => euclidean(a, z));
}

export function gdPlus(front: readonly Point[], referenceFront: readonly Point[]): number {
  return meanNearest(front, referenceFront, (a, z) => plusDistance(a, z));
}

export function igd(front: readonly Point[], referenceFront: readonly Point[]): number {
  return meanNearest(referenceFront, front, (z, a) => euclidean(a, z), true);
}

export function igdPlus(front: readonly Point[], referenceFront: readonly Point[]): number {
  return meanNearest(referenceFront, front, (z, a) => plusDistance(a, z), true);
}

function euclidean(a: Point, z: Point): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (z[i] as number);
    s += d * d;
  }
  return Math.sqrt(s);
}

function plusDistance(a: Point, z: Point): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.max((a[i] as number) - (z[i] as number), 0);
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Mean over `from` of the distance to the nearest point of `to`; `inverted`: `from` is the reference. */
function meanNearest(from: readonly Point[], to: readonly Point[], distance: Distance, inverted = false): number {
  const reference = inverted ? from : to;
  const front = inverted ? to : from;
  if (reference.length === 0) throw new RangeError('the reference front is empty');
  const m = (reference[0] as Point).length;
  for (const p of [...reference, ...front]) {
    if (p.length !== m) throw new RangeError(`points of ${p.length} and ${m} objectives mixed`);
  }
  if (front.length === 0) return Infinity;
  let sum = 0;
  for (const a of from) {
    let best = Infinity;
    for (const b of to) best = Math.min(best, distance(a, b));
    sum += best;
  }
  return sum / from.length;
}

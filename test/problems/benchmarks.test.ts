import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dominates } from '../../core/dominance.js';
import { constraintViolation, type Evaluation } from '../../core/individual.js';
import type { Problem } from '../../core/problem.js';
import { Rng } from '../../core/rng.js';
import type { Genome } from '../../core/variables.js';
import { Bnh, Ctp1, Srn, Tnk } from '../../problems/benchmarks/constrained.js';
import { Dtlz1, Dtlz2 } from '../../problems/benchmarks/dtlz.js';
import { nonDominated2d } from '../../problems/benchmarks/front.js';
import { Zdt1, Zdt2, Zdt3, Zdt4, Zdt6, ZDT6_F1_MIN } from '../../problems/benchmarks/zdt.js';
import { UniformSampling } from '../../operators/sampling/uniform.js';

const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol;

/** Exact 2-D hypervolume (minimisation) of the points strictly inside the reference box. */
function hv2(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const nd = nonDominated2d(points.filter((p) => (p[0] as number) < (ref[0] as number) && (p[1] as number) < (ref[1] as number)));
  let hv = 0;
  nd.forEach((p, i) => {
    const next = i + 1 < nd.length ? (nd[i + 1]?.[0] as number) : (ref[0] as number);
    hv += (next - (p[0] as number)) * ((ref[1] as number) - (p[1] as number));
  });
  return hv;
}

/** O(N²) check that no point of a front dominates another. */
function assertNonDominated(front: readonly (readonly number[])[], label: string): void {
  for (let i = 0; i < front.length; i++) {
    for (let j = 0; j < front.length; j++) {
      if (i !== j) assert.ok(!dominates(front[i] as number[], front[j] as number[]), `${label}: front point ${i} dominates ${j}`);
    }
  }
}

/** Benchmarks evaluate synchronously; the Problem contract allows a promise, so narrow it here. */
function evaluateSync(p: Problem<undefined>, xs: readonly Genome[]): Evaluation<undefined>[] {
  const e = p.evaluate(xs);
  assert.ok(Array.isArray(e), 'benchmarks evaluate synchronously');
  return e;
}

function evaluate1(p: Problem<undefined>, x: Genome): { f: readonly number[]; g: readonly number[] } {
  const ev = evaluateSync(p, [x])[0];
  assert.ok(ev !== undefined);
  return { f: ev.objectives, g: ev.constraints };
}

const zdtFront: Record<string, (f1: number) => number> = {
  zdt1: (a) => 1 - Math.sqrt(a),
  zdt2: (a) => 1 - a * a,
  zdt3: (a) => 1 - Math.sqrt(a) - a * Math.sin(10 * Math.PI * a),
  zdt4: (a) => 1 - Math.sqrt(a),
  zdt6: (a) => 1 - a * a,
};

test('ZDT: shapes, bounds and n as in the literature', () => {
  const cases: [Problem<undefined>, number, [number, number]][] = [
    [new Zdt1(), 30, [0, 1]],
    [new Zdt2(), 30, [0, 1]],
    [new Zdt3(), 30, [0, 1]],
    [new Zdt4(), 10, [-5, 5]],
    [new Zdt6(), 10, [0, 1]],
    [new Zdt1({ n: 5 }), 5, [0, 1]],
  ];
  for (const [p, n, [lo, hi]] of cases) {
    assert.equal(p.space.size, n, p.name);
    assert.deepEqual(p.referencePoint, [1, 1]);
    assert.deepEqual(p.objectiveNames, ['f1', 'f2']);
    assert.deepEqual(p.constraintNames, []);
    const v0 = p.space.variables[0];
    const v1 = p.space.variables[1];
    assert.ok(v0?.kind === 'real' && v0.lower === 0 && v0.upper === 1);
    assert.ok(v1?.kind === 'real' && v1.lower === lo && v1.upper === hi, p.name);
  }
  assert.throws(() => new Zdt1({ n: 1 }), /n must be/);
});

test('ZDT: Pareto-optimal genomes (x2.. = 0) evaluate onto the analytic front; others lie above it', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), (a, t) => {
      for (const p of [new Zdt1(), new Zdt2(), new Zdt3(), new Zdt4(), new Zdt6()]) {
        const n = p.space.size;
        const opt = Array.from({ length: n }, (_, i) => (i === 0 ? a : 0));
        const { f } = evaluate1(p, opt);
        const f1 = p.name === 'zdt6' ? 1 - Math.exp(-4 * a) * Math.sin(6 * Math.PI * a) ** 6 : a;
        assert.ok(close(f[0] as number, f1), `${p.name} f1`);
        assert.ok(close(f[1] as number, (zdtFront[p.name] as (x: number) => number)(f1)), `${p.name} f2 ${f[1]}`);
        // Moving the tail off its optimum strictly worsens f2 at the same f1.
        const off = opt.map((x, i) => (i === 0 ? x : t));
        const worse = evaluate1(p, off).f;
        assert.ok((worse[1] as number) > (f[1] as number), `${p.name}: off-front point not worse`);
      }
    }),
    { numRuns: 100 },
  );
});

test('ZDT true fronts: non-dominated, ≈ `points` long, exact hypervolumes of REFERENCE.md', () => {
  const table: [Problem<undefined>, number, number, number][] = [
    [new Zdt1(), 2 / 3, 0.876667, 120.666667],
    [new Zdt2(), 1 / 3, 0.543333, 120.333333],
    [new Zdt3(), 1.044426, 1.331763, 128.778116],
    [new Zdt4(), 2 / 3, 0.876667, 120.666667],
    [new Zdt6(), 0.325955, 0.507878, 117.518202],
  ];
  for (const [p, hv1, hv11, hv1111] of table) {
    const front = p.trueFront?.(400) ?? [];
    assert.equal(front.length, 400, p.name);
    assertNonDominated(front, p.name);
    for (const q of front) assert.ok(close(q[1] as number, (zdtFront[p.name] as (x: number) => number)(q[0] as number), 1e-12));
    const dense = p.trueFront?.(20_000) ?? [];
    assert.ok(Math.abs(hv2(dense, [1, 1]) - hv1) < 2e-4, `${p.name} HV(1,1) ${hv2(dense, [1, 1])}`);
    assert.ok(Math.abs(hv2(dense, [1.1, 1.1]) - hv11) < 2e-4, `${p.name} HV(1.1,1.1)`);
    assert.ok(Math.abs(hv2(dense, [11, 11]) - hv1111) < 2e-4, `${p.name} HV(11,11)`);
  }
  const z6 = new Zdt6().trueFront(10);
  assert.equal(z6[0]?.[0], ZDT6_F1_MIN);
  assert.equal(z6[9]?.[0], 1);
});

test('ZDT3 true front: the five disconnected pieces of pymoo', () => {
  const regions = [
    [0, 0.0830015349],
    [0.182228780, 0.2577623634],
    [0.4093136748, 0.4538821041],
    [0.6183967944, 0.6525117038],
    [0.8233317983, 0.8518328654],
  ];
  const front = new Zdt3().trueFront(1000);
  const hit = new Set<number>();
  for (const [f1] of front) {
    const r = regions.findIndex(([lo, hi]) => (f1 as number) >= (lo as number) - 1e-5 && (f1 as number) <= (hi as number) + 1e-5);
    assert.ok(r >= 0, `f1 = ${f1} lies outside the pieces`);
    hit.add(r);
  }
  assert.equal(hit.size, 5);
});

test('ZDT evaluation in batches of 100 equals evaluation one genome at a time', () => {
  // Speed is measured by `npm run bench:engine` (figures printed), not asserted here.
  const p = new Zdt1();
  const genomes = new UniformSampling().sample(p.space, 1000, Rng.fromSeed(1));
  const batched = Array.from({ length: 10 }, (_, i) => p.evaluate(genomes.slice(i * 100, (i + 1) * 100))).flat();
  const single = genomes.map((g) => p.evaluate([g])[0]);
  assert.deepEqual(batched, single);
});

test('DTLZ1/2: optimal genomes (distance variables 0.5) land on Σf = 0.5 and Σf² = 1', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 5 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), (m, pos) => {
      const d1 = new Dtlz1({ m });
      const d2 = new Dtlz2({ m });
      assert.equal(d1.space.size, m + 4);
      assert.equal(d2.space.size, m + 9);
      assert.equal(d1.objectiveNames.length, m);
      for (const p of [d1, d2]) {
        const x = Array.from({ length: p.space.size }, (_, i) => (i < m - 1 ? (pos[i] as number) : 0.5));
        const { f, g } = evaluate1(p, x);
        assert.equal(f.length, m);
        assert.equal(g.length, 0);
        if (p === d1) assert.ok(close(f.reduce((s, v) => s + v, 0), 0.5));
        else assert.ok(close(f.reduce((s, v) => s + v * v, 0), 1));
        // Off the optimal distance values, the point lies beyond the front.
        const off = x.map((v, i) => (i < m - 1 ? v : 0.9));
        const fo = evaluate1(p, off).f;
        if (p === d1) assert.ok(fo.reduce((s, v) => s + v, 0) > 0.5 + 1e-9);
        else assert.ok(fo.reduce((s, v) => s + v * v, 0) > 1 + 1e-9);
      }
    }),
    { numRuns: 100 },
  );
});

test('DTLZ true fronts: lattice of about `points` points on the front, non-dominated, inside the reference box', () => {
  for (const m of [2, 3, 4]) {
    for (const p of [new Dtlz1({ m }), new Dtlz2({ m })]) {
      const front = p.trueFront(200);
      assert.ok(front.length > 100 && front.length < 400, `${p.name} m=${m}: ${front.length} points`);
      assertNonDominated(front, p.name);
      for (const q of front) {
        assert.equal(q.length, m);
        if (p instanceof Dtlz1) assert.ok(close(q.reduce((s, v) => s + v, 0), 0.5));
        else assert.ok(close(Math.hypot(...q), 1));
        q.forEach((v, j) => assert.ok(v >= 0 && v < (p.referencePoint[j] as number)));
      }
    }
  }
  assert.equal(new Dtlz2({ m: 3 }).trueFront(91).length, 91);
  assert.deepEqual(new Dtlz1().referencePoint, [1, 1, 1]);
  assert.deepEqual(new Dtlz2().referencePoint, [1.1, 1.1, 1.1]);
  assert.equal(new Dtlz2({ m: 3, n: 7 }).space.size, 7);
  assert.throws(() => new Dtlz1({ m: 3, n: 2 }), /n must be/);
});

test('constrained problems: constraint signs at known feasible and infeasible points', () => {
  const feasible = (p: Problem<undefined>, x: Genome): boolean => constraintViolation(evaluate1(p, x).g) === 0;
  const bnh = new Bnh();
  assert.ok(feasible(bnh, [1, 1]));
  assert.deepEqual(evaluate1(bnh, [1, 1]).f, [8, 32]);
  assert.ok(evaluate1(bnh, [0, 3]).g[0]! > 0, 'BNH g1 violated at (0, 3)');
  assert.ok(evaluate1(bnh, [8, -3]).g[1]! > 0, 'BNH g2 violated at its circle centre');
  const tnk = new Tnk();
  assert.ok(feasible(tnk, [0.9, 0.9]));
  assert.ok(evaluate1(tnk, [0.1, 0.1]).g[0]! > 0, 'TNK g1 violated near the origin');
  assert.ok(evaluate1(tnk, [0, 0]).g[0]! > 0, 'TNK g1 defined and violated at the origin');
  assert.ok(evaluate1(tnk, [1.5, 1.5]).g[1]! > 0, 'TNK g2 violated outside the circle');
  const srn = new Srn();
  assert.ok(feasible(srn, [-2.5, 5]));
  assert.ok(evaluate1(srn, [5, 0]).g[1]! > 0, 'SRN g2 violated at (5, 0)');
  assert.ok(evaluate1(srn, [-15, 15]).g[0]! > 0, 'SRN g1 violated outside the circle');
  const ctp = new Ctp1();
  assert.ok(Math.abs((ctp.a[0] as number) - 0.858) < 1e-3 && Math.abs((ctp.b[0] as number) - 0.541) < 1e-3);
  assert.ok(Math.abs((ctp.a[1] as number) - 0.728) < 1e-3 && Math.abs((ctp.b[1] as number) - 0.295) < 1e-3);
  assert.ok(feasible(ctp, [0, 0]), 'CTP1: (0, 1) on the unconstrained front is feasible');
  assert.ok(!feasible(ctp, [0.5, 0]), 'CTP1: the unconstrained front at f1 = 0.5 is cut off');
  assert.ok(feasible(ctp, [0.5, 0.5]));
});

test('constrained true fronts: feasible where a genome maps back, non-dominated, not beaten by random feasible samples', () => {
  const cases: [Problem<undefined>, ((q: number[]) => Genome) | undefined][] = [
    [new Bnh(), solveBnh],
    [new Tnk(), (q) => q],
    [new Srn(), (q) => [-2.5, 1 + Math.sqrt((q[0] as number) - 22.25)]],
    [new Ctp1(), undefined],
  ];
  const rng = Rng.fromSeed(5);
  for (const [p, genomeOf] of cases) {
    const front = p.trueFront?.(300) ?? [];
    assert.ok(front.length >= 150 && front.length <= 300, `${p.name}: ${front.length} points`);
    assertNonDominated(front, p.name);
    const ref = p.referencePoint ?? [];
    for (const q of front) q.forEach((v, j) => assert.ok(v < (ref[j] as number), `${p.name} front beyond its reference point`));
    if (genomeOf !== undefined) {
      for (const q of front) {
        const x = genomeOf(q);
        assert.ok(p.space.contains(x), `${p.name}: ${x} outside the box`);
        const { f, g } = evaluate1(p, x);
        assert.ok(close(f[0] as number, q[0] as number, 1e-7) && close(f[1] as number, q[1] as number, 1e-7), `${p.name}: ${f} vs ${q}`);
        for (const gi of g) assert.ok(gi <= 1e-9, `${p.name}: constraint ${gi} at front point ${q}`);
      }
    } else {
      // CTP1: on the front f2 is exactly the binding lower envelope.
      const ctp = p as Ctp1;
      for (const [f1, f2] of front as [number, number][]) {
        assert.ok(f2 >= Math.exp(-f1) - 1e-12);
        ctp.a.forEach((aj, j) => assert.ok(aj * Math.exp(-(ctp.b[j] as number) * f1) - f2 <= 1e-12));
      }
    }
    // No random feasible point beats the front by more than its discretisation.
    const xs = new UniformSampling().sample(p.space, 20_000, rng);
    const sampled = nonDominated2d(
      evaluateSync(p, xs)
        .filter((e) => constraintViolation(e.constraints) === 0)
        .map((e) => [...e.objectives]),
    );
    const scale = (ref[0] as number) + Math.abs(ref[1] as number);
    for (const s of sampled) {
      for (const q of front) {
        const margin = Math.min((q[0] as number) - (s[0] as number), (q[1] as number) - (s[1] as number));
        assert.ok(margin <= 1e-3 * scale, `${p.name}: sampled ${s} dominates front point ${q} by ${margin}`);
      }
    }
  }
});

/** BNH front genome from its objectives: x1 = x2 = √(f1/8) up to 3, then x2 = 3. */
function solveBnh(q: number[]): Genome {
  const f1 = q[0] as number;
  const x = Math.sqrt(f1 / 8);
  if (x <= 3) return [x, x];
  return [Math.sqrt(f1 / 4 - 9), 3];
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cheapestAt, matchedRatios } from '../../core/indicators/matched_ratio.js';

describe('matchedRatios', () => {
  it('compares the cheapest point of each front at every shared level', () => {
    // error, latency: A reaches error 0.2 at 10 ms and 0.3 at 5 ms; B 0.2 at 20 ms, 0.3 at 8 ms.
    const a = [[0.2, 10], [0.3, 5]];
    const b = [[0.2, 20], [0.3, 8]];
    const m = matchedRatios(a, b, 2);
    assert.ok(m !== undefined);
    assert.deepEqual(m.levels.map((l) => Number(l.toFixed(9))), [0.2, 0.25, 0.3]);
    assert.deepEqual(m.ratios, [0.5, 0.5, 5 / 8]);
    assert.equal(m.median, 0.5);
    assert.equal(m.max, 5 / 8);
  });

  it('uses only the accuracy range both fronts reach, and is undefined without one', () => {
    assert.equal(matchedRatios([[0.1, 10]], [[0.3, 5]]), undefined);
    assert.equal(matchedRatios([], [[0.3, 5]]), undefined);
    const m = matchedRatios([[0.1, 30], [0.4, 4]], [[0.2, 20], [0.5, 2]], 1);
    assert.deepEqual(m?.levels, [0.2, 0.4]);
    assert.deepEqual(m?.ratios, [30 / 20, 4 / 20]);
    assert.equal(cheapestAt([[0.1, 30], [0.4, 4]], 0.05), Infinity);
  });

  it('property: symmetric (swapping inverts every ratio) and 1 for equal fronts', () => {
    const front = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1, max: 100, noNaN: true })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(front, front, (a, b) => {
        const ab = matchedRatios(a, b, 10);
        const ba = matchedRatios(b, a, 10);
        assert.equal(ab === undefined, ba === undefined);
        if (ab !== undefined && ba !== undefined) ab.ratios.forEach((r, i) => assert.ok(Math.abs(r * (ba.ratios[i] as number) - 1) < 1e-9));
        const self = matchedRatios(a, a, 10);
        assert.ok(self !== undefined && self.ratios.every((r) => r === 1));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

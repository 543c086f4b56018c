// The benchmark's order statistics: what its medians, percentiles and ratios mean.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, summarize } from '../../../devtools/bench/stats.ts';

describe('benchmark statistics', () => {
  it('takes the nearest-rank percentile, always one of the measured values', () => {
    const values = Array.from({ length: 500 }, (_, i) => 500 - i);
    expect(percentile(values, 50)).toBe(250);
    expect(percentile(values, 99)).toBe(495);
    expect(percentile(values, 100)).toBe(500);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('takes the median of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('orders a summary: min ≤ p10 ≤ median ≤ p90 ≤ p99 ≤ max, each within the data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const s = summarize(values);
          expect(s.n).toBe(values.length);
          expect(s.min).toBeLessThanOrEqual(s.p10);
          expect(s.p10).toBeLessThanOrEqual(s.median);
          expect(s.median).toBeLessThanOrEqual(s.p90);
          expect(s.p90).toBeLessThanOrEqual(s.p99);
          expect(s.p99).toBeLessThanOrEqual(s.max);
          expect(values).toContain(s.p99);
        },
      ),
    );
  });

  it('refuses what has no answer rather than print a made-up figure', () => {
    expect(() => median([])).toThrow();
    expect(() => percentile([1], 101)).toThrow();
    expect(() => ratio(1, 0)).toThrow();
    expect(ratio(28, 20)).toBe(1.4);
  });
});

// Statistics on known inputs with known answers (reference values computed with R:
// t.test(), qt(), qbinom()); no timing anywhere.
import { describe, expect, test } from 'vitest';
import { geometricMean, geometricMeanRatio, medianConfidenceInterval, ratioOfMeans, summarize } from './statistics.js';

describe('summarize', () => {
  test('1..5: mean, median, sd and the t interval of the mean', () => {
    const s = summarize([5, 3, 1, 4, 2]);
    expect(s.n).toBe(5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.median).toBe(3);
    expect(s.stddev).toBeCloseTo(Math.sqrt(2.5), 12);
    // R: t.test(1:5)$conf.int = 1.036757 4.963243
    expect(s.meanCi95!.low).toBeCloseTo(1.036757, 6);
    expect(s.meanCi95!.high).toBeCloseTo(4.963243, 6);
    // n = 5 is too few for a 95% distribution-free interval of the median.
    expect(s.medianCi95).toBeNull();
  });

  test('one sample: no interval, zero spread', () => {
    const s = summarize([7]);
    expect(s).toMatchObject({ n: 1, min: 7, max: 7, mean: 7, median: 7, stddev: 0, meanCi95: null, medianCi95: null });
  });

  test('even count: the median is the midpoint', () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  test('rejects an empty sample set', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('medianConfidenceInterval', () => {
  const ascending = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  test('n = 6 reaches 95% only with [min, max] (coverage 1 - 2/64)', () => {
    expect(medianConfidenceInterval(ascending(6), 0.95)).toEqual({ low: 1, high: 6 });
  });

  test('n = 20: order statistics 6 and 15 (coverage 0.9586)', () => {
    // R: qbinom(0.025, 20, 0.5) = 6 → [x(6), x(15)]
    expect(medianConfidenceInterval(ascending(20), 0.95)).toEqual({ low: 6, high: 15 });
  });

  test('n = 100: order statistics 40 and 61', () => {
    // R: qbinom(0.025, 100, 0.5) = 40 → [x(40), x(61)]
    expect(medianConfidenceInterval(ascending(100), 0.95)).toEqual({ low: 40, high: 61 });
  });
});

describe('ratios', () => {
  test('constant samples give an exact ratio with a zero-width interval', () => {
    const r = ratioOfMeans([2, 2, 2], [1, 1, 1]);
    expect(r.ratio).toBe(2);
    expect(r.ci).toEqual({ low: 2, high: 2 });
  });

  test('ratio of means with the delta-method interval', () => {
    // candidate mean 11, sd 1, n 3; baseline mean 10, sd 1, n 3.
    const r = ratioOfMeans([10, 11, 12], [9, 10, 11]);
    expect(r.ratio).toBeCloseTo(1.1, 12);
    const varianceCandidate = 1 / (3 * 121);
    const varianceBaseline = 1 / (3 * 100);
    const variance = varianceCandidate + varianceBaseline;
    expect(r.logStandardError).toBeCloseTo(Math.sqrt(variance), 12);
    const dof = variance ** 2 / (varianceCandidate ** 2 / 2 + varianceBaseline ** 2 / 2);
    expect(r.degreesOfFreedom).toBeCloseTo(dof, 9);
    expect(r.ci!.low).toBeLessThan(1.1);
    expect(r.ci!.high).toBeGreaterThan(1.1);
    // Symmetric on the log scale.
    expect(Math.log(r.ci!.high) - Math.log(1.1)).toBeCloseTo(Math.log(1.1) - Math.log(r.ci!.low), 12);
  });

  test('a single sample gives a point estimate without an interval', () => {
    const r = ratioOfMeans([3], [1, 1, 1]);
    expect(r.ratio).toBeCloseTo(3, 12);
    expect(r.ci).toBeNull();
  });

  test('geometric mean of ratios 2 and 8 is 4', () => {
    const r = geometricMeanRatio([
      { candidate: [2, 2], baseline: [1, 1] },
      { candidate: [8, 8], baseline: [1, 1] },
    ]);
    expect(r.ratio).toBeCloseTo(4, 12);
    expect(r.ci!.low).toBeCloseTo(4, 12);
    expect(r.ci!.high).toBeCloseTo(4, 12);
  });

  test('the geometric-mean interval narrows as benchmarks are added', () => {
    const noisy = { candidate: [1.9, 2.0, 2.1], baseline: [0.95, 1.0, 1.05] };
    const one = geometricMeanRatio([noisy]);
    const four = geometricMeanRatio([noisy, noisy, noisy, noisy]);
    expect(four.ratio).toBeCloseTo(one.ratio, 12);
    expect(four.logStandardError).toBeCloseTo(one.logStandardError / 2, 12);
    expect(four.ci!.high - four.ci!.low).toBeLessThan(one.ci!.high - one.ci!.low);
  });

  test('geometricMean', () => {
    expect(geometricMean([1, 10, 100])).toBeCloseTo(10, 12);
  });
});

// Regression gate on synthetic samples with known answers: clear regression, clear
// improvement, noise only, the threshold's edges, the confidence level, failures. No
// timing anywhere: samples are fixed lists, results are derived from a committed fixture.
import { describe, expect, test } from 'vitest';
import { readFixture, withSyntheticSamples } from '../../test/support/results-fixtures.js';
import { classifyChange } from './regression-rule.js';
import { compareResults, compareSampleSets, unitsForComparison, type GateOptions } from './compare-results.js';

const gate: GateOptions = { maxRegression: 0.05, phase: 'execute', confidence: 0.99 };
/** Mean 100, small spread. */
const steady = [100, 104, 96, 102, 98, 101, 99, 103, 97, 100];
const scaled = (factor: number) => steady.map((ns) => ns * factor);

describe('the rule: significant AND beyond the threshold', () => {
  test('clear regression: 20% slower with a tight interval fails', () => {
    const { estimate, verdict } = compareSampleSets(scaled(1.2), steady, gate);
    expect(estimate.ratio).toBeCloseTo(1.2, 12);
    // Interval on the log scale: [1.1608, 1.2406] at 99%.
    expect(estimate.ci!.low).toBeCloseTo(1.16077, 4);
    expect(estimate.ci!.high).toBeCloseTo(1.24056, 4);
    expect(verdict).toBe('regressed');
  });

  test('clear improvement: 20% faster is reported, never a failure', () => {
    const { estimate, verdict } = compareSampleSets(scaled(0.8), steady, gate);
    expect(estimate.ratio).toBeCloseTo(0.8, 12);
    expect(estimate.ci!.high).toBeLessThan(1);
    expect(verdict).toBe('improved');
  });

  test('noise only: an 8% difference of means whose interval contains 1 passes', () => {
    const baseline = [80, 120, 95, 105, 90, 110, 100, 85, 115, 100];
    const candidate = [130, 75, 118, 92, 125, 88, 110, 96, 140, 106];
    const { estimate, verdict } = compareSampleSets(candidate, baseline, gate);
    expect(estimate.ratio).toBeCloseTo(1.08, 12);
    expect(estimate.ci!.low).toBeLessThan(1);
    expect(estimate.ci!.high).toBeGreaterThan(1.05);
    expect(verdict).toBe('unchanged');
  });

  test('threshold edge: 4% slower is significant but within 5%, and passes', () => {
    const { estimate, verdict } = compareSampleSets(scaled(1.04), steady, gate);
    expect(estimate.ci!.low).toBeGreaterThan(1); // significant...
    expect(estimate.ratio).toBeLessThan(1.05); // ...but not beyond the threshold
    expect(verdict).toBe('unchanged');
  });

  test('threshold edge: 6% slower is significant and beyond 5%, and fails', () => {
    const { estimate, verdict } = compareSampleSets(scaled(1.06), steady, gate);
    // The interval [1.025, 1.096] straddles 1.05: the point estimate decides, not the whole interval.
    expect(estimate.ci!.low).toBeLessThan(1.05);
    expect(estimate.ci!.low).toBeGreaterThan(1);
    expect(verdict).toBe('regressed');
  });

  test('threshold edge: exactly 5% slower (zero-width interval) is at the threshold, not beyond it', () => {
    expect(compareSampleSets([105, 105, 105], [100, 100, 100], gate).verdict).toBe('unchanged');
    expect(compareSampleSets([105.1, 105.1, 105.1], [100, 100, 100], gate).verdict).toBe('regressed');
    expect(compareSampleSets([105, 105, 105], [100, 100, 100], { ...gate, maxRegression: 0 }).verdict).toBe('regressed');
  });

  test('the confidence level matters: significant at 95%, not at 99%', () => {
    const baseline = [100, 115, 85, 105, 95, 120, 80, 110, 90, 100];
    const candidate = [115, 105, 125, 95, 135, 110, 120, 100, 130, 115];
    const at95 = compareSampleSets(candidate, baseline, { ...gate, confidence: 0.95 });
    const at99 = compareSampleSets(candidate, baseline, gate);
    expect(at95.estimate.ratio).toBeCloseTo(1.15, 12);
    expect(at95.estimate.ci!.low).toBeCloseTo(1.0263, 3);
    expect(at99.estimate.ci!.low).toBeCloseTo(0.9838, 3);
    expect(at95.verdict).toBe('regressed');
    expect(at99.verdict).toBe('unchanged');
  });

  test('one sample on a side has no interval: inconclusive, never a failure', () => {
    expect(compareSampleSets([500], [100, 101, 99], gate).verdict).toBe('inconclusive');
  });

  test('a threshold must be a non-negative fraction', () => {
    expect(() => classifyChange({ ratio: 1, ci: { low: 1, high: 1 }, confidence: 0.99, logStandardError: 0, degreesOfFreedom: 1 }, -0.1)).toThrow(/non-negative/);
  });
});

describe('compareResults over engines and benchmarks', () => {
  const template = readFixture('runA');

  test('one regressed benchmark fails the gate; the others are listed as unchanged or improved', () => {
    const baseline = withSyntheticSamples(template, [
      { engine: 'v8-turbofan', benchmark: 'gemm', ns: steady },
      { engine: 'v8-turbofan', benchmark: 'lu', ns: steady },
      { engine: 'native', benchmark: 'gemm', ns: steady },
    ]);
    const candidate = withSyntheticSamples(template, [
      { engine: 'v8-turbofan', benchmark: 'gemm', ns: scaled(1.3) },
      { engine: 'v8-turbofan', benchmark: 'lu', ns: scaled(0.7) },
      { engine: 'native', benchmark: 'gemm', ns: [...steady].reverse() },
    ]);
    const outcome = compareResults(baseline, candidate, gate);
    expect(outcome.passed).toBe(false);
    expect(outcome.changes.map((change) => [change.engine, change.benchmark, change.verdict])).toEqual([
      ['v8-turbofan', 'gemm', 'regressed'],
      ['v8-turbofan', 'lu', 'improved'],
      ['native', 'gemm', 'unchanged'],
    ]);
  });

  test('only improvements and noise: the gate passes', () => {
    const baseline = withSyntheticSamples(template, [{ engine: 'v8-liftoff', benchmark: 'atax', ns: steady }]);
    const candidate = withSyntheticSamples(template, [{ engine: 'v8-liftoff', benchmark: 'atax', ns: scaled(0.5) }]);
    expect(compareResults(baseline, candidate, gate).passed).toBe(true);
  });

  test('only the requested phase is judged', () => {
    const baseline = withSyntheticSamples(template, [
      { engine: 'v8-turbofan', benchmark: 'gemm', phase: 'compile', ns: steady },
      { engine: 'v8-turbofan', benchmark: 'gemm', phase: 'execute', ns: steady },
    ]);
    const candidate = withSyntheticSamples(template, [
      { engine: 'v8-turbofan', benchmark: 'gemm', phase: 'compile', ns: scaled(2) },
      { engine: 'v8-turbofan', benchmark: 'gemm', phase: 'execute', ns: steady },
    ]);
    expect(compareResults(baseline, candidate, gate).passed).toBe(true);
    expect(compareResults(baseline, candidate, { ...gate, phase: 'compile' }).passed).toBe(false);
  });

  test('the harness-overhead benchmark (noop) is never judged', () => {
    const baseline = withSyntheticSamples(template, [{ engine: 'native', benchmark: 'noop', ns: steady }]);
    const candidate = withSyntheticSamples(template, [{ engine: 'native', benchmark: 'noop', ns: scaled(3) }]);
    const outcome = compareResults(baseline, candidate, gate);
    expect(outcome.changes).toEqual([]);
  });

  test('a benchmark that newly fails in the candidate fails the gate; pairs in only one file are listed', () => {
    const baseline = withSyntheticSamples(template, [
      { engine: 'wasmtime-winch', benchmark: 'lu', ns: steady },
      { engine: 'wasmtime-winch', benchmark: 'gemm', ns: steady },
    ]);
    const candidate = withSyntheticSamples(template, [{ engine: 'wasmtime-winch', benchmark: 'atax', ns: steady }]);
    candidate.runs.push({
      engine: 'wasmtime-winch',
      benchmark: 'lu',
      process: 0,
      order: 9,
      ok: false,
      failure: { kind: 'trap', message: 'out of bounds memory access', iteration: 0, stderrTail: '' },
      iterationsCompleted: 0,
      wallSeconds: 0.1,
    });
    const outcome = compareResults(baseline, candidate, gate);
    expect(outcome.passed).toBe(false);
    expect(outcome.changes).toMatchObject([{ engine: 'wasmtime-winch', benchmark: 'lu', verdict: 'new-failure', estimate: null, failures: ['trap: out of bounds memory access'] }]);
    expect(outcome.onlyInBaseline).toEqual(['wasmtime-winch/gemm']);
    expect(outcome.onlyInCandidate).toEqual(['wasmtime-winch/atax']);
  });
});

describe('the unit of replication is the process', () => {
  const template = readFixture('runA');
  /** Five iterations per process that agree within 1%, around a process-level level. */
  const processAt = (level: number) => [level, level * 1.01, level * 0.99, level * 1.005, level * 0.995];

  test('per-process means when both sides ran two or more processes, every iteration otherwise', () => {
    const two = new Map([[0, [1, 3]], [1, [5, 7]]]);
    const one = new Map([[0, [1, 2, 3]]]);
    expect(unitsForComparison(two, two)).toEqual({ unit: 'process', candidate: [2, 6], baseline: [2, 6] });
    expect(unitsForComparison(one, two)).toEqual({ unit: 'iteration', candidate: [1, 2, 3], baseline: [1, 3, 5, 7] });
  });

  test('one slow process (a noisy neighbour, an unlucky layout) is not a regression', () => {
    // Ten iterations per process; one candidate process runs 25% slow throughout.
    const tenAt = (level: number) => [...processAt(level), ...processAt(level)];
    const baseline = withSyntheticSamples(template, [{ engine: 'wasmtime-winch', benchmark: 'lu', byProcess: [tenAt(60), tenAt(60)] }]);
    const candidate = withSyntheticSamples(template, [{ engine: 'wasmtime-winch', benchmark: 'lu', byProcess: [tenAt(60), tenAt(75)] }]);
    // Iterations taken as independent would call this a 12.5% regression: a false alarm.
    const iterationsOnly = compareSampleSets([...tenAt(60), ...tenAt(75)], [...tenAt(60), ...tenAt(60)], gate);
    expect(iterationsOnly.estimate.ratio).toBeCloseTo(1.125, 12);
    expect(iterationsOnly.verdict).toBe('regressed');
    const outcome = compareResults(baseline, candidate, gate);
    expect(outcome.changes[0]).toMatchObject({ unit: 'process', baselineProcesses: 2, candidateProcesses: 2, baselineSamples: 20, candidateSamples: 20, verdict: 'unchanged' });
    expect(outcome.changes[0].estimate!.ratio).toBeCloseTo(1.125, 12);
    expect(outcome.passed).toBe(true);
  });

  test('a slowdown every process shows is a regression', () => {
    const levels = [100, 103, 98, 101, 99];
    const baseline = withSyntheticSamples(template, [{ engine: 'v8-turbofan', benchmark: 'gemm', byProcess: levels.map(processAt) }]);
    const candidate = withSyntheticSamples(template, [{ engine: 'v8-turbofan', benchmark: 'gemm', byProcess: levels.map((level) => processAt(level * 1.2)) }]);
    const outcome = compareResults(baseline, candidate, gate);
    expect(outcome.changes[0]).toMatchObject({ unit: 'process', verdict: 'regressed' });
    expect(outcome.changes[0].estimate!.ratio).toBeCloseTo(1.2, 12);
    expect(outcome.passed).toBe(false);
  });
});

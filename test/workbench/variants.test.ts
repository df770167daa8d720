// Build variants through every reader of results: a `--variant both` run (derived in code
// from a committed real run: the SIMD copy of each wasm engine 0.7× as slow, Winch failing
// its SIMD runs) in the console summary, the regression gate and the report's model. The
// SIMD build of an engine is a series of its own (`v8-turbofan+simd`) beside the scalar
// one, native code is the reference of both, and a scalar-only file reads as before.
import { describe, expect, test } from 'vitest';
import { renderConsoleSummary } from '../../bench/analysis/console-summary.js';
import { listSeries } from '../../bench/analysis/series.js';
import { seriesOf } from '../../bench/analysis/summaries.js';
import { checkComparability } from '../../bench/gate/comparability.js';
import { compareResults } from '../../bench/gate/compare-results.js';
import { parseResults } from '../../bench/results/schema.js';
import { buildHistory } from '../../web/model/history.js';
import { renderMarkdownSummary } from '../../web/model/markdown-summary.js';
import { enginesWithSamples, measuredBenchmarks } from '../../web/model/results-catalog.js';
import { failedRuns, normalisedTimes } from '../../web/model/suite-view.js';
import { readFixture } from '../support/results-fixtures.js';
import { withSimdVariant } from './variant-fixtures.js';

const runA = readFixture('runA');
const runB = readFixture('runB');
const both = parseResults(withSimdVariant(runB, 0.7, { failSimdOf: 'wasmtime-winch' }), 'both.json');
const WASM_ENGINES = ['v8-turbofan', 'v8-liftoff', 'v8-default', 'wasmtime-cranelift', 'wasmtime-winch'];

describe('analysis of a run with both variants', () => {
  test('each engine has a scalar and a SIMD series, side by side; native one, the reference of both', () => {
    expect(listSeries(both)).toEqual([...WASM_ENGINES.flatMap((engine) => [engine, `${engine}+simd`]), 'native']);
    const execute = both.comparisons.filter((comparison) => comparison.phase === 'execute');
    expect(execute.every((comparison) => comparison.baseline === 'native' && comparison.baselineVariant === undefined)).toBe(true);
    for (const engine of WASM_ENGINES.filter((name) => name !== 'wasmtime-winch')) {
      const scalar = execute.find((c) => c.engine === engine && c.variant === 'scalar')!;
      const simd = execute.find((c) => c.engine === engine && c.variant === 'simd')!;
      expect(simd.ratio / scalar.ratio, engine).toBeCloseTo(0.7, 10);
      expect(simd.benchmarks).toEqual(scalar.benchmarks);
    }
    expect(execute.some((c) => seriesOf(c) === 'wasmtime-winch+simd')).toBe(false);
  });

  test('the console summary has a variant column: a row per benchmark and variant, native in both', () => {
    const text = renderConsoleSummary(both);
    const rows = text.split('\n').filter((line) => /^│ gemm +│/.test(line));
    expect(rows).toHaveLength(2);
    const cells = rows.map((row) => row.split('│').map((cell) => cell.trim()).filter(Boolean));
    expect(cells.map((row) => row[1])).toEqual(['scalar', 'simd']);
    expect(cells[0].at(-1)).toBe(cells[1].at(-1)); // native: one measurement, the reference row of both
    expect(cells[1][2 + WASM_ENGINES.indexOf('wasmtime-winch')]).toBe('FAILED: error');
    expect(text).toMatch(/│ v8-turbofan +│ scalar +│ execute +│/);
    expect(text).toMatch(/│ v8-turbofan +│ simd +│ execute +│/);
    expect(text).toContain('wasmtime-winch+simd / gemm (process 0): error: CompileError');
    expect(text.indexOf('│ v8-turbofan        │ simd')).toBeLessThan(text.indexOf('│ v8-liftoff         │ scalar'));
  });

  test('a scalar-only file prints as it did before variants: no variant column', () => {
    const text = renderConsoleSummary(runB);
    expect(text).not.toContain('variant');
    expect(text).not.toContain('+simd');
  });
});

describe('the regression gate with variants', () => {
  test('a scalar baseline against a run of both: the scalar pairs are compared, the SIMD ones are new', () => {
    expect(checkComparability(runB, both).mismatches).toEqual([]);
    const outcome = compareResults(runB, both);
    expect(outcome.passed).toBe(true);
    expect(outcome.changes.every((change) => !change.engine.includes('+'))).toBe(true);
    expect(outcome.onlyInCandidate.length).toBeGreaterThan(0);
    expect(outcome.onlyInCandidate.every((pair) => pair.includes('+simd/'))).toBe(true);
  });

  test('a slower SIMD build regresses its SIMD series only; another SIMD binary is a mismatch', () => {
    const slower = withSimdVariant(runB, 0.7 * 1.3);
    const outcome = compareResults(withSimdVariant(runB, 0.7), slower);
    const regressed = new Set(outcome.changes.filter((change) => change.verdict === 'regressed').map((change) => change.engine));
    expect(outcome.passed).toBe(false);
    expect([...regressed].every((series) => series.endsWith('+simd'))).toBe(true);
    expect(regressed.has('v8-turbofan+simd')).toBe(true);
    const rebuilt = structuredClone(slower);
    rebuilt.benchmarks.find((benchmark) => benchmark.name === 'gemm' && benchmark.variant === 'simd')!.wasmSha256 = 'other';
    expect(checkComparability(withSimdVariant(runB, 0.7), rebuilt).mismatches.map((m) => m.what)).toEqual(['gemm (simd): wasm sha256']);
  });
});

describe('the report model with variants', () => {
  test('series in order, benchmarks once each, SIMD normalised to native like scalar', () => {
    const series = enginesWithSamples(both, 'execute');
    expect(series).toEqual([...WASM_ENGINES.flatMap((engine) => (engine === 'wasmtime-winch' ? [engine] : [engine, `${engine}+simd`])), 'native']);
    expect(measuredBenchmarks(both)).toEqual(['atax', 'gemm', 'lu']);
    const view = normalisedTimes(both, series, 'native', 'execute');
    const values = (name: string) => view.series.find((entry) => entry.engine === name)!.points.map((point) => point!.value);
    values('v8-turbofan+simd').forEach((value, index) => expect(value / values('v8-turbofan')[index]).toBeCloseTo(0.7, 10));
    expect(failedRuns(both).map((failure) => `${failure.engine}/${failure.benchmark}`)).toContain('wasmtime-winch+simd/gemm');
  });

  test('the Markdown table lists the SIMD series beside the scalar ones', () => {
    const markdown = renderMarkdownSummary(both);
    const engines = markdown.split('\n').filter((line) => / \| execute \| /.test(line)).map((line) => line.split('|')[1].trim());
    expect(engines).toEqual(WASM_ENGINES.flatMap((engine) => (engine === 'wasmtime-winch' ? [engine] : [engine, `${engine}+simd`])));
  });

  test('history across a scalar-only file and a run of both: SIMD lines start where they were first measured', () => {
    const later = { ...both, startedAt: new Date(Date.parse(runB.startedAt) + 60_000).toISOString() };
    const history = buildHistory([{ name: 'a', results: runA }, { name: 'both', results: later }], enginesWithSamples(later, 'execute'), 'execute');
    const turbofanSimd = history.lines.find((line) => line.engine === 'v8-turbofan+simd')!;
    expect(turbofanSimd.points.map((point) => point.geometricMeanNs === null)).toEqual([true, false]);
    expect(history.lines.flatMap((line) => line.points.flatMap((point) => point.regressions))).toEqual([]);
  });
});

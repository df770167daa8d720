// Report model on committed real results and variants derived in code: file loading and
// its messages, baseline choice, normalised times, the history's regression marks (the
// gate's rule), and the Markdown table's agreement with the workbench's own summary.
import { describe, expect, test } from 'vitest';
import { renderConsoleSummary } from '../../bench/analysis/console-summary.js';
import { failRuns, readFixture, swapInEngine } from '../../test/support/results-fixtures.js';
import { buildHistory } from './history.js';
import { renderMarkdownSummary } from './markdown-summary.js';
import { chooseBaseline, groupBySuite, isLoadError, loadResultsText } from './results-catalog.js';
import { normalisedTimes, setUpTimeSummary } from './suite-view.js';

const runA = readFixture('runA');
const runB = readFixture('runB');
const subset = readFixture('subsetWithoutNative');

describe('loading files', () => {
  test('a results file loads; anything else says what it is', () => {
    expect(isLoadError(loadResultsText('b.json', JSON.stringify(runB)))).toBe(false);
    expect(loadResultsText('x.json', '{"name": "x"}')).toEqual({ name: 'x.json', message: 'x.json is not a workbench results file (no "schema": "wasm-llvm-jit/bench-results")' });
    expect(loadResultsText('v.json', JSON.stringify({ ...runB, version: 7 }))).toEqual({ name: 'v.json', message: 'v.json has results schema version 7; this workbench reads versions 1, 2 and 3' });
    expect((loadResultsText('t.json', 'not json') as { message: string }).message).toMatch(/^t\.json is not JSON/);
  });

  test('files are grouped by suite and dataset, oldest first', () => {
    const groups = groupBySuite([
      { name: 'subset', results: subset },
      { name: 'b', results: runB },
      { name: 'a', results: runA },
    ]);
    expect(groups.map((group) => [group.key, group.files.map((file) => file.name)])).toEqual([['polybench (mini)', ['a', 'b', 'subset']]]);
  });
});

describe('suite view', () => {
  test('the baseline is the one asked for, else native, else the first engine with samples of the phase', () => {
    expect(chooseBaseline(runB, 'execute', null)).toBe('native');
    expect(chooseBaseline(runB, 'execute', 'v8-liftoff')).toBe('v8-liftoff');
    expect(chooseBaseline(runB, 'compile', 'native')).toBe('v8-turbofan'); // native has no compile phase
    expect(chooseBaseline(subset, 'execute', null)).toBe('v8-liftoff');
  });

  test('normalised times: every engine but the baseline, ratios of means per benchmark', () => {
    const view = normalisedTimes(runB, ['v8-turbofan', 'native', 'wasmtime-winch'], 'native', 'execute');
    expect(view.benchmarks.sort()).toEqual(['atax', 'gemm', 'lu']);
    expect(view.series.map((series) => series.engine)).toEqual(['v8-turbofan', 'wasmtime-winch']);
    for (const point of view.series.flatMap((series) => series.points)) {
      expect(point!.interval!.low).toBeLessThan(point!.value);
      expect(point!.interval!.high).toBeGreaterThan(point!.value);
    }
  });

  test('compile and instantiation per engine: native has neither', () => {
    const rows = setUpTimeSummary(runB, ['native', 'v8-liftoff']);
    expect(rows.map((row) => row.engine)).toEqual(['v8-liftoff']);
    expect(rows[0].compile).toBeGreaterThan(0);
  });
});

describe('history', () => {
  const later = (results: typeof runB, minutes: number) => ({ ...results, startedAt: new Date(Date.parse(results.startedAt) + minutes * 60_000).toISOString() });

  test('the swapped-tier run is marked as a regression of v8-turbofan on lu, and only there', () => {
    const files = [
      { name: 'a', results: runA },
      { name: 'b', results: runB },
      { name: 'slowed', results: later(swapInEngine(runB, 'v8-turbofan', 'v8-liftoff'), 10) },
    ];
    const history = buildHistory(files, ['v8-turbofan', 'v8-liftoff', 'native'], 'execute');
    const marks = history.lines.flatMap((line) => line.points.flatMap((point, position) => point.regressions.map((r) => `${line.engine}@${position}:${r.benchmark}`)));
    expect(marks).toEqual(['v8-turbofan@2:lu']);
    const turbofan = history.lines.find((line) => line.engine === 'v8-turbofan')!;
    expect(turbofan.points[2].geometricMeanNs!).toBeGreaterThan(turbofan.points[1].geometricMeanNs!);
  });

  test('a new failure is marked; an engine absent from a file leaves a gap; other machines are not compared', () => {
    const otherMachine = structuredClone(later(runB, 20));
    otherMachine.fingerprint.machine.cpuCount = 64;
    const files = [
      { name: 'a', results: runA },
      { name: 'subset-failing', results: later(failRuns(subset, 'wasmtime-winch', 'lu', { kind: 'crash', message: 'signal 11' }), 5) },
      { name: 'other-machine', results: otherMachine },
    ];
    const history = buildHistory(files, ['wasmtime-winch', 'native'], 'execute');
    const winch = history.lines.find((line) => line.engine === 'wasmtime-winch')!;
    expect(winch.benchmarks).toEqual(['gemm']);
    expect(winch.points[1].newFailures).toEqual(['lu']);
    const native = history.lines.find((line) => line.engine === 'native')!;
    expect(native.points[1].geometricMeanNs).toBeNull();
    expect(history.incomparable).toHaveLength(1);
    expect(history.incomparable[0].reasons).toEqual(['CPU count']);
  });
});

describe('Markdown summary', () => {
  test('the same engines, ratios and intervals as the workbench’s end-of-run summary', () => {
    const markdown = renderMarkdownSummary(runB);
    const consoleText = renderConsoleSummary(runB);
    expect(markdown).toContain('| engine | phase | geomean ratio to native | 95% CI | benchmarks |');
    const rows = markdown.split('\n').filter((line) => /^\| [a-z0-9-]+ \| execute \|/.test(line));
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      const [, engine, , ratio, interval] = row.split('|').map((cell) => cell.trim());
      const consoleRow = consoleText.split('\n').find((line) => new RegExp(`^│ ${engine} +│ execute +│`).test(line));
      expect(consoleRow, engine).toBeDefined();
      expect(consoleRow).toContain(ratio);
      expect(consoleRow).toContain(interval);
    }
    expect(markdown).toContain(runB.fingerprint.machine.cpuModel);
  });

  test('without native, the table is normalised to another engine', () => {
    expect(renderMarkdownSummary(subset)).toContain('| engine | phase | geomean ratio to v8-liftoff |');
  });
});

// Regression gate, the output: what regressed, by how much and with which interval, as
// plain text for terminals and CI logs. Numbers are formatted as in the workbench's
// end-of-run summary (bench/analysis/console-summary.ts).

import Table from 'cli-table3';
import { formatRatio } from '../analysis/console-summary.js';
import type { Results } from '../results/schema.js';
import type { Comparability } from './comparability.js';
import type { BenchmarkChange, GateOutcome } from './compare-results.js';

export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${Number.isInteger(percent) ? percent : percent.toPrecision(3)}%`;
}

function formatChange(ratio: number): string {
  const percent = (ratio - 1) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** An interval bound: as the workbench formats ratios, in scientific notation when far from 1 (few processes give such intervals). */
function formatBound(value: number): string {
  return value >= 1e4 || (value > 0 && value < 1e-3) ? value.toExponential(1) : formatRatio(value);
}

function formatInterval(low: number, high: number): string {
  return `[${formatBound(low)}, ${formatBound(high)}]`;
}

function describeInterval(change: BenchmarkChange, confidence: number): string {
  const ci = change.estimate?.ci;
  return ci ? `${formatPercent(confidence)} CI ${formatInterval(ci.low, ci.high)}` : 'no interval';
}

/** "2 vs 2 processes (10 vs 10 iterations)", saying which of the two the interval is based on. */
export function describeSamples(change: BenchmarkChange): string {
  const counts = `${change.candidateProcesses} vs ${change.baselineProcesses} processes, ${change.candidateSamples} vs ${change.baselineSamples} iterations`;
  return change.unit === 'process' ? `${counts}; interval over process means` : `${counts}; single process on a side, interval over iterations`;
}

export function describeChange(change: BenchmarkChange, confidence: number): string {
  const name = `${change.engine} / ${change.benchmark}`;
  if (change.verdict === 'new-failure') return `NEW FAILURE  ${name}: ${change.failures.join('; ')}`;
  const estimate = change.estimate!;
  const label = change.verdict === 'regressed' ? 'REGRESSED  ' : change.verdict === 'improved' ? 'improved   ' : change.verdict.padEnd(11);
  return `${label}  ${name}: ${formatRatio(estimate.ratio)}× (${formatChange(estimate.ratio)}), ${describeInterval(change, confidence)} (${describeSamples(change)})`;
}

function describeResults(label: string, source: string, results: Results): string {
  const commit = results.fingerprint.project.commit?.slice(0, 10) ?? 'unknown commit';
  const dirty = results.fingerprint.project.dirty ? ', uncommitted changes' : '';
  return `  ${label}: ${source} (${results.startedAt}, ${commit}${dirty})`;
}

export interface GateReportInput {
  baseline: { source: string; results: Results };
  candidate: { source: string; results: Results };
  comparability: Comparability;
  outcome: GateOutcome;
  /** Print every comparison, not only the changes. */
  verbose: boolean;
}

export function renderGateOutcome(input: GateReportInput): string {
  const { outcome, comparability } = input;
  const { confidence, maxRegression, phase } = outcome.options;
  const lines: string[] = [];
  lines.push(`Regression gate: ${phase} phase; fails on a slowdown beyond ${formatPercent(maxRegression)} that is significant at ${formatPercent(confidence)} confidence`);
  lines.push(describeResults('baseline ', input.baseline.source, input.baseline.results));
  lines.push(describeResults('candidate', input.candidate.source, input.candidate.results));
  for (const note of comparability.notes) lines.push(`  note: ${note.what} differs: ${note.baseline} → ${note.candidate}`);
  for (const mismatch of comparability.mismatches) lines.push(`  MISMATCH (allowed): ${mismatch.what}: ${mismatch.baseline} → ${mismatch.candidate}`);

  if (input.verbose) {
    const table = new Table({ head: ['engine', 'benchmark', 'candidate/baseline', `${formatPercent(confidence)} CI`, 'processes (iterations)', 'interval over', 'verdict'], style: { head: [], border: [] } });
    for (const change of outcome.changes) {
      const ci = change.estimate?.ci;
      table.push([
        change.engine,
        change.benchmark,
        change.estimate ? `${formatRatio(change.estimate.ratio)}×` : '—',
        ci ? formatInterval(ci.low, ci.high) : 'n/a',
        `${change.candidateProcesses} vs ${change.baselineProcesses} (${change.candidateSamples} vs ${change.baselineSamples})`,
        change.unit === 'process' ? 'process means' : 'iterations',
        change.verdict,
      ]);
    }
    lines.push(table.toString());
  }

  const notable = outcome.changes.filter((change) => change.verdict === 'regressed' || change.verdict === 'new-failure' || change.verdict === 'improved');
  const order = { 'new-failure': 0, regressed: 1, improved: 2, unchanged: 3, inconclusive: 4 } as const;
  notable.sort((a, b) => order[a.verdict] - order[b.verdict] || (b.estimate?.ratio ?? 0) - (a.estimate?.ratio ?? 0));
  for (const change of notable) lines.push(describeChange(change, confidence));

  const count = (verdict: BenchmarkChange['verdict']) => outcome.changes.filter((change) => change.verdict === verdict).length;
  lines.push(
    `${outcome.changes.length} engine × benchmark pairs compared: ${count('regressed')} regressed, ${count('improved')} improved, ` +
      `${count('unchanged')} unchanged, ${count('inconclusive')} inconclusive (one value on a side), ${count('new-failure')} newly failing`,
  );
  if (outcome.onlyInBaseline.length > 0) lines.push(`  not in the candidate (not compared): ${outcome.onlyInBaseline.join(', ')}`);
  if (outcome.onlyInCandidate.length > 0) lines.push(`  not in the baseline (not compared): ${outcome.onlyInCandidate.join(', ')}`);
  if (outcome.changes.length === 0) lines.push('  nothing to compare: no engine × benchmark has samples of this phase in both files');
  const singleProcess = outcome.changes.filter((change) => change.estimate && change.unit === 'iteration').length;
  if (singleProcess > 0) {
    lines.push(`  note: ${singleProcess} pair(s) have a single process on a side, so their intervals treat iterations as independent and miss process-to-process variation; run with --processes 3 or more`);
  }
  const twoProcesses = outcome.changes.filter((change) => change.unit === 'process' && Math.min(change.baselineProcesses, change.candidateProcesses) === 2).length;
  if (twoProcesses > 0) {
    lines.push(`  note: ${twoProcesses} pair(s) have only 2 processes on a side, which gives wide intervals; --processes 5 or more lets the gate see smaller slowdowns`);
  }
  lines.push(
    outcome.passed
      ? 'gate PASSED: no significant slowdown beyond the threshold'
      : `gate FAILED: ${count('regressed')} significant slowdown(s) beyond ${formatPercent(maxRegression)}${count('new-failure') ? `, ${count('new-failure')} new failure(s)` : ''}`,
  );
  return lines.join('\n');
}

export function renderMismatchRefusal(comparability: Comparability): string {
  const lines = ['Regression gate refuses to compare these results: they were not taken under the same conditions.'];
  for (const mismatch of comparability.mismatches) lines.push(`  ${mismatch.what}: baseline ${mismatch.baseline}, candidate ${mismatch.candidate}`);
  lines.push('Compare results from the same machine and the same suite binaries, or pass --allow-mismatch to compare anyway.');
  return lines.join('\n');
}

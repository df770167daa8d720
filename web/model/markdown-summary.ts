// Report model, the summary table as Markdown (for READMEs and CI comments): per suite,
// each engine's geometric-mean ratio to the baseline with its 95% interval, the same
// columns and number formats as the workbench's end-of-run summary
// (bench/analysis/console-summary.ts).

import { formatRatio } from '../../bench/analysis/console-summary.js';
import { seriesOf } from '../../bench/analysis/summaries.js';
import type { Results } from '../../bench/results/schema.js';
import { chooseBaseline, enginesWithSamples } from './results-catalog.js';
import { failedRuns, geometricMeanSummary } from './suite-view.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdownSummary(results: Results, requestedBaseline: string | null = null): string {
  const { suite, dataset } = results.config;
  const baseline = chooseBaseline(results, 'execute', requestedBaseline);
  const { machine } = results.fingerprint;
  const commit = results.fingerprint.project.commit?.slice(0, 10) ?? 'unknown commit';
  const lines = [`### ${suite} (${dataset}): geometric mean of per-benchmark ratios of means to ${baseline ?? '—'} (lower is faster)`, ''];
  const rows = baseline ? geometricMeanSummary(results, enginesWithSamples(results), baseline) : [];
  if (rows.length === 0) {
    lines.push(`_No engine can be compared with ${baseline ?? 'a baseline'} in these results._`);
  } else {
    lines.push(`| engine | phase | geomean ratio to ${baseline} | 95% CI | benchmarks |`, '| --- | --- | ---: | --- | ---: |');
    for (const row of rows) {
      const interval = row.ci95 ? `[${formatRatio(row.ci95.low)}, ${formatRatio(row.ci95.high)}]` : 'n/a';
      lines.push(`| ${escapeCell(seriesOf(row))} | ${row.phase} | ${formatRatio(row.ratio)}× | ${interval} | ${row.benchmarks.length} |`);
    }
  }
  const failures = failedRuns(results);
  lines.push('', `${machine.cpuModel}, ${machine.cpuCount} cores, ${machine.kernel}; Node ${results.fingerprint.software.node}; commit ${commit}; ${results.startedAt}.` +
    (failures.length > 0 ? ` ${failures.length} failed run(s), excluded: ${failures.map((f) => `${f.engine}/${f.benchmark} (${f.kind})`).join(', ')}.` : ''));
  return lines.join('\n');
}

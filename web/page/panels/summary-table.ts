// Report page, panels: the geometric-mean summary — per engine and phase, the geometric
// mean over benchmarks of the ratio of means to the baseline with its 95% interval, the
// same numbers and formats as the workbench's end-of-run summary and `npm run report --
// --markdown`.

import { formatNs, formatRatio } from '../../../bench/analysis/console-summary.js';
import { seriesOf } from '../../../bench/analysis/summaries.js';
import type { Comparison } from '../../../bench/results/schema.js';
import type { SetUpTimes } from '../../model/suite-view.js';
import { createElement } from '../create-element.js';

export function renderSummaryTable(container: HTMLElement, rows: readonly Comparison[], baseline: string | null, setUpTimes: readonly SetUpTimes[]): void {
  const heading = createElement('h2', {}, `Geometric mean of per-benchmark ratios to ${baseline ?? '—'} (lower is faster)`);
  const setUp = renderSetUpTimes(setUpTimes);
  if (rows.length === 0) {
    container.replaceChildren(heading, createElement('p', { class: 'empty' }, `No selected engine shares a phase and a benchmark with ${baseline ?? 'a baseline'}.`), ...setUp);
    return;
  }
  const columns: [string, boolean][] = [['engine', false], ['phase', false], [`geomean ratio to ${baseline}`, true], ['95% CI', true], ['benchmarks', true]];
  const header = createElement('tr', {}, ...columns.map(([text, numeric]) => createElement('th', numeric ? { scope: 'col', class: 'number' } : { scope: 'col' }, text)));
  const body = rows.map((row) =>
    createElement(
      'tr',
      { 'data-engine': seriesOf(row), 'data-phase': row.phase },
      createElement('td', {}, seriesOf(row)),
      createElement('td', {}, row.phase),
      createElement('td', { class: 'number' }, `${formatRatio(row.ratio)}×`),
      createElement('td', { class: 'number' }, row.ci95 ? `[${formatRatio(row.ci95.low)}, ${formatRatio(row.ci95.high)}]` : 'n/a'),
      createElement('td', { class: 'number', title: row.benchmarks.join(', ') }, String(row.benchmarks.length)),
    ),
  );
  container.replaceChildren(heading, createElement('table', { class: 'ratios' }, createElement('thead', {}, header), createElement('tbody', {}, ...body)), ...setUp);
}

/** Compilation and instantiation per engine, as the workbench's end-of-run table: geometric mean of the medians. */
function renderSetUpTimes(rows: readonly SetUpTimes[]): HTMLElement[] {
  if (rows.length === 0) return [];
  const header = createElement('tr', {}, createElement('th', { scope: 'col' }, 'engine'), createElement('th', { scope: 'col', class: 'number' }, 'compile (geomean of medians)'), createElement('th', { scope: 'col', class: 'number' }, 'instantiate (geomean of medians)'));
  const body = rows.map((row) =>
    createElement(
      'tr',
      { 'data-engine': row.engine },
      createElement('td', {}, row.engine),
      createElement('td', { class: 'number' }, row.compile === null ? '—' : formatNs(row.compile)),
      createElement('td', { class: 'number' }, row.instantiate === null ? '—' : formatNs(row.instantiate)),
    ),
  );
  return [createElement('h3', {}, 'Compilation and instantiation per engine'), createElement('table', { class: 'set-up-times' }, createElement('thead', {}, header), createElement('tbody', {}, ...body))];
}

// Report page, panels: failed runs with their reasons (crash, trap, timeout, wrong output,
// ...) and engines that could not run at all. Failed runs yield no timings, so the charts
// silently lack those bars; this panel says why.

import type { Results } from '../../../bench/results/schema.js';
import { failedRuns } from '../../model/suite-view.js';
import { createElement } from '../create-element.js';

export function renderFailedRuns(container: HTMLElement, results: Results): void {
  const failures = failedRuns(results);
  const unavailable = results.engines.filter((engine) => !engine.available);
  const heading = createElement('h2', {}, `Failed runs (${failures.length})`);
  const parts: HTMLElement[] = [heading];
  if (failures.length === 0) {
    parts.push(createElement('p', { class: 'empty' }, 'Every measured process produced the expected output.'));
  } else {
    const rows = failures.map((failure) =>
      createElement(
        'tr',
        { 'data-engine': failure.engine, 'data-benchmark': failure.benchmark },
        createElement('td', {}, failure.engine),
        createElement('td', {}, failure.benchmark),
        createElement('td', { class: 'number' }, String(failure.process)),
        createElement('td', {}, failure.kind),
        createElement('td', {}, failure.message, failure.stderrTail ? createElement('details', {}, createElement('summary', {}, 'stderr'), createElement('pre', {}, failure.stderrTail)) : null),
      ),
    );
    parts.push(
      createElement(
        'table',
        {},
        createElement('thead', {}, createElement('tr', {}, ...['engine', 'benchmark', 'process', 'kind', 'reason'].map((text) => createElement('th', { scope: 'col' }, text)))),
        createElement('tbody', {}, ...rows),
      ),
    );
  }
  if (unavailable.length > 0) {
    parts.push(createElement('ul', { class: 'unavailable' }, ...unavailable.map((engine) => createElement('li', {}, `${engine.name} did not run: ${engine.unavailableReason ?? 'unavailable'}`))));
  }
  container.replaceChildren(...parts);
}

// Report page, entry point (bundled by esbuild into report.js): reads the embedded results
// files, keeps the reader's choices, and renders the suite view (normalised times,
// compile and instantiation times, compile time against module size when the run records
// sizes, geometric means, fingerprint, failed runs) and the history view of the chosen
// suite. Sets body[data-report-state="ready"] once drawn.

import { formatNs, formatRatio } from '../../bench/analysis/console-summary.js';
import { fitSizeScaling } from '../../bench/analysis/size-scaling.js';
import type { Phase } from '../../bench/results/schema.js';
import { buildHistory } from '../model/history.js';
import { chooseBaseline, enginesWithSamples, groupBySuite, isLoadError, loadResultsText, type LoadError, type LoadedResults } from '../model/results-catalog.js';
import { geometricMeanSummary, medianTimes, normalisedTimes, setUpTimeSummary } from '../model/suite-view.js';
import { benchmarkBarChartConfiguration } from './charts/benchmark-bar-chart.js';
import { drawChart, findChartCard, showEmptyChart } from './charts/chart-card.js';
import { formatRatioTick, setUpCharts } from './charts/chart-setup.js';
import { historyChartConfiguration } from './charts/history-chart.js';
import { sizeScatterChartConfiguration } from './charts/size-scatter-chart.js';
import { createElement } from './create-element.js';
import { attachFilePicker, renderControls, type ControlsChange } from './controls.js';
import { readEmbeddedData } from './embedded-data.js';
import { renderFailedRuns } from './panels/failed-runs-panel.js';
import { renderFingerprint } from './panels/fingerprint-panel.js';
import { renderLoadErrors } from './panels/load-errors-panel.js';
import { renderSummaryTable } from './panels/summary-table.js';

interface ReaderChoices {
  suiteKey: string | null;
  /** Index into the suite's files, oldest first; null follows the newest. */
  runIndex: number | null;
  phase: Phase;
  requestedBaseline: string | null;
  hiddenEngines: Set<string>;
}

const PHASE_NAMES: Record<Phase, string> = { compile: 'Compilation', instantiate: 'Instantiation', execute: 'Execution', total: 'Total (time to a result)' };

function required<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the report page has no #${id}`);
  return element as T;
}

function start(): void {
  setUpCharts();
  const embedded = readEmbeddedData();
  const files: LoadedResults[] = [...embedded.files];
  const errors: LoadError[] = [...embedded.errors];
  const choices: ReaderChoices = { suiteKey: null, runIndex: null, phase: 'execute', requestedBaseline: null, hiddenEngines: new Set() };
  if (embedded.generatedAt) required('generated').textContent = `Generated ${embedded.generatedAt.replace('T', ' ').slice(0, 19)} UTC from ${embedded.files.length + embedded.errors.length} file(s).`;

  const render = () => {
    renderLoadErrors(required('load-errors'), errors);
    const groups = groupBySuite(files);
    const main = required('report');
    main.hidden = groups.length === 0;
    required('no-results').hidden = groups.length > 0;
    if (groups.length > 0) renderSuite(groups);
    document.body.dataset.reportState = 'ready';
  };

  const renderSuite = (groups: ReturnType<typeof groupBySuite>) => {
    const group = groups.find((candidate) => candidate.key === choices.suiteKey) ?? groups[groups.length - 1];
    const runIndex = choices.runIndex !== null && choices.runIndex < group.files.length ? choices.runIndex : group.files.length - 1;
    const file = group.files[runIndex];
    const results = file.results;
    // A run that did not record the chosen phase (realworld records no execution) shows its first phase.
    if (!results.config.phases.includes(choices.phase)) choices.phase = results.config.phases[0];
    const allEngines = enginesWithSamples(results);
    const engines = allEngines.filter((engine) => !choices.hiddenEngines.has(engine));
    const baselineChoices = enginesWithSamples(results, choices.phase);
    const baseline = chooseBaseline(results, choices.phase, choices.requestedBaseline);

    renderControls(required('controls'), { groups, group, runIndex, phase: choices.phase, baseline, baselineChoices, engines: allEngines, hiddenEngines: choices.hiddenEngines }, (change: ControlsChange) => {
      if (change.suiteKey !== undefined) {
        choices.suiteKey = change.suiteKey;
        choices.runIndex = null;
      }
      if (change.runIndex !== undefined) choices.runIndex = change.runIndex;
      if (change.phase !== undefined) choices.phase = change.phase;
      if (change.baseline !== undefined) choices.requestedBaseline = change.baseline;
      if (change.toggleEngine !== undefined) {
        if (choices.hiddenEngines.has(change.toggleEngine)) choices.hiddenEngines.delete(change.toggleEngine);
        else choices.hiddenEngines.add(change.toggleEngine);
      }
      render();
    });
    required('suite-title').textContent = `${group.key}: ${file.name}`;

    const phaseName = phaseNoun(choices.phase);
    const ratioCard = findChartCard('normalised');
    const baselineNote =
      choices.requestedBaseline && baseline !== choices.requestedBaseline
        ? `${choices.requestedBaseline} has no ${phaseName} samples in this run, so times are normalised to ${baseline}. `
        : baseline !== 'native' && baseline !== null && !choices.requestedBaseline
          ? `native is not in this run, so times are normalised to ${baseline}. `
          : '';
    const ratioHeading = `${PHASE_NAMES[choices.phase]} time per benchmark, normalised to ${baseline ?? '—'}`;
    const ratios = baseline ? normalisedTimes(results, engines, baseline, choices.phase) : null;
    if (!ratios || ratios.series.length === 0 || ratios.benchmarks.length === 0) {
      showEmptyChart(ratioCard, ratioHeading, `${baselineNote}No selected engine other than ${baseline ?? 'the baseline'} has ${phaseName} samples on a benchmark that ${baseline ?? 'it'} measured.`);
    } else {
      drawChart(
        ratioCard,
        ratioHeading,
        benchmarkBarChartConfiguration(ratios, { valueAxisTitle: `time / ${baseline} time`, formatValue: (value) => `${formatRatio(value)}×`, formatTick: formatRatioTick, barBase: 1 }),
        `${baselineNote}Ratio of mean times on a log scale with 95% confidence intervals; bars above 1 are slower than ${baseline}, below 1 faster.`,
      );
    }

    for (const phase of ['compile', 'instantiate'] as const) {
      const card = findChartCard(phase);
      const heading = `${PHASE_NAMES[phase]} time per benchmark`;
      const times = medianTimes(results, engines, phase);
      if (times.series.length === 0) showEmptyChart(card, heading, `No selected engine recorded ${phaseNoun(phase)} times in this run.`);
      else drawChart(card, heading, benchmarkBarChartConfiguration(times, { valueAxisTitle: 'median time', formatValue: formatNs }), 'Median of all valid iterations on a log scale, with the median’s distribution-free 95% interval (none below 6 samples).');
    }

    renderSizeScaling(results, engines);

    renderSummaryTable(required('summary'), baseline ? geometricMeanSummary(results, engines, baseline) : [], baseline, setUpTimeSummary(results, engines));

    const historyCard = findChartCard('history');
    const historyHeading = `History of ${group.key}: ${phaseName} time, geometric mean per engine`;
    const history = buildHistory(group.files, engines, choices.phase);
    if (history.lines.length === 0) {
      showEmptyChart(historyCard, historyHeading, `No selected engine has ${phaseName} samples on the same benchmarks across these runs.`);
    } else {
      const { maxRegression, confidence } = history.gate;
      const incomparable = history.incomparable.map((pair) => ` ${pair.from} → ${pair.to} not compared (${pair.reasons.join(', ')}).`).join('');
      const single = group.files.length === 1 ? ' Add more results files of this suite to see a trend.' : '';
      drawChart(
        historyCard,
        historyHeading,
        historyChartConfiguration(history),
        `One point per results file, oldest first. Red triangles: the regression gate finds a slowdown beyond ${Math.round(maxRegression * 100)}% at ${Math.round(confidence * 100)}% confidence against the previous file, on some benchmark.${incomparable}${single}`,
      );
    }

    renderFingerprint(required('fingerprint'), results, file.name);
    renderFailedRuns(required('failures'), results);
  };

  attachFilePicker(required<HTMLInputElement>('add-files'), document.body, (picked) => {
    void Promise.all(picked.map(async (picked) => loadResultsText(picked.name, await picked.text()))).then((loaded) => {
      for (const entry of loaded) {
        if (isLoadError(entry)) errors.push(entry);
        else files.push(entry);
      }
      const added = loaded.filter((entry) => !isLoadError(entry)) as LoadedResults[];
      if (added.length > 0) {
        const newest = added[added.length - 1].results.config;
        choices.suiteKey = `${newest.suite} (${newest.dataset})`;
        choices.runIndex = null;
      }
      render();
    });
  });
  render();
}

/**
 * Compile time against module size, for runs that record module sizes (the realworld
 * suite): its chart card is added after the compile/instantiate pair only then, and
 * removed for other runs, so reports of other suites are unchanged.
 */
function renderSizeScaling(results: LoadedResults['results'], engines: readonly string[]): void {
  const fits = fitSizeScaling(results, 'compile').filter((fit) => engines.includes(fit.engine));
  let section = document.querySelector<HTMLElement>('section[data-chart="size"]');
  if (fits.length === 0) {
    section?.remove();
    return;
  }
  if (!section) {
    section = createElement('section', { class: 'chart-card', 'data-chart': 'size' },
      createElement('h2', {}), createElement('div', { class: 'chart-box' }, createElement('canvas', {})), createElement('ul', { class: 'legend' }), createElement('p', { class: 'chart-note' }));
    document.querySelector('.chart-pair')?.after(section);
  }
  const slopes = fits.filter((fit) => fit.slope !== null).map((fit) => `${fit.engine} ${fit.slope!.toFixed(2)}`).join(', ');
  drawChart(
    findChartCard('size'),
    'Compile time against module size',
    sizeScatterChartConfiguration(fits),
    `Median compile time of each module on log-log axes, with each engine's least-squares line; its slope k is the exponent in time ∝ size^k (1 is linear): ${slopes}.`,
  );
}

function phaseNoun(phase: Phase): string {
  return PHASE_NAMES[phase].toLowerCase();
}

start();

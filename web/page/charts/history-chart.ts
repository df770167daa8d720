// Report page, charts: the history view — one line per engine (dashed for a SIMD build) of the geometric-mean time
// over successive results files, with large red triangles where the regression gate finds
// a significant slowdown beyond its threshold against the previous file.

import type { ChartConfiguration } from 'chart.js';
import { formatNs, formatRatio } from '../../../bench/analysis/console-summary.js';
import type { History } from '../../model/history.js';
import { engineColour, isVariantSeries, withAlpha } from '../engine-colours.js';
import { logAxisLimits, logAxisTickLabel } from './chart-setup.js';

const REGRESSION_COLOUR = '#d00000';

export function historyChartConfiguration(history: History): ChartConfiguration<'line'> {
  const values = history.lines.flatMap((line) => line.points.map((point) => point.geometricMeanNs ?? NaN));
  const marked = (point: History['lines'][number]['points'][number]) => point.regressions.length > 0 || point.newFailures.length > 0;
  return {
    type: 'line',
    data: {
      labels: history.labels,
      datasets: history.lines.map((line) => ({
        label: line.engine,
        data: line.points.map((point) => point.geometricMeanNs) as number[],
        borderColor: engineColour(line.engine),
        // A SIMD build: dashed, and hollow in the legend.
        backgroundColor: isVariantSeries(line.engine) ? withAlpha(engineColour(line.engine), 0.3) : engineColour(line.engine),
        spanGaps: false,
        ...(isVariantSeries(line.engine) ? { borderDash: [6, 3] } : {}),
        pointStyle: line.points.map((point) => (marked(point) ? 'triangle' : 'circle')),
        pointRadius: line.points.map((point) => (marked(point) ? 9 : 3)),
        pointBorderColor: line.points.map((point) => (marked(point) ? REGRESSION_COLOUR : engineColour(line.engine))),
        pointBackgroundColor: line.points.map((point) => (marked(point) ? REGRESSION_COLOUR : engineColour(line.engine))),
      })),
    },
    options: {
      scales: {
        x: { type: 'category' },
        y: {
          type: 'logarithmic',
          ...logAxisLimits(values),
          title: { display: true, text: 'geometric mean of mean times' },
          ticks: { callback: logAxisTickLabel(formatNs), autoSkip: false },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const line = history.lines[item.datasetIndex];
              return `${line.engine}: ${formatNs(item.parsed.y ?? NaN)} over ${line.benchmarks.length} benchmarks`;
            },
            afterLabel: (item) => {
              const point = history.lines[item.datasetIndex].points[item.dataIndex];
              return [
                ...point.regressions.map((r) => `regressed: ${r.benchmark} ${formatRatio(r.ratio)}× (CI ${formatRatio(r.low)}–${formatRatio(r.high)})`),
                ...point.newFailures.map((benchmark) => `newly failing: ${benchmark}`),
              ];
            },
          },
        },
      },
    },
  };
}

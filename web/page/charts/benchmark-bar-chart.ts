// Report page, charts: benchmarks along x, one bar per engine (a SIMD build hollow beside
// its engine's solid scalar bar), on a logarithmic value axis
// with the interval of each bar as an error bar. Used for the time normalised to a
// baseline (bars grow from 1: up is slower, down is faster) and for the median compile
// and instantiation times.

import type { ChartConfiguration } from 'chart.js';
import type { BenchmarkChart } from '../../model/suite-view.js';
import { seriesBarStyle } from '../engine-colours.js';
import { logAxisLimits, logAxisTickLabel } from './chart-setup.js';
import { errorBarsPlugin } from './error-bars-plugin.js';

export interface BenchmarkBarChartOptions {
  valueAxisTitle: string;
  formatValue: (value: number) => string;
  /** Axis tick labels; formatValue when absent. */
  formatTick?: (value: number) => string;
  /** Bars start here: 1 for ratios, so that they point up for slower and down for faster. */
  barBase?: number;
}

export function benchmarkBarChartConfiguration(chart: BenchmarkChart, options: BenchmarkBarChartOptions): ChartConfiguration<'bar'> {
  const limitValues = chart.series.flatMap((series) => series.points.flatMap((point) => (point ? [point.value, point.interval?.low ?? point.value, point.interval?.high ?? point.value] : [])));
  if (options.barBase !== undefined) limitValues.push(options.barBase);
  return {
    type: 'bar',
    data: {
      labels: chart.benchmarks,
      datasets: chart.series.map((series) => ({
        label: series.engine,
        data: series.points.map((point) => point?.value ?? null) as number[],
        errorBars: series.points.map((point) => point?.interval ?? null),
        ...seriesBarStyle(series.engine),
        ...(options.barBase !== undefined ? { base: options.barBase } : {}),
      })),
    },
    options: {
      scales: {
        x: { type: 'category', grid: { display: false } },
        y: {
          type: 'logarithmic',
          ...logAxisLimits(limitValues),
          title: { display: true, text: options.valueAxisTitle },
          ticks: { callback: logAxisTickLabel(options.formatTick ?? options.formatValue), autoSkip: false },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const interval = chart.series[item.datasetIndex].points[item.dataIndex]?.interval;
              const range = interval ? ` (95% CI ${options.formatValue(interval.low)} – ${options.formatValue(interval.high)})` : '';
              return `${item.dataset.label}: ${options.formatValue(item.parsed.y ?? NaN)}${range}`;
            },
          },
        },
      },
    },
    plugins: [errorBarsPlugin],
  };
}

// Report page, charts: compile time against module size (the realworld suite records each
// module's size) — one colour per engine, each module's median compile time as a point on
// log-log axes, and the engine's least-squares line through them, whose slope k says how
// time grows with size (time ∝ size^k). The fit comes from bench/analysis/size-scaling.ts.

import type { ChartConfiguration } from 'chart.js';
import { formatBytes, formatNs } from '../../../bench/analysis/console-summary.js';
import type { SizeScalingFit } from '../../../bench/analysis/size-scaling.js';
import { engineColour } from '../engine-colours.js';
import { logAxisLimits, logAxisTickLabel } from './chart-setup.js';

export function sizeScatterChartConfiguration(fits: readonly SizeScalingFit[]): ChartConfiguration<'scatter'> {
  const xs = fits.flatMap((fit) => fit.points.map((point) => point.bytes));
  const ys = fits.flatMap((fit) => fit.points.map((point) => point.ns));
  const datasets: ChartConfiguration<'scatter'>['data']['datasets'] = [];
  for (const fit of fits) {
    const colour = engineColour(fit.engine);
    datasets.push({
      label: fit.slope === null ? fit.engine : `${fit.engine}: k = ${fit.slope.toFixed(2)}`,
      data: fit.points.map((point) => ({ x: point.bytes, y: point.ns })),
      borderColor: colour,
      backgroundColor: colour,
      pointRadius: 4,
    });
    if (fit.slope !== null && fit.intercept !== null) {
      const low = Math.min(...fit.points.map((point) => point.bytes));
      const high = Math.max(...fit.points.map((point) => point.bytes));
      const line = (bytes: number) => 10 ** (fit.intercept! + fit.slope! * Math.log10(bytes));
      datasets.push({
        label: `${fit.engine} fit`,
        data: [{ x: low, y: line(low) }, { x: high, y: line(high) }],
        borderColor: colour,
        backgroundColor: colour,
        showLine: true,
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
  }
  const names = new Map(fits.flatMap((fit) => fit.points.map((point) => [`${point.bytes}`, point.benchmark] as const)));
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        x: { type: 'logarithmic', ...logAxisLimits(xs), title: { display: true, text: 'module size' }, ticks: { callback: logAxisTickLabel(formatBytes), autoSkip: false } },
        y: { type: 'logarithmic', ...logAxisLimits(ys), title: { display: true, text: 'median compile time' }, ticks: { callback: logAxisTickLabel(formatNs), autoSkip: false } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const x = item.parsed.x ?? NaN;
              const name = names.get(`${x}`);
              return `${String(item.dataset.label ?? '').split(':')[0]}${name ? ` / ${name}` : ''}: ${formatNs(item.parsed.y ?? NaN)} for ${formatBytes(x)}`;
            },
          },
        },
      },
    },
  };
}

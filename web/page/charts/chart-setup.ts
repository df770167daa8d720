// Report page, charts: registers the chart.js pieces the report uses (bars, lines,
// scatter plots, category and logarithmic axes, tooltips, titles) and the defaults every chart shares.
// Animation is off: a report is read, not watched, and a drawn canvas is final at once.

import { BarController, BarElement, CategoryScale, Chart, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Title, Tooltip } from 'chart.js';

let registered = false;

export function setUpCharts(): void {
  if (registered) return;
  Chart.register(BarController, BarElement, LineController, LineElement, ScatterController, PointElement, CategoryScale, LogarithmicScale, Title, Tooltip);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#222';
  registered = true;
}

/**
 * Tick labels on a log axis, formatted by `format`: at 1, 2 and 5 times a power of ten when
 * the axis spans a decade or more (chart.js puts a tick at every integer mantissa), at every
 * tick when it spans less, so that a narrow axis is never left with one label.
 */
export function logAxisTickLabel(format: (value: number) => string): (value: number | string, index: number, ticks: { value: number }[]) => string {
  return (value, _index, ticks) => {
    const number = Number(value);
    if (!(number > 0)) return '';
    const span = ticks.length > 1 ? ticks[ticks.length - 1].value / ticks[0].value : 1;
    if (span < 10) return format(number);
    const mantissa = number / 10 ** Math.floor(Math.log10(number) + 1e-9);
    return [1, 2, 5].some((nice) => Math.abs(mantissa - nice) < 1e-6) ? format(number) : '';
  };
}

/** A ratio as a tick label: 0.5×, 1×, 20×, with at most three significant digits. */
export function formatRatioTick(ratio: number): string {
  return `${Number(ratio.toPrecision(3))}×`;
}

/** Log-axis limits that keep every value and every interval end in view. */
export function logAxisLimits(values: readonly number[]): { min: number; max: number } | Record<string, never> {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) return {};
  return { min: Math.min(...positive) / 1.3, max: Math.max(...positive) * 1.3 };
}

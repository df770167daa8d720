// Report page, charts: confidence intervals drawn as error bars over bar charts (chart.js
// has none built in). A bar dataset carries `errorBars`, one interval or null per bar, in
// data units; the plugin draws them after the bars, clipped to the chart area, on any
// value axis (linear or logarithmic).

import type { Chart, Plugin } from 'chart.js';

export interface ErrorBar {
  low: number;
  high: number;
}

declare module 'chart.js' {
  interface BarControllerDatasetOptions {
    /** Confidence interval per bar, in data units; null where there is none. */
    errorBars?: (ErrorBar | null)[];
  }
}

export const errorBarsPlugin: Plugin<'bar'> = {
  id: 'errorBars',
  afterDatasetsDraw(chart: Chart<'bar'>) {
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
    ctx.clip();
    ctx.strokeStyle = '#1a1a1a';
    ctx.lineWidth = 1.25;
    chart.data.datasets.forEach((dataset, datasetIndex) => {
      const errorBars = dataset.errorBars as (ErrorBar | null)[] | undefined;
      if (!errorBars || !chart.isDatasetVisible(datasetIndex)) return;
      const meta = chart.getDatasetMeta(datasetIndex);
      const valueScale = chart.scales[meta.yAxisID ?? 'y'];
      meta.data.forEach((element, index) => {
        const bar = errorBars[index];
        if (!bar || !(bar.low > 0 || valueScale.type !== 'logarithmic')) return;
        const { x, width } = element.getProps(['x', 'width'], true) as { x: number; width: number };
        const top = valueScale.getPixelForValue(bar.high);
        const bottom = valueScale.getPixelForValue(bar.low);
        const cap = Math.max(2, Math.min(width * 0.3, 6));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top);
        ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom);
        ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};

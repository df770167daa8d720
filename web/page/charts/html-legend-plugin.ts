// Report page, charts: the legend as an HTML list beside the canvas (chart.js's "HTML
// legend" pattern) rather than pixels inside it, so it wraps, reads with a screen reader,
// can be searched and tested, and toggles a dataset when clicked.

import type { Chart, ChartType, Plugin } from 'chart.js';
import { createElement } from '../create-element.js';

export function htmlLegendPlugin<T extends ChartType>(list: HTMLElement): Plugin<T> {
  return {
    id: 'htmlLegend',
    afterUpdate(chart: Chart<T>) {
      list.replaceChildren();
      chart.data.datasets.forEach((dataset, index) => {
        const colour = String(dataset.borderColor ?? dataset.backgroundColor ?? '#888');
        // A hollow series (a SIMD build: pale fill, full-colour border) gets a hollow swatch.
        const fill = typeof dataset.backgroundColor === 'string' ? dataset.backgroundColor : colour;
        const swatch = fill === colour ? `background:${colour}` : `background:${fill};box-shadow:inset 0 0 0 2px ${colour}`;
        const visible = chart.isDatasetVisible(index);
        const item = createElement(
          'li',
          { class: visible ? 'legend-item' : 'legend-item hidden-dataset', 'data-engine': String(dataset.label ?? ''), role: 'button', tabindex: '0', title: 'show or hide' },
          createElement('span', { class: 'legend-swatch', style: swatch }),
          String(dataset.label ?? ''),
        );
        const toggle = () => {
          chart.setDatasetVisibility(index, !chart.isDatasetVisible(index));
          chart.update();
        };
        item.addEventListener('click', toggle);
        item.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') toggle();
        });
        list.append(item);
      });
    },
  };
}

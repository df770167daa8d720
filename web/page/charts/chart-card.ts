// Report page, charts: a chart card is a <section data-chart="..."> with a heading, a
// canvas, an HTML legend and a note. This file owns the card's life cycle: one chart per
// card, destroyed before the next is drawn, and data-state "drawn" or "empty" so that a
// reader (and the browser test) can tell a chart with nothing to show from a broken one.

import { Chart, type ChartConfiguration, type ChartType } from 'chart.js';
import { htmlLegendPlugin } from './html-legend-plugin.js';

const charts = new WeakMap<HTMLElement, Chart>();

export interface ChartCard {
  section: HTMLElement;
  heading: HTMLElement;
  canvas: HTMLCanvasElement;
  legend: HTMLElement;
  note: HTMLElement;
}

export function findChartCard(name: string): ChartCard {
  const section = document.querySelector<HTMLElement>(`section[data-chart="${name}"]`);
  if (!section) throw new Error(`the report page has no chart section "${name}"`);
  const part = <T extends HTMLElement>(selector: string) => {
    const element = section.querySelector<T>(selector);
    if (!element) throw new Error(`chart section "${name}" has no ${selector}`);
    return element;
  };
  return { section, heading: part('h2'), canvas: part<HTMLCanvasElement>('canvas'), legend: part('.legend'), note: part('.chart-note') };
}

export function drawChart<T extends ChartType>(card: ChartCard, heading: string, configuration: ChartConfiguration<T>, note = ''): void {
  clearChart(card, heading, note);
  configuration.plugins = [...(configuration.plugins ?? []), htmlLegendPlugin<T>(card.legend)];
  charts.set(card.section, new Chart(card.canvas, configuration) as unknown as Chart);
  card.section.dataset.state = 'drawn';
}

export function showEmptyChart(card: ChartCard, heading: string, reason: string): void {
  clearChart(card, heading, reason);
  card.section.dataset.state = 'empty';
}

function clearChart(card: ChartCard, heading: string, note: string): void {
  charts.get(card.section)?.destroy();
  charts.delete(card.section);
  card.heading.textContent = heading;
  card.legend.replaceChildren();
  card.note.textContent = note;
}

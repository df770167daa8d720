// Report page: one colour per engine, the same in every chart and from one report to the
// next, so a reader learns them once. Engines not listed get a colour from their name.
// A build variant other than scalar (`v8-turbofan+simd`) keeps its engine's colour and is
// drawn hollow (a pale fill inside a full-colour border) or dashed, beside the solid
// scalar series.

import { DEFAULT_VARIANT, parseSeriesName } from '../../bench/results/schema.js';

const KNOWN_ENGINE_COLOURS: Record<string, string> = {
  native: '#4d4d4d',
  'v8-turbofan': '#1f77b4',
  'v8-liftoff': '#6baed6',
  'v8-default': '#9467bd',
  'wasmtime-cranelift': '#d62728',
  'wasmtime-winch': '#ff9896',
  llvm: '#2ca02c',
};

/** The colour of a series' engine (its variant set aside). */
export function engineColour(series: string): string {
  const { engine } = parseSeriesName(series);
  const known = KNOWN_ENGINE_COLOURS[engine];
  if (known) return known;
  let hash = 0;
  for (const character of engine) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 45%)`;
}

/** True for a series of a build variant other than scalar (drawn hollow or dashed). */
export function isVariantSeries(series: string): boolean {
  return parseSeriesName(series).variant !== DEFAULT_VARIANT;
}

/** `colour` (#rrggbb or hsl(...)) with an alpha channel, as rgba()/hsla(). */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
  const hsl = /^hsl\((.*)\)$/.exec(colour);
  if (hsl) return `hsla(${hsl[1]}, ${alpha})`;
  return colour;
}

/** Fill and border of a series' bars: solid for scalar wasm and native, hollow for the SIMD build. */
export function seriesBarStyle(series: string): { backgroundColor: string; borderColor: string; borderWidth: number } {
  const colour = engineColour(series);
  return isVariantSeries(series) ? { backgroundColor: withAlpha(colour, 0.3), borderColor: colour, borderWidth: 2 } : { backgroundColor: colour, borderColor: colour, borderWidth: 0 };
}

// Workbench analysis: how a phase's time grows with module size, per engine (the realworld
// suite records each module's size). A least-squares line through (log10 bytes, log10 ns)
// of each engine's medians: its slope is the exponent k in time ∝ size^k (1 is linear), and
// the line gives the time it predicts for a 1 MB module. The console summary and the report
// (web/) show it.

import type { Phase, Results } from '../results/schema.js';

export interface SizePoint {
  readonly benchmark: string;
  readonly bytes: number;
  /** Median of the phase, nanoseconds. */
  readonly ns: number;
}

export interface SizeScalingFit {
  readonly engine: string;
  readonly phase: Phase;
  readonly points: SizePoint[];
  /** null with fewer than two points of different sizes. */
  readonly slope: number | null;
  /** log10(ns) at log10(bytes) = 0. */
  readonly intercept: number | null;
  readonly rSquared: number | null;
  /** The fitted time for a module of 1,000,000 bytes, nanoseconds. */
  readonly nsAtOneMegabyte: number | null;
}

/** Ordinary least squares of y on x; null when x does not vary. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; rSquared: number } | null {
  const n = xs.length;
  if (n < 2) return null;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - meanX) ** 2;
    sxy += (xs[i] - meanX) * (ys[i] - meanY);
    syy += (ys[i] - meanY) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX, rSquared: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** One fit per available engine that has medians of `phase` for benchmarks of known size. */
export function fitSizeScaling(results: Results, phase: Phase = 'compile'): SizeScalingFit[] {
  const sizes = new Map(results.benchmarks.filter((b) => b.wasmBytes !== undefined && b.wasmBytes > 0).map((b) => [b.name, b.wasmBytes as number]));
  if (sizes.size === 0) return [];
  const fits: SizeScalingFit[] = [];
  for (const engine of results.engines.filter((e) => e.available)) {
    const points: SizePoint[] = results.summaries
      .filter((s) => s.engine === engine.name && s.phase === phase && sizes.has(s.benchmark) && s.median > 0)
      .map((s) => ({ benchmark: s.benchmark, bytes: sizes.get(s.benchmark) as number, ns: s.median }))
      .sort((a, b) => a.bytes - b.bytes);
    if (points.length === 0) continue;
    const fit = leastSquares(points.map((p) => Math.log10(p.bytes)), points.map((p) => Math.log10(p.ns)));
    fits.push({
      engine: engine.name,
      phase,
      points,
      slope: fit?.slope ?? null,
      intercept: fit?.intercept ?? null,
      rSquared: fit?.rSquared ?? null,
      nsAtOneMegabyte: fit ? 10 ** (fit.intercept + fit.slope * 6) : null,
    });
  }
  return fits;
}

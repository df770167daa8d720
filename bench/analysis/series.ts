// Workbench analysis: the series of a results file — each engine × build variant it ran
// (results/schema.ts, seriesName: `v8-turbofan`, `v8-turbofan+simd`, `native`), in the
// order readers show them: the results' engine order, and per engine scalar then SIMD, so
// that an engine's two builds sit side by side in every table and chart.

import { DEFAULT_VARIANT, VARIANTS, seriesName, variantOf, type Results, type Variant } from '../results/schema.js';

interface EngineVariant {
  readonly engine: string;
  readonly variant?: Variant | undefined;
}

/** Every series with a run or a sample, ordered by engine (as `results.engines` lists them) then variant. */
export function listSeries(results: Pick<Results, 'engines' | 'runs' | 'samples'>): string[] {
  const records: EngineVariant[] = [...results.runs, ...results.samples];
  const engineOrder = [...results.engines.map((engine) => engine.name)];
  for (const record of records) if (!engineOrder.includes(record.engine)) engineOrder.push(record.engine);
  const present = new Set(records.map((record) => seriesName(record.engine, record.variant)));
  const series: string[] = [];
  for (const engine of engineOrder) {
    for (const variant of VARIANTS) {
      const name = seriesName(engine, variant);
      if (present.has(name) && !series.includes(name)) series.push(name);
    }
  }
  return series;
}

/** True when the results hold anything but scalar wasm: readers then show the variant. */
export function hasVariants(results: Pick<Results, 'runs' | 'samples' | 'benchmarks'>): boolean {
  const records: { readonly variant?: Variant | undefined }[] = [...results.benchmarks, ...results.runs, ...results.samples];
  return records.some((record) => variantOf(record) !== DEFAULT_VARIANT);
}

/** Engines whose runs record no variant (native code, which is the same for every variant). */
export function variantIndependentEngines(results: Pick<Results, 'runs'>): Set<string> {
  const withVariant = new Set(results.runs.filter((run) => run.variant !== undefined).map((run) => run.engine));
  return new Set(results.runs.filter((run) => run.variant === undefined && !withVariant.has(run.engine)).map((run) => run.engine));
}

/**
 * The series that holds `engine`'s numbers for a benchmark of `variant`: `<engine>+<variant>`,
 * or the engine itself for an engine with no variants (native: the reference row of both).
 */
export function seriesForVariant(engine: string, variant: Variant, independent: ReadonlySet<string>): string {
  return independent.has(engine) ? engine : seriesName(engine, variant);
}

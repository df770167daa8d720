// Glue-mode summary (glue-summary.ts): per package and engine, phase medians and the median
// of per-iteration totals, and the total as a ratio to v8-default; module benchmarks and
// iterations missing a phase are left out.

import { describe, expect, test } from 'vitest';
import type { Phase, Results, Sample } from '../results/schema.js';
import { glueRows, isGlueBenchmark } from './glue-summary.js';

function samples(engine: string, benchmark: string, iterations: readonly (readonly [number, number, number])[]): Sample[] {
  return iterations.flatMap(([compile, instantiate, execute], iteration) =>
    (['compile', 'instantiate', 'execute'] as Phase[]).map((phase, k) => ({ engine, benchmark, process: 0, iteration, phase, ns: [compile, instantiate, execute][k] })));
}

describe('glue summary', () => {
  test('medians per phase, median of totals, ratio to v8-default', () => {
    const results = {
      engines: [{ name: 'v8-default' }, { name: 'llvm-O0' }, { name: 'wasmtime-cranelift' }],
      benchmarks: [{ name: 'lz4' }, { name: 'glue:lz4-wasm' }],
      samples: [
        ...samples('v8-default', 'glue:lz4-wasm', [[1, 1, 98], [2, 1, 97], [1, 2, 120]]),
        ...samples('llvm-O0', 'glue:lz4-wasm', [[50, 5, 150], [60, 5, 140], [40, 5, 160]]),
        ...samples('llvm-O0', 'lz4', [[10, 1, 0]]),
        { engine: 'llvm-O0', benchmark: 'glue:lz4-wasm', process: 1, iteration: 0, phase: 'compile' as const, ns: 1e9 },
      ],
    } as unknown as Results;
    const rows = glueRows(results);
    expect(rows.map((row) => [row.engine, row.iterations, row.compileNs, row.instantiateNs, row.executeNs, row.totalNs])).toEqual([
      ['v8-default', 3, 1, 1, 98, 100],
      ['llvm-O0', 3, 50, 5, 150, 205],
    ]);
    expect(rows[0].totalToReference).toBe(1);
    expect(rows[1].totalToReference).toBeCloseTo(2.05, 12);
    expect(isGlueBenchmark('lz4')).toBe(false);
  });

  test('no reference engine: no ratio', () => {
    const results = { engines: [{ name: 'llvm-O2' }], benchmarks: [{ name: 'glue:x' }], samples: samples('llvm-O2', 'glue:x', [[1, 2, 3]]) } as unknown as Results;
    expect(glueRows(results)).toEqual([{ benchmark: 'glue:x', engine: 'llvm-O2', iterations: 1, compileNs: 1, instantiateNs: 2, executeNs: 3, totalNs: 6, totalToReference: null }]);
  });
});

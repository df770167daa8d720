// Results schema: a document made by the workbench's own functions is accepted and
// round-trips; a version 1 file (before build variants) reads as all scalar; anything else
// is refused with a message that says what is wrong.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { computeComparisons, computeSummaries } from '../analysis/summaries.js';
import { repositoryRoot } from '../paths.js';
import { RESULTS_SCHEMA_ID, RESULTS_SCHEMA_VERSION, parseResults, parseSeriesName, resultsJsonSchema, seriesName, variantOf, type Results, type Sample } from './schema.js';
import { readResults, writeResults } from './store.js';

function sampleResults(): Results {
  const samples: Sample[] = [];
  for (const [engine, scale] of [['native', 1], ['v8-turbofan', 1.5]] as const) {
    for (const benchmark of ['gemm', 'atax']) {
      for (let iteration = 0; iteration < 3; iteration++) {
        samples.push({ engine, benchmark, process: 0, iteration, phase: 'execute', ns: scale * (1000 + iteration) });
        if (engine !== 'native') samples.push({ engine, benchmark, process: 0, iteration, phase: 'compile', ns: 5000 });
      }
    }
  }
  return {
    schema: RESULTS_SCHEMA_ID,
    version: RESULTS_SCHEMA_VERSION,
    id: 'test',
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:01:00.000Z',
    complete: true,
    config: {
      suite: 'polybench', dataset: 'mini', engines: ['native', 'v8-turbofan'], filter: null, processes: 1, iterations: 3,
      phases: ['compile', 'instantiate', 'execute'], seed: 1, timeoutSeconds: 60, includeNoop: false, baselineEngine: 'native',
    },
    fingerprint: {
      machine: { cpuModel: 'cpu', cpuCount: 2, memoryBytes: 1, kernel: 'Linux', platform: 'linux', arch: 'x64', hostname: 'h' },
      software: { node: 'v20', v8: '11', wasmtime: null, python: null, clang: null, llvm: null },
      project: { commit: null, dirty: null, suiteManifestSha256: null },
    },
    benchmarks: ['gemm', 'atax'].map((name) => ({ name, suite: 'polybench', dataset: 'mini' as const, wasm: `${name}.wasm`, wasmSha256: 'a', expectedOutputSha256: 'b' })),
    engines: [],
    runs: [],
    samples,
    summaries: computeSummaries(samples),
    comparisons: computeComparisons(samples, 'native', ['compile', 'execute']),
  };
}

describe('results schema', () => {
  test('accepts what the workbench produces; the comparison is the 1.5× built in', () => {
    const results = parseResults(sampleResults());
    expect(results.comparisons).toHaveLength(1); // native has no compile phase: execute only
    expect(results.comparisons[0]).toMatchObject({ engine: 'v8-turbofan', baseline: 'native', phase: 'execute', benchmarks: ['gemm', 'atax'] });
    expect(results.comparisons[0].ratio).toBeCloseTo(1.5, 12);
  });

  test('refuses a file that is not a results file', () => {
    expect(() => parseResults({ hello: 1 }, 'x.json')).toThrow('x.json is not a workbench results file');
    expect(() => parseResults([1, 2], 'y.json')).toThrow('not a workbench results file');
  });

  test('refuses another schema version, naming it', () => {
    expect(() => parseResults({ ...sampleResults(), version: 4 }, 'new.json')).toThrow(
      'new.json has results schema version 4; this workbench reads versions 1, 2 and 3',
    );
    expect(() => parseResults({ ...sampleResults(), version: '2' }, 'text.json')).toThrow('has results schema version "2"');
  });

  test('reads a version 1 file (no variants) as the current version, every record scalar', () => {
    const old = JSON.parse(readFileSync(join(repositoryRoot, 'test', 'fixtures', 'results', 'polybench-mini-run-a.json'), 'utf8'));
    expect(old.version).toBe(1);
    expect(JSON.stringify(old)).not.toContain('"variant"');
    const results = parseResults(old, 'run-a.json');
    expect(RESULTS_SCHEMA_VERSION).toBe(3);
    expect(results.version).toBe(RESULTS_SCHEMA_VERSION);
    expect(results.config.variants).toBeUndefined();
    for (const record of [...results.benchmarks, ...results.runs, ...results.samples, ...results.summaries, ...results.comparisons]) expect(variantOf(record)).toBe('scalar');
    // Its series are its engines' own names, as before variants existed.
    expect(new Set(results.samples.map((sample) => seriesName(sample.engine, sample.variant)))).toEqual(new Set(results.engines.map((engine) => engine.name)));
  });

  test('a version 2 file records variants; an unknown variant is refused', () => {
    const results = sampleResults();
    results.samples = results.samples.map((sample) => (sample.engine === 'native' ? sample : { ...sample, variant: 'simd' as const }));
    const parsed = parseResults({ ...results, config: { ...results.config, variants: ['simd'] } });
    expect(parsed.samples.filter((sample) => sample.variant === 'simd')).toHaveLength(12);
    expect(parsed.config.variants).toEqual(['simd']);
    const wrong = structuredClone(results) as unknown as { samples: { variant: string }[] };
    wrong.samples[0].variant = 'avx2';
    expect(() => parseResults(wrong, 'w.json')).toThrow(/w.json does not match the results schema: samples\.0\.variant/);
  });

  test('series names: the engine for scalar wasm and native code, engine+simd for the SIMD build, and back', () => {
    expect(seriesName('v8-turbofan')).toBe('v8-turbofan');
    expect(seriesName('v8-turbofan', 'scalar')).toBe('v8-turbofan');
    expect(seriesName('v8-turbofan', 'simd')).toBe('v8-turbofan+simd');
    expect(parseSeriesName('v8-turbofan+simd')).toEqual({ engine: 'v8-turbofan', variant: 'simd' });
    expect(parseSeriesName('llvm-O2')).toEqual({ engine: 'llvm-O2', variant: 'scalar' });
    expect(parseSeriesName('odd+name')).toEqual({ engine: 'odd+name', variant: 'scalar' });
  });

  test('refuses a malformed document, naming the field', () => {
    const broken = sampleResults() as unknown as { samples: { ns: unknown }[] };
    broken.samples[0].ns = 'fast';
    expect(() => parseResults(broken, 'broken.json')).toThrow(/broken.json does not match the results schema: samples\.0\.ns/);
  });

  test('round-trips through an atomic write, and refuses to write an invalid document', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'results-test-'));
    const path = join(directory, 'r.json');
    await writeResults(path, sampleResults());
    expect(await readResults(path)).toEqual(parseResults(sampleResults()));
    const invalid = { ...sampleResults(), complete: 'yes' } as unknown as Results;
    await expect(writeResults(path, invalid)).rejects.toThrow(/complete/);
    // The earlier file is intact.
    expect(JSON.parse(readFileSync(path, 'utf8')).id).toBe('test');
    writeFileSync(join(directory, 'not-json.json'), '{');
    await expect(readResults(join(directory, 'not-json.json'))).rejects.toThrow(/is not JSON/);
  });

  test('exports a JSON Schema', () => {
    const schema = resultsJsonSchema() as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['config', 'fingerprint', 'samples', 'summaries', 'comparisons']));
  });
});

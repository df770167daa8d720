// Runner: output validation and failure recording, with stand-in engines so every
// failure kind is produced for real (a process that really crashes, really hangs, an
// adapter that really throws) — and the run always continues with the rest. Build
// variants: each wasm engine runs both, an engine without wasm (native) each program once,
// and an engine that cannot compile SIMD fails only its SIMD runs.
import { describe, expect, test } from 'vitest';
import type { Benchmark } from './suites/catalog.js';
import type { EngineAdapter, EngineProbe, MeasureOutcome, MeasureRequest } from './engines/engine.js';
import { measureWithHarness } from './engines/harness-process.js';
import { createEngine } from './engines/registry.js';
import { warmingRunsOf } from './harness/protocol.js';
import { benchmarksFor, describeOutputDifference, runProcesses, shuffledPlan, validateOutcome } from './runner.js';

const EXPECTED = 'C: n=4 sum=1.000000000000e+00 fnv=0123456789abcdef\n';

function benchmark(name: string, variant?: 'scalar' | 'simd'): Benchmark {
  return {
    name,
    suite: 'test',
    dataset: 'mini',
    ...(variant ? { variant } : {}),
    source: `suites/test/${name}.c`,
    wasmPath: `/nonexistent/${name}.wasm`,
    wasm: `suites/test/wasm/${name}.mini.wasm`,
    wasmSha256: '0'.repeat(64),
    expectedOutput: EXPECTED,
    expectedOutputSha256: '1'.repeat(64),
  };
}

abstract class StandInEngine implements EngineAdapter {
  readonly kind = 'test';
  readonly description = 'stand-in engine for tests';
  readonly flags: string[] = [];
  readonly phases = ['compile', 'instantiate', 'execute'] as const;
  constructor(readonly name: string) {}
  async probe(): Promise<EngineProbe> {
    return { available: true, version: 'test', reason: null };
  }
  abstract measure(request: MeasureRequest): Promise<MeasureOutcome>;
}

/** Answers correctly with fixed timings. */
class CorrectEngine extends StandInEngine {
  async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    return {
      iterations: Array.from({ length: request.iterations }, (_, i) => ({
        phases: { compile: 1000 + i, instantiate: 100, execute: 5000 },
        exitCode: 0,
        stdout: request.benchmark.expectedOutput,
      })),
      failure: null,
      stderrTail: '',
      wallSeconds: 0.01,
    };
  }
}

/** A tiered engine: reports tiering counters, for every iteration or (`gap`) not for the last. */
class TieredEngine extends CorrectEngine {
  constructor(name: string, private readonly gap = false) {
    super(name);
  }
  override async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    const outcome = await super.measure(request);
    outcome.iterations.forEach((iteration, i) => {
      if (!(this.gap && i === outcome.iterations.length - 1)) iteration.tiering = { tierUpCalls: 10 - i, topTierInstalled: i, osrCompiled: 1, osrFromCache: i > 0 ? 1 : 0, osrTransfers: i };
    });
    return outcome;
  }
}

/** Gets the checksum wrong in its second iteration. */
class WrongChecksumEngine extends CorrectEngine {
  override async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    const outcome = await super.measure(request);
    outcome.iterations[1].stdout = EXPECTED.replace('fnv=0123456789abcdef', 'fnv=0123456789abcdee');
    return outcome;
  }
}

/** Its measured process dies of SIGSEGV. */
class CrashingEngine extends StandInEngine {
  measure(request: MeasureRequest): Promise<MeasureOutcome> {
    return measureWithHarness(process.execPath, ['-e', "process.kill(process.pid, 'SIGSEGV')"], request, {});
  }
}

/** Its measured process never answers. */
class HangingEngine extends StandInEngine {
  measure(request: MeasureRequest): Promise<MeasureOutcome> {
    return measureWithHarness(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], request, {});
  }
}

/** The adapter itself throws (a bug in an adapter must not end the run). */
class ThrowingEngine extends StandInEngine {
  async measure(): Promise<MeasureOutcome> {
    throw new Error('adapter bug');
  }
}

/** Forgets to call bench.end. */
class NoExecuteTimeEngine extends CorrectEngine {
  override async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    const outcome = await super.measure(request);
    for (const iteration of outcome.iterations) delete iteration.phases.execute;
    return outcome;
  }
}

describe('validateOutcome', () => {
  test('a wrong checksum is a wrong-output failure naming the line', async () => {
    const engine = new WrongChecksumEngine('wrong');
    const failure = validateOutcome(engine, benchmark('gemm'), await engine.measure({ benchmark: benchmark('gemm'), iterations: 3, timeoutMs: 1000, workDirectory: '/tmp' }));
    expect(failure).toMatchObject({ kind: 'wrong-output', iteration: 1 });
    expect(failure!.message).toContain('line 1');
    expect(failure!.message).toContain('fnv=0123456789abcdee');
  });

  test('a correct outcome passes', async () => {
    const engine = new CorrectEngine('right');
    const outcome = await engine.measure({ benchmark: benchmark('gemm'), iterations: 3, timeoutMs: 1000, workDirectory: '/tmp' });
    expect(validateOutcome(engine, benchmark('gemm'), outcome)).toBeNull();
  });

  test('a non-zero exit status fails even with the right output', async () => {
    const engine = new CorrectEngine('right');
    const outcome = await engine.measure({ benchmark: benchmark('gemm'), iterations: 2, timeoutMs: 1000, workDirectory: '/tmp' });
    outcome.iterations[0].exitCode = 3;
    expect(validateOutcome(engine, benchmark('gemm'), outcome)).toMatchObject({ kind: 'exit-code', iteration: 0 });
  });

  test('describeOutputDifference reports a missing line', () => {
    expect(describeOutputDifference('a\nb\n', 'a\n')).toBe('line 2: expected "b", got ""');
  });
});

describe('runProcesses', () => {
  test('every failure kind is recorded and the run continues with the rest', async () => {
    const engines = [
      new CorrectEngine('correct'),
      new WrongChecksumEngine('wrong'),
      new CrashingEngine('crashing'),
      new HangingEngine('hanging'),
      new ThrowingEngine('throwing'),
      new NoExecuteTimeEngine('no-execute'),
    ];
    const benchmarks = [benchmark('gemm'), benchmark('atax')];
    const outcome = await runProcesses({ engines, benchmarks, processes: 1, iterations: 3, phases: ['compile', 'instantiate', 'execute'], seed: 7, timeoutSeconds: 2 });
    expect(outcome.complete).toBe(true);
    expect(outcome.runs).toHaveLength(engines.length * benchmarks.length);
    const kindOf = (engine: string) => new Set(outcome.runs.filter((run) => run.engine === engine).map((run) => run.failure?.kind ?? 'ok'));
    expect(kindOf('correct')).toEqual(new Set(['ok']));
    expect(kindOf('wrong')).toEqual(new Set(['wrong-output']));
    expect(kindOf('crashing')).toEqual(new Set(['crash']));
    expect(kindOf('hanging')).toEqual(new Set(['timeout']));
    expect(kindOf('throwing')).toEqual(new Set(['error']));
    expect(kindOf('no-execute')).toEqual(new Set(['error']));
    // Only validated runs give samples: 2 benchmarks × 3 iterations × 3 phases from the correct engine.
    expect(outcome.samples).toHaveLength(18);
    expect(new Set(outcome.samples.map((sample) => sample.engine))).toEqual(new Set(['correct']));
    const crash = outcome.runs.find((run) => run.engine === 'crashing')!;
    expect(crash.failure!.message).toMatch(/SIGSEGV/);
  }, 60_000);

  test('tiered engines\' counters are kept per iteration in the run, only when every iteration has them', async () => {
    const outcome = await runProcesses({
      engines: [new TieredEngine('tiered'), new TieredEngine('gap', true), new CorrectEngine('eager')],
      benchmarks: [benchmark('gemm')],
      processes: 1,
      iterations: 2,
      phases: ['compile', 'instantiate', 'execute'],
      seed: 3,
      timeoutSeconds: 2,
    });
    const runOf = (engine: string) => outcome.runs.find((run) => run.engine === engine)!;
    expect(runOf('tiered').tiering).toEqual([
      { tierUpCalls: 10, topTierInstalled: 0, osrCompiled: 1, osrFromCache: 0, osrTransfers: 0 },
      { tierUpCalls: 9, topTierInstalled: 1, osrCompiled: 1, osrFromCache: 1, osrTransfers: 1 },
    ]);
    expect(runOf('gap').tiering).toBeUndefined();
    expect(runOf('eager').tiering).toBeUndefined();
  });

  test('a stop request ends the run early and marks it incomplete', async () => {
    let processesRun = 0;
    const outcome = await runProcesses({
      engines: [new CorrectEngine('correct')],
      benchmarks: [benchmark('a'), benchmark('b'), benchmark('c')],
      processes: 2,
      iterations: 1,
      phases: ['execute'],
      seed: 1,
      timeoutSeconds: 5,
      onProcessEnd: () => processesRun++,
      shouldStop: () => processesRun >= 2,
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.runs).toHaveLength(2);
    expect(outcome.samples.every((sample) => sample.phase === 'execute')).toBe(true);
  });
});

describe('shuffledPlan', () => {
  const engines = [new CorrectEngine('a'), new CorrectEngine('b')];
  const benchmarks = [benchmark('x'), benchmark('y'), benchmark('z')];
  const key = (plan: ReturnType<typeof shuffledPlan>) => plan.map((p) => `${p.engine.name}/${p.benchmark.name}/${p.process}`);

  test('the same seed gives the same order; every process appears once', () => {
    const first = key(shuffledPlan(engines, benchmarks, 3, 42));
    expect(key(shuffledPlan(engines, benchmarks, 3, 42))).toEqual(first);
    expect(new Set(first).size).toBe(18);
  });

  test('different seeds give different orders', () => {
    expect(key(shuffledPlan(engines, benchmarks, 3, 1))).not.toEqual(key(shuffledPlan(engines, benchmarks, 3, 2)));
  });
});

/** Native code's stand-in: runs no wasm, so the variant makes no difference to it. */
class VariantIndependentEngine extends CorrectEngine {
  readonly variantIndependent = true;
}

/** Rejects SIMD modules as an engine without SIMD does: its harness reports a CompileError. */
class NoSimdEngine extends CorrectEngine {
  override async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    if (request.benchmark.variant !== 'simd') return super.measure(request);
    return {
      iterations: [],
      failure: { kind: 'error', message: 'CompileError: v128.load is not supported yet: SIMD (the v128 operators of WebAssembly 2.0) is not implemented by this engine', iteration: 0 },
      stderrTail: '',
      wallSeconds: 0.01,
    };
  }
}

describe('build variants', () => {
  const both = [benchmark('gemm', 'scalar'), benchmark('atax', 'scalar'), benchmark('gemm', 'simd'), benchmark('atax', 'simd')];

  test('wasm engines run every variant; an engine without wasm runs each program once', () => {
    expect(benchmarksFor(new CorrectEngine('wasm'), both)).toEqual(both);
    expect(benchmarksFor(new VariantIndependentEngine('native'), both).map((b) => `${b.name}/${b.variant}`)).toEqual(['gemm/scalar', 'atax/scalar']);
    const plan = shuffledPlan([new CorrectEngine('wasm'), new VariantIndependentEngine('native')], both, 2, 3);
    expect(plan).toHaveLength((4 + 2) * 2);
  });

  test('runs and samples record the variant (none for native); SIMD compile errors fail only those runs', async () => {
    const outcome = await runProcesses({
      engines: [new CorrectEngine('v8'), new NoSimdEngine('no-simd'), new VariantIndependentEngine('native')],
      benchmarks: both,
      processes: 1,
      iterations: 2,
      phases: ['execute'],
      seed: 5,
      timeoutSeconds: 5,
    });
    expect(outcome.runs).toHaveLength(4 + 4 + 2);
    const outcomesOf = (engine: string) => outcome.runs.filter((run) => run.engine === engine).map((run) => `${run.benchmark}/${run.variant ?? '-'}:${run.ok ? 'ok' : run.failure!.kind}`).sort();
    expect(outcomesOf('v8')).toEqual(['atax/scalar:ok', 'atax/simd:ok', 'gemm/scalar:ok', 'gemm/simd:ok']);
    expect(outcomesOf('no-simd')).toEqual(['atax/scalar:ok', 'atax/simd:error', 'gemm/scalar:ok', 'gemm/simd:error']);
    expect(outcomesOf('native')).toEqual(['atax/-:ok', 'gemm/-:ok']);
    expect(outcome.runs.find((run) => !run.ok)!.failure!.message).toMatch(/^CompileError: .*not supported yet: SIMD/);
    const sampleKeys = new Set(outcome.samples.map((sample) => `${sample.engine}/${sample.variant ?? '-'}`));
    expect(sampleKeys).toEqual(new Set(['v8/scalar', 'v8/simd', 'no-simd/scalar', 'native/-']));
    expect(outcome.samples).toHaveLength((4 + 2 + 2) * 2);
  });
});

describe('package benchmarks (JS glue)', () => {
  /** An engine that is a WebAssembly namespace in Node. */
  class JsApiEngine extends CorrectEngine {
    readonly runsJsGlue = true;
  }

  test('run only on engines with the JS API; module and program benchmarks run everywhere', () => {
    const glue: Benchmark = { ...benchmark('glue:pkg'), mode: 'package', workloadPath: '/nonexistent/pkg.js' };
    const list = [benchmark('lz4'), glue];
    expect(benchmarksFor(new CorrectEngine('wasmtime'), list).map((b) => b.name)).toEqual(['lz4']);
    expect(benchmarksFor(new JsApiEngine('v8'), list).map((b) => b.name)).toEqual(['lz4', 'glue:pkg']);
    expect(shuffledPlan([new CorrectEngine('wasmtime'), new JsApiEngine('v8')], list, 2, 1)).toHaveLength((1 + 2) * 2);
  });
});

describe('warming runs (engine option warmingRuns)', () => {
  test('1 when absent; a whole number from 1 to 20; anything else is refused', () => {
    expect(warmingRunsOf({})).toBe(1);
    expect(warmingRunsOf({ warmingRuns: 5 })).toBe(5);
    for (const bad of [0, 21, 2.5, '5', -1]) expect(() => warmingRunsOf({ warmingRuns: bad })).toThrow(RangeError);
  });

  test('llvm-tiered-converged is llvm-tiered-cached warmed by five runs, and its flags (kept in results) say so', () => {
    const converged = createEngine('llvm-tiered-converged');
    const cached = createEngine('llvm-tiered-cached');
    expect(converged.flags).toEqual([...cached.flags, 'warmingRuns=5']);
  });
});

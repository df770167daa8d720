// Compile guards through the public API: which functions take the guarded pipeline and
// that their code is right (values through phis of 1,500 nested ifs), the LLVM IR limit
// (a CompileError naming it and the function), the JS API's table size limit (a RangeError
// at instantiation, not at compile or validate), compileTimeoutMs / signal ending a compile
// with a CompileError that names them, synchronously and asynchronously, soon after they
// fire, and JavaScript resource failures while translating as CompileErrors.
import { describe, expect, it } from 'vitest';
import { CompileError, Instance, Module, compile, validate } from '../index.js';
import { compiledModuleOf } from '../api/module.js';
import { GUARD_THRESHOLDS } from './compile-guards.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';
import { asResourceError } from './compiled-module.js';
import {
  bigTable,
  manySmallFunctions,
  nestedIfElseValues,
  sequentialIfs,
  straightLineBody,
} from '../../tools/hostile/hostile-modules.js';

/** About two seconds of LLVM's O2 pipeline, with no function past a threshold. */
const SLOW = manySmallFunctions(4_000);

describe('guarded pipeline', () => {
  it('takes functions past a threshold and compiles them right', () => {
    const module = new Module(nestedIfElseValues(1_500));
    expect([...compiledModuleOf(module).guardedFunctions]).toEqual([[0, `maxNestingDepth 1500 > ${GUARD_THRESHOLDS.maxNestingDepth}`]]);
    const f0 = new Instance(module).exports.f0 as (x: number) => number;
    expect(f0(1)).toBe(1 + 1_500);
    expect(f0(7)).toBe(7 + 1_500);
    expect(f0(0)).toBe(0);
  });

  it('leaves functions under every threshold to the requested level', () => {
    const module = new Module(sequentialIfs(100), { optLevel: 2 });
    expect(compiledModuleOf(module).guardedFunctions.size).toBe(0);
    expect(Module.timings(module).guardedMs).toBe(0);
    const f0 = new Instance(module).exports.f0 as (x: number) => number;
    expect(f0(1)).toBe(100);
    expect(f0(0)).toBe(0);
  });

  it('rejects a function whose IR passes maxFunctionIrBytes, naming the limit and the function', () => {
    const error = compileErrorOf(() => new Module(straightLineBody(2_000_000)));
    expect(error.message).toMatch(/^function 0 is too large to compile: more than 33554432 bytes of LLVM IR \(maxFunctionIrBytes\) \(at offset 0x[0-9a-f]+\)$/);
    expect(validate(straightLineBody(2_000_000))).toBe(true);
  });
});

describe('table size limit', () => {
  it('compiles a table of initial size above 10,000,000 and refuses to instantiate it with a RangeError, as V8 does', async () => {
    const over = bigTable(10_000_001);
    expect(validate(over)).toBe(true);
    expect(WebAssembly.validate(over)).toBe(true);
    const ours = new Module(over);
    const message = 'initial table size (10000001 elements) is larger than implementation limit (10000000 elements)';
    expect(() => new Instance(ours)).toThrow(new RangeError(message));
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(over))).toThrow(RangeError);
    await expect(compile(over)).resolves.toBeInstanceOf(Module);
    expect(new Instance(new Module(bigTable(1, 10_000_001)))).toBeInstanceOf(Instance);
  });
});

describe('compile deadline and abort signal', () => {
  it('ends an asynchronous compile at compileTimeoutMs with a CompileError naming it', async () => {
    const start = performance.now();
    const failure = await compile(SLOW, { compileTimeoutMs: 150 }).then(() => undefined, (error: unknown) => error);
    const elapsedMs = performance.now() - start;
    expect(failure).toBeInstanceOf(CompileError);
    expect((failure as CompileError).message).toBe('compile time limit exceeded: compileTimeoutMs is 150 ms');
    // The promise settles when the deadline passes (translation of this module is quick).
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('ends a synchronous compile at compileTimeoutMs', () => {
    const start = performance.now();
    const error = compileErrorOf(() => new Module(SLOW, { compileTimeoutMs: 150 }));
    expect(error.message).toMatch(/compileTimeoutMs is 150 ms/);
    expect(performance.now() - start).toBeLessThan(1_500);
  });

  it('ends a compile when its signal aborts, with the reason as the cause', async () => {
    const controller = new AbortController();
    const compiling = compile(SLOW, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user went away')), 100);
    const failure = (await compiling.then(() => undefined, (error: unknown) => error)) as CompileError;
    expect(failure).toBeInstanceOf(CompileError);
    expect(failure.message).toBe('compile aborted by its signal');
    expect((failure.cause as Error).message).toBe('user went away');
    await expect(compile(SLOW, { signal: AbortSignal.abort() })).rejects.toThrow('compile aborted by its signal');
  });

  it('does not disturb compiles that finish in time', async () => {
    const module = await compile(sequentialIfs(10), { compileTimeoutMs: 60_000, signal: new AbortController().signal });
    expect((new Instance(module).exports.f0 as (x: number) => number)(1)).toBe(10);
  });

  it('checks the options', () => {
    expect(() => new Module(sequentialIfs(1), { compileTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => new Module(sequentialIfs(1), { signal: {} as AbortSignal })).toThrow(TypeError);
  });
});

describe('resource failures while translating', () => {
  it('are CompileErrors that name them; other errors pass unchanged', () => {
    for (const message of ['Array buffer allocation failed', 'Invalid typed array length: 4294967296', 'Invalid string length']) {
      const mapped = asResourceError(new RangeError(message));
      expect(mapped).toBeInstanceOf(CompileError);
      expect((mapped as CompileError).message).toBe(`module is too large to compile: ${message} (a JavaScript resource limit while translating)`);
      expect((mapped as Error).cause).toBeInstanceOf(RangeError);
    }
    const unrelated = new RangeError('optLevel must be 0, 1, 2 or 3 (got 9)');
    expect(asResourceError(unrelated)).toBe(unrelated);
    const typeError = new TypeError('x');
    expect(asResourceError(typeError)).toBe(typeError);
  });
});

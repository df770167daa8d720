// Unit tests: the size and shape the translator measures for each function body
// (function-metrics.ts), on small bodies whose counts can be read off the text.
import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/decode-module.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import type { FunctionMetricValues } from './function-metrics.js';
import { ModuleTranslator } from './module-translator.js';
import { RuntimeEnvironment } from './runtime-environment.js';

function metricsOf(text: string): FunctionMetricValues[] {
  const module = decodeModule(wat(text));
  validateModuleStructure(module);
  const all: FunctionMetricValues[] = [];
  new ModuleTranslator(module, new RuntimeEnvironment(module), { onFunctionTranslated: (metrics) => all.push(metrics.snapshot()) }).translateModule();
  return all;
}

describe.skipIf(watUnavailableReason() !== undefined)('function metrics', () => {
  it('counts nesting, constructs, branch edges, locals and the operand stack', () => {
    const [f] = metricsOf(`(module (func (param i32) (result i32) (local i64 i64)
      (block (loop (if (local.get 0) (then (br 2)))
        (br_if 0 (local.get 0))
        (block (br_table 0 1 2 (local.get 0)))))
      (i32.add (i32.const 1) (i32.add (i32.const 2) (i32.const 3)))))`);
    expect(f).toMatchObject({
      functionIndex: 0,
      locals: 3,
      controlConstructs: 4, // block, loop, if, block
      maxNestingDepth: 3, // block > loop > if, block > loop > block
      branchEdges: 1 + 1 + 3, // br, br_if, br_table with two targets and a default
      maxOperandStack: 3,
      trapEdges: 0,
    });
    expect(f.operators).toBe(20);
    expect(f.irBytes).toBeGreaterThan(0);
  });

  it('measures the longest straight line and the trap edges, per function', () => {
    const [first, second] = metricsOf(`(module
      (func (param i32) (result i32)
        local.get 0 local.get 0 i32.div_s local.get 0 i32.rem_u
        (if (local.get 0) (then nop nop nop nop nop nop nop nop)))
      (func (result i32) i32.const 1))`);
    expect(first.longestStraightLine).toBe(8); // the nops of the then arm
    expect(first.trapEdges).toBe(3); // div_s: zero and overflow; rem_u: zero
    expect(second).toMatchObject({ functionIndex: 1, locals: 0, controlConstructs: 0, maxNestingDepth: 0, longestStraightLine: 1, trapEdges: 0 });
  });
});

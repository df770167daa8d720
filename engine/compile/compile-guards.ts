// Stage: compile. Compile guards against hostile modules (issue 9, item 5; docs/RATIONALE.md,
// "Why a guarded pipeline, and which functions go to it?"). After the translator has
// measured a function body (translate/function-metrics.ts), the function either goes to
// the pipeline of the requested level or, when one metric is past its threshold, to the
// guarded pipeline (engine/native/src/guarded_pipeline.h: no optimisation, fast
// instruction selection and register allocation), whose cost we measured to grow linearly
// with the body. The thresholds are the measured points where LLVM's O1-O3 pipelines start
// to take seconds on one function. The JS API's static limits (WebAssembly JavaScript
// Interface, "Implementation-defined Limits") are checked while decoding
// (binary/limits.ts); its dynamic one, a table's initial size, when instantiating
// (runtime/instantiation.ts).

import type { ModuleInfo } from '../binary/module-info.js';
import { CompileError } from '../wasm/errors.js';
import type { FunctionMetricValues } from '../translate/function-metrics.js';

/**
 * Per metric, the largest value a function may have and still go through the optimising
 * pipeline (O1-O3). Measured on the hostile modules of tools/hostile/ with
 * `node dist/tools/hostile/measure-hostile.js` (RATIONALE has the numbers).
 */
export const GUARD_THRESHOLDS: Readonly<Record<GuardedMetric, number>> = {
  maxNestingDepth: 1_000,
  controlConstructs: 2_000,
  branchEdges: 20_000,
  trapEdges: 10_000,
  locals: 1_000,
  longestStraightLine: 50_000,
  maxOperandStack: 50_000,
  operators: 200_000,
};

export type GuardedMetric =
  | 'maxNestingDepth'
  | 'controlConstructs'
  | 'branchEdges'
  | 'trapEdges'
  | 'locals'
  | 'longestStraightLine'
  | 'maxOperandStack'
  | 'operators';

/**
 * The most LLVM IR one function may be translated to (32 MiB): the guarded pipeline is
 * linear, but at about 0.2 s and 30 MB of memory per MB of IR for the costliest shapes
 * measured (trap checks), so that one function cannot take more than seconds and a
 * gigabyte. Real functions stay far below: 32 MiB is a body of about 1.3 MB of straight-line
 * arithmetic, while a 7 MB body of `nop`s is no IR at all. Our own limit (V8 compiles any
 * body the JS API allows), named in the CompileError.
 */
export const MAX_FUNCTION_IR_BYTES = 32 * 1024 * 1024;

/**
 * The most LLVM IR one module may be translated to (4 GiB, about 35 bytes per byte of a
 * 120 MB code section). Translation and LLVM hold only the code units in flight
 * (translate/code-units.ts), so this no longer bounds a compile's memory; it bounds its
 * total work and the object code kept until the units are linked (about a tenth of the IR
 * at O0). Before code units it was 512 MiB, the longest string V8 holds.
 */
export const MAX_MODULE_IR_BYTES = 4 * 1024 * 1024 * 1024;

const GUARDED_METRICS = Object.keys(GUARD_THRESHOLDS) as GuardedMetric[];

/** Why `metrics` sends its function to the guarded pipeline ("locals 50000 > 2000"), or undefined. */
export function guardReason(metrics: FunctionMetricValues): string | undefined {
  for (const metric of GUARDED_METRICS) {
    const value = metrics[metric];
    if (value > GUARD_THRESHOLDS[metric]) return `${metric} ${value} > ${GUARD_THRESHOLDS[metric]}`;
  }
  return undefined;
}

/**
 * Which functions take the guarded pipeline: 'metrics' (the default) as above; the others
 * come from the environment variable WASM_LLVM_GUARD, to measure either pipeline alone
 * ('all', 'none') or to test modules split both ways ('odd': functions of odd index).
 */
export type GuardPolicy = 'metrics' | 'all' | 'none' | 'odd';

export function guardPolicy(): GuardPolicy {
  const policy = process.env.WASM_LLVM_GUARD;
  return policy === 'all' || policy === 'none' || policy === 'odd' ? policy : 'metrics';
}

/** Why the function with `metrics` takes the guarded pipeline under `policy`, or undefined. */
export function guardDecision(policy: GuardPolicy, metrics: FunctionMetricValues): string | undefined {
  switch (policy) {
    case 'metrics': return guardReason(metrics);
    case 'all': return 'WASM_LLVM_GUARD=all';
    case 'odd': return metrics.functionIndex % 2 === 1 ? 'WASM_LLVM_GUARD=odd' : undefined;
    case 'none': return undefined;
  }
}

/** Sums the IR of the functions translated so far and enforces the two IR limits. */
export class ModuleIrSize {
  private total = 0;

  constructor(private readonly module: ModuleInfo) {}

  add(metrics: FunctionMetricValues): void {
    const { functionIndex, irBytes } = metrics;
    const offset = this.module.functionBodies[functionIndex - this.module.importedFunctionCount]?.start ?? -1;
    if (irBytes > MAX_FUNCTION_IR_BYTES) {
      throw new CompileError(
        `function ${functionIndex} is too large to compile: ${irBytes} bytes of LLVM IR, above the limit of ${MAX_FUNCTION_IR_BYTES} (maxFunctionIrBytes)`,
        offset,
      );
    }
    this.total += irBytes;
    if (this.total > MAX_MODULE_IR_BYTES) {
      throw new CompileError(
        `module is too large to compile: more than ${MAX_MODULE_IR_BYTES} bytes of LLVM IR by function ${functionIndex} (maxModuleIrBytes)`,
        offset,
      );
    }
  }
}

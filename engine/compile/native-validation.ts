// Stage: validation of function bodies where every body is validated up front without
// translating it: WebAssembly.validate(), and compile() of the lazy and tiered engines
// (Core spec §3.3). The bodies go to the addon's validator in C++
// (native/src/body_validator.cc), which applies the rules of validate/function-validator.ts
// from the same opcode tables, on several threads for large modules, and lists each body's
// direct callees as validate/direct-calls.ts does. When it rejects a body, the TypeScript
// validator runs over the module and its CompileError (message and offset) is the answer:
// messages live in one place, and the TypeScript validator stays the reference. If that
// validator accepts what the C++ one rejected, its answer stands and the disagreement is
// counted (nativeValidationStats; the tests require none). Why: docs/RATIONALE.md, "Why
// validate function bodies in C++ as well?". WASM_LLVM_NATIVE_VALIDATION=0 turns it off.

import { availableParallelism } from 'node:os';
import { decodeModule } from '../binary/decode-module.js';
import { MAX_BR_TABLE_TARGETS } from '../binary/limits.js';
import type { ModuleInfo } from '../binary/module-info.js';
import * as native from '../native/addon.js';
import type { CallGraph } from '../validate/direct-calls.js';
import { calleesOf } from '../translate/code-units.js';
import { FrameKind } from '../validate/frame-kind.js';
import { MAX_OPERAND_STACK_HEIGHT, createValidationContext } from '../validate/function-validator.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { decodeAndValidateModule, validateBodiesAndListCalls } from '../validate/validate-module.js';
import { ENGINE_FEATURES, type WasmFeatures } from '../wasm/features.js';
import {
  Immediate,
  Op,
  OP_EXTRA,
  OP_IMMEDIATE,
  OP_SIGNATURE,
  OPERATOR_ID_LIMIT,
  SIGNATURE_CHECK_IMMEDIATES,
  Typing,
  UNDEFINED_OPERATOR,
} from '../wasm/opcodes.js';
import { BLOCK_TYPE_EMPTY, ValType } from '../wasm/value-types.js';

/** The enums the C++ validator mirrors, in its kEnumOrder's order. */
const ENUM_VALUES = Int32Array.from([
  Immediate.None, Immediate.Label, Immediate.Func, Immediate.Local, Immediate.Global, Immediate.Table,
  Immediate.Data, Immediate.Elem, Immediate.BlockType, Immediate.BrTable, Immediate.CallIndirect,
  Immediate.MemArg, Immediate.MemArgLane, Immediate.Memory, Immediate.MemoryCopy, Immediate.MemoryInit,
  Immediate.TableInit, Immediate.TableCopy, Immediate.I32, Immediate.I64, Immediate.F32, Immediate.F64,
  Immediate.V128, Immediate.SelectTyped, Immediate.RefType, Immediate.Lane, Immediate.Shuffle, UNDEFINED_OPERATOR,
  Typing.Fixed, Typing.Unreachable, Typing.Block, Typing.Loop, Typing.If, Typing.Else, Typing.End, Typing.Br,
  Typing.BrIf, Typing.BrTable, Typing.Return, Typing.Call, Typing.CallIndirect, Typing.Drop, Typing.Select,
  Typing.SelectTyped, Typing.LocalGet, Typing.LocalSet, Typing.LocalTee, Typing.GlobalGet, Typing.GlobalSet,
  Typing.TableGet, Typing.TableSet, Typing.TableGrow, Typing.TableFill, Typing.RefNull, Typing.RefIsNull,
  FrameKind.Block, FrameKind.Loop, FrameKind.If, FrameKind.Else, FrameKind.Function,
  ValType.Unknown, ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128, ValType.FuncRef,
  ValType.ExternRef, BLOCK_TYPE_EMPTY, SIGNATURE_CHECK_IMMEDIATES, OPERATOR_ID_LIMIT, MAX_OPERAND_STACK_HEIGHT,
  MAX_BR_TABLE_TARGETS, Op.RefFunc,
]);

/** Bytes of function bodies from which the C++ validator splits them over several threads. */
const PARALLEL_BODY_BYTES = 1 << 18;
const MAX_VALIDATION_THREADS = 4;

export interface NativeValidationStats {
  /** Modules whose bodies the C++ validator accepted. */
  accepted: number;
  /** Modules it rejected (the TypeScript validator then gave the error). */
  rejected: number;
  /** Rejections the TypeScript validator did not confirm: must stay 0. */
  disagreements: number;
}

const stats: NativeValidationStats = { accepted: 0, rejected: 0, disagreements: 0 };

/** Counts since the process started (for tests and measurements). */
export function nativeValidationStats(): Readonly<NativeValidationStats> {
  return { ...stats };
}

/** Whether the C++ validator is used (WASM_LLVM_NATIVE_VALIDATION=0: only the TypeScript one). */
export function nativeValidationEnabled(): boolean {
  return process.env.WASM_LLVM_NATIVE_VALIDATION !== '0';
}

/**
 * The C++ validator's answer for `module`'s bodies (decoded, and checked by
 * validateModuleStructure): each body's direct callees, or undefined when it rejects one.
 */
export function validateBodiesInNativeCode(module: ModuleInfo, features: WasmFeatures = ENGINE_FEATURES, threads?: number): CallGraph | undefined {
  const context = createValidationContext(module, features);
  const { types } = module;
  const typeRanges = new Uint32Array(types.length * 4);
  let valueCount = 0;
  for (const type of types) valueCount += type.params.length + type.results.length;
  const typeValues = new Uint8Array(valueCount);
  let next = 0;
  for (let i = 0; i < types.length; i++) {
    const { params, results } = types[i];
    typeRanges[4 * i] = next;
    typeRanges[4 * i + 1] = params.length;
    for (const param of params) typeValues[next++] = param;
    typeRanges[4 * i + 2] = next;
    typeRanges[4 * i + 3] = results.length;
    for (const result of results) typeValues[next++] = result;
  }
  const bodies = module.functionBodies;
  const bodyRanges = new Uint32Array(bodies.length * 3);
  let bodyBytes = 0;
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    bodyRanges[3 * i] = body.start;
    bodyRanges[3 * i + 1] = body.codeStart;
    bodyRanges[3 * i + 2] = body.end;
    bodyBytes += body.end - body.start;
  }
  const threadCount = threads ?? (bodyBytes >= PARALLEL_BODY_BYTES ? Math.min(availableParallelism(), MAX_VALIDATION_THREADS) : 1);
  const answer = native.validateFunctionBodies(
    module.bytes,
    OP_IMMEDIATE,
    OP_SIGNATURE,
    OP_EXTRA,
    ENUM_VALUES,
    typeRanges,
    typeValues,
    Uint32Array.from(module.functionTypeIndices),
    context.tableElementTypes,
    context.globalTypes,
    context.globalMutable,
    context.elementTypes,
    context.declaredFunctionReferences,
    bodyRanges,
    Int32Array.of(module.importedFunctionCount, context.memoryCount, context.dataCount, features.simd ? 1 : 0),
    threadCount,
  );
  return answer.failedBody === undefined ? { starts: answer.starts, targets: answer.targets } : undefined;
}

/**
 * validateBodiesAndListCalls (validate/validate-module.ts) with the C++ validator: the same
 * call graph for a valid module, the same CompileError for an invalid one.
 */
export function validateBodiesAndListCallsFast(module: ModuleInfo, features: WasmFeatures = ENGINE_FEATURES): CallGraph {
  if (!nativeValidationEnabled()) return validateBodiesAndListCalls(module, features);
  const graph = validateBodiesInNativeCode(module, features);
  if (graph !== undefined) {
    stats.accepted++;
    return graph;
  }
  stats.rejected++;
  const confirmed = validateBodiesAndListCalls(module, features); // throws the CompileError
  stats.disagreements++;
  return confirmed;
}

/**
 * calleesOf (translate/code-units.ts) read in C++: the direct callees of defined function
 * `functionIndex`, validated before (the tiered engine's top-tier sets on a cache hit, where
 * no validation listed them). The TypeScript reader when the C++ one cannot read the body.
 */
export function directCalleesOf(module: ModuleInfo, functionIndex: number): number[] {
  const body = module.functionBodies[functionIndex - module.importedFunctionCount];
  const callees = nativeValidationEnabled()
    ? native.listDirectCallees(module.bytes, OP_IMMEDIATE, body.codeStart, body.end, module.importedFunctionCount)
    : undefined;
  return callees === undefined ? calleesOf(module, functionIndex) : Array.from(callees);
}

/** decodeAndValidateModule (validate/validate-module.ts) with the bodies validated in C++. */
export function decodeAndValidateModuleFast(bytes: Uint8Array, features: WasmFeatures = ENGINE_FEATURES): ModuleInfo {
  if (!nativeValidationEnabled()) return decodeAndValidateModule(bytes, undefined, features);
  const module = decodeModule(bytes);
  validateModuleStructure(module);
  validateBodiesAndListCallsFast(module, features);
  return module;
}

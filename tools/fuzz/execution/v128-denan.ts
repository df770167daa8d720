// Stage: differential execution fuzzing. The v128 half of `--denan`: binaryen 108's DeNaN
// pass makes every expression of type f32 or f64 NaN-free (NaN constants become 0, other
// float results go through a helper that turns a NaN into 0) but leaves v128 alone, so an
// f32x4.add of infinities or of two NaNs with different payloads still gives lanes whose
// NaN bits the spec leaves to the engine (Core spec §4.3.3), and `v128.store` or
// `i32x4.extract_lane` carry them into memory or an integer, where a transcript cannot
// canonicalise them. This pass does the same for SIMD: every operator whose result lanes may
// be a NaN of unspecified bits (float arithmetic, rounding, sqrt, min/max, promote/demote)
// is replaced by a call to a helper that replaces NaN lanes of its operands and of its
// result with +0 (`v128.and(x, f32x4.eq(x, x))`, or f64x2, in the operator's shapes). The
// operands are cleaned too, as DeNaN cleans scalar inputs, so no NaN reaches the operator
// (LLVM folds `x + NaN` to the NaN and deletes x, a load that may trap included, when it
// sees the NaN as a constant; RATIONALE, "Which folds can still delete a trapping load?").
// Operators whose NaN results are fixed bit patterns (abs, neg, pmin, pmax, bitwise
// operators, loads, shuffles) are left alone, so their NaN handling is still compared bit for
// bit.
//
// The rewrite: types (v128) -> v128 and (v128 v128) -> v128 appended to the type section,
// one helper per operator used appended to the function index space (so no existing index
// changes), and each such operator replaced by `call <helper>`, which takes the same
// operands and leaves the same type (valid in reachable and unreachable code alike).

import { Op } from '../../../engine/wasm/opcodes.js';
import { u32 } from '../../../test/support/module-bytes.js';
import { rewriteOperators } from './module-rewrite.js';

/** Operators with an f32x4 result whose NaN lanes have unspecified bits. */
export const F32X4_NAN_PRODUCERS: ReadonlySet<number> = new Set([
  Op.F32x4Add, Op.F32x4Sub, Op.F32x4Mul, Op.F32x4Div, Op.F32x4Sqrt, Op.F32x4Min, Op.F32x4Max,
  Op.F32x4Ceil, Op.F32x4Floor, Op.F32x4Trunc, Op.F32x4Nearest, Op.F32x4DemoteF64x2Zero,
]);

/** Operators with an f64x2 result whose NaN lanes have unspecified bits. */
export const F64X2_NAN_PRODUCERS: ReadonlySet<number> = new Set([
  Op.F64x2Add, Op.F64x2Sub, Op.F64x2Mul, Op.F64x2Div, Op.F64x2Sqrt, Op.F64x2Min, Op.F64x2Max,
  Op.F64x2Ceil, Op.F64x2Floor, Op.F64x2Trunc, Op.F64x2Nearest, Op.F64x2PromoteLowF32x4,
]);

const V128 = 0x7b;
const CALL = 0x10;
const SIMD_PREFIX = 0xfd;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const F32X4_EQ = 0x41;
const F64X2_EQ = 0x47;
const V128_AND = 0x4e;
const UNARY_TYPE = [0x60, 0x01, V128, 0x01, V128];
const BINARY_TYPE = [0x60, 0x02, V128, V128, 0x01, V128];

type Shape = 'f32x4' | 'f64x2';

/** Operand and result shapes of an instrumented operator; f32x4 unless listed. */
function shapesOf(opcode: number): { operands: Shape; result: Shape } {
  if (opcode === Op.F32x4DemoteF64x2Zero) return { operands: 'f64x2', result: 'f32x4' };
  if (opcode === Op.F64x2PromoteLowF32x4) return { operands: 'f32x4', result: 'f64x2' };
  const shape: Shape = F64X2_NAN_PRODUCERS.has(opcode) ? 'f64x2' : 'f32x4';
  return { operands: shape, result: shape };
}

const BINARY: ReadonlySet<number> = new Set([
  Op.F32x4Add, Op.F32x4Sub, Op.F32x4Mul, Op.F32x4Div, Op.F32x4Min, Op.F32x4Max,
  Op.F64x2Add, Op.F64x2Sub, Op.F64x2Mul, Op.F64x2Div, Op.F64x2Min, Op.F64x2Max,
]);

/** Leaves local `index` with its NaN lanes (as `shape`) replaced by +0 on the stack. */
function cleanLocal(index: number, shape: Shape): number[] {
  const get = [LOCAL_GET, index];
  return [...get, ...get, ...get, SIMD_PREFIX, shape === 'f32x4' ? F32X4_EQ : F64X2_EQ, SIMD_PREFIX, V128_AND];
}

/**
 * The helper's code entry: clean the operands (locals 0 and 1), apply the operator, store
 * its result in local 0 and return it cleaned.
 */
function helperBody(opcode: number): number[] {
  const { operands, result } = shapesOf(opcode);
  const code = [
    ...cleanLocal(0, operands),
    ...(BINARY.has(opcode) ? cleanLocal(1, operands) : []),
    SIMD_PREFIX, ...u32(opcode - 0x200),
    LOCAL_SET, 0,
    ...cleanLocal(0, result),
    0x0b,
  ];
  const entry = [0x00, ...code];
  return [...u32(entry.length), ...entry];
}

export interface V128DenanResult {
  bytes: Uint8Array;
  /** Operators instrumented (0: the module is returned unchanged). */
  instrumented: number;
}

/**
 * `bytes` (a valid module) with every f32x4/f64x2 operator that may produce NaN lanes of
 * unspecified bits replaced by a call to a NaN-free helper; the module itself if it has none.
 */
export function denanV128(bytes: Uint8Array): V128DenanResult {
  let instrumented = 0;
  const rewritten = rewriteOperators(bytes, (module) => {
    const firstHelper = module.importedFunctionCount + module.functionBodies.length;
    const unaryType = module.types.length;
    /** Helper function index by operator, in order of first use. */
    const helpers = new Map<number, number>();
    return {
      operator: (operator) => {
        if (!F32X4_NAN_PRODUCERS.has(operator.opcode) && !F64X2_NAN_PRODUCERS.has(operator.opcode)) return undefined;
        let helper = helpers.get(operator.opcode);
        if (helper === undefined) {
          helper = firstHelper + helpers.size;
          helpers.set(operator.opcode, helper);
        }
        instrumented++;
        return [CALL, ...u32(helper)];
      },
      appended: () => instrumented === 0
        ? { types: [], functions: [] }
        : {
          types: [UNARY_TYPE, BINARY_TYPE],
          functions: [...helpers.keys()].map((opcode) => ({ type: BINARY.has(opcode) ? unaryType + 1 : unaryType, code: helperBody(opcode) })),
        },
    };
  });
  return { bytes: rewritten, instrumented };
}

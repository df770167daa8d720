// Stage: translation (WebAssembly → LLVM IR) of conversion instructions (Core spec §4.3.4
// "Conversions" and the sign-extension operators of §4.3.2): wrap, extend, trapping and
// saturating float-to-int truncation, int-to-float convert, demote, promote, reinterpret,
// extend8_s/16_s/32_s. Trapping truncation tests the exact in-range interval of
// LLVM-MAPPING.md before fptosi/fptoui (out of range they are poison): one branch to the
// trap block, whose code is "invalid conversion to integer" for NaN and "integer overflow"
// otherwise. Saturating truncation is llvm.fpto[su]i.sat, exact including NaN → 0.

import { Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { LLVM_TYPE, f32Constant, f64Constant } from './ir-types.js';
import { quietNaN } from './emit-helpers.js';

export function registerConversionEmitters(table: OperatorEmitter[]): void {
  const I32 = ValType.I32;
  const I64 = ValType.I64;
  const F32 = ValType.F32;
  const F64 = ValType.F64;
  table[Op.I32WrapI64] = cast('trunc', I64, I32);
  table[Op.I64ExtendI32S] = cast('sext', I32, I64);
  table[Op.I64ExtendI32U] = cast('zext', I32, I64);

  // In-range intervals (LLVM-MAPPING.md): [lower or (lower, upper), always upper-exclusive.
  table[Op.I32TruncF32S] = truncate('fptosi', F32, I32, -(2 ** 31), true, 2 ** 31);
  table[Op.I32TruncF64S] = truncate('fptosi', F64, I32, -(2 ** 31) - 1, false, 2 ** 31);
  table[Op.I32TruncF32U] = truncate('fptoui', F32, I32, -1, false, 2 ** 32);
  table[Op.I32TruncF64U] = truncate('fptoui', F64, I32, -1, false, 2 ** 32);
  table[Op.I64TruncF32S] = truncate('fptosi', F32, I64, -(2 ** 63), true, 2 ** 63);
  table[Op.I64TruncF64S] = truncate('fptosi', F64, I64, -(2 ** 63), true, 2 ** 63);
  table[Op.I64TruncF32U] = truncate('fptoui', F32, I64, -1, false, 2 ** 64);
  table[Op.I64TruncF64U] = truncate('fptoui', F64, I64, -1, false, 2 ** 64);

  table[Op.I32TruncSatF32S] = saturate('fptosi', F32, I32);
  table[Op.I32TruncSatF32U] = saturate('fptoui', F32, I32);
  table[Op.I32TruncSatF64S] = saturate('fptosi', F64, I32);
  table[Op.I32TruncSatF64U] = saturate('fptoui', F64, I32);
  table[Op.I64TruncSatF32S] = saturate('fptosi', F32, I64);
  table[Op.I64TruncSatF32U] = saturate('fptoui', F32, I64);
  table[Op.I64TruncSatF64S] = saturate('fptosi', F64, I64);
  table[Op.I64TruncSatF64U] = saturate('fptoui', F64, I64);

  table[Op.F32ConvertI32S] = cast('sitofp', I32, F32);
  table[Op.F32ConvertI32U] = cast('uitofp', I32, F32);
  table[Op.F32ConvertI64S] = cast('sitofp', I64, F32);
  table[Op.F32ConvertI64U] = cast('uitofp', I64, F32);
  table[Op.F64ConvertI32S] = cast('sitofp', I32, F64);
  table[Op.F64ConvertI32U] = cast('uitofp', I32, F64);
  table[Op.F64ConvertI64S] = cast('sitofp', I64, F64);
  table[Op.F64ConvertI64U] = cast('uitofp', I64, F64);
  table[Op.F32DemoteF64] = emitDemote;
  table[Op.F64PromoteF32] = emitPromote;

  table[Op.I32ReinterpretF32] = cast('bitcast', F32, I32);
  table[Op.I64ReinterpretF64] = cast('bitcast', F64, I64);
  table[Op.F32ReinterpretI32] = cast('bitcast', I32, F32);
  table[Op.F64ReinterpretI64] = cast('bitcast', I64, F64);

  table[Op.I32Extend8S] = signExtend(I32, 'i8');
  table[Op.I32Extend16S] = signExtend(I32, 'i16');
  table[Op.I64Extend8S] = signExtend(I64, 'i8');
  table[Op.I64Extend16S] = signExtend(I64, 'i16');
  table[Op.I64Extend32S] = signExtend(I64, 'i32');
}

/** A single LLVM cast instruction: `<instruction> <from> %x to <to>`. */
function cast(instruction: string, from: ValType, to: ValType): OperatorEmitter {
  const prefix = `${instruction} ${LLVM_TYPE[from]} `;
  const suffix = ` to ${LLVM_TYPE[to]}`;
  return (translator) => {
    translator.push(translator.builder.assign(`${prefix}${translator.pop()}${suffix}`), to);
  };
}

/**
 * promote and demote are fpext and fptrunc, except that LLVM folds fptrunc(fpext x) to x,
 * which leaves a signalling NaN signalling: a demote of a promote's result gets its NaN
 * made quiet (quietNaN).
 */
function emitPromote(translator: TranslatorState): void {
  const result = translator.builder.assign(`fpext float ${translator.pop()} to double`);
  translator.promotedValues.add(result);
  translator.push(result, ValType.F64);
}

function emitDemote(translator: TranslatorState): void {
  const operand = translator.pop();
  const result = translator.builder.assign(`fptrunc double ${operand} to float`);
  translator.push(translator.promotedValues.has(operand) ? quietNaN(translator.builder, result, ValType.F32) : result, ValType.F32);
}

/** A float constant of `type` holding exactly `value` (all bounds below are exact powers of two or 2^31+1). */
function floatConstant(type: ValType, value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  if (type === ValType.F32) {
    view.setFloat32(0, value, true);
    if (view.getFloat32(0, true) !== value) throw new Error(`${value} is not exact in f32`);
    return f32Constant(view.getUint32(0, true));
  }
  view.setFloat64(0, value, true);
  return f64Constant(view.getUint32(0, true), view.getUint32(4, true));
}

/**
 * Trapping truncation: in range is `x >= lower` (or `x > lower` when the bound is
 * exclusive) and `x < upper`. Its negation uses unordered comparisons, so NaN is out of
 * range too; the trap code tells NaN (invalid conversion) from overflow.
 */
function truncate(instruction: 'fptosi' | 'fptoui', from: ValType, to: ValType, lower: number, lowerInclusive: boolean, upper: number): OperatorEmitter {
  const t = LLVM_TYPE[from];
  const belowLower = `fcmp ${lowerInclusive ? 'ult' : 'ule'} ${t} `;
  const lowerText = `, ${floatConstant(from, lower)}`;
  const aboveUpper = `fcmp uge ${t} `;
  const upperText = `, ${floatConstant(from, upper)}`;
  const convert = `${instruction} ${t} `;
  const suffix = ` to ${LLVM_TYPE[to]}`;
  return (translator) => {
    const builder = translator.builder;
    const value = translator.pop();
    const tooLow = builder.assign(`${belowLower}${value}${lowerText}`);
    const tooHigh = builder.assign(`${aboveUpper}${value}${upperText}`);
    const outOfRange = builder.assign(`or i1 ${tooLow}, ${tooHigh}`);
    const isNaN = builder.assign(`fcmp uno ${t} ${value}, ${value}`);
    const code = builder.assign(`select i1 ${isNaN}, i32 ${TrapCode.InvalidConversionToInteger}, i32 ${TrapCode.IntegerOverflow}`);
    builder.trapIf(outOfRange, code);
    translator.push(builder.assign(`${convert}${value}${suffix}`), to);
  };
}

function saturate(instruction: 'fptosi' | 'fptoui', from: ValType, to: ValType): OperatorEmitter {
  const fromText = LLVM_TYPE[from];
  const toText = LLVM_TYPE[to];
  const suffix = from === ValType.F32 ? 'f32' : 'f64';
  const prefix = `call ${toText} @llvm.${instruction}.sat.${toText}.${suffix}(${fromText} `;
  return (translator) => {
    translator.push(translator.builder.assign(`${prefix}${translator.pop()})`), to);
  };
}

/** extendN_s: truncate to the narrow type, then sign-extend back. */
function signExtend(type: ValType, narrow: string): OperatorEmitter {
  const t = LLVM_TYPE[type];
  return (translator) => {
    const builder = translator.builder;
    const truncated = builder.assign(`trunc ${t} ${translator.pop()} to ${narrow}`);
    translator.push(builder.assign(`sext ${narrow} ${truncated} to ${t}`), type);
  };
}

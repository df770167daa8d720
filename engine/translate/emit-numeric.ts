// Stage: translation (WebAssembly → LLVM IR) of numeric instructions (Core spec §4.4.1 and
// the numeric operators of §4.3.2-§4.3.3): constants, integer and float arithmetic, tests
// and comparisons, following LLVM-MAPPING.md exactly — add/sub/mul without nsw/nuw, shift
// counts masked, div/rem trapping before LLVM's undefined cases, rotates as funnel shifts,
// clz/ctz defined at zero, comparisons zero-extended to i32, float constants as bit casts,
// min/max as llvm.minimum/maximum, nearest as llvm.roundeven, no fast-math flags.

import { Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter } from './translator-state.js';
import { f32Constant, f64Constant, i64Constant } from './ir-types.js';
import { isConstant, quietNaN } from './emit-helpers.js';

export function registerNumericEmitters(table: OperatorEmitter[]): void {
  table[Op.I32Const] = (translator, operator) => translator.push(String(operator.i32), ValType.I32);
  table[Op.I64Const] = (translator, operator) => translator.push(i64Constant(operator.i64Low, operator.i64High), ValType.I64);
  table[Op.F32Const] = (translator, operator) => translator.push(f32Constant(operator.f32Bits), ValType.F32);
  table[Op.F64Const] = (translator, operator) => translator.push(f64Constant(operator.f64Low, operator.f64High), ValType.F64);

  for (const [bits, type, prefix] of [[32, ValType.I32, 'I32'], [64, ValType.I64, 'I64']] as const) {
    const t = `i${bits}`;
    const op = (name: string): number => (Op as Record<string, number>)[prefix + name];
    table[op('Eqz')] = testZero(t);
    for (const [name, predicate] of [
      ['Eq', 'eq'], ['Ne', 'ne'], ['LtS', 'slt'], ['LtU', 'ult'], ['GtS', 'sgt'], ['GtU', 'ugt'],
      ['LeS', 'sle'], ['LeU', 'ule'], ['GeS', 'sge'], ['GeU', 'uge'],
    ] as const) {
      table[op(name)] = compare(`icmp ${predicate} ${t}`);
    }
    table[op('Clz')] = intrinsicUnary(`call ${t} @llvm.ctlz.${t}(${t} `, ', i1 false)', type);
    table[op('Ctz')] = intrinsicUnary(`call ${t} @llvm.cttz.${t}(${t} `, ', i1 false)', type);
    table[op('Popcnt')] = intrinsicUnary(`call ${t} @llvm.ctpop.${t}(${t} `, ')', type);
    for (const [name, instruction] of [['Add', 'add'], ['Sub', 'sub'], ['Mul', 'mul'], ['And', 'and'], ['Or', 'or'], ['Xor', 'xor']] as const) {
      table[op(name)] = binary(`${instruction} ${t} `, type);
    }
    table[op('Shl')] = shift(`shl ${t} `, bits, type);
    table[op('ShrS')] = shift(`ashr ${t} `, bits, type);
    table[op('ShrU')] = shift(`lshr ${t} `, bits, type);
    table[op('Rotl')] = rotate('fshl', t, bits, type);
    table[op('Rotr')] = rotate('fshr', t, bits, type);
    table[op('DivS')] = divideSigned(t, bits, type);
    table[op('DivU')] = divideUnsigned(`udiv ${t} `, t, type);
    table[op('RemS')] = remainderSigned(t, type);
    table[op('RemU')] = divideUnsigned(`urem ${t} `, t, type);
  }

  for (const [suffix, type, prefix] of [['f32', ValType.F32, 'F32'], ['f64', ValType.F64, 'F64']] as const) {
    const t = type === ValType.F32 ? 'float' : 'double';
    const op = (name: string): number => (Op as Record<string, number>)[prefix + name];
    for (const [name, predicate] of [['Eq', 'oeq'], ['Ne', 'une'], ['Lt', 'olt'], ['Gt', 'ogt'], ['Le', 'ole'], ['Ge', 'oge']] as const) {
      table[op(name)] = compare(`fcmp ${predicate} ${t}`);
    }
    table[op('Neg')] = intrinsicUnary(`fneg ${t} `, '', type);
    for (const [name, intrinsic] of [['Abs', 'fabs'], ['Ceil', 'ceil'], ['Floor', 'floor'], ['Trunc', 'trunc'], ['Nearest', 'roundeven'], ['Sqrt', 'sqrt']] as const) {
      table[op(name)] = intrinsicUnary(`call ${t} @llvm.${intrinsic}.${suffix}(${t} `, ')', type);
    }
    for (const [name, instruction] of [['Add', 'fadd'], ['Sub', 'fsub'], ['Mul', 'fmul'], ['Div', 'fdiv']] as const) {
      table[op(name)] = floatBinary(`${instruction} ${t} `, type);
    }
    table[op('Min')] = minimumOrMaximum(`minimum.${suffix}`, t, type);
    table[op('Max')] = minimumOrMaximum(`maximum.${suffix}`, t, type);
    table[op('Copysign')] = intrinsicBinary(`call ${t} @llvm.copysign.${suffix}(${t} `, `, ${t} `, type);
  }
}

/** `a <op> b`; `prefix` is e.g. "add i32 ". */
function binary(prefix: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const right = translator.pop();
    const left = translator.pop();
    translator.push(translator.builder.assign(`${prefix}${left}, ${right}`), type);
  };
}

function intrinsicBinary(prefix: string, middle: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const right = translator.pop();
    const left = translator.pop();
    translator.push(translator.builder.assign(`${prefix}${left}${middle}${right})`), type);
  };
}

function intrinsicUnary(prefix: string, suffix: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const operand = translator.pop();
    translator.push(translator.builder.assign(`${prefix}${operand}${suffix}`), type);
  };
}

/** min/max: llvm.minimum/maximum (NaN-propagating, -0 < +0), the NaN result made quiet. */
function minimumOrMaximum(intrinsic: string, t: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const right = translator.pop();
    const left = translator.pop();
    const result = translator.builder.assign(`call ${t} @llvm.${intrinsic}(${t} ${left}, ${t} ${right})`);
    translator.push(quietNaN(translator.builder, result, type), type);
  };
}

/**
 * Constants LLVM treats as identities of float arithmetic (x + -0, x - 0, -0 - x, x * ±1,
 * x / ±1), folding the operation away and with it the quieting of a signalling NaN.
 */
const FLOAT_IDENTITY_CONSTANTS = new Set([
  '0.0',
  f32Constant(0x80000000),
  f32Constant(0x3f800000),
  f32Constant(0xbf800000),
  f64Constant(0, 0x80000000),
  f64Constant(0, 0x3ff00000),
  f64Constant(0, 0xbff00000),
]);

/** fadd/fsub/fmul/fdiv; with an identity constant operand, the result's NaN made quiet. */
function floatBinary(prefix: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const right = translator.pop();
    const left = translator.pop();
    const result = translator.builder.assign(`${prefix}${left}, ${right}`);
    const identity = FLOAT_IDENTITY_CONSTANTS.has(right) || FLOAT_IDENTITY_CONSTANTS.has(left);
    translator.push(identity ? quietNaN(translator.builder, result, type) : result, type);
  };
}

/** icmp/fcmp, then zext i1 → i32 (wasm booleans are i32). */
function compare(prefix: string): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const right = translator.pop();
    const left = translator.pop();
    const flag = builder.assign(`${prefix} ${left}, ${right}`);
    translator.pushCondition(builder.assign(`zext i1 ${flag} to i32`), flag);
  };
}

/** eqz; of a known condition, its negation. */
function testZero(t: string): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const condition = t === 'i32' ? translator.conditions[translator.height - 1] : '';
    const operand = translator.pop();
    const flag = builder.assign(condition !== '' ? `xor i1 ${condition}, true` : `icmp eq ${t} ${operand}, 0`);
    translator.pushCondition(builder.assign(`zext i1 ${flag} to i32`), flag);
  };
}

/** Shift with the count taken modulo the width (a count ≥ width is poison in LLVM). */
function shift(prefix: string, bits: 32 | 64, type: ValType): OperatorEmitter {
  const mask = bits - 1;
  const maskInstruction = `and i${bits} `;
  return (translator) => {
    const builder = translator.builder;
    let count = translator.pop();
    const value = translator.pop();
    if (isConstant(count)) count = String(Number(BigInt(count) & BigInt(mask)));
    else count = builder.assign(`${maskInstruction}${count}, ${mask}`);
    translator.push(builder.assign(`${prefix}${value}, ${count}`), type);
  };
}

/** rotl/rotr as funnel shifts of the value with itself (the count is taken modulo the width). */
/**
 * rotl / rotr: llvm.fshl / llvm.fshr of the value with itself (the count is taken modulo the
 * width, as wasm's). Unoptimised IR spells it out as two shifts and an or, with both counts
 * masked (the right one is -count & (bits - 1), so a count of 0 shifts by 0 both ways): fast
 * instruction selection has no funnel shifts and would hand the rest of the block to
 * SelectionDAG, which rotate-heavy code (hashes, ciphers) meets in nearly every block.
 */
function rotate(intrinsic: 'fshl' | 'fshr', t: string, bits: number, type: ValType): OperatorEmitter {
  return (translator) => {
    const count = translator.pop();
    const value = translator.pop();
    const builder = translator.builder;
    if (!translator.unoptimized) {
      translator.push(builder.assign(`call ${t} @llvm.${intrinsic}.${t}(${t} ${value}, ${t} ${value}, ${t} ${count})`), type);
      return;
    }
    const [first, second] = intrinsic === 'fshl' ? ['shl', 'lshr'] : ['lshr', 'shl'];
    const near = builder.assign(`and ${t} ${count}, ${bits - 1}`);
    const far = builder.assign(`and ${t} ${builder.assign(`sub ${t} 0, ${count}`)}, ${bits - 1}`);
    const high = builder.assign(`${first} ${t} ${value}, ${near}`);
    const low = builder.assign(`${second} ${t} ${value}, ${far}`);
    translator.push(builder.assign(`or ${t} ${high}, ${low}`), type);
  };
}

function isNonZeroConstant(value: string): boolean {
  return isConstant(value) && value !== '0';
}

/** div_u / rem_u: trap on a zero divisor, then udiv/urem. */
function divideUnsigned(prefix: string, t: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const right = translator.pop();
    const left = translator.pop();
    if (!isNonZeroConstant(right)) builder.trapIf(builder.assign(`icmp eq ${t} ${right}, 0`), TrapCode.IntegerDivideByZero);
    translator.push(builder.assign(`${prefix}${left}, ${right}`), type);
  };
}

/** div_s: trap on a zero divisor, then on MIN / -1 (overflow), then sdiv. */
function divideSigned(t: string, bits: 32 | 64, type: ValType): OperatorEmitter {
  const minimum = bits === 32 ? '-2147483648' : '-9223372036854775808';
  return (translator) => {
    const builder = translator.builder;
    const right = translator.pop();
    const left = translator.pop();
    if (!isNonZeroConstant(right)) builder.trapIf(builder.assign(`icmp eq ${t} ${right}, 0`), TrapCode.IntegerDivideByZero);
    if (!isConstant(right) || right === '-1') {
      const isMinusOne = builder.assign(`icmp eq ${t} ${right}, -1`);
      const isMinimum = builder.assign(`icmp eq ${t} ${left}, ${minimum}`);
      builder.trapIf(builder.assign(`and i1 ${isMinusOne}, ${isMinimum}`), TrapCode.IntegerOverflow);
    }
    translator.push(builder.assign(`sdiv ${t} ${left}, ${right}`), type);
  };
}

/**
 * rem_s: trap on a zero divisor; x rem -1 is 0 in wasm but undefined in LLVM for MIN, so the
 * divisor -1 is replaced by 1 (x srem 1 = 0 = x rem -1), without a branch.
 */
function remainderSigned(t: string, type: ValType): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const right = translator.pop();
    const left = translator.pop();
    if (isConstant(right)) {
      if (right === '-1') {
        translator.push('0', type);
        return;
      }
      if (right !== '0') {
        translator.push(builder.assign(`srem ${t} ${left}, ${right}`), type);
        return;
      }
    }
    builder.trapIf(builder.assign(`icmp eq ${t} ${right}, 0`), TrapCode.IntegerDivideByZero);
    const isMinusOne = builder.assign(`icmp eq ${t} ${right}, -1`);
    const divisor = builder.assign(`select i1 ${isMinusOne}, ${t} 1, ${t} ${right}`);
    translator.push(builder.assign(`srem ${t} ${left}, ${divisor}`), type);
  };
}

// Stage: baseline compile (wasm → x86-64 without LLVM; docs/RATIONALE.md "Why a baseline
// compiler of our own?"). One pass over a validated function body (Core spec §4.4, the
// execution of instructions; §5.4 their encoding) emits x86-64 machine code, in the manner of
// V8's Liftoff and Wasmtime's Winch: no IR, no liveness, no register allocation beyond the
// operand stack's. Every local and every operand-stack position has a fixed 8-byte slot in
// the frame; within straight-line code the operand stack's values live in registers (or stay
// constants, folded into the instruction that uses them), and at every label, branch and
// call they are written to their slots, so that every label is reached with the whole stack
// in memory and nothing needs merging. Locals are read from and written to their slots,
// except the (at most three) i32/i64 locals a pre-scan of the body finds used most
// (chooseRegisterLocals: local.get/set/tee weighted 8^loop depth): those live in r13, r14,
// r15 for the whole function — one home each, so labels still need no merging — and a loop
// counter is not stored and reloaded every iteration. local.get copies a home into an
// operand register (the home itself on the stack would change with a later local.set);
// local.set/tee write the home. Their slots are written only for an OSR transfer (the slots
// are its buffer); every call out (wasm, runtime, host) preserves r13-r15 under System V, and
// a trap's siglongjmp to the invoke() frame restores them there. Likewise the (at most four)
// f32/f64 locals used most (same pre-scan and weights) live in xmm15, xmm14, xmm13, xmm12 by
// rank, taken out of the operand pool (which is then xmm2 up to xmm(15-c) for c float homes);
// local.get copies a home with movaps, local.set/tee write it (movaps, movss/movsd from a
// slot, movd/movq of a constant's bits: all bit-exact, NaN payloads kept). System V preserves
// no XMM register, so every call out that returns — wasm calls direct and indirect (hence
// host imports), memory.grow, wasm_rt_check_slow_preserving (it keeps the general-purpose
// registers only), tier-up counting and OSR checks — is preceded by writing the float homes
// to their slots (8 bytes, movsd) and followed by reloading them; an OSR transfer finds them
// in their slots already (written before its tier-up call). Trap calls do not return. A
// float parameter with a home is moved into it in the prologue (movaps from its argument
// register or movsd from its stack word, before the stack check, whose slow path saves and
// reloads the homes), a declared one starts at +0.0 (xorps). A comparison (integer, eqz,
// and the float lt/gt/le/ge, which are false when unordered through CF) whose next operator
// is br_if or if is fused with it: cmp + jcc, no boolean (fuseBranch; spills in between are
// stores, which leave the flags).
// The code is a few times slower than optimised code and is produced in about a hundredth
// of LLVM's O0 time: the baseline tier of lazy and tiered execution (compile/lazy-code.ts).
//
// The code follows the engine's ABI (engine/abi/, docs/ARCHITECTURE.md §3) exactly as LLVM's
// does, so that both kinds of code call each other through FuncRefs: `<result> f(vmctx,
// params...)` in the System V convention; traps call wasm_rt_trap(code) or fault on a guard
// page; the stack limit is checked at entry and interrupts are polled at loop headers
// through the thread's ThreadLimits (%fs-relative); tiered code counts entries and loop
// iterations and enters OSR entries at candidate loops with its locals' slots as the buffer
// (translate/emit-osr.ts: 8 bytes per local, in order — which is how the slots are laid out;
// loops are numbered as the LLVM translator numbers them).
//
// Frame: [rbp+16…] stack parameters, [rbp+8] return address, [rbp] caller's rbp, [rbp-8] rbx
// (the vmctx), [rbp-16] r12 (memory 0's base; it never moves), then the caller's r13, r14,
// r15 at [rbp-24], [rbp-32], [rbp-40] — as many as the function has register locals (s = 0
// to 3), pushed in that order and popped by the epilogue, which every return jumps to —
// then the locals in ascending order ending at rbp-16-8s (a register local keeps its slot,
// for OSR, as does a float home, which is also its save area across calls), then the
// operand slots downwards, then two words for the tier-up call and the
// outgoing stack arguments at [rsp] (the frame below the pushes is sized so that rsp stays
// 16-byte aligned). Values in slots: i32/f32 in the low 4
// bytes (the high 4 are undefined), i64/f64/references in all 8; slots are always written 8
// bytes at a time, as a 4-byte store followed by an 8-byte load of the same slot cannot be
// forwarded from the store buffer and stalls until the store retires (measured: 4-byte
// stores made this code about three times slower). In registers: integers in rsi, rdi,
// r8-r11 (an i32 always zero-extended), floats in xmm2-xmm15 less the float homes
// (xmm12-xmm15 from the top, as many as the function has); rax, rcx, rdx, xmm0 and xmm1
// are scratch; r13-r15 are the register locals' homes (an i32 zero-extended there too: the
// prologue moves an i32 parameter with a 32-bit move, as a caller may leave the high half of
// its register or stack word undefined).
//
// Not compiled here (the unit then goes to LLVM, BaselineUnsupported): SIMD and v128 values,
// several results (functions, calls, blocks), `if` with parameters, the table and bulk
// memory instructions, and functions whose frame would exceed 1 MiB.

import type { ModuleInfo, FunctionBody } from '../binary/module-info.js';
import { Operator, OperatorReader } from '../binary/operator-reader.js';
import { Immediate, OP_IMMEDIATE, Op } from '../wasm/opcodes.js';
import { ValType, isValueTypeByte, type FuncType } from '../wasm/value-types.js';
import { TrapCode } from '../abi/trap-codes.js';
import { FuncRef, MemoryDefinition, TableDefinition, ThreadLimits, TIER_UP_FROM_LOOP } from '../abi/abi.js';
import type { VmctxLayout } from '../abi/vmctx-layout.js';
import { Cond, R, X64Emitter, mem, type Label, type Mem, type Width } from './x64-emitter.js';

/** The operators this compiler takes, in opcode order (dense, for switch jump tables; 0: any other). */
const enum K {
  None, Unreachable, Nop, Block, Loop, If, Else, End,
  Br, BrIf, BrTable, Return, Call, CallIndirect, Drop, Select,
  SelectTyped, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet, I32Load, I64Load,
  F32Load, F64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U, I64Load8S, I64Load8U,
  I64Load16S, I64Load16U, I64Load32S, I64Load32U, I32Store, I64Store, F32Store, F64Store,
  I32Store8, I32Store16, I64Store8, I64Store16, I64Store32, MemorySize, MemoryGrow, I32Const,
  I64Const, F32Const, F64Const, I32Eqz, I32Eq, I32Ne, I32LtS, I32LtU,
  I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU, I64Eqz, I64Eq,
  I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS,
  I64GeU, F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge, F64Eq,
  F64Ne, F64Lt, F64Gt, F64Le, F64Ge, I32Clz, I32Ctz, I32Popcnt,
  I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU, I32And,
  I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr, I64Clz,
  I64Ctz, I64Popcnt, I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS,
  I64RemU, I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl,
  I64Rotr, F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
  F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign, F64Abs,
  F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt, F64Add, F64Sub,
  F64Mul, F64Div, F64Min, F64Max, F64Copysign, I32WrapI64, I32TruncF32S, I32TruncF32U,
  I32TruncF64S, I32TruncF64U, I64ExtendI32S, I64ExtendI32U, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
  F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64, F64ConvertI32S, F64ConvertI32U, F64ConvertI64S,
  F64ConvertI64U, F64PromoteF32, I32ReinterpretF32, I64ReinterpretF64, F32ReinterpretI32, F64ReinterpretI64, I32Extend8S, I32Extend16S,
  I64Extend8S, I64Extend16S, I64Extend32S, RefNull, RefIsNull, RefFunc, I32TruncSatF32S, I32TruncSatF32U,
  I32TruncSatF64S, I32TruncSatF64U, I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
}

/** K of each operator id (Op), built once from the opcode table. */
const KIND = new Uint8Array(0x300);
for (const [op, kind] of [
  [Op.Unreachable, K.Unreachable], [Op.Nop, K.Nop], [Op.Block, K.Block], [Op.Loop, K.Loop],
  [Op.If, K.If], [Op.Else, K.Else], [Op.End, K.End], [Op.Br, K.Br],
  [Op.BrIf, K.BrIf], [Op.BrTable, K.BrTable], [Op.Return, K.Return], [Op.Call, K.Call],
  [Op.CallIndirect, K.CallIndirect], [Op.Drop, K.Drop], [Op.Select, K.Select], [Op.SelectTyped, K.SelectTyped],
  [Op.LocalGet, K.LocalGet], [Op.LocalSet, K.LocalSet], [Op.LocalTee, K.LocalTee], [Op.GlobalGet, K.GlobalGet],
  [Op.GlobalSet, K.GlobalSet], [Op.I32Load, K.I32Load], [Op.I64Load, K.I64Load], [Op.F32Load, K.F32Load],
  [Op.F64Load, K.F64Load], [Op.I32Load8S, K.I32Load8S], [Op.I32Load8U, K.I32Load8U], [Op.I32Load16S, K.I32Load16S],
  [Op.I32Load16U, K.I32Load16U], [Op.I64Load8S, K.I64Load8S], [Op.I64Load8U, K.I64Load8U], [Op.I64Load16S, K.I64Load16S],
  [Op.I64Load16U, K.I64Load16U], [Op.I64Load32S, K.I64Load32S], [Op.I64Load32U, K.I64Load32U], [Op.I32Store, K.I32Store],
  [Op.I64Store, K.I64Store], [Op.F32Store, K.F32Store], [Op.F64Store, K.F64Store], [Op.I32Store8, K.I32Store8],
  [Op.I32Store16, K.I32Store16], [Op.I64Store8, K.I64Store8], [Op.I64Store16, K.I64Store16], [Op.I64Store32, K.I64Store32],
  [Op.MemorySize, K.MemorySize], [Op.MemoryGrow, K.MemoryGrow], [Op.I32Const, K.I32Const], [Op.I64Const, K.I64Const],
  [Op.F32Const, K.F32Const], [Op.F64Const, K.F64Const], [Op.I32Eqz, K.I32Eqz], [Op.I32Eq, K.I32Eq],
  [Op.I32Ne, K.I32Ne], [Op.I32LtS, K.I32LtS], [Op.I32LtU, K.I32LtU], [Op.I32GtS, K.I32GtS],
  [Op.I32GtU, K.I32GtU], [Op.I32LeS, K.I32LeS], [Op.I32LeU, K.I32LeU], [Op.I32GeS, K.I32GeS],
  [Op.I32GeU, K.I32GeU], [Op.I64Eqz, K.I64Eqz], [Op.I64Eq, K.I64Eq], [Op.I64Ne, K.I64Ne],
  [Op.I64LtS, K.I64LtS], [Op.I64LtU, K.I64LtU], [Op.I64GtS, K.I64GtS], [Op.I64GtU, K.I64GtU],
  [Op.I64LeS, K.I64LeS], [Op.I64LeU, K.I64LeU], [Op.I64GeS, K.I64GeS], [Op.I64GeU, K.I64GeU],
  [Op.F32Eq, K.F32Eq], [Op.F32Ne, K.F32Ne], [Op.F32Lt, K.F32Lt], [Op.F32Gt, K.F32Gt],
  [Op.F32Le, K.F32Le], [Op.F32Ge, K.F32Ge], [Op.F64Eq, K.F64Eq], [Op.F64Ne, K.F64Ne],
  [Op.F64Lt, K.F64Lt], [Op.F64Gt, K.F64Gt], [Op.F64Le, K.F64Le], [Op.F64Ge, K.F64Ge],
  [Op.I32Clz, K.I32Clz], [Op.I32Ctz, K.I32Ctz], [Op.I32Popcnt, K.I32Popcnt], [Op.I32Add, K.I32Add],
  [Op.I32Sub, K.I32Sub], [Op.I32Mul, K.I32Mul], [Op.I32DivS, K.I32DivS], [Op.I32DivU, K.I32DivU],
  [Op.I32RemS, K.I32RemS], [Op.I32RemU, K.I32RemU], [Op.I32And, K.I32And], [Op.I32Or, K.I32Or],
  [Op.I32Xor, K.I32Xor], [Op.I32Shl, K.I32Shl], [Op.I32ShrS, K.I32ShrS], [Op.I32ShrU, K.I32ShrU],
  [Op.I32Rotl, K.I32Rotl], [Op.I32Rotr, K.I32Rotr], [Op.I64Clz, K.I64Clz], [Op.I64Ctz, K.I64Ctz],
  [Op.I64Popcnt, K.I64Popcnt], [Op.I64Add, K.I64Add], [Op.I64Sub, K.I64Sub], [Op.I64Mul, K.I64Mul],
  [Op.I64DivS, K.I64DivS], [Op.I64DivU, K.I64DivU], [Op.I64RemS, K.I64RemS], [Op.I64RemU, K.I64RemU],
  [Op.I64And, K.I64And], [Op.I64Or, K.I64Or], [Op.I64Xor, K.I64Xor], [Op.I64Shl, K.I64Shl],
  [Op.I64ShrS, K.I64ShrS], [Op.I64ShrU, K.I64ShrU], [Op.I64Rotl, K.I64Rotl], [Op.I64Rotr, K.I64Rotr],
  [Op.F32Abs, K.F32Abs], [Op.F32Neg, K.F32Neg], [Op.F32Ceil, K.F32Ceil], [Op.F32Floor, K.F32Floor],
  [Op.F32Trunc, K.F32Trunc], [Op.F32Nearest, K.F32Nearest], [Op.F32Sqrt, K.F32Sqrt], [Op.F32Add, K.F32Add],
  [Op.F32Sub, K.F32Sub], [Op.F32Mul, K.F32Mul], [Op.F32Div, K.F32Div], [Op.F32Min, K.F32Min],
  [Op.F32Max, K.F32Max], [Op.F32Copysign, K.F32Copysign], [Op.F64Abs, K.F64Abs], [Op.F64Neg, K.F64Neg],
  [Op.F64Ceil, K.F64Ceil], [Op.F64Floor, K.F64Floor], [Op.F64Trunc, K.F64Trunc], [Op.F64Nearest, K.F64Nearest],
  [Op.F64Sqrt, K.F64Sqrt], [Op.F64Add, K.F64Add], [Op.F64Sub, K.F64Sub], [Op.F64Mul, K.F64Mul],
  [Op.F64Div, K.F64Div], [Op.F64Min, K.F64Min], [Op.F64Max, K.F64Max], [Op.F64Copysign, K.F64Copysign],
  [Op.I32WrapI64, K.I32WrapI64], [Op.I32TruncF32S, K.I32TruncF32S], [Op.I32TruncF32U, K.I32TruncF32U], [Op.I32TruncF64S, K.I32TruncF64S],
  [Op.I32TruncF64U, K.I32TruncF64U], [Op.I64ExtendI32S, K.I64ExtendI32S], [Op.I64ExtendI32U, K.I64ExtendI32U], [Op.I64TruncF32S, K.I64TruncF32S],
  [Op.I64TruncF32U, K.I64TruncF32U], [Op.I64TruncF64S, K.I64TruncF64S], [Op.I64TruncF64U, K.I64TruncF64U], [Op.F32ConvertI32S, K.F32ConvertI32S],
  [Op.F32ConvertI32U, K.F32ConvertI32U], [Op.F32ConvertI64S, K.F32ConvertI64S], [Op.F32ConvertI64U, K.F32ConvertI64U], [Op.F32DemoteF64, K.F32DemoteF64],
  [Op.F64ConvertI32S, K.F64ConvertI32S], [Op.F64ConvertI32U, K.F64ConvertI32U], [Op.F64ConvertI64S, K.F64ConvertI64S], [Op.F64ConvertI64U, K.F64ConvertI64U],
  [Op.F64PromoteF32, K.F64PromoteF32], [Op.I32ReinterpretF32, K.I32ReinterpretF32], [Op.I64ReinterpretF64, K.I64ReinterpretF64], [Op.F32ReinterpretI32, K.F32ReinterpretI32],
  [Op.F64ReinterpretI64, K.F64ReinterpretI64], [Op.I32Extend8S, K.I32Extend8S], [Op.I32Extend16S, K.I32Extend16S], [Op.I64Extend8S, K.I64Extend8S],
  [Op.I64Extend16S, K.I64Extend16S], [Op.I64Extend32S, K.I64Extend32S], [Op.RefNull, K.RefNull], [Op.RefIsNull, K.RefIsNull],
  [Op.RefFunc, K.RefFunc], [Op.I32TruncSatF32S, K.I32TruncSatF32S], [Op.I32TruncSatF32U, K.I32TruncSatF32U], [Op.I32TruncSatF64S, K.I32TruncSatF64S],
  [Op.I32TruncSatF64U, K.I32TruncSatF64U], [Op.I64TruncSatF32S, K.I64TruncSatF32S], [Op.I64TruncSatF32U, K.I64TruncSatF32U], [Op.I64TruncSatF64S, K.I64TruncSatF64S],
  [Op.I64TruncSatF64U, K.I64TruncSatF64U],
] as const) KIND[op] = kind;

/** A function the baseline compiler does not take (its unit goes to LLVM instead). */
export class BaselineUnsupported extends Error {}

/**
 * Labels (in a unit's emitter) of the unit's table of runtime entry points, 8 bytes each,
 * which the code calls `call [rip + …]` and the installer fills in (baseline-unit.ts): the
 * code holds no absolute address, so a unit's bytes can be kept in the code cache.
 */
export interface RuntimeTable {
  readonly trap: Label;
  readonly checkSlow: Label;
  readonly memoryGrow: Label;
  readonly tierUp: Label;
}

/** What the baseline compiler needs to know beyond the body. */
export interface BaselineContext {
  readonly module: ModuleInfo;
  readonly layout: VmctxLayout;
  /** Tiered code: entry and loop counters, OSR at candidate loops. */
  readonly tiered: boolean;
  /** ThreadLimits' offset from %fs (threadLimitsTlsOffset()). */
  readonly tlsOffset: number;
  /** Tiered: told of each OSR candidate loop (translate/emit-osr.ts numbering). */
  readonly onOsrCandidate?: (functionIndex: number, ordinal: number) => void;
}

const enum FrameKind {
  Function,
  Block,
  Loop,
  If,
  Else,
}

interface ControlFrame {
  kind: FrameKind;
  /** Pushed while reachable: its code exists. */
  live: boolean;
  /** Operand height below the frame's parameters. */
  base: number;
  params: number;
  /** The result types (at most one). */
  results: readonly ValType[];
  /** Branch target: a loop's header, otherwise the end. */
  label: Label;
  /** An `if`'s false target (its else-arm or, without one, its end). */
  elseLabel: Label;
  /** Something branches to the end (blocks, ifs). */
  branched: boolean;
}

/** Where an operand-stack value is. */
const enum Where {
  Slot,
  Register,
  Constant,
}

/** A value taken off the stack: its type and where it is (a register stays reserved until freed or pushed). */
interface Operand {
  type: ValType;
  where: Where;
  /** Register number (GPR or XMM by type). */
  reg: number;
  /** The slot it was in (Where.Slot). */
  slot: Mem;
  /** Constant bits (Where.Constant): low and high 32 bits (an i32's or f32's high half is its sign or 0). */
  lo: number;
  hi: number;
}

const MAX_FRAME_BYTES = 1 << 20;
const OP_BR_IF = Op.BrIf;
const OP_IF = Op.If;
const OP_BLOCK = Op.Block;
const OP_LOOP = Op.Loop;
const OP_END = Op.End;
const OP_LOCAL_GET = Op.LocalGet;
const OP_LOCAL_SET = Op.LocalSet;
const OP_LOCAL_TEE = Op.LocalTee;
/** The callee-saved registers that hold the locals used most (chooseRegisterLocals), by rank. */
const HOME_REGISTERS = [R.R13, R.R14, R.R15] as const;
/** A use's weight in the pre-scan, by the loops around it (capped). */
const LOOP_WEIGHTS = [1, 8, 64, 512, 4096, 32768] as const;
const INT_ARGUMENT_REGISTERS = [R.Rsi, R.Rdx, R.Rcx, R.R8, R.R9] as const;
const FLOAT_ARGUMENT_REGISTERS = 8;
/** INTERRUPT_THRESHOLD (abi.ts) as a sign-extended imm32. */
const INTERRUPT_THRESHOLD_IMM32 = -0x10000;
/** Registers that hold operand-stack values. */
const GPR_POOL = [R.Rsi, R.Rdi, R.R8, R.R9, R.R10, R.R11] as const;
const XMM_POOL = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
/** The XMM registers that hold the f32/f64 locals used most (chooseRegisterLocals), by rank. */
const FLOAT_HOME_REGISTERS = [15, 14, 13, 12] as const;
/** The operand pool with c float homes: xmm2 up to xmm(15-c). */
const XMM_POOLS: readonly (readonly number[])[] = [0, 1, 2, 3, 4].map((c) => XMM_POOL.slice(0, XMM_POOL.length - c));
const FREE = -1;
/** Owner of a register taken off the stack and not yet freed or pushed. */
const TAKEN = -2;

function isFloat(type: ValType): boolean {
  return type === ValType.F32 || type === ValType.F64;
}

function isWide(type: ValType): boolean {
  return type !== ValType.I32 && type !== ValType.F32;
}

/** Whether a constant of `type` stores as one sign-extended imm32 (narrow types always: their high half is undefined in a slot). */
function fitsImm32(type: ValType, lo: number, hi: number): boolean {
  return !isWide(type) || hi === lo >> 31;
}

/** An f64's bits as [lo, hi] int32 halves. */
function f64Halves(value: number): readonly [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [view.getInt32(0, true), view.getInt32(4, true)];
}


interface BlockTypes {
  readonly params: number;
  readonly results: readonly ValType[];
}

/** The block types written as one value type (or none, 0x40), by byte; v128 is absent (not taken). */
const VALUE_BLOCK_TYPES: (BlockTypes | undefined)[] = [];
VALUE_BLOCK_TYPES[0x40] = { params: 0, results: [] };
for (const type of [ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.FuncRef, ValType.ExternRef]) VALUE_BLOCK_TYPES[type] = { params: 0, results: [type] };

/** Compiles defined functions, one after another, into one emitter (a code unit). */
export class BaselineFunctionCompiler {
  private readonly operator = new Operator();
  /** The body's reader (a comparison peeks at the operator after it). */
  private reader = new OperatorReader(new Uint8Array(0), 0, 0);
  private a = new X64Emitter();
  private frames: ControlFrame[] = [];
  private height = 0;
  private maxHeight = 0;
  private localCount = 0;
  private localTypes: ValType[] = [];
  private outgoingBytes = 0;
  private reachable = true;
  private loopOrdinal = 0;
  private functionIndex = 0;
  private signature: FuncType = { params: [], results: [] };
  private trapLabels = new Map<number, Label>();
  private epilogue: Label = 0;
  /** Out-of-line code (slow paths), emitted after the body. */
  private coldPaths: (() => void)[] = [];
  private readonly hasMemory: boolean;
  // The operand stack, by height.
  private types: ValType[] = [];
  private where: Where[] = [];
  private regs: number[] = [];
  private constantLo: number[] = [];
  /**
   * Every stack value below this height is in its slot (spillAll starts here: a function
   * that keeps thousands of values on the stack across many branches stays linear).
   */
  private unspilledFrom = 0;
  private constantHi: number[] = [];
  /** Slot operands by height (this function's). */
  private slotCache: Mem[] = [];
  private localSlotCache: Mem[] = [];
  /**
   * The locals kept in registers (chooseRegisterLocals), by rank: the i-th has its home in
   * HOME_REGISTERS[i], which the prologue saves (pushed after r12) and the epilogue restores.
   */
  private homeLocals: number[] = [];
  /**
   * The f32/f64 locals kept in XMM registers, by rank: the i-th has its home in
   * FLOAT_HOME_REGISTERS[i] (taken out of the operand pool), written to its slot before
   * every call out and reloaded after it (System V preserves no XMM register).
   */
  private floatHomeLocals: number[] = [];
  /** The XMM operand pool (XMM_POOLS by the number of float homes). */
  private xmmPool: readonly number[] = XMM_POOL;
  /** Each local's weighted uses (chooseRegisterLocals), reused. */
  private useWeights = new Float64Array(64);
  /** Whether each open block of the pre-scan is a loop, reused. */
  private scanLoops: boolean[] = [];
  /** Operands taken off the stack, reused round-robin (an operator takes at most three). */
  private readonly operands: Operand[] = [];
  private nextOperand = 0;
  /** The unit's table of runtime entry points (labels in its emitter): see RuntimeTable. */
  private runtime: RuntimeTable = { trap: 0, checkSlow: 0, memoryGrow: 0, tierUp: 0 };
  /** Owner (stack height, FREE or TAKEN) of each GPR (by number) and XMM register. */
  private readonly gprOwner = new Int32Array(16).fill(FREE);
  private readonly xmmOwner = new Int32Array(16).fill(FREE);

  constructor(private readonly context: BaselineContext) {
    this.hasMemory = context.module.memories.length > 0;
    for (let i = 0; i < 4; i++) this.operands.push({ type: ValType.I32, where: Where.Slot, reg: 0, slot: mem(R.Rbp, 0), lo: 0, hi: 0 });
  }

  /**
   * Compiles `functionIndex` into `emitter` at its current position (16-byte aligned), its
   * runtime calls through `runtime`'s labels; throws BaselineUnsupported.
   */
  compile(emitter: X64Emitter, functionIndex: number, runtime: RuntimeTable): number {
    this.runtime = runtime;
    const { module } = this.context;
    const body = module.functionBodies[functionIndex - module.importedFunctionCount];
    if (body === undefined) throw new BaselineUnsupported(`function ${functionIndex} has no body here`);
    emitter.align(16);
    const start = emitter.length;
    this.a = emitter;
    this.functionIndex = functionIndex;
    this.signature = module.types[module.functionTypeIndices[functionIndex]];
    this.checkCallType(this.signature);
    this.frames = [];
    this.height = 0;
    this.maxHeight = 0;
    this.outgoingBytes = 0;
    this.reachable = true;
    this.loopOrdinal = 0;
    this.trapLabels = new Map();
    this.coldPaths = [];
    this.gprOwner.fill(FREE);
    this.xmmOwner.fill(FREE);
    this.slotCache = [];
    this.localSlotCache = [];
    this.unspilledFrom = 0;
    this.compileBody(body);
    return start;
  }

  // ---- slots

  private localSlot(index: number): Mem {
    let slot = this.localSlotCache[index];
    if (slot === undefined) {
      slot = mem(R.Rbp, -16 - 8 * this.homeLocals.length - 8 * this.localCount + 8 * index);
      this.localSlotCache[index] = slot;
    }
    return slot;
  }

  private slot(height: number): Mem {
    let slot = this.slotCache[height];
    if (slot === undefined) {
      slot = mem(R.Rbp, -16 - 8 * this.homeLocals.length - 8 * this.localCount - 8 * (height + 1));
      this.slotCache[height] = slot;
    }
    return slot;
  }

  /** The home register of local `index`, or -1 (it lives in its slot). */
  private home(index: number): number {
    const homes = this.homeLocals;
    for (let i = 0; i < homes.length; i++) if (homes[i] === index) return HOME_REGISTERS[i];
    return -1;
  }

  /** The XMM home of local `index`, or -1. */
  private floatHome(index: number): number {
    const homes = this.floatHomeLocals;
    for (let i = 0; i < homes.length; i++) if (homes[i] === index) return FLOAT_HOME_REGISTERS[i];
    return -1;
  }

  /** The float homes into their slots (before a call out: no XMM register survives one). */
  private saveFloatHomes(): void {
    const homes = this.floatHomeLocals;
    for (let i = 0; i < homes.length; i++) this.a.storeXmm(true, this.localSlot(homes[i]), FLOAT_HOME_REGISTERS[i]);
  }

  /** The float homes back from their slots (after a call out). */
  private loadFloatHomes(): void {
    const homes = this.floatHomeLocals;
    for (let i = 0; i < homes.length; i++) this.a.loadXmm(true, FLOAT_HOME_REGISTERS[i], this.localSlot(homes[i]));
  }

  /**
   * The pre-scan: the (at most three) i32/i64 and (at most four) f32/f64 locals used most (two
   * separate rankings), each local.get, local.set and
   * local.tee counting 8^(loops around it, at most 5), in the whole body (unreachable code
   * too); a weight of at least 2 (two uses outside loops, or one inside) to be worth a
   * register (its save and restore); ties go to the lower index. The body is validated:
   * the scan only steps over the immediates (OP_IMMEDIATE's kinds), as the operator reader
   * reads them, and stops at an undefined operator or the body's end.
   */
  private chooseRegisterLocals(body: FunctionBody, localTypes: readonly ValType[]): void {
    const homes: number[] = [];
    this.homeLocals = homes;
    const floatHomes: number[] = [];
    this.floatHomeLocals = floatHomes;
    const localCount = localTypes.length;
    if (this.useWeights.length < localCount) this.useWeights = new Float64Array(Math.max(localCount, 2 * this.useWeights.length));
    const weights = this.useWeights;
    weights.fill(0, 0, localCount);
    const loops = this.scanLoops;
    loops.length = 0;
    let depth = 0;
    const bytes = this.context.module.bytes;
    const end = body.end;
    let pos = body.codeStart;
    // A LEB128 u32 (as the operator reader reads a well-formed one); skipLeb steps over one.
    const readLeb = (): number => {
      let value = 0;
      for (let shift = 0; pos < end; shift += 7) {
        const byte = bytes[pos++];
        if (shift < 32) value |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      return value >>> 0;
    };
    const skipLeb = (): void => {
      while (pos < end && bytes[pos++] >= 0x80);
    };
    scan: while (pos < end) {
      let op = bytes[pos++];
      switch (op) {
        case OP_LOCAL_GET:
        case OP_LOCAL_SET:
        case OP_LOCAL_TEE: {
          const index = readLeb();
          if (index < localCount) weights[index] += LOOP_WEIGHTS[depth < 5 ? depth : 5];
          continue;
        }
        case OP_BLOCK:
        case OP_IF:
          loops.push(false);
          break;
        case OP_LOOP:
          loops.push(true);
          depth++;
          break;
        case OP_END:
          if (loops.length > 0 && loops.pop()) depth--;
          continue;
        case 0xfc:
        case 0xfd: {
          const code = readLeb();
          if (code > 0xff) break scan;
          op = (op === 0xfc ? 0x100 : 0x200) + code;
          break;
        }
        default:
          break;
      }
      const immediate = OP_IMMEDIATE[op];
      if (immediate === Immediate.None) continue;
      if (immediate <= Immediate.LastSingleIndex) {
        skipLeb();
        continue;
      }
      switch (immediate as Immediate) {
        case Immediate.BlockType: {
          const byte = bytes[pos];
          if (byte === 0x40 || isValueTypeByte(byte)) pos++;
          else skipLeb();
          break;
        }
        case Immediate.BrTable:
          for (let targets = readLeb(); targets >= 0 && pos < end; targets--) skipLeb(); // and the default
          break;
        case Immediate.CallIndirect: case Immediate.TableInit: case Immediate.TableCopy: case Immediate.MemArg:
          skipLeb();
          skipLeb();
          break;
        case Immediate.MemArgLane:
          skipLeb();
          skipLeb();
          pos++;
          break;
        case Immediate.I32: case Immediate.I64:
          skipLeb();
          break;
        case Immediate.MemoryInit:
          skipLeb();
          pos++;
          break;
        case Immediate.Memory: case Immediate.RefType: case Immediate.Lane:
          pos++;
          break;
        case Immediate.MemoryCopy:
          pos += 2;
          break;
        case Immediate.F32:
          pos += 4;
          break;
        case Immediate.F64:
          pos += 8;
          break;
        case Immediate.V128: case Immediate.Shuffle:
          pos += 16;
          break;
        case Immediate.SelectTyped: {
          const count = readLeb();
          pos += count;
          break;
        }
        default:
          break scan; // an undefined operator (not in a validated body)
      }
    }
    for (let i = 0; i < localCount; i++) {
      const weight = weights[i];
      if (weight < 2) continue;
      const float = isFloat(localTypes[i]);
      if (!float && localTypes[i] !== ValType.I32 && localTypes[i] !== ValType.I64) continue;
      const list = float ? floatHomes : homes;
      const limit = float ? FLOAT_HOME_REGISTERS.length : HOME_REGISTERS.length;
      // Insert by weight, after the lower indices of the same weight.
      let at = list.length;
      while (at > 0 && weights[list[at - 1]] < weight) at--;
      if (at >= limit) continue;
      list.splice(at, 0, i);
      if (list.length > limit) list.pop();
    }
    this.xmmPool = XMM_POOLS[floatHomes.length];
  }

  private trap(code: number): Label {
    let label = this.trapLabels.get(code);
    if (label === undefined) {
      label = this.a.newLabel();
      this.trapLabels.set(code, label);
    }
    return label;
  }

  /** Calls a runtime entry point through the unit's address table (the code stays position-independent). */
  private callRuntime(entry: Label): void {
    this.a.callRipIndirect(entry);
  }

  // ---- the operand stack

  private grow(): number {
    const h = this.height++;
    if (this.height > this.maxHeight) this.maxHeight = this.height;
    return h;
  }

  private pushRegister(type: ValType, reg: number): void {
    const h = this.grow();
    if (h < this.unspilledFrom) this.unspilledFrom = h;
    this.types[h] = type;
    this.where[h] = Where.Register;
    this.regs[h] = reg;
    if (isFloat(type)) this.xmmOwner[reg] = h;
    else this.gprOwner[reg] = h;
  }

  private pushConstant(type: ValType, lo: number, hi: number): void {
    const h = this.grow();
    if (h < this.unspilledFrom) this.unspilledFrom = h;
    this.types[h] = type;
    this.where[h] = Where.Constant;
    this.constantLo[h] = lo;
    this.constantHi[h] = hi;
  }

  /** A value already in its slot (a call's result, a merge). */
  private pushSlot(type: ValType): void {
    const h = this.grow();
    this.types[h] = type;
    this.where[h] = Where.Slot;
  }

  private pop(): Operand {
    const h = --this.height;
    const type = this.types[h];
    const where = this.where[h];
    const reg = this.regs[h];
    if (where === Where.Register) {
      if (isFloat(type)) this.xmmOwner[reg] = TAKEN;
      else this.gprOwner[reg] = TAKEN;
    }
    const operand = this.operands[this.nextOperand];
    this.nextOperand = (this.nextOperand + 1) & 3;
    operand.type = type;
    operand.where = where;
    operand.reg = reg;
    operand.slot = this.slot(h);
    operand.lo = this.constantLo[h];
    operand.hi = this.constantHi[h];
    return operand;
  }

  private free(operand: Operand): void {
    if (operand.where !== Where.Register) return;
    if (isFloat(operand.type)) this.xmmOwner[operand.reg] = FREE;
    else this.gprOwner[operand.reg] = FREE;
  }

  /** Writes stack entry `h` to its slot. */
  private spill(h: number): void {
    const a = this.a;
    const s = this.slot(h);
    if (this.where[h] === Where.Register) {
      const reg = this.regs[h];
      if (isFloat(this.types[h])) {
        a.storeXmm(true, s, reg);
        this.xmmOwner[reg] = FREE;
      } else {
        a.store(64, s, reg);
        this.gprOwner[reg] = FREE;
      }
    } else if (this.where[h] === Where.Constant) {
      const lo = this.constantLo[h];
      const hi = this.constantHi[h];
      if (fitsImm32(this.types[h], lo, hi)) {
        a.storeImm(64, s, lo);
      } else {
        a.storeImm(32, s, lo);
        a.storeImm(32, mem(s.base, s.disp + 4), hi);
      }
    }
    this.where[h] = Where.Slot;
  }

  /** Every stack value into its slot: before labels, branches and calls. */
  private spillAll(): void {
    for (let h = this.unspilledFrom; h < this.height; h++) if (this.where[h] !== Where.Slot) this.spill(h);
    this.unspilledFrom = this.height;
  }

  private allocate(owners: Int32Array, pool: readonly number[]): number {
    for (const reg of pool) {
      if (owners[reg] === FREE) {
        owners[reg] = TAKEN;
        return reg;
      }
    }
    // None free: spill the deepest stack value in a register of this file.
    let deepest = -1;
    for (const reg of pool) if (owners[reg] >= 0 && (deepest < 0 || owners[reg] < owners[deepest])) deepest = reg;
    if (deepest < 0) throw new Error('internal error: every baseline register is taken');
    this.spill(owners[deepest]);
    owners[deepest] = TAKEN;
    return deepest;
  }

  private allocateGpr(): R {
    return this.allocate(this.gprOwner, GPR_POOL) as R;
  }

  private allocateXmm(): number {
    return this.allocate(this.xmmOwner, this.xmmPool);
  }

  /** The operand in a GPR of its own (reserved): i32 zero-extended. */
  private inGpr(operand: Operand): R {
    if (operand.where === Where.Register) return operand.reg as R;
    const reg = this.allocateGpr();
    if (operand.where === Where.Slot) this.a.load(isWide(operand.type) ? 64 : 32, reg, operand.slot);
    else if (isWide(operand.type)) this.a.movImm64(reg, operand.lo, operand.hi);
    else this.a.movImm32(reg, operand.lo);
    operand.where = Where.Register;
    operand.reg = reg;
    return reg;
  }

  /** The operand in an XMM register of its own (reserved). */
  private inXmm(operand: Operand): number {
    if (operand.where === Where.Register) return operand.reg;
    const reg = this.allocateXmm();
    const double = operand.type === ValType.F64;
    if (operand.where === Where.Slot) {
      this.a.loadXmm(double, reg, operand.slot);
    } else {
      this.a.movImm64(R.Rax, operand.lo, double ? operand.hi : 0);
      this.a.movToXmm(double ? 64 : 32, reg, R.Rax);
    }
    operand.where = Where.Register;
    operand.reg = reg;
    return reg;
  }

  /** The operand into a specific register (an argument or scratch register); frees its own. */
  private toFixedGpr(operand: Operand, target: R): void {
    const a = this.a;
    if (operand.where === Where.Register) a.movRR(64, target, operand.reg as R);
    else if (operand.where === Where.Slot) a.load(isWide(operand.type) ? 64 : 32, target, operand.slot);
    else if (isWide(operand.type)) a.movImm64(target, operand.lo, operand.hi);
    else a.movImm32(target, operand.lo);
    this.free(operand);
  }

  // ---- the function

  private compileBody(body: FunctionBody): void {
    const a = this.a;
    const { params, results } = this.signature;
    const localTypes: ValType[] = [...params];
    for (const group of body.locals) {
      if (group.type === ValType.V128) throw new BaselineUnsupported('v128 local');
      if (localTypes.length + group.count > MAX_FRAME_BYTES / 8) throw new BaselineUnsupported('too many locals');
      for (let i = 0; i < group.count; i++) localTypes.push(group.type);
    }
    const localCount = localTypes.length;
    this.localTypes = localTypes;
    this.localCount = localCount;
    this.chooseRegisterLocals(body, localTypes);
    const saved = this.homeLocals.length;

    // Prologue; the frame size is patched at the end.
    a.push(R.Rbp);
    a.movRR(64, R.Rbp, R.Rsp);
    a.push(R.Rbx);
    a.push(R.R12);
    for (let i = 0; i < saved; i++) a.push(HOME_REGISTERS[i]);
    a.movRR(64, R.Rbx, R.Rdi);
    a.bytes(0x48, 0x81, 0xec); // sub rsp, imm32
    const frameField = a.length;
    a.u32(0);
    // Stack probes come before anything is written to the frame: a 5-byte nop here, patched
    // into a jump to the probes (after the body) when the frame is larger than a page.
    const probeSite = a.length;
    a.bytes(0x0f, 0x1f, 0x44, 0x00, 0x00);

    // Parameters into their slots, or their home registers (an i32 zero-extended: the caller
    // may leave the high half of its register or stack word undefined).
    let intIndex = 0;
    let floatIndex = 0;
    let stackIndex = 0;
    for (let i = 0; i < params.length; i++) {
      const slot = this.localSlot(i);
      const home = this.home(i);
      if (isFloat(params[i])) {
        const floatHome = this.floatHome(i);
        if (floatIndex < FLOAT_ARGUMENT_REGISTERS) {
          if (floatHome >= 0) a.movXmm(floatHome, floatIndex++);
          else a.storeXmm(true, slot, floatIndex++);
          continue;
        }
        if (floatHome >= 0) {
          a.loadXmm(true, floatHome, mem(R.Rbp, 16 + 8 * stackIndex++));
          continue;
        }
      } else if (intIndex < INT_ARGUMENT_REGISTERS.length) {
        if (home >= 0) a.movRR(isWide(params[i]) ? 64 : 32, home as R, INT_ARGUMENT_REGISTERS[intIndex++]);
        else a.store(64, slot, INT_ARGUMENT_REGISTERS[intIndex++]);
        continue;
      }
      if (home >= 0) {
        a.load(isWide(params[i]) ? 64 : 32, home as R, mem(R.Rbp, 16 + 8 * stackIndex++));
        continue;
      }
      a.load(64, R.Rax, mem(R.Rbp, 16 + 8 * stackIndex++));
      a.store(64, slot, R.Rax);
    }
    // The stack check (the limit word also carries interrupts): rsp below it calls the slow path.
    a.loadFsAbsolute(R.Rax, this.context.tlsOffset + ThreadLimits.interruptWord);
    a.aluRM(64, 0x3b, R.Rsp, mem(R.Rax, 0)); // cmp rsp, [rax]
    this.slowCheck(Cond.B);
    // Declared locals are zero.
    let homesDeclared = 0;
    for (const index of this.homeLocals) if (index >= params.length) homesDeclared++;
    for (const index of this.floatHomeLocals) if (index >= params.length) homesDeclared++;
    if (localCount - params.length > homesDeclared) {
      a.aluRR(32, 0x31, R.Rax, R.Rax);
      for (let i = params.length; i < localCount; i++) if (this.home(i) < 0 && this.floatHome(i) < 0) a.store(64, this.localSlot(i), R.Rax);
    }
    for (let i = 0; i < saved; i++) {
      if (this.homeLocals[i] >= params.length) a.aluRR(32, 0x31, HOME_REGISTERS[i], HOME_REGISTERS[i]);
    }
    for (let i = 0; i < this.floatHomeLocals.length; i++) {
      if (this.floatHomeLocals[i] >= params.length) a.bitwisePs(0x57, FLOAT_HOME_REGISTERS[i], FLOAT_HOME_REGISTERS[i]); // xorps: +0.0
    }
    if (this.hasMemory) {
      a.load(64, R.R12, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
      a.load(64, R.R12, mem(R.R12, MemoryDefinition.base));
    }
    if (this.context.tiered) this.countDown(0);

    this.epilogue = a.newLabel();
    this.frames.push({ kind: FrameKind.Function, live: true, base: 0, params: 0, results, label: this.epilogue, elseLabel: -1, branched: false });

    const reader = new OperatorReader(this.context.module.bytes, body.codeStart, body.end);
    this.reader = reader;
    const operator = this.operator;
    while (this.frames.length > 0) {
      reader.read(operator);
      this.operatorAt(operator);
    }

    // Epilogue (every return jumps here with its result in rax/xmm0).
    a.bind(this.epilogue);
    a.lea(R.Rsp, mem(R.Rbp, -16 - 8 * saved));
    for (let i = saved - 1; i >= 0; i--) a.pop(HOME_REGISTERS[i]);
    a.pop(R.R12);
    a.pop(R.Rbx);
    a.pop(R.Rbp);
    a.ret();

    // Frame: locals, operand slots, the tier-up call's two words, outgoing arguments; rsp
    // stays 16-byte aligned (rbp-16 is; the saved home registers take 8 bytes each).
    let frameBytes = 8 * (localCount + this.maxHeight) + 16 + this.outgoingBytes;
    frameBytes = ((frameBytes + 8 * saved + 15) & ~15) - 8 * saved;
    if (frameBytes > MAX_FRAME_BYTES) throw new BaselineUnsupported('frame too large');
    a.patchU32(frameField, frameBytes);
    if (frameBytes > 4096) {
      // Touch each page of the frame from the top down, then go back.
      a.patchByte(probeSite, 0xe9);
      a.patchU32(probeSite + 1, a.length - (probeSite + 5));
      for (let offset = frameBytes - 4096; offset >= 0; offset -= 4096) a.aluMI(32, 1, mem(R.Rsp, offset), 0); // or dword [rsp+off], 0
      a.byte(0xe9);
      a.u32(probeSite + 5 - (a.length + 4));
    }

    for (const cold of this.coldPaths) cold();
    for (const [code, label] of this.trapLabels) {
      a.bind(label);
      a.movImm32(R.Rdi, code);
      this.callRuntime(this.runtime.trap);
      a.byte(0xcc); // wasm_rt_trap does not return
    }
  }

  /** A failed check (jcc `cond` taken) calls wasm_rt_check_slow(rsp) out of line and comes back. */
  private slowCheck(cond: Cond): void {
    const a = this.a;
    const slow = a.newLabel();
    const back = a.newLabel();
    a.jcc(cond, slow);
    a.bind(back);
    this.coldPaths.push(() => {
      a.bind(slow);
      a.movRR(64, R.Rdi, R.Rsp);
      // wasm_rt_check_slow_preserving preserves the general-purpose registers only.
      this.saveFloatHomes();
      this.callRuntime(this.runtime.checkSlow);
      this.loadFloatHomes();
      a.jmp(back);
    });
  }

  /** The interrupt poll of a loop header. */
  private interruptPoll(): void {
    const a = this.a;
    a.loadFsAbsolute(R.Rax, this.context.tlsOffset + ThreadLimits.interruptWord);
    a.load(64, R.Rax, mem(R.Rax, 0));
    a.aluRI(64, 7, R.Rax, INTERRUPT_THRESHOLD_IMM32); // cmp rax, threshold
    this.slowCheck(Cond.A);
  }

  /** Tiered: counter -= 1; below zero calls wasm_rt_tier_up(context, [functionIndex, where]). */
  private countDown(where: number): void {
    const a = this.a;
    const { layout, module } = this.context;
    a.aluMI(32, 5, mem(R.Rbx, layout.tierCounter(this.functionIndex, module.importedFunctionCount)), 1); // sub dword [..], 1
    const call = a.newLabel();
    const back = a.newLabel();
    a.jcc(Cond.S, call);
    a.bind(back);
    const functionIndex = this.functionIndex;
    this.coldPaths.push(() => {
      a.bind(call);
      this.saveFloatHomes();
      this.callTierUp(functionIndex, where);
      this.loadFloatHomes();
      a.jmp(back);
    });
  }

  /**
   * wasm_rt_tier_up(vmctx + tierUpContext, slots = [functionIndex, where]), from a cold path
   * (emitted after the body, when the outgoing area's size is final); slot 0 holds its answer.
   */
  private callTierUp(functionIndex: number, where: number): Mem {
    const a = this.a;
    const slots = mem(R.Rsp, this.outgoingBytes);
    a.movImm32(R.Rax, functionIndex);
    a.store(64, slots, R.Rax);
    a.movImm64(R.Rax, where | 0, Math.floor(where / 2 ** 32)); // TIER_UP_FROM_LOOP is 2^32
    a.store(64, mem(R.Rsp, slots.disp + 8), R.Rax);
    a.lea(R.Rdi, mem(R.Rbx, this.context.layout.tierUpContextOffset));
    a.lea(R.Rsi, slots);
    this.callRuntime(this.runtime.tierUp);
    return slots;
  }

  // ---- operators

  private operatorAt(op: Operator): void {
    const code = op.opcode;
    const k = KIND[code];
    if (!this.reachable) {
      switch (k) {
        case K.Block:
        case K.Loop:
        case K.If:
          this.frames.push({ kind: FrameKind.Block, live: false, base: this.height, params: 0, results: [], label: -1, elseLabel: -1, branched: false });
          return;
        case K.Else:
          this.emitElse();
          return;
        case K.End:
          this.emitEnd();
          return;
        default:
          return;
      }
    }
    if (code >= 0x200) throw new BaselineUnsupported('SIMD');
    switch (k) {
      case K.Nop:
        return;
      case K.Unreachable:
        this.a.jmp(this.trap(TrapCode.Unreachable));
        this.reachable = false;
        return;
      case K.Block:
      case K.Loop:
      case K.If:
        this.emitBlockStart(k, op.blockType);
        return;
      case K.Else:
        this.emitElse();
        return;
      case K.End:
        this.emitEnd();
        return;
      case K.Br:
        this.spillAll();
        this.branch(op.index);
        this.reachable = false;
        return;
      case K.BrIf:
        this.emitBrIf(op.index);
        return;
      case K.BrTable:
        this.emitBrTable(op);
        return;
      case K.Return:
        this.returnTop();
        this.reachable = false;
        return;
      case K.Call:
        this.emitCall(op.index);
        return;
      case K.CallIndirect:
        this.emitCallIndirect(op.index, op.secondIndex);
        return;
      case K.Drop:
        this.free(this.pop());
        return;
      case K.Select:
      case K.SelectTyped:
        if (k === K.SelectTyped && op.valueType === ValType.V128) throw new BaselineUnsupported('v128');
        this.emitSelect();
        return;
      case K.LocalGet:
        this.emitLocalGet(op.index);
        return;
      case K.LocalSet:
        this.storeLocal(op.index, this.pop(), false);
        return;
      case K.LocalTee:
        this.storeLocal(op.index, this.pop(), true);
        return;
      case K.GlobalGet:
        this.emitGlobalGet(op.index);
        return;
      case K.GlobalSet:
        this.emitGlobalSet(op.index);
        return;
      case K.I32Const:
        this.pushConstant(ValType.I32, op.i32 | 0, (op.i32 | 0) >> 31);
        return;
      case K.I64Const:
        this.pushConstant(ValType.I64, op.i64Low | 0, op.i64High | 0);
        return;
      case K.F32Const:
        this.pushConstant(ValType.F32, op.f32Bits | 0, 0);
        return;
      case K.F64Const:
        this.pushConstant(ValType.F64, op.f64Low | 0, op.f64High | 0);
        return;
      case K.MemorySize: {
        const reg = this.allocateGpr();
        this.a.load(64, reg, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
        this.a.load(64, reg, mem(reg, MemoryDefinition.byteLength));
        this.a.shiftImm(64, 5, reg, 16);
        this.pushRegister(ValType.I32, reg);
        return;
      }
      case K.MemoryGrow: {
        const delta = this.pop();
        this.spillAll(); // first: rsi may hold a stack value
        this.toFixedGpr(delta, R.Rsi);
        this.a.load(64, R.Rdi, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
        this.saveFloatHomes();
        this.callRuntime(this.runtime.memoryGrow);
        this.loadFloatHomes();
        const reg = this.allocateGpr();
        this.a.movRR(32, reg, R.Rax);
        this.pushRegister(ValType.I32, reg);
        return;
      }
      case K.RefNull:
        this.pushConstant(op.valueType as ValType, 0, 0);
        return;
      case K.RefIsNull: {
        const operand = this.pop();
        const reg = this.inGpr(operand);
        this.a.aluRR(64, 0x85, reg, reg);
        this.setBoolean(Cond.E, reg);
        return;
      }
      case K.RefFunc: {
        const reg = this.allocateGpr();
        this.a.lea(reg, mem(R.Rbx, this.context.layout.funcRef(op.index)));
        this.pushRegister(ValType.FuncRef, reg);
        return;
      }
      default:
        break;
    }
    if (this.memoryAccess(op)) return;
    if (this.integerOperator(k)) return;
    if (this.floatOperator(k)) return;
    if (this.conversion(k)) return;
    throw new BaselineUnsupported(`operator ${code.toString(16)}`);
  }

  /** `reg` ← (cond ? 1 : 0), pushed as an i32 (reg is reserved). */
  private setBoolean(cond: Cond, reg: R): void {
    this.a.setcc(cond, reg);
    this.a.extendReg(32, reg, reg, 8, false);
    this.pushRegister(ValType.I32, reg);
  }

  // ---- variables

  private emitLocalGet(index: number): void {
    const type = this.localTypes[index];
    const home = this.home(index);
    const floatHome = this.floatHome(index);
    if (home >= 0) {
      // A copy: the home register itself on the stack would change with a later local.set.
      const reg = this.allocateGpr();
      this.a.movRR(isWide(type) ? 64 : 32, reg, home as R);
      this.pushRegister(type, reg);
    } else if (floatHome >= 0) {
      const reg = this.allocateXmm();
      this.a.movXmm(reg, floatHome);
      this.pushRegister(type, reg);
    } else if (isFloat(type)) {
      const reg = this.allocateXmm();
      this.a.loadXmm(true, reg, this.localSlot(index));
      this.pushRegister(type, reg);
    } else {
      const reg = this.allocateGpr();
      this.a.load(isWide(type) ? 64 : 32, reg, this.localSlot(index));
      this.pushRegister(type, reg);
    }
  }

  private storeLocal(index: number, value: Operand, keep: boolean): void {
    const a = this.a;
    const home = this.home(index) as R;
    const floatHome = this.floatHome(index);
    const slot = this.localSlot(index);
    if (floatHome >= 0) {
      // Bit-exact copies (movaps, movss/movsd, movd/movq): a NaN keeps its payload.
      if (value.where === Where.Constant) {
        a.movImm64(R.Rax, value.lo, value.type === ValType.F64 ? value.hi : 0);
        a.movToXmm(value.type === ValType.F64 ? 64 : 32, floatHome, R.Rax);
      } else if (value.where === Where.Slot && !keep) {
        a.loadXmm(true, floatHome, value.slot);
      } else {
        a.movXmm(floatHome, this.inXmm(value));
      }
    } else if (home >= 0) {
      // An i32 stays zero-extended in its home (as in every register).
      if (value.where === Where.Constant) {
        if (isWide(value.type)) a.movImm64(home, value.lo, value.hi);
        else a.movImm32(home, value.lo);
      } else if (value.where === Where.Slot && !keep) {
        a.load(isWide(value.type) ? 64 : 32, home, value.slot);
      } else {
        a.movRR(64, home, this.inGpr(value));
      }
    } else if (value.where === Where.Constant && fitsImm32(value.type, value.lo, value.hi)) {
      a.storeImm(64, slot, value.lo);
    } else if (isFloat(value.type)) {
      a.storeXmm(true, slot, this.inXmm(value));
    } else {
      a.store(64, slot, this.inGpr(value));
    }
    if (!keep) {
      this.free(value);
      return;
    }
    if (value.where === Where.Constant) this.pushConstant(value.type, value.lo, value.hi);
    else this.pushRegister(value.type, value.reg);
  }

  private globalType(index: number): ValType {
    const type = this.context.module.globals[index].type.type;
    if (type === ValType.V128) throw new BaselineUnsupported('v128 global');
    return type;
  }

  /** The global's cell; rcx holds the cell's address for an imported one. */
  private globalCell(index: number): Mem {
    const layout = this.context.layout;
    if (!layout.isImportedGlobal(index)) return mem(R.Rbx, layout.definedGlobalCell(index));
    this.a.load(64, R.Rcx, mem(R.Rbx, layout.importedGlobalPointer(index)));
    return mem(R.Rcx, 0);
  }

  private emitGlobalGet(index: number): void {
    const type = this.globalType(index);
    if (isFloat(type)) {
      const reg = this.allocateXmm();
      this.a.loadXmm(type === ValType.F64, reg, this.globalCell(index));
      this.pushRegister(type, reg);
    } else {
      const reg = this.allocateGpr();
      this.a.load(isWide(type) ? 64 : 32, reg, this.globalCell(index));
      this.pushRegister(type, reg);
    }
  }

  private emitGlobalSet(index: number): void {
    const type = this.globalType(index);
    const value = this.pop();
    if (isFloat(type)) {
      const reg = this.inXmm(value);
      this.a.storeXmm(type === ValType.F64, this.globalCell(index), reg);
    } else {
      const reg = this.inGpr(value);
      this.a.store(isWide(type) ? 64 : 32, this.globalCell(index), reg);
    }
    this.free(value);
  }

  private emitSelect(): void {
    const a = this.a;
    const condition = this.pop();
    const second = this.pop();
    const first = this.pop();
    const c = this.inGpr(condition);
    if (isFloat(first.type)) {
      const x = this.inXmm(first);
      const y = this.inXmm(second);
      const keep = a.newLabel();
      a.aluRR(32, 0x85, c, c);
      a.jcc(Cond.NE, keep);
      a.movXmm(x, y);
      a.bind(keep);
      this.pushRegister(first.type, x);
    } else {
      const x = this.inGpr(first);
      const y = this.inGpr(second);
      a.aluRR(32, 0x85, c, c);
      a.cmov(64, Cond.E, x, y);
      this.pushRegister(first.type, x);
    }
    this.free(second);
    this.free(condition);
  }

  // ---- control

  /** A block type's parameter count and result types (shared objects for the value-type forms). */
  private blockTypes(blockType: number): BlockTypes {
    if (blockType < 0) {
      const shared = VALUE_BLOCK_TYPES[blockType + 0x80];
      if (shared === undefined) throw new BaselineUnsupported('v128 block');
      return shared;
    }
    const type = this.context.module.types[blockType];
    if (type.params.includes(ValType.V128) || type.results.includes(ValType.V128)) throw new BaselineUnsupported('v128 block');
    if (type.results.length > 1) throw new BaselineUnsupported('block with several results');
    return { params: type.params.length, results: type.results };
  }

  private enclosingLoops(): number {
    let loops = 0;
    for (const frame of this.frames) if (frame.kind === FrameKind.Loop) loops++;
    return loops;
  }

  private emitBlockStart(code: number, blockType: number): void {
    const a = this.a;
    const { params, results } = this.blockTypes(blockType);
    if (code === K.If) {
      if (params !== 0) throw new BaselineUnsupported('if with parameters');
      const condition = this.pop();
      const c = this.inGpr(condition);
      this.spillAll();
      a.aluRR(32, 0x85, c, c);
      this.free(condition);
      this.openIf(results, Cond.NE);
      return;
    }
    if (code === K.Block) {
      this.frames.push({ kind: FrameKind.Block, live: true, base: this.height - params, params, results, label: a.newLabel(), elseLabel: -1, branched: false });
      return;
    }
    // Loop: ordinal and OSR candidacy as the LLVM translator gives them (emit-control.ts).
    const ordinal = this.loopOrdinal++;
    const candidate = params === 0 && this.height === 0 && this.enclosingLoops() === 0;
    this.spillAll();
    const header = a.newLabel();
    this.frames.push({ kind: FrameKind.Loop, live: true, base: this.height - params, params, results, label: header, elseLabel: -1, branched: false });
    a.bind(header);
    this.interruptPoll();
    if (this.context.tiered) {
      this.countDown(TIER_UP_FROM_LOOP);
      if (candidate) this.osrCheck(ordinal);
    }
  }

  /** An `if` on the flags (the stack already in its slots): its arm runs when `cond` holds, else it jumps to the else-label. */
  private openIf(results: readonly ValType[], cond: Cond): void {
    const a = this.a;
    const elseLabel = a.newLabel();
    a.jcc((cond ^ 1) as Cond, elseLabel);
    this.frames.push({ kind: FrameKind.If, live: true, base: this.height, params: 0, results, label: a.newLabel(), elseLabel, branched: false });
  }

  /** Tiered, at a candidate loop's header: the OSR countdown, and when due the transfer (emit-osr.ts). */
  private osrCheck(ordinal: number): void {
    this.context.onOsrCandidate?.(this.functionIndex, ordinal);
    const a = this.a;
    const { layout, module } = this.context;
    const flag = mem(R.Rbx, layout.osrFlag(this.functionIndex, module.importedFunctionCount));
    const due = a.newLabel();
    const back = a.newLabel();
    // 0 is off; otherwise count down, and check when it reaches 0.
    a.load(32, R.Rax, flag);
    a.aluRR(32, 0x85, R.Rax, R.Rax);
    a.jcc(Cond.E, back);
    a.aluMI(32, 5, flag, 1);
    a.jcc(Cond.E, due);
    a.bind(back);
    const functionIndex = this.functionIndex;
    const localsStart = this.localSlot(0);
    this.coldPaths.push(() => {
      a.bind(due);
      // The float homes into their slots (the call clobbers them; and the slots are the
      // entry's buffer, which they stay in for a transfer).
      this.saveFloatHomes();
      const slots = this.callTierUp(functionIndex, ordinal + 1);
      this.loadFloatHomes();
      a.load(64, R.Rax, slots);
      a.aluRR(64, 0x85, R.Rax, R.Rax);
      a.jcc(Cond.E, back);
      // The locals kept in registers into their slots: the slots are the entry's buffer.
      for (let i = 0; i < this.homeLocals.length; i++) a.store(64, this.localSlot(this.homeLocals[i]), HOME_REGISTERS[i]);
      // The entry runs the rest of the call: its result is ours.
      a.movRR(64, R.Rdi, R.Rbx);
      a.lea(R.Rsi, localsStart);
      a.movImm32(R.Rdx, ordinal);
      a.callReg(R.Rax);
      a.jmp(this.epilogue);
    });
  }

  private emitElse(): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame.live) return;
    const a = this.a;
    if (this.reachable) {
      this.spillAll();
      a.jmp(frame.label);
      frame.branched = true;
    }
    this.height = frame.base + frame.params;
    a.bind(frame.elseLabel);
    frame.elseLabel = -1;
    frame.kind = FrameKind.Else;
    this.reachable = true;
  }

  private emitEnd(): void {
    const frame = this.frames.pop()!;
    if (!frame.live) return;
    const a = this.a;
    switch (frame.kind) {
      case FrameKind.Function:
        if (this.reachable) this.returnTop();
        this.reachable = false;
        return;
      case FrameKind.Loop:
        if (!this.reachable) this.height = frame.base;
        return;
      case FrameKind.If:
        // No else-arm: the false edge reaches the end (with no values: no parameters here).
        if (this.reachable) this.spillAll();
        this.height = frame.base;
        a.bind(frame.elseLabel);
        this.pushMerged(frame);
        this.reachable = true;
        return;
      default:
        break;
    }
    if (!frame.branched) {
      // Only the fallthrough reaches the end: the values stay where they are.
      if (!this.reachable) this.height = frame.base;
      return;
    }
    if (this.reachable) this.spillAll();
    this.height = frame.base;
    a.bind(frame.label);
    this.pushMerged(frame);
    this.reachable = true;
  }

  /** At a label: the frame's results, in their slots. */
  private pushMerged(frame: ControlFrame): void {
    for (const type of frame.results) this.pushSlot(type);
    if (frame.kind !== FrameKind.If || !frame.branched) return;
    this.a.bind(frame.label); // an if without else whose then-arm branched to its end
  }

  /** Moves the top `count` values (in slots) to the slots from `base` on (a branch's values). */
  private moveValues(count: number, base: number): void {
    const from = this.height - count;
    if (from === base) return;
    for (let i = 0; i < count; i++) {
      this.a.load(64, R.Rax, this.slot(from + i));
      this.a.store(64, this.slot(base + i), R.Rax);
    }
  }

  private target(depth: number): ControlFrame {
    return this.frames[this.frames.length - 1 - depth];
  }

  private arity(frame: ControlFrame): number {
    return frame.kind === FrameKind.Loop ? frame.params : frame.results.length;
  }

  /** Values and jump for `br depth`, the stack already in its slots (the caller decides what is reachable after). */
  private branch(depth: number): void {
    const frame = this.target(depth);
    if (frame.kind === FrameKind.Function) {
      this.returnTop();
      return;
    }
    this.moveValues(this.arity(frame), frame.base);
    if (frame.kind !== FrameKind.Loop) frame.branched = true;
    this.a.jmp(frame.label);
  }

  private emitBrIf(depth: number): void {
    const condition = this.pop();
    const c = this.inGpr(condition);
    this.spillAll();
    this.a.aluRR(32, 0x85, c, c);
    this.free(condition);
    this.branchIf(depth, Cond.NE);
  }

  /** `br_if depth` on the flags, taken when `cond` holds (the stack already in its slots). */
  private branchIf(depth: number, cond: Cond): void {
    const a = this.a;
    const frame = this.target(depth);
    const count = this.arity(frame);
    if (frame.kind !== FrameKind.Function && (count === 0 || this.height - count === frame.base)) {
      if (frame.kind !== FrameKind.Loop) frame.branched = true;
      a.jcc(cond, frame.label);
      return;
    }
    const skip = a.newLabel();
    a.jcc((cond ^ 1) as Cond, skip);
    this.branch(depth);
    a.bind(skip);
  }

  /** Whether the operator after the current one is br_if or if (a comparison then jumps on its flags). */
  private branchFollows(): boolean {
    const reader = this.reader;
    if (reader.pos >= reader.end) return false;
    const next = reader.bytes[reader.pos];
    return next === OP_BR_IF || next === OP_IF;
  }

  /**
   * The br_if or if that follows a comparison (branchFollows), read here and compiled on the
   * comparison's flags — taken (or its arm run) when `cond` holds — instead of on a boolean.
   * Only stores come between the comparison and the jump (spills: mov leaves the flags).
   */
  private fuseBranch(cond: Cond): void {
    const op = this.operator;
    this.reader.read(op);
    if (op.opcode === OP_IF) {
      const { params, results } = this.blockTypes(op.blockType);
      if (params !== 0) throw new BaselineUnsupported('if with parameters');
      this.spillAll();
      this.openIf(results, cond);
      return;
    }
    this.spillAll();
    this.branchIf(op.index, cond);
  }

  private emitBrTable(op: Operator): void {
    const a = this.a;
    const count = op.brTableCount;
    const targets = Array.from(op.brTableTargets.subarray(0, count));
    const defaultDepth = op.index;
    const index = this.pop();
    this.toFixedGpr(index, R.Rax);
    this.spillAll();
    // Each target: straight to its label when no values move, else through a stub.
    const stubs: { label: Label; depth: number }[] = [];
    const resolved = new Map<number, Label>();
    const resolve = (depth: number): Label => {
      let label = resolved.get(depth);
      if (label === undefined) {
        const frame = this.target(depth);
        const arity = this.arity(frame);
        if (frame.kind !== FrameKind.Function && (arity === 0 || this.height - arity === frame.base)) {
          if (frame.kind !== FrameKind.Loop) frame.branched = true;
          label = frame.label;
        } else {
          label = a.newLabel();
          stubs.push({ label, depth });
        }
        resolved.set(depth, label);
      }
      return label;
    };
    const defaultLabel = resolve(defaultDepth);
    a.aluRI(32, 7, R.Rax, count); // cmp eax, count (the index is zero-extended)
    a.jcc(Cond.AE, defaultLabel);
    if (count > 0) {
      const table = a.newLabel();
      a.leaRip(R.Rcx, table);
      a.opMem(0, true, 0x63, R.Rax, mem(R.Rcx, 0, R.Rax, 4)); // movsxd rax, [rcx + rax*4]
      a.aluRR(64, 0x01, R.Rax, R.Rcx);
      a.jmpReg(R.Rax);
      a.align(4);
      a.bind(table);
      const tableStart = a.length;
      for (const depth of targets) a.tableEntry(resolve(depth), tableStart);
    }
    for (const stub of stubs) {
      a.bind(stub.label);
      this.branch(stub.depth);
    }
    this.reachable = false;
  }

  /** The function's result (the top of the stack) into rax/xmm0, then the epilogue. */
  private returnTop(): void {
    const results = this.signature.results;
    if (results.length === 1) {
      const value = this.pop();
      if (isFloat(value.type)) {
        this.a.movXmm(0, this.inXmm(value));
      } else {
        this.toFixedGpr(value, R.Rax);
      }
      this.free(value);
      this.height++; // the value stays on the (now unreachable) stack for what follows
    }
    this.a.jmp(this.epilogue);
  }

  // ---- calls

  /** Arguments from the top `type.params.length` slots (spilled) into registers and the outgoing area; pops them. */
  private passArguments(type: FuncType): void {
    const a = this.a;
    const params = type.params;
    const first = this.height - params.length;
    let intIndex = 0;
    let floatIndex = 0;
    let stackIndex = 0;
    for (let i = 0; i < params.length; i++) {
      const s = this.slot(first + i);
      if (isFloat(params[i])) {
        if (floatIndex < FLOAT_ARGUMENT_REGISTERS) {
          a.loadXmm(true, floatIndex++, s);
          continue;
        }
      } else if (intIndex < INT_ARGUMENT_REGISTERS.length) {
        a.load(64, INT_ARGUMENT_REGISTERS[intIndex++], s);
        continue;
      }
      a.load(64, R.Rax, s);
      a.store(64, mem(R.Rsp, 8 * stackIndex++), R.Rax);
    }
    this.outgoingBytes = Math.max(this.outgoingBytes, 8 * stackIndex);
    this.height = first;
  }

  private checkCallType(type: FuncType): void {
    if (type.results.length > 1) throw new BaselineUnsupported('several results');
    for (const t of type.params) if (t === ValType.V128) throw new BaselineUnsupported('v128');
    for (const t of type.results) if (t === ValType.V128) throw new BaselineUnsupported('v128');
  }

  /** The call's result (rax or xmm0) onto the stack, in a register. */
  private pushResult(type: FuncType): void {
    if (type.results.length === 0) return;
    const result = type.results[0];
    if (isFloat(result)) {
      const reg = this.allocateXmm();
      this.a.movXmm(reg, 0);
      this.pushRegister(result, reg);
    } else {
      const reg = this.allocateGpr();
      this.a.movRR(isWide(result) ? 64 : 32, reg, R.Rax);
      this.pushRegister(result, reg);
    }
  }

  private emitCall(functionIndex: number): void {
    const { module, layout } = this.context;
    const type = module.types[module.functionTypeIndices[functionIndex]];
    this.checkCallType(type);
    this.spillAll();
    this.passArguments(type);
    const a = this.a;
    const funcRef = layout.funcRef(functionIndex);
    a.load(64, R.Rax, mem(R.Rbx, funcRef + FuncRef.code));
    a.load(64, R.Rdi, mem(R.Rbx, funcRef + FuncRef.vmctx));
    this.saveFloatHomes();
    a.callReg(R.Rax);
    this.loadFloatHomes();
    this.pushResult(type);
  }

  private emitCallIndirect(typeIndex: number, tableIndex: number): void {
    const { module, layout } = this.context;
    const type = module.types[typeIndex];
    this.checkCallType(type);
    const a = this.a;
    const index = this.pop();
    this.toFixedGpr(index, R.Rax);
    this.spillAll();
    // The callee's FuncRef into r10 (no argument register), with the checks of emit-call.ts.
    a.load(64, R.Rcx, mem(R.Rbx, layout.tableDefinitionPointer(tableIndex)));
    a.aluRM(64, 0x3b, R.Rax, mem(R.Rcx, TableDefinition.length)); // cmp rax, length
    a.jcc(Cond.AE, this.trap(TrapCode.UndefinedElement));
    a.load(64, R.Rcx, mem(R.Rcx, TableDefinition.elements));
    a.load(64, R.R10, mem(R.Rcx, 0, R.Rax, 8));
    a.aluRR(64, 0x85, R.R10, R.R10);
    a.jcc(Cond.E, this.trap(TrapCode.UninitializedElement));
    a.load(64, R.Rax, mem(R.Rbx, layout.typeId(typeIndex)));
    a.aluRM(64, 0x3b, R.Rax, mem(R.R10, FuncRef.typeId));
    a.jcc(Cond.NE, this.trap(TrapCode.IndirectCallTypeMismatch));
    this.passArguments(type);
    a.load(64, R.Rdi, mem(R.R10, FuncRef.vmctx));
    a.load(64, R.Rax, mem(R.R10, FuncRef.code));
    this.saveFloatHomes();
    a.callReg(R.Rax);
    this.loadFloatHomes();
    this.pushResult(type);
  }

  // ---- memory

  /** The effective address of an access at `address` + `offset` (memory 0). */
  private effectiveAddress(address: Operand, offset: number): Mem {
    if (address.where === Where.Constant) {
      const total = (address.lo >>> 0) + offset;
      if (total <= 0x7fff_ffff) return mem(R.R12, total);
    }
    const reg = this.inGpr(address);
    if (offset <= 0x7fff_ffff) return mem(R.R12, offset, reg, 1);
    this.a.movImm32(R.Rcx, offset);
    this.a.aluRR(64, 0x01, R.Rcx, reg);
    return mem(R.R12, 0, R.Rcx, 1);
  }

  private memoryAccess(op: Operator): boolean {
    const a = this.a;
    const k = KIND[op.opcode];
    const offset = op.memoryOffset >>> 0;
    let bits: 8 | 16 | 32 | 64;
    let signed = false;
    let type: ValType;
    switch (k) {
      case K.I32Load: bits = 32; type = ValType.I32; break;
      case K.F32Load: bits = 32; type = ValType.F32; break;
      case K.I64Load: bits = 64; type = ValType.I64; break;
      case K.F64Load: bits = 64; type = ValType.F64; break;
      case K.I32Load8S: bits = 8; signed = true; type = ValType.I32; break;
      case K.I32Load8U: bits = 8; type = ValType.I32; break;
      case K.I32Load16S: bits = 16; signed = true; type = ValType.I32; break;
      case K.I32Load16U: bits = 16; type = ValType.I32; break;
      case K.I64Load8S: bits = 8; signed = true; type = ValType.I64; break;
      case K.I64Load8U: bits = 8; type = ValType.I64; break;
      case K.I64Load16S: bits = 16; signed = true; type = ValType.I64; break;
      case K.I64Load16U: bits = 16; type = ValType.I64; break;
      case K.I64Load32S: bits = 32; signed = true; type = ValType.I64; break;
      case K.I64Load32U: bits = 32; type = ValType.I64; break;
      case K.I32Store: case K.I64Store32: this.storeTo(32, offset); return true;
      case K.F32Store: this.storeTo(32, offset); return true;
      case K.I64Store: case K.F64Store: this.storeTo(64, offset); return true;
      case K.I32Store8: case K.I64Store8: this.storeTo(8, offset); return true;
      case K.I32Store16: case K.I64Store16: this.storeTo(16, offset); return true;
      default: return false;
    }
    const address = this.pop();
    const m = this.effectiveAddress(address, offset);
    if (isFloat(type)) {
      const reg = this.allocateXmm();
      a.loadXmm(type === ValType.F64, reg, m);
      this.free(address);
      this.pushRegister(type, reg);
      return true;
    }
    // The address register becomes the result's (it is read before it is written).
    const reg = address.where === Where.Register ? (address.reg as R) : this.allocateGpr();
    if (bits === 64) a.load(64, reg, m);
    else if (bits === 32 && !signed) a.load(32, reg, m);
    else a.loadExtend(type === ValType.I64 ? 64 : 32, reg, m, bits, signed);
    this.pushRegister(type, reg);
    return true;
  }

  private storeTo(bits: 8 | 16 | 32 | 64, offset: number): void {
    const a = this.a;
    const value = this.pop();
    const address = this.pop();
    if (value.where === Where.Constant && (bits < 64 || fitsImm32(value.type, value.lo, value.hi))) {
      const m = this.effectiveAddress(address, offset);
      const imm = value.lo;
      if (bits === 8) {
        a.opMem(0, false, 0xc6, 0, m);
        a.byte(imm);
      } else if (bits === 16) {
        a.opMem(0x66, false, 0xc7, 0, m);
        a.byte(imm);
        a.byte(imm >> 8);
      } else {
        a.storeImm(bits, m, imm);
      }
    } else if (isFloat(value.type)) {
      const reg = this.inXmm(value);
      a.storeXmm(value.type === ValType.F64, this.effectiveAddress(address, offset), reg);
    } else {
      const reg = this.inGpr(value);
      a.store(bits, this.effectiveAddress(address, offset), reg);
    }
    this.free(value);
    this.free(address);
  }

  // ---- integer operators

  private integerOperator(code: number): boolean {
    const a = this.a;
    // Binary ALU operators: opcode of the (r/m, r) form and the /digit of the immediate form.
    const alu = (type: ValType, opcode: number, digit: number): void => {
      const w: Width = type === ValType.I64 ? 64 : 32;
      const rhs = this.pop();
      const lhs = this.pop();
      const x = this.inGpr(lhs);
      if (rhs.where === Where.Constant && fitsImm32(type, rhs.lo, rhs.hi)) a.aluRI(w, digit, x, rhs.lo);
      else if (rhs.where === Where.Slot) a.aluRM(w, opcode + 2, x, rhs.slot);
      else a.aluRR(w, opcode, x, this.inGpr(rhs));
      this.free(rhs);
      this.pushRegister(type, x);
    };
    const compare = (w: Width, cond: Cond): void => {
      const rhs = this.pop();
      const lhs = this.pop();
      const x = this.inGpr(lhs);
      if (rhs.where === Where.Constant && fitsImm32(rhs.type, rhs.lo, rhs.hi)) a.aluRI(w, 7, x, rhs.lo);
      else if (rhs.where === Where.Slot) a.aluRM(w, 0x3b, x, rhs.slot);
      else a.aluRR(w, 0x39, x, this.inGpr(rhs));
      this.free(rhs);
      if (this.branchFollows()) {
        this.free(lhs);
        this.fuseBranch(cond);
      } else {
        this.setBoolean(cond, x);
      }
    };
    const shift = (type: ValType, digit: number): void => {
      const w: Width = type === ValType.I64 ? 64 : 32;
      const rhs = this.pop();
      const lhs = this.pop();
      const x = this.inGpr(lhs);
      if (rhs.where === Where.Constant) {
        a.shiftImm(w, digit, x, rhs.lo & (w - 1));
      } else {
        this.toFixedGpr(rhs, R.Rcx);
        a.shiftCl(w, digit, x);
      }
      this.free(rhs);
      this.pushRegister(type, x);
    };
    const count = (type: ValType, opcode: 0xbd | 0xbc | 0xb8): void => {
      const operand = this.pop();
      const x = this.inGpr(operand);
      a.bitCount(type === ValType.I64 ? 64 : 32, opcode, x, x);
      this.pushRegister(type, x);
    };
    switch (code) {
      case K.I32Eqz: case K.I64Eqz: {
        const operand = this.pop();
        const x = this.inGpr(operand);
        a.aluRR(code === K.I64Eqz ? 64 : 32, 0x85, x, x);
        if (this.branchFollows()) {
          this.free(operand);
          this.fuseBranch(Cond.E);
        } else {
          this.setBoolean(Cond.E, x);
        }
        return true;
      }
      case K.I32Eq: compare(32, Cond.E); return true;
      case K.I32Ne: compare(32, Cond.NE); return true;
      case K.I32LtS: compare(32, Cond.L); return true;
      case K.I32LtU: compare(32, Cond.B); return true;
      case K.I32GtS: compare(32, Cond.G); return true;
      case K.I32GtU: compare(32, Cond.A); return true;
      case K.I32LeS: compare(32, Cond.LE); return true;
      case K.I32LeU: compare(32, Cond.BE); return true;
      case K.I32GeS: compare(32, Cond.GE); return true;
      case K.I32GeU: compare(32, Cond.AE); return true;
      case K.I64Eq: compare(64, Cond.E); return true;
      case K.I64Ne: compare(64, Cond.NE); return true;
      case K.I64LtS: compare(64, Cond.L); return true;
      case K.I64LtU: compare(64, Cond.B); return true;
      case K.I64GtS: compare(64, Cond.G); return true;
      case K.I64GtU: compare(64, Cond.A); return true;
      case K.I64LeS: compare(64, Cond.LE); return true;
      case K.I64LeU: compare(64, Cond.BE); return true;
      case K.I64GeS: compare(64, Cond.GE); return true;
      case K.I64GeU: compare(64, Cond.AE); return true;
      case K.I32Clz: count(ValType.I32, 0xbd); return true;
      case K.I32Ctz: count(ValType.I32, 0xbc); return true;
      case K.I32Popcnt: count(ValType.I32, 0xb8); return true;
      case K.I64Clz: count(ValType.I64, 0xbd); return true;
      case K.I64Ctz: count(ValType.I64, 0xbc); return true;
      case K.I64Popcnt: count(ValType.I64, 0xb8); return true;
      case K.I32Add: alu(ValType.I32, 0x01, 0); return true;
      case K.I32Sub: alu(ValType.I32, 0x29, 5); return true;
      case K.I32And: alu(ValType.I32, 0x21, 4); return true;
      case K.I32Or: alu(ValType.I32, 0x09, 1); return true;
      case K.I32Xor: alu(ValType.I32, 0x31, 6); return true;
      case K.I64Add: alu(ValType.I64, 0x01, 0); return true;
      case K.I64Sub: alu(ValType.I64, 0x29, 5); return true;
      case K.I64And: alu(ValType.I64, 0x21, 4); return true;
      case K.I64Or: alu(ValType.I64, 0x09, 1); return true;
      case K.I64Xor: alu(ValType.I64, 0x31, 6); return true;
      case K.I32Mul: case K.I64Mul: {
        const type = code === K.I64Mul ? ValType.I64 : ValType.I32;
        const w: Width = type === ValType.I64 ? 64 : 32;
        const rhs = this.pop();
        const lhs = this.pop();
        const x = this.inGpr(lhs);
        if (rhs.where === Where.Slot) a.opMem(0, w === 64, 0xfaf, x, rhs.slot);
        else a.imulRR(w, x, this.inGpr(rhs));
        this.free(rhs);
        this.pushRegister(type, x);
        return true;
      }
      case K.I32Shl: shift(ValType.I32, 4); return true;
      case K.I32ShrS: shift(ValType.I32, 7); return true;
      case K.I32ShrU: shift(ValType.I32, 5); return true;
      case K.I32Rotl: shift(ValType.I32, 0); return true;
      case K.I32Rotr: shift(ValType.I32, 1); return true;
      case K.I64Shl: shift(ValType.I64, 4); return true;
      case K.I64ShrS: shift(ValType.I64, 7); return true;
      case K.I64ShrU: shift(ValType.I64, 5); return true;
      case K.I64Rotl: shift(ValType.I64, 0); return true;
      case K.I64Rotr: shift(ValType.I64, 1); return true;
      case K.I32DivS: this.divide(ValType.I32, true, false); return true;
      case K.I32DivU: this.divide(ValType.I32, false, false); return true;
      case K.I32RemS: this.divide(ValType.I32, true, true); return true;
      case K.I32RemU: this.divide(ValType.I32, false, true); return true;
      case K.I64DivS: this.divide(ValType.I64, true, false); return true;
      case K.I64DivU: this.divide(ValType.I64, false, false); return true;
      case K.I64RemS: this.divide(ValType.I64, true, true); return true;
      case K.I64RemU: this.divide(ValType.I64, false, true); return true;
      case K.I32Extend8S: case K.I32Extend16S: {
        const operand = this.pop();
        const x = this.inGpr(operand);
        a.extendReg(32, x, x, code === K.I32Extend8S ? 8 : 16, true);
        this.pushRegister(ValType.I32, x);
        return true;
      }
      case K.I64Extend8S: case K.I64Extend16S: case K.I64Extend32S: case K.I64ExtendI32S: {
        const operand = this.pop();
        const x = this.inGpr(operand);
        a.extendReg(64, x, x, code === K.I64Extend8S ? 8 : code === K.I64Extend16S ? 16 : 32, true);
        this.pushRegister(ValType.I64, x);
        return true;
      }
      case K.I64ExtendI32U: {
        // An i32 in a register is zero-extended already; a slot's high half is undefined.
        const operand = this.pop();
        if (operand.where === Where.Constant) this.pushConstant(ValType.I64, operand.lo, 0);
        else this.pushRegister(ValType.I64, this.inGpr(operand));
        return true;
      }
      case K.I32WrapI64:
        this.retype(ValType.I32, false);
        return true;
      case K.I32ReinterpretF32:
        this.retype(ValType.I32, true);
        return true;
      case K.F32ReinterpretI32:
        this.retype(ValType.F32, true);
        return true;
      case K.I64ReinterpretF64:
        this.retype(ValType.I64, true);
        return true;
      case K.F64ReinterpretI64:
        this.retype(ValType.F64, true);
        return true;
      default:
        return false;
    }
  }

  /**
   * The top value as another type with the same bits (reinterpretations and wrap):
   * a slot or constant is only relabelled; a register moves to the other file for a
   * reinterpretation, and i32.wrap_i64 zero-extends its register (the i32 invariant).
   */
  private retype(type: ValType, otherFile: boolean): void {
    const operand = this.pop();
    if (operand.where === Where.Slot) {
      this.pushSlot(type);
      return;
    }
    if (operand.where === Where.Constant) {
      if (type === ValType.I32) this.pushConstant(type, operand.lo, operand.lo >> 31);
      else if (type === ValType.F32) this.pushConstant(type, operand.lo, 0);
      else this.pushConstant(type, operand.lo, operand.hi);
      return;
    }
    const w: Width = isWide(type) ? 64 : 32;
    if (!otherFile) {
      if (type === ValType.I32) this.a.movRR(32, operand.reg as R, operand.reg as R);
      this.pushRegister(type, operand.reg);
      return;
    }
    if (isFloat(type)) {
      const x = this.allocateXmm();
      this.a.movToXmm(w, x, operand.reg as R);
      this.free(operand);
      this.pushRegister(type, x);
    } else {
      const reg = this.allocateGpr();
      this.a.movFromXmm(w, reg, operand.reg);
      this.free(operand);
      this.pushRegister(type, reg);
    }
  }

  /** div/rem with wasm's traps: zero divisor; INT_MIN / -1 overflows, INT_MIN % -1 is 0. */
  private divide(type: ValType, signed: boolean, remainder: boolean): void {
    const a = this.a;
    const w: Width = type === ValType.I64 ? 64 : 32;
    const rhs = this.pop();
    const lhs = this.pop();
    const x = this.inGpr(lhs);
    this.toFixedGpr(rhs, R.Rcx);
    a.aluRR(w, 0x85, R.Rcx, R.Rcx);
    a.jcc(Cond.E, this.trap(TrapCode.IntegerDivideByZero));
    a.movRR(w, R.Rax, x);
    const done = a.newLabel();
    if (signed) {
      const normal = a.newLabel();
      a.aluRI(w, 7, R.Rcx, -1);
      a.jcc(Cond.NE, normal);
      if (remainder) {
        a.aluRR(32, 0x31, R.Rdx, R.Rdx); // x % -1 = 0
      } else {
        // x / -1 = -x, which overflows exactly for INT_MIN.
        a.unaryF7(w, 3, R.Rax);
        a.jcc(Cond.O, this.trap(TrapCode.IntegerOverflow));
      }
      a.jmp(done);
      a.bind(normal);
      a.signExtendAxToDx(w);
      a.unaryF7(w, 7, R.Rcx);
    } else {
      a.aluRR(32, 0x31, R.Rdx, R.Rdx);
      a.unaryF7(w, 6, R.Rcx);
    }
    a.bind(done);
    a.movRR(w, x, remainder ? R.Rdx : R.Rax);
    this.pushRegister(type, x);
  }

  // ---- float operators

  private floatOperator(code: number): boolean {
    const a = this.a;
    const binary = (type: ValType, opcode: number): void => {
      const double = type === ValType.F64;
      const rhs = this.pop();
      const lhs = this.pop();
      const x = this.inXmm(lhs);
      if (rhs.where === Where.Slot) a.sseRM(double, opcode, x, rhs.slot);
      else a.sseRR(double, opcode, x, this.inXmm(rhs));
      this.free(rhs);
      this.pushRegister(type, x);
    };
    const unary = (type: ValType, emit: (x: number) => void): void => {
      const operand = this.pop();
      const x = this.inXmm(operand);
      emit(x);
      this.pushRegister(type, x);
    };
    // abs/neg/copysign on the bits, in rax.
    const signBit = (type: ValType, digit: number): void => {
      const double = type === ValType.F64;
      const w: Width = double ? 64 : 32;
      const operand = this.pop();
      const x = this.inXmm(operand);
      a.movFromXmm(w, R.Rax, x);
      a.bitTestImm(w, digit, R.Rax, double ? 63 : 31);
      a.movToXmm(w, x, R.Rax);
      this.pushRegister(type, x);
    };
    switch (code) {
      case K.F32Add: binary(ValType.F32, 0x58); return true;
      case K.F32Sub: binary(ValType.F32, 0x5c); return true;
      case K.F32Mul: binary(ValType.F32, 0x59); return true;
      case K.F32Div: binary(ValType.F32, 0x5e); return true;
      case K.F64Add: binary(ValType.F64, 0x58); return true;
      case K.F64Sub: binary(ValType.F64, 0x5c); return true;
      case K.F64Mul: binary(ValType.F64, 0x59); return true;
      case K.F64Div: binary(ValType.F64, 0x5e); return true;
      case K.F32Sqrt: unary(ValType.F32, (x) => a.sseRR(false, 0x51, x, x)); return true;
      case K.F64Sqrt: unary(ValType.F64, (x) => a.sseRR(true, 0x51, x, x)); return true;
      case K.F32Ceil: unary(ValType.F32, (x) => a.round(false, x, x, 2)); return true;
      case K.F32Floor: unary(ValType.F32, (x) => a.round(false, x, x, 1)); return true;
      case K.F32Trunc: unary(ValType.F32, (x) => a.round(false, x, x, 3)); return true;
      case K.F32Nearest: unary(ValType.F32, (x) => a.round(false, x, x, 0)); return true;
      case K.F64Ceil: unary(ValType.F64, (x) => a.round(true, x, x, 2)); return true;
      case K.F64Floor: unary(ValType.F64, (x) => a.round(true, x, x, 1)); return true;
      case K.F64Trunc: unary(ValType.F64, (x) => a.round(true, x, x, 3)); return true;
      case K.F64Nearest: unary(ValType.F64, (x) => a.round(true, x, x, 0)); return true;
      case K.F32Abs: signBit(ValType.F32, 6); return true;
      case K.F64Abs: signBit(ValType.F64, 6); return true;
      case K.F32Neg: signBit(ValType.F32, 7); return true;
      case K.F64Neg: signBit(ValType.F64, 7); return true;
      case K.F32Copysign: case K.F64Copysign: {
        const type = code === K.F64Copysign ? ValType.F64 : ValType.F32;
        const w: Width = type === ValType.F64 ? 64 : 32;
        const top = w - 1;
        const rhs = this.pop();
        const lhs = this.pop();
        const x = this.inXmm(lhs);
        const y = this.inXmm(rhs);
        a.movFromXmm(w, R.Rax, x);
        a.bitTestImm(w, 6, R.Rax, top); // btr: the magnitude
        a.movFromXmm(w, R.Rcx, y);
        a.shiftImm(w, 5, R.Rcx, top); // the sign bit alone...
        a.shiftImm(w, 4, R.Rcx, top); // ...in its place
        a.aluRR(w, 0x09, R.Rax, R.Rcx);
        a.movToXmm(w, x, R.Rax);
        this.free(rhs);
        this.pushRegister(type, x);
        return true;
      }
      case K.F32Min: this.minMax(ValType.F32, true); return true;
      case K.F32Max: this.minMax(ValType.F32, false); return true;
      case K.F64Min: this.minMax(ValType.F64, true); return true;
      case K.F64Max: this.minMax(ValType.F64, false); return true;
      case K.F32Eq: case K.F64Eq: case K.F32Ne: case K.F64Ne:
      case K.F32Lt: case K.F64Lt: case K.F32Gt: case K.F64Gt:
      case K.F32Le: case K.F64Le: case K.F32Ge: case K.F64Ge:
        this.floatCompare(code);
        return true;
      default:
        return false;
    }
  }

  /** wasm min/max: NaN if either is NaN; -0 < +0; otherwise minss/maxss (operands differ). */
  private minMax(type: ValType, min: boolean): void {
    const a = this.a;
    const double = type === ValType.F64;
    const rhs = this.pop();
    const lhs = this.pop();
    const x = this.inXmm(lhs);
    const y = this.inXmm(rhs);
    const nan = a.newLabel();
    const notEqual = a.newLabel();
    const done = a.newLabel();
    a.ucomis(double, x, y);
    a.jcc(Cond.P, nan);
    a.jcc(Cond.NE, notEqual);
    // Equal (maybe ±0): or keeps a negative sign (min), and keeps a positive one (max).
    a.bitwisePs(min ? 0x56 : 0x54, x, y);
    a.jmp(done);
    a.bind(notEqual);
    a.sseRR(double, min ? 0x5d : 0x5f, x, y);
    a.jmp(done);
    a.bind(nan);
    a.sseRR(double, 0x58, x, y); // a quiet NaN from the NaN operand(s)
    a.bind(done);
    this.free(rhs);
    this.pushRegister(type, x);
  }

  private floatCompare(code: number): void {
    const a = this.a;
    const double = code >= K.F64Eq && code <= K.F64Ge;
    const kind = code - (double ? K.F64Eq : K.F32Eq); // eq ne lt gt le ge
    const rhs = this.pop();
    const lhs = this.pop();
    const x = this.inXmm(lhs);
    const y = this.inXmm(rhs);
    // lt/le compare swapped (b > a, b >= a) so that unordered gives false through CF.
    const swap = kind === 2 || kind === 4;
    a.ucomis(double, swap ? y : x, swap ? x : y);
    this.free(lhs);
    this.free(rhs);
    // lt, gt, le, ge are one condition, false when unordered (CF = ZF = PF = 1): a following
    // br_if or if jumps on it. eq and ne also need PF (two jumps): they make their boolean.
    if (kind >= 2 && this.branchFollows()) {
      this.fuseBranch(kind <= 3 ? Cond.A : Cond.AE);
      return;
    }
    const reg = this.allocateGpr();
    switch (kind) {
      case 0: // eq: ZF and not PF
        a.setcc(Cond.E, reg);
        a.setcc(Cond.NP, R.Rcx);
        a.aluRR(32, 0x21, reg, R.Rcx);
        break;
      case 1: // ne: not ZF or PF
        a.setcc(Cond.NE, reg);
        a.setcc(Cond.P, R.Rcx);
        a.aluRR(32, 0x09, reg, R.Rcx);
        break;
      case 2: case 3:
        a.setcc(Cond.A, reg);
        break;
      default:
        a.setcc(Cond.AE, reg);
        break;
    }
    a.extendReg(32, reg, reg, 8, false);
    this.pushRegister(ValType.I32, reg);
  }

  // ---- conversions

  private conversion(code: number): boolean {
    const a = this.a;
    switch (code) {
      case K.F32DemoteF64: case K.F64PromoteF32: {
        const toDouble = code === K.F64PromoteF32;
        const operand = this.pop();
        const x = this.inXmm(operand);
        a.cvtFloatWidth(toDouble, x, x);
        this.pushRegister(toDouble ? ValType.F64 : ValType.F32, x);
        return true;
      }
      case K.F32ConvertI32S: case K.F64ConvertI32S: case K.F32ConvertI64S: case K.F64ConvertI64S:
      case K.F32ConvertI32U: case K.F64ConvertI32U: {
        const double = code === K.F64ConvertI32S || code === K.F64ConvertI64S || code === K.F64ConvertI32U;
        const operand = this.pop();
        const r = this.inGpr(operand);
        // i32 signed: sign-extend; i32 unsigned: zero-extended already; then a 64-bit conversion.
        if (code === K.F32ConvertI32S || code === K.F64ConvertI32S) a.extendReg(64, R.Rax, r, 32, true);
        else a.movRR(64, R.Rax, r);
        this.free(operand);
        const x = this.allocateXmm();
        a.bitwisePs(0x57, x, x);
        a.cvtIntToFloat(double, 64, x, R.Rax);
        this.pushRegister(double ? ValType.F64 : ValType.F32, x);
        return true;
      }
      case K.F32ConvertI64U: case K.F64ConvertI64U: {
        const double = code === K.F64ConvertI64U;
        const operand = this.pop();
        this.toFixedGpr(operand, R.Rax);
        const x = this.allocateXmm();
        const big = a.newLabel();
        const done = a.newLabel();
        a.bitwisePs(0x57, x, x);
        a.aluRR(64, 0x85, R.Rax, R.Rax);
        a.jcc(Cond.S, big);
        a.cvtIntToFloat(double, 64, x, R.Rax);
        a.jmp(done);
        a.bind(big);
        // Halve with the low bit kept (round to odd), convert, double: one rounding.
        a.movRR(64, R.Rcx, R.Rax);
        a.shiftImm(64, 5, R.Rcx, 1);
        a.aluRI(32, 4, R.Rax, 1);
        a.aluRR(64, 0x09, R.Rcx, R.Rax);
        a.cvtIntToFloat(double, 64, x, R.Rcx);
        a.sseRR(double, 0x58, x, x);
        a.bind(done);
        this.pushRegister(double ? ValType.F64 : ValType.F32, x);
        return true;
      }
      default:
        break;
    }
    const truncation = TRUNCATIONS.get(code);
    if (truncation === undefined) return false;
    this.truncate(truncation);
    return true;
  }

  /**
   * Float → integer, trapping or saturating. The source is widened to f64 (exactly) in xmm0,
   * then compared with the exclusive bounds of the target's range: NaN or out of range traps
   * (or saturates: NaN → 0, below → min, above → max); in range, cvttsd2si (unsigned 64-bit
   * results at or above 2^63 subtract 2^63 first and set the top bit after).
   */
  private truncate(t: Truncation): void {
    const a = this.a;
    const operand = this.pop();
    const source = this.inXmm(operand);
    if (t.fromDouble) a.movXmm(0, source);
    else a.cvtFloatWidth(true, 0, source);
    this.free(operand);
    const result = this.allocateGpr();
    const store = a.newLabel();
    a.ucomis(true, 0, 0);
    if (t.saturating) {
      const notNan = a.newLabel();
      a.jcc(Cond.NP, notNan);
      a.aluRR(32, 0x31, R.Rax, R.Rax);
      a.jmp(store);
      a.bind(notNan);
    } else {
      a.jcc(Cond.P, this.trap(TrapCode.InvalidConversionToInteger));
    }
    // Compare x (xmm0) with a bound (xmm1): in range past it, or saturate, or trap.
    const compareWith = (bits: readonly [number, number]): void => {
      a.movImm64(R.Rax, bits[0], bits[1]);
      a.movToXmm(64, 1, R.Rax);
      a.ucomis(true, 0, 1);
    };
    const checkBound = (bits: readonly [number, number], inRange: Cond, outOfRange: Cond, saturated: readonly [number, number]): void => {
      compareWith(bits);
      if (t.saturating) {
        const within = a.newLabel();
        a.jcc(inRange, within);
        a.movImm64(R.Rax, saturated[0], saturated[1]);
        a.jmp(store);
        a.bind(within);
      } else {
        a.jcc(outOfRange, this.trap(TrapCode.IntegerOverflow));
      }
    };
    checkBound(t.lower, Cond.A, Cond.BE, t.minimum); // x > lower (exclusive)
    checkBound(t.upper, Cond.B, Cond.AE, t.maximum); // x < upper (exclusive)
    if (t.to64 && !t.signed) {
      // [0, 2^64): below 2^63 directly; else subtract 2^63 and set the top bit.
      const high = a.newLabel();
      compareWith(TWO_TO_63);
      a.jcc(Cond.AE, high);
      a.cvtFloatToInt(true, 64, R.Rax, 0);
      a.jmp(store);
      a.bind(high);
      a.sseRR(true, 0x5c, 0, 1);
      a.cvtFloatToInt(true, 64, R.Rax, 0);
      a.bitTestImm(64, 7, R.Rax, 63);
    } else {
      // i32 unsigned fits a signed 64-bit conversion; i32 signed and i64 signed convert directly.
      a.cvtFloatToInt(true, t.to64 || !t.signed ? 64 : 32, R.Rax, 0);
    }
    a.bind(store);
    a.movRR(t.to64 ? 64 : 32, result, R.Rax);
    this.pushRegister(t.to64 ? ValType.I64 : ValType.I32, result);
  }
}

interface Truncation {
  readonly fromDouble: boolean;
  readonly to64: boolean;
  readonly signed: boolean;
  readonly saturating: boolean;
  /** Exclusive bounds as f64 bits: the value must be > lower and < upper. */
  readonly lower: readonly [number, number];
  readonly upper: readonly [number, number];
  /** Saturated results ([lo, hi] bits). */
  readonly minimum: readonly [number, number];
  readonly maximum: readonly [number, number];
}

const TWO_TO_63 = f64Halves(2 ** 63);

function truncation(fromDouble: boolean, to64: boolean, signed: boolean, saturating: boolean): Truncation {
  const lower = signed ? (to64 ? -(2 ** 63) - 2048 : -(2 ** 31) - 1) : -1;
  const upper = signed ? (to64 ? 2 ** 63 : 2 ** 31) : to64 ? 2 ** 64 : 2 ** 32;
  const minimum: [number, number] = signed ? (to64 ? [0, -0x8000_0000] : [-0x8000_0000, 0]) : [0, 0];
  const maximum: [number, number] = signed ? (to64 ? [-1, 0x7fff_ffff] : [0x7fff_ffff, 0]) : to64 ? [-1, -1] : [-1, 0];
  return { fromDouble, to64, signed, saturating, lower: f64Halves(lower), upper: f64Halves(upper), minimum, maximum };
}

const TRUNCATIONS = new Map<number, Truncation>([
  [K.I32TruncF32S, truncation(false, false, true, false)],
  [K.I32TruncF32U, truncation(false, false, false, false)],
  [K.I32TruncF64S, truncation(true, false, true, false)],
  [K.I32TruncF64U, truncation(true, false, false, false)],
  [K.I64TruncF32S, truncation(false, true, true, false)],
  [K.I64TruncF32U, truncation(false, true, false, false)],
  [K.I64TruncF64S, truncation(true, true, true, false)],
  [K.I64TruncF64U, truncation(true, true, false, false)],
  [K.I32TruncSatF32S, truncation(false, false, true, true)],
  [K.I32TruncSatF32U, truncation(false, false, false, true)],
  [K.I32TruncSatF64S, truncation(true, false, true, true)],
  [K.I32TruncSatF64U, truncation(true, false, false, true)],
  [K.I64TruncSatF32S, truncation(false, true, true, true)],
  [K.I64TruncSatF32U, truncation(false, true, false, true)],
  [K.I64TruncSatF64S, truncation(true, true, true, true)],
  [K.I64TruncSatF64U, truncation(true, true, false, true)],
]);

// Stage: baseline compile (wasm → x86-64 without LLVM; docs/RATIONALE.md "Why a baseline
// compiler of our own?"). One pass over a validated function body (Core spec §4.4, the
// execution of instructions; §5.4 their encoding) emits x86-64 machine code that keeps the
// whole wasm state in memory: every local and every operand-stack position has a fixed
// 8-byte slot in the frame, and each instruction loads its operands from their slots into
// scratch registers, computes, and stores the result back. No register allocation, no
// liveness, no IR: the code is several times slower than optimised code and is produced
// about a hundred times faster than LLVM's O0 — the baseline tier of lazy and tiered
// execution (compile/lazy-code.ts), as Liftoff is V8's and Winch is Wasmtime's.
//
// The code follows the engine's ABI (engine/abi/, docs/ARCHITECTURE.md §3) exactly as LLVM's
// does, so that both kinds of code call each other through FuncRefs: `<result> f(vmctx,
// params...)` in the System V convention; traps call wasm_rt_trap(code) or fault on a guard
// page; the stack limit is checked at entry and interrupts are polled at loop headers
// through the thread's ThreadLimits (%fs-relative); tiered code counts entries and loop
// iterations and enters OSR entries at candidate loops with its locals' slots as the buffer
// (translate/emit-osr.ts: 8 bytes per local, in order — which is how the slots are laid out).
//
// Frame: [rbp+16…] stack parameters, [rbp+8] return address, [rbp] caller's rbp, [rbp-8] rbx
// (the vmctx), [rbp-16] r12 (memory 0's base; it never moves), then the locals in ascending
// order ending at rbp-16, then the operand slots downwards, then the outgoing stack
// arguments at [rsp]. Values in slots: i32/f32 in the low 4 bytes (the high 4 are
// undefined), i64/f64/references in all 8; slots are always written 8 bytes at a time, as
// a 4-byte store followed by an 8-byte load of the same slot (local.get/set move 8 bytes)
// cannot be forwarded from the store buffer and stalls until the store retires — measured,
// 4-byte results made this code about three times slower.
//
// Not compiled here (the unit then goes to LLVM, BaselineUnsupported): SIMD and v128 values,
// several results (functions, calls, blocks), `if` with parameters, the table and bulk
// memory instructions, and functions whose frame would exceed 1 MiB.

import type { ModuleInfo, FunctionBody } from '../binary/module-info.js';
import { Operator, OperatorReader } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType, type FuncType } from '../wasm/value-types.js';
import { TrapCode } from '../abi/trap-codes.js';
import { FuncRef, MemoryDefinition, TableDefinition, ThreadLimits } from '../abi/abi.js';
import type { VmctxLayout } from '../abi/vmctx-layout.js';
import { TIER_UP_FROM_LOOP } from '../translate/runtime-environment.js';
import { Cond, R, X64Emitter, mem, type Label, type Mem, type Width } from './x64-emitter.js';

/** A function the baseline compiler does not take (its unit goes to LLVM instead). */
export class BaselineUnsupported extends Error {}

/** What the baseline compiler needs to know beyond the body. */
export interface BaselineContext {
  readonly module: ModuleInfo;
  readonly layout: VmctxLayout;
  /** Tiered code: entry and loop counters, OSR at candidate loops. */
  readonly tiered: boolean;
  /** ThreadLimits' offset from %fs (threadLimitsTlsOffset()). */
  readonly tlsOffset: number;
  readonly trapAddress: bigint;
  readonly checkSlowAddress: bigint;
  readonly memoryGrowAddress: bigint;
  readonly tierUpAddress: bigint;
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
  results: number;
  /** Branch target: a loop's header, otherwise the end. */
  label: Label;
  /** An `if`'s false target (its else-arm or, without one, its end). */
  elseLabel: Label;
  /** Something branches to the end (blocks, ifs). */
  branched: boolean;
}

const MAX_FRAME_BYTES = 1 << 20;
const INT_ARGUMENT_REGISTERS = [R.Rsi, R.Rdx, R.Rcx, R.R8, R.R9] as const;
const FLOAT_ARGUMENT_REGISTERS = 8;
/** INTERRUPT_THRESHOLD (abi.ts) as a sign-extended imm32. */
const INTERRUPT_THRESHOLD_IMM32 = -0x10000;

function isFloat(type: ValType): boolean {
  return type === ValType.F32 || type === ValType.F64;
}

function f64Bits(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return view.getBigUint64(0, true);
}

/** Compiles defined functions, one after another, into one emitter (a code unit). */
export class BaselineFunctionCompiler {
  private readonly operator = new Operator();
  private a = new X64Emitter();
  private frames: ControlFrame[] = [];
  private height = 0;
  private maxHeight = 0;
  private localCount = 0;
  private outgoingBytes = 0;
  private reachable = true;
  private loopOrdinal = 0;
  private functionIndex = 0;
  private signature: FuncType = { params: [], results: [] };
  private trapLabels = new Map<number, Label>();
  private epilogue: Label = 0;
  /** Out-of-line code (slow paths), emitted after the body. */
  private coldPaths: (() => void)[] = [];
  private hasMemory: boolean;

  constructor(private readonly context: BaselineContext) {
    this.hasMemory = context.module.memories.length > 0;
  }

  /** Compiles `functionIndex` into `emitter` at its current position (16-byte aligned); throws BaselineUnsupported. */
  compile(emitter: X64Emitter, functionIndex: number): number {
    const { module } = this.context;
    const body = module.functionBodies[functionIndex - module.importedFunctionCount];
    if (body === undefined) throw new BaselineUnsupported(`function ${functionIndex} has no body here`);
    emitter.align(16);
    const start = emitter.length;
    this.a = emitter;
    this.functionIndex = functionIndex;
    this.signature = module.types[module.functionTypeIndices[functionIndex]];
    this.checkSignature(this.signature);
    this.frames = [];
    this.height = 0;
    this.maxHeight = 0;
    this.outgoingBytes = 0;
    this.reachable = true;
    this.loopOrdinal = 0;
    this.trapLabels = new Map();
    this.coldPaths = [];
    this.compileBody(body);
    return start;
  }

  private checkSignature(type: FuncType): void {
    if (type.results.length > 1) throw new BaselineUnsupported('several results');
    for (const t of type.params) if (t === ValType.V128) throw new BaselineUnsupported('v128');
    for (const t of type.results) if (t === ValType.V128) throw new BaselineUnsupported('v128');
  }

  // ---- slots

  private localSlot(index: number): Mem {
    return mem(R.Rbp, -16 - 8 * this.localCount + 8 * index);
  }

  private slot(height: number): Mem {
    return mem(R.Rbp, -16 - 8 * this.localCount - 8 * (height + 1));
  }

  private top(depth = 0): Mem {
    return this.slot(this.height - 1 - depth);
  }

  private push(): Mem {
    const s = this.slot(this.height);
    this.height++;
    if (this.height > this.maxHeight) this.maxHeight = this.height;
    return s;
  }

  private trap(code: number): Label {
    let label = this.trapLabels.get(code);
    if (label === undefined) {
      label = this.a.newLabel();
      this.trapLabels.set(code, label);
    }
    return label;
  }

  private callAbsolute(address: bigint): void {
    this.a.movImm(R.Rax, address);
    this.a.callReg(R.Rax);
  }

  // ---- the function

  private compileBody(body: FunctionBody): void {
    const a = this.a;
    const { params, results } = this.signature;
    let localCount = params.length;
    for (const group of body.locals) {
      if (group.type === ValType.V128) throw new BaselineUnsupported('v128 local');
      localCount += group.count;
    }
    if (localCount > MAX_FRAME_BYTES / 8) throw new BaselineUnsupported('too many locals');
    this.localCount = localCount;

    // Prologue; the frame size is patched at the end.
    a.push(R.Rbp);
    a.movRR(64, R.Rbp, R.Rsp);
    a.push(R.Rbx);
    a.push(R.R12);
    a.movRR(64, R.Rbx, R.Rdi);
    a.bytes(0x48, 0x81, 0xec); // sub rsp, imm32
    const frameField = a.length;
    a.u32(0);
    // Stack probes come before anything is written to the frame: a 5-byte nop here, patched
    // into a jump to the probes (after the body) when the frame is larger than a page.
    const probeSite = a.length;
    a.bytes(0x0f, 0x1f, 0x44, 0x00, 0x00);

    // Parameters into their slots.
    let intIndex = 0;
    let floatIndex = 0;
    let stackIndex = 0;
    for (let i = 0; i < params.length; i++) {
      const type = params[i];
      const slot = this.localSlot(i);
      if (isFloat(type)) {
        if (floatIndex < FLOAT_ARGUMENT_REGISTERS) {
          a.storeXmm(true, slot, floatIndex++);
          continue;
        }
      } else if (intIndex < INT_ARGUMENT_REGISTERS.length) {
        a.store(64, slot, INT_ARGUMENT_REGISTERS[intIndex++]);
        continue;
      }
      a.load(64, R.Rax, mem(R.Rbp, 16 + 8 * stackIndex++));
      a.store(64, slot, R.Rax);
    }
    // The stack check (the limit word also carries interrupts): rsp below it calls the slow path.
    const { tlsOffset } = this.context;
    a.loadFsAbsolute(R.Rax, tlsOffset + ThreadLimits.interruptWord);
    a.aluRM(64, 0x3b, R.Rsp, mem(R.Rax, 0)); // cmp rsp, [rax]
    this.slowCheck(Cond.B);
    // Declared locals are zero.
    if (localCount > params.length) {
      a.aluRR(32, 0x31, R.Rax, R.Rax);
      for (let i = params.length; i < localCount; i++) a.store(64, this.localSlot(i), R.Rax);
    }
    if (this.hasMemory) {
      a.load(64, R.R12, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
      a.load(64, R.R12, mem(R.R12, MemoryDefinition.base));
    }
    if (this.context.tiered) this.countDown(0);

    this.epilogue = a.newLabel();
    this.frames.push({ kind: FrameKind.Function, live: true, base: 0, params: 0, results: results.length, label: this.epilogue, elseLabel: -1, branched: false });

    const reader = new OperatorReader(this.context.module.bytes, body.codeStart, body.end);
    const operator = this.operator;
    while (this.frames.length > 0) {
      reader.read(operator);
      this.operatorAt(operator);
    }

    // Epilogue (every return jumps here with its result in rax/xmm0).
    a.bind(this.epilogue);
    a.lea(R.Rsp, mem(R.Rbp, -16));
    a.pop(R.R12);
    a.pop(R.Rbx);
    a.pop(R.Rbp);
    a.ret();

    // Frame size: locals, operand slots, outgoing arguments; rsp stays 16-byte aligned.
    // The tier-up call's two slots lie right above the outgoing arguments (callTierUp).
    let frameBytes = 8 * (localCount + this.maxHeight) + this.outgoingBytes + 16;
    frameBytes = (frameBytes + 15) & ~15;
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
      a.movImm(R.Rdi, BigInt(code));
      this.callAbsolute(this.context.trapAddress);
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
      this.callAbsolute(this.context.checkSlowAddress);
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
      this.callTierUp(functionIndex, where);
      a.jmp(back);
    });
  }

  /** wasm_rt_tier_up(vmctx + tierUpContext, slots = [functionIndex, where]); slot 0 holds its answer. */
  private callTierUp(functionIndex: number, where: number): void {
    const a = this.a;
    const slots = mem(R.Rsp, this.outgoingBytesFinal());
    a.movImm(R.Rax, BigInt(functionIndex));
    a.store(64, slots, R.Rax);
    a.movImm(R.Rax, BigInt.asUintN(64, BigInt(where)));
    a.store(64, mem(R.Rsp, slots.disp + 8), R.Rax);
    a.lea(R.Rdi, mem(R.Rbx, this.context.layout.tierUpContextOffset));
    a.lea(R.Rsi, slots);
    this.callAbsolute(this.context.tierUpAddress);
  }

  /** The outgoing area's size: cold paths run after the body, when it is final. */
  private outgoingBytesFinal(): number {
    return this.outgoingBytes;
  }

  // ---- operators

  private operatorAt(op: Operator): void {
    const code = op.opcode;
    if (!this.reachable) {
      switch (code) {
        case Op.Block:
        case Op.Loop:
        case Op.If:
          this.frames.push({ kind: FrameKind.Block, live: false, base: this.height, params: 0, results: 0, label: -1, elseLabel: -1, branched: false });
          return;
        case Op.Else:
          this.emitElse();
          return;
        case Op.End:
          this.emitEnd();
          return;
        default:
          return;
      }
    }
    if (code >= 0x200) throw new BaselineUnsupported('SIMD');
    const a = this.a;
    switch (code) {
      case Op.Nop:
        return;
      case Op.Unreachable:
        a.jmp(this.trap(TrapCode.Unreachable));
        this.reachable = false;
        return;
      case Op.Block:
      case Op.Loop:
      case Op.If:
        this.emitBlockStart(code, op.blockType);
        return;
      case Op.Else:
        this.emitElse();
        return;
      case Op.End:
        this.emitEnd();
        return;
      case Op.Br:
        this.branch(op.index);
        this.reachable = false;
        return;
      case Op.BrIf:
        this.emitBrIf(op.index);
        return;
      case Op.BrTable:
        this.emitBrTable(op);
        return;
      case Op.Return:
        this.emitReturn();
        return;
      case Op.Call:
        this.emitCall(op.index);
        return;
      case Op.CallIndirect:
        this.emitCallIndirect(op.index, op.secondIndex);
        return;
      case Op.Drop:
        this.height--;
        return;
      case Op.Select:
      case Op.SelectTyped: {
        if (code === Op.SelectTyped && op.valueType === ValType.V128) throw new BaselineUnsupported('v128');
        const condition = this.top();
        const second = this.top(1);
        const first = this.top(2);
        a.load(64, R.Rax, first);
        a.load(64, R.Rcx, second);
        a.aluMI(32, 7, condition, 0); // cmp dword [c], 0
        a.cmov(64, Cond.E, R.Rax, R.Rcx);
        a.store(64, first, R.Rax);
        this.height -= 2;
        return;
      }
      case Op.LocalGet:
        a.load(64, R.Rax, this.localSlot(op.index));
        a.store(64, this.push(), R.Rax);
        return;
      case Op.LocalSet:
        a.load(64, R.Rax, this.top());
        a.store(64, this.localSlot(op.index), R.Rax);
        this.height--;
        return;
      case Op.LocalTee:
        a.load(64, R.Rax, this.top());
        a.store(64, this.localSlot(op.index), R.Rax);
        return;
      case Op.GlobalGet:
        this.emitGlobalGet(op.index);
        return;
      case Op.GlobalSet:
        this.emitGlobalSet(op.index);
        return;
      case Op.I32Const:
        a.storeImm(64, this.push(), op.i32);
        return;
      case Op.I64Const:
        this.storeConstant64((BigInt(op.i64High) << 32n) | BigInt(op.i64Low >>> 0));
        return;
      case Op.F32Const:
        a.storeImm(64, this.push(), op.f32Bits | 0);
        return;
      case Op.F64Const:
        this.storeConstant64((BigInt(op.f64High >>> 0) << 32n) | BigInt(op.f64Low >>> 0));
        return;
      case Op.MemorySize:
        a.load(64, R.Rax, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
        a.load(64, R.Rax, mem(R.Rax, MemoryDefinition.byteLength));
        a.shiftImm(64, 5, R.Rax, 16);
        a.store(64, this.push(), R.Rax);
        return;
      case Op.MemoryGrow:
        a.load(64, R.Rdi, mem(R.Rbx, this.context.layout.memoryDefinitionPointer(0)));
        a.load(32, R.Rsi, this.top());
        this.callAbsolute(this.context.memoryGrowAddress);
        a.store(64, this.top(), R.Rax);
        return;
      case Op.RefNull:
        a.storeImm(64, this.push(), 0);
        return;
      case Op.RefIsNull: {
        const s = this.top();
        a.aluMI(64, 7, s, 0);
        this.setBoolean(Cond.E, s);
        return;
      }
      case Op.RefFunc:
        a.lea(R.Rax, mem(R.Rbx, this.context.layout.funcRef(op.index)));
        a.store(64, this.push(), R.Rax);
        return;
      default:
        break;
    }
    if (this.memoryAccess(op)) return;
    if (this.integerOperator(code)) return;
    if (this.floatOperator(code)) return;
    if (this.conversion(code)) return;
    throw new BaselineUnsupported(`operator ${code.toString(16)}`);
  }

  private storeConstant64(value: bigint): void {
    const s = this.push();
    const signed = BigInt.asIntN(64, value);
    if (signed >= -0x8000_0000n && signed <= 0x7fff_ffffn) {
      this.a.storeImm(64, s, Number(signed));
    } else {
      this.a.movImm(R.Rax, value);
      this.a.store(64, s, R.Rax);
    }
  }

  /** slot ← (cond ? 1 : 0) as an i32, after a compare. */
  private setBoolean(cond: Cond, s: Mem): void {
    this.a.setcc(cond, R.Rax);
    this.a.extendReg(32, R.Rax, R.Rax, 8, false);
    this.a.store(64, s, R.Rax);
  }

  // ---- variables

  private globalType(index: number): ValType {
    const type = this.context.module.globals[index].type.type;
    if (type === ValType.V128) throw new BaselineUnsupported('v128 global');
    return type;
  }

  private globalCell(index: number): Mem {
    const layout = this.context.layout;
    if (!layout.isImportedGlobal(index)) return mem(R.Rbx, layout.definedGlobalCell(index));
    this.a.load(64, R.Rcx, mem(R.Rbx, layout.importedGlobalPointer(index)));
    return mem(R.Rcx, 0);
  }

  private emitGlobalGet(index: number): void {
    const type = this.globalType(index);
    const cell = this.globalCell(index);
    const wide = type !== ValType.I32 && type !== ValType.F32;
    this.a.load(wide ? 64 : 32, R.Rax, cell);
    this.a.store(64, this.push(), R.Rax);
  }

  private emitGlobalSet(index: number): void {
    const type = this.globalType(index);
    const cell = this.globalCell(index);
    const wide = type !== ValType.I32 && type !== ValType.F32;
    this.a.load(wide ? 64 : 32, R.Rax, this.top());
    this.a.store(wide ? 64 : 32, cell, R.Rax);
    this.height--;
  }

  // ---- control

  private blockArity(blockType: number): { params: number; results: number } {
    if (blockType === -64) return { params: 0, results: 0 };
    if (blockType < 0) {
      if (blockType === -5) throw new BaselineUnsupported('v128 block');
      return { params: 0, results: 1 };
    }
    const type = this.context.module.types[blockType];
    for (const t of [...type.params, ...type.results]) if (t === ValType.V128) throw new BaselineUnsupported('v128 block');
    if (type.results.length > 1) throw new BaselineUnsupported('block with several results');
    return { params: type.params.length, results: type.results.length };
  }

  private enclosingLoops(): number {
    let loops = 0;
    for (const frame of this.frames) if (frame.kind === FrameKind.Loop) loops++;
    return loops;
  }

  private emitBlockStart(code: number, blockType: number): void {
    const a = this.a;
    const { params, results } = this.blockArity(blockType);
    if (code === Op.If) {
      if (params !== 0) throw new BaselineUnsupported('if with parameters');
      a.aluMI(32, 7, this.top(), 0);
      this.height--;
      const elseLabel = a.newLabel();
      a.jcc(Cond.E, elseLabel);
      this.frames.push({ kind: FrameKind.If, live: true, base: this.height, params, results, label: a.newLabel(), elseLabel, branched: false });
      return;
    }
    if (code === Op.Block) {
      this.frames.push({ kind: FrameKind.Block, live: true, base: this.height - params, params, results, label: a.newLabel(), elseLabel: -1, branched: false });
      return;
    }
    // Loop: ordinal and OSR candidacy as the LLVM translator numbers them (emit-control.ts).
    const ordinal = this.loopOrdinal++;
    const candidate = params === 0 && this.height === 0 && this.enclosingLoops() === 0;
    const header = a.newLabel();
    this.frames.push({ kind: FrameKind.Loop, live: true, base: this.height - params, params, results, label: header, elseLabel: -1, branched: false });
    a.bind(header);
    this.interruptPoll();
    if (this.context.tiered) {
      this.countDown(TIER_UP_FROM_LOOP);
      if (candidate) this.osrCheck(ordinal);
    }
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
    const off = a.newLabel();
    a.jcc(Cond.E, off);
    a.aluMI(32, 5, flag, 1);
    a.jcc(Cond.E, due);
    a.bind(off);
    a.bind(back);
    const functionIndex = this.functionIndex;
    const localsStart = this.localSlot(0);
    this.coldPaths.push(() => {
      a.bind(due);
      this.callTierUp(functionIndex, ordinal + 1);
      a.load(64, R.Rax, mem(R.Rsp, this.outgoingBytesFinal()));
      a.aluRR(64, 0x85, R.Rax, R.Rax);
      a.jcc(Cond.E, back);
      // The entry runs the rest of the call: its result is ours.
      a.movRR(64, R.Rdi, R.Rbx);
      a.lea(R.Rsi, localsStart);
      a.movImm(R.Rdx, BigInt(ordinal));
      a.callReg(R.Rax);
      a.jmp(this.epilogue);
    });
  }

  private emitElse(): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame.live) return;
    const a = this.a;
    if (this.reachable) {
      a.jmp(frame.label);
      frame.branched = true;
    }
    a.bind(frame.elseLabel);
    frame.elseLabel = -1;
    frame.kind = FrameKind.Else;
    this.reachable = true;
    this.height = frame.base + frame.params;
  }

  private emitEnd(): void {
    const frame = this.frames.pop()!;
    if (!frame.live) return;
    const a = this.a;
    switch (frame.kind) {
      case FrameKind.Function:
        if (this.reachable) this.returnFrom(this.height);
        this.reachable = false;
        return;
      case FrameKind.Loop:
        if (!this.reachable) this.height = frame.base;
        else this.height = frame.base + frame.results;
        return;
      case FrameKind.If:
        // No else-arm: the false edge reaches the end (an if without else has no results here).
        a.bind(frame.elseLabel);
        frame.branched = true;
        break;
      default:
        break;
    }
    this.height = frame.base + frame.results;
    if (frame.branched) {
      a.bind(frame.label);
      this.reachable = true;
    }
  }

  /** Moves the top `count` values to the slots from `base` on (a branch's values). */
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
    return frame.kind === FrameKind.Loop ? frame.params : frame.results;
  }

  /** Values and jump for `br depth` (the caller decides what is reachable after). */
  private branch(depth: number): void {
    const frame = this.target(depth);
    if (frame.kind === FrameKind.Function) {
      this.returnFrom(this.height);
      return;
    }
    this.moveValues(this.arity(frame), frame.base);
    if (frame.kind !== FrameKind.Loop) frame.branched = true;
    this.a.jmp(frame.label);
  }

  private emitBrIf(depth: number): void {
    const a = this.a;
    a.aluMI(32, 7, this.top(), 0);
    this.height--;
    const frame = this.target(depth);
    const count = this.arity(frame);
    if (frame.kind !== FrameKind.Function && (count === 0 || this.height - count === frame.base)) {
      if (frame.kind !== FrameKind.Loop) frame.branched = true;
      a.jcc(Cond.NE, frame.label);
      return;
    }
    const skip = a.newLabel();
    a.jcc(Cond.E, skip);
    this.branch(depth);
    a.bind(skip);
  }

  private emitBrTable(op: Operator): void {
    const a = this.a;
    const count = op.brTableCount;
    const targets = Array.from(op.brTableTargets.subarray(0, count));
    const defaultDepth = op.index;
    a.load(32, R.Rax, this.top());
    this.height--;
    // Each target: straight to its label when no values move, else through a stub.
    const labelFor = (depth: number): { label: Label; stub: boolean } => {
      const frame = this.target(depth);
      const arity = this.arity(frame);
      if (frame.kind !== FrameKind.Function && (arity === 0 || this.height - arity === frame.base)) {
        if (frame.kind !== FrameKind.Loop) frame.branched = true;
        return { label: frame.label, stub: false };
      }
      return { label: a.newLabel(), stub: true };
    };
    const stubs: { label: Label; depth: number }[] = [];
    const resolved = new Map<number, Label>();
    const resolve = (depth: number): Label => {
      let label = resolved.get(depth);
      if (label === undefined) {
        const entry = labelFor(depth);
        label = entry.label;
        if (entry.stub) stubs.push({ label, depth });
        resolved.set(depth, label);
      }
      return label;
    };
    const defaultLabel = resolve(defaultDepth);
    a.aluRI(32, 7, R.Rax, count); // cmp eax, count (unsigned: eax zero-extends)
    a.jcc(Cond.AE, defaultLabel);
    if (count > 0) {
      const table = a.newLabel();
      a.leaRip(R.Rcx, table);
      a.opMem(0, true, [0x63], R.Rax, mem(R.Rcx, 0, R.Rax, 4)); // movsxd rax, [rcx + rax*4]
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

  private emitReturn(): void {
    this.returnFrom(this.height);
    this.reachable = false;
  }

  /** The result (top of the stack at `height`) into rax/xmm0, then the epilogue. */
  private returnFrom(height: number): void {
    const results = this.signature.results;
    if (results.length === 1) {
      const s = this.slot(height - 1);
      if (isFloat(results[0])) this.a.loadXmm(true, 0, s);
      else this.a.load(64, R.Rax, s);
    }
    this.a.jmp(this.epilogue);
  }

  // ---- calls

  /** Arguments from the top `type.params.length` slots into registers and the outgoing area; pops them. */
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
    if (type.results.length > 1) throw new BaselineUnsupported('call with several results');
    for (const t of type.params) if (t === ValType.V128) throw new BaselineUnsupported('v128');
    for (const t of type.results) if (t === ValType.V128) throw new BaselineUnsupported('v128');
  }

  private pushResult(type: FuncType): void {
    if (type.results.length === 0) return;
    const s = this.push();
    if (isFloat(type.results[0])) this.a.storeXmm(true, s, 0);
    else this.a.store(64, s, R.Rax);
  }

  private emitCall(functionIndex: number): void {
    const { module, layout } = this.context;
    const type = module.types[module.functionTypeIndices[functionIndex]];
    this.checkCallType(type);
    this.passArguments(type);
    const a = this.a;
    const funcRef = layout.funcRef(functionIndex);
    a.load(64, R.Rax, mem(R.Rbx, funcRef + FuncRef.code));
    a.load(64, R.Rdi, mem(R.Rbx, funcRef + FuncRef.vmctx));
    a.callReg(R.Rax);
    this.pushResult(type);
  }

  private emitCallIndirect(typeIndex: number, tableIndex: number): void {
    const { module, layout } = this.context;
    const type = module.types[typeIndex];
    this.checkCallType(type);
    const a = this.a;
    // The callee's FuncRef into r10 (no argument register), with the checks of emit-call.ts.
    a.load(32, R.Rax, this.top());
    this.height--;
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
    a.callReg(R.Rax);
    this.pushResult(type);
  }

  // ---- memory

  /** rax ← the effective address's offset from the memory base (the i32 address at `s` + offset). */
  private effectiveAddress(s: Mem, offset: number): Mem {
    const a = this.a;
    a.load(32, R.Rax, s); // zero-extends
    if (offset <= 0x7fff_ffff) return mem(R.R12, offset, R.Rax, 1);
    a.movImm(R.Rcx, BigInt(offset >>> 0));
    a.aluRR(64, 0x01, R.Rax, R.Rcx);
    return mem(R.R12, 0, R.Rax, 1);
  }

  private memoryAccess(op: Operator): boolean {
    const a = this.a;
    const code = op.opcode;
    const offset = op.memoryOffset >>> 0;
    let bits: 8 | 16 | 32 | 64;
    let signed = false;
    let wide = false;
    switch (code) {
      case Op.I32Load: case Op.F32Load: bits = 32; break;
      case Op.I64Load: case Op.F64Load: bits = 64; wide = true; break;
      case Op.I32Load8S: bits = 8; signed = true; break;
      case Op.I32Load8U: bits = 8; break;
      case Op.I32Load16S: bits = 16; signed = true; break;
      case Op.I32Load16U: bits = 16; break;
      case Op.I64Load8S: bits = 8; signed = true; wide = true; break;
      case Op.I64Load8U: bits = 8; wide = true; break;
      case Op.I64Load16S: bits = 16; signed = true; wide = true; break;
      case Op.I64Load16U: bits = 16; wide = true; break;
      case Op.I64Load32S: bits = 32; signed = true; wide = true; break;
      case Op.I64Load32U: bits = 32; wide = true; break;
      case Op.I32Store: case Op.F32Store: case Op.I64Store32: return this.storeTo(32, offset), true;
      case Op.I64Store: case Op.F64Store: return this.storeTo(64, offset), true;
      case Op.I32Store8: case Op.I64Store8: return this.storeTo(8, offset), true;
      case Op.I32Store16: case Op.I64Store16: return this.storeTo(16, offset), true;
      default: return false;
    }
    const s = this.top();
    const address = this.effectiveAddress(s, offset);
    if (bits === 64) a.load(64, R.Rax, address);
    else if (bits === 32 && !(signed && wide)) a.load(32, R.Rax, address);
    else a.loadExtend(wide ? 64 : 32, R.Rax, address, bits, signed);
    a.store(64, s, R.Rax);
    return true;
  }

  private storeTo(bits: 8 | 16 | 32 | 64, offset: number): void {
    const a = this.a;
    a.load(bits === 64 ? 64 : 32, R.Rdx, this.top());
    const address = this.effectiveAddress(this.top(1), offset);
    a.store(bits, address, R.Rdx);
    this.height -= 2;
  }

  // ---- integer operators

  private integerOperator(code: number): boolean {
    const a = this.a;
    // Binary ALU operators: [width, opcode (r/m, r form)].
    const alu = (w: Width, opcode: number): void => {
      const rhs = this.top();
      const lhs = this.top(1);
      a.load(w, R.Rax, lhs);
      a.load(w, R.Rcx, rhs);
      a.aluRR(w, opcode, R.Rax, R.Rcx);
      a.store(64, lhs, R.Rax);
      this.height--;
    };
    const compare = (w: Width, cond: Cond): void => {
      const rhs = this.top();
      const lhs = this.top(1);
      a.load(w, R.Rax, lhs);
      a.aluRM(w, 0x3b, R.Rax, rhs);
      this.height--;
      this.setBoolean(cond, lhs);
    };
    const shift = (w: Width, digit: number): void => {
      const rhs = this.top();
      const lhs = this.top(1);
      a.load(w, R.Rcx, rhs);
      a.load(w, R.Rax, lhs);
      a.shiftCl(w, digit, R.Rax);
      a.store(64, lhs, R.Rax);
      this.height--;
    };
    const count = (w: Width, opcode: 0xbd | 0xbc | 0xb8): void => {
      const s = this.top();
      a.load(w, R.Rax, s);
      a.bitCount(w, opcode, R.Rax, R.Rax);
      a.store(64, s, R.Rax);
    };
    switch (code) {
      case Op.I32Eqz: case Op.I64Eqz: {
        const s = this.top();
        a.aluMI(code === Op.I64Eqz ? 64 : 32, 7, s, 0);
        this.setBoolean(Cond.E, s);
        return true;
      }
      case Op.I32Eq: compare(32, Cond.E); return true;
      case Op.I32Ne: compare(32, Cond.NE); return true;
      case Op.I32LtS: compare(32, Cond.L); return true;
      case Op.I32LtU: compare(32, Cond.B); return true;
      case Op.I32GtS: compare(32, Cond.G); return true;
      case Op.I32GtU: compare(32, Cond.A); return true;
      case Op.I32LeS: compare(32, Cond.LE); return true;
      case Op.I32LeU: compare(32, Cond.BE); return true;
      case Op.I32GeS: compare(32, Cond.GE); return true;
      case Op.I32GeU: compare(32, Cond.AE); return true;
      case Op.I64Eq: compare(64, Cond.E); return true;
      case Op.I64Ne: compare(64, Cond.NE); return true;
      case Op.I64LtS: compare(64, Cond.L); return true;
      case Op.I64LtU: compare(64, Cond.B); return true;
      case Op.I64GtS: compare(64, Cond.G); return true;
      case Op.I64GtU: compare(64, Cond.A); return true;
      case Op.I64LeS: compare(64, Cond.LE); return true;
      case Op.I64LeU: compare(64, Cond.BE); return true;
      case Op.I64GeS: compare(64, Cond.GE); return true;
      case Op.I64GeU: compare(64, Cond.AE); return true;
      case Op.I32Clz: count(32, 0xbd); return true;
      case Op.I32Ctz: count(32, 0xbc); return true;
      case Op.I32Popcnt: count(32, 0xb8); return true;
      case Op.I64Clz: count(64, 0xbd); return true;
      case Op.I64Ctz: count(64, 0xbc); return true;
      case Op.I64Popcnt: count(64, 0xb8); return true;
      case Op.I32Add: alu(32, 0x01); return true;
      case Op.I32Sub: alu(32, 0x29); return true;
      case Op.I32And: alu(32, 0x21); return true;
      case Op.I32Or: alu(32, 0x09); return true;
      case Op.I32Xor: alu(32, 0x31); return true;
      case Op.I64Add: alu(64, 0x01); return true;
      case Op.I64Sub: alu(64, 0x29); return true;
      case Op.I64And: alu(64, 0x21); return true;
      case Op.I64Or: alu(64, 0x09); return true;
      case Op.I64Xor: alu(64, 0x31); return true;
      case Op.I32Mul: case Op.I64Mul: {
        const w: Width = code === Op.I64Mul ? 64 : 32;
        const rhs = this.top();
        const lhs = this.top(1);
        a.load(w, R.Rax, lhs);
        a.load(w, R.Rcx, rhs);
        a.imulRR(w, R.Rax, R.Rcx);
        a.store(64, lhs, R.Rax);
        this.height--;
        return true;
      }
      case Op.I32Shl: shift(32, 4); return true;
      case Op.I32ShrS: shift(32, 7); return true;
      case Op.I32ShrU: shift(32, 5); return true;
      case Op.I32Rotl: shift(32, 0); return true;
      case Op.I32Rotr: shift(32, 1); return true;
      case Op.I64Shl: shift(64, 4); return true;
      case Op.I64ShrS: shift(64, 7); return true;
      case Op.I64ShrU: shift(64, 5); return true;
      case Op.I64Rotl: shift(64, 0); return true;
      case Op.I64Rotr: shift(64, 1); return true;
      case Op.I32DivS: this.divide(32, true, false); return true;
      case Op.I32DivU: this.divide(32, false, false); return true;
      case Op.I32RemS: this.divide(32, true, true); return true;
      case Op.I32RemU: this.divide(32, false, true); return true;
      case Op.I64DivS: this.divide(64, true, false); return true;
      case Op.I64DivU: this.divide(64, false, false); return true;
      case Op.I64RemS: this.divide(64, true, true); return true;
      case Op.I64RemU: this.divide(64, false, true); return true;
      case Op.I32Extend8S: case Op.I32Extend16S: {
        const s = this.top();
        a.loadExtend(32, R.Rax, s, code === Op.I32Extend8S ? 8 : 16, true);
        a.store(64, s, R.Rax);
        return true;
      }
      case Op.I64Extend8S: case Op.I64Extend16S: case Op.I64Extend32S: case Op.I64ExtendI32S: {
        const s = this.top();
        a.loadExtend(64, R.Rax, s, code === Op.I64Extend8S ? 8 : code === Op.I64Extend16S ? 16 : 32, true);
        a.store(64, s, R.Rax);
        return true;
      }
      case Op.I64ExtendI32U: {
        const s = this.top();
        a.load(32, R.Rax, s);
        a.store(64, s, R.Rax);
        return true;
      }
      case Op.I32WrapI64:
      case Op.I32ReinterpretF32:
      case Op.F32ReinterpretI32:
      case Op.I64ReinterpretF64:
      case Op.F64ReinterpretI64:
        return true; // the bits in the slot are the value
      default:
        return false;
    }
  }

  /** div/rem with wasm's traps: zero divisor; INT_MIN / -1 overflows, INT_MIN % -1 is 0. */
  private divide(w: Width, signed: boolean, remainder: boolean): void {
    const a = this.a;
    const rhs = this.top();
    const lhs = this.top(1);
    a.load(w, R.Rcx, rhs);
    a.aluRR(w, 0x85, R.Rcx, R.Rcx);
    a.jcc(Cond.E, this.trap(TrapCode.IntegerDivideByZero));
    a.load(w, R.Rax, lhs);
    const done = a.newLabel();
    if (signed) {
      const normal = a.newLabel();
      a.aluRI(w, 7, R.Rcx, -1);
      a.jcc(Cond.NE, normal);
      if (remainder) {
        a.aluRR(32, 0x31, R.Rdx, R.Rdx); // x % -1 = 0
        a.jmp(done);
      } else {
        // INT_MIN / -1: neg overflows exactly then (OF set); otherwise the quotient is -x.
        a.unaryF7(w, 3, R.Rax);
        a.jcc(Cond.O, this.trap(TrapCode.IntegerOverflow));
        a.jmp(done);
      }
      a.bind(normal);
      a.signExtendAxToDx(w);
      a.unaryF7(w, 7, R.Rcx);
    } else {
      a.aluRR(32, 0x31, R.Rdx, R.Rdx);
      a.unaryF7(w, 6, R.Rcx);
    }
    a.bind(done);
    a.store(64, lhs, remainder ? R.Rdx : R.Rax);
    this.height--;
  }

  // ---- float operators

  private floatOperator(code: number): boolean {
    const a = this.a;
    const binary = (double: boolean, opcode: number): void => {
      const rhs = this.top();
      const lhs = this.top(1);
      a.loadXmm(double, 0, lhs);
      a.loadXmm(double, 1, rhs);
      a.sseRR(double, opcode, 0, 1);
      a.storeXmm(true, lhs, 0);
      this.height--;
    };
    const unary = (double: boolean, emit: () => void): void => {
      const s = this.top();
      a.loadXmm(double, 0, s);
      emit();
      a.storeXmm(true, s, 0);
    };
    const w = (double: boolean): Width => (double ? 64 : 32);
    const sign = (double: boolean): number => (double ? 63 : 31);
    const bitOp = (double: boolean, digit: number): void => {
      const s = this.top();
      a.load(w(double), R.Rax, s);
      a.bitTestImm(w(double), digit, R.Rax, sign(double));
      a.store(64, s, R.Rax);
    };
    switch (code) {
      case Op.F32Add: binary(false, 0x58); return true;
      case Op.F32Sub: binary(false, 0x5c); return true;
      case Op.F32Mul: binary(false, 0x59); return true;
      case Op.F32Div: binary(false, 0x5e); return true;
      case Op.F64Add: binary(true, 0x58); return true;
      case Op.F64Sub: binary(true, 0x5c); return true;
      case Op.F64Mul: binary(true, 0x59); return true;
      case Op.F64Div: binary(true, 0x5e); return true;
      case Op.F32Sqrt: unary(false, () => a.sseRR(false, 0x51, 0, 0)); return true;
      case Op.F64Sqrt: unary(true, () => a.sseRR(true, 0x51, 0, 0)); return true;
      case Op.F32Ceil: unary(false, () => a.round(false, 0, 0, 2)); return true;
      case Op.F32Floor: unary(false, () => a.round(false, 0, 0, 1)); return true;
      case Op.F32Trunc: unary(false, () => a.round(false, 0, 0, 3)); return true;
      case Op.F32Nearest: unary(false, () => a.round(false, 0, 0, 0)); return true;
      case Op.F64Ceil: unary(true, () => a.round(true, 0, 0, 2)); return true;
      case Op.F64Floor: unary(true, () => a.round(true, 0, 0, 1)); return true;
      case Op.F64Trunc: unary(true, () => a.round(true, 0, 0, 3)); return true;
      case Op.F64Nearest: unary(true, () => a.round(true, 0, 0, 0)); return true;
      case Op.F32Abs: bitOp(false, 6); return true;
      case Op.F64Abs: bitOp(true, 6); return true;
      case Op.F32Neg: bitOp(false, 7); return true;
      case Op.F64Neg: bitOp(true, 7); return true;
      case Op.F32Copysign: case Op.F64Copysign: {
        const double = code === Op.F64Copysign;
        const rhs = this.top();
        const lhs = this.top(1);
        a.load(w(double), R.Rax, lhs);
        a.bitTestImm(w(double), 6, R.Rax, sign(double)); // btr: clear the sign
        a.load(w(double), R.Rcx, rhs);
        a.shiftImm(w(double), 5, R.Rcx, sign(double)); // the sign bit alone...
        a.shiftImm(w(double), 4, R.Rcx, sign(double)); // ...in its place
        a.aluRR(w(double), 0x09, R.Rax, R.Rcx);
        a.store(64, lhs, R.Rax);
        this.height--;
        return true;
      }
      case Op.F32Min: this.minMax(false, true); return true;
      case Op.F32Max: this.minMax(false, false); return true;
      case Op.F64Min: this.minMax(true, true); return true;
      case Op.F64Max: this.minMax(true, false); return true;
      case Op.F32Eq: case Op.F64Eq: case Op.F32Ne: case Op.F64Ne:
      case Op.F32Lt: case Op.F64Lt: case Op.F32Gt: case Op.F64Gt:
      case Op.F32Le: case Op.F64Le: case Op.F32Ge: case Op.F64Ge:
        this.floatCompare(code);
        return true;
      default:
        return false;
    }
  }

  /** wasm min/max: NaN if either is NaN; -0 < +0; otherwise minss/maxss (operands differ). */
  private minMax(double: boolean, min: boolean): void {
    const a = this.a;
    const rhs = this.top();
    const lhs = this.top(1);
    a.loadXmm(double, 0, lhs);
    a.loadXmm(double, 1, rhs);
    const nan = a.newLabel();
    const notEqual = a.newLabel();
    const done = a.newLabel();
    a.ucomis(double, 0, 1);
    a.jcc(Cond.P, nan);
    a.jcc(Cond.NE, notEqual);
    // Equal (maybe ±0): or keeps a negative sign (min), and keeps a positive one (max).
    a.bitwisePs(min ? 0x56 : 0x54, 0, 1);
    a.jmp(done);
    a.bind(notEqual);
    a.sseRR(double, min ? 0x5d : 0x5f, 0, 1);
    a.jmp(done);
    a.bind(nan);
    a.sseRR(double, 0x58, 0, 1); // a quiet NaN from the NaN operand(s)
    a.bind(done);
    a.storeXmm(true, lhs, 0);
    this.height--;
  }

  private floatCompare(code: number): void {
    const a = this.a;
    const double = code >= Op.F64Eq && code <= Op.F64Ge;
    const kind = code - (double ? Op.F64Eq : Op.F32Eq); // eq ne lt gt le ge
    const rhs = this.top();
    const lhs = this.top(1);
    this.height--;
    // lt/le compare swapped (b > a, b >= a) so that unordered gives false through CF.
    const swap = kind === 2 || kind === 4;
    a.loadXmm(double, 0, swap ? rhs : lhs);
    a.loadXmm(double, 1, swap ? lhs : rhs);
    a.ucomis(double, 0, 1);
    switch (kind) {
      case 0: // eq: ZF and not PF
        a.setcc(Cond.E, R.Rax);
        a.setcc(Cond.NP, R.Rcx);
        a.aluRR(32, 0x21, R.Rax, R.Rcx);
        break;
      case 1: // ne: not ZF or PF
        a.setcc(Cond.NE, R.Rax);
        a.setcc(Cond.P, R.Rcx);
        a.aluRR(32, 0x09, R.Rax, R.Rcx);
        break;
      case 2: case 3:
        a.setcc(Cond.A, R.Rax);
        break;
      default:
        a.setcc(Cond.AE, R.Rax);
        break;
    }
    a.extendReg(32, R.Rax, R.Rax, 8, false);
    a.store(64, lhs, R.Rax);
  }

  // ---- conversions

  private conversion(code: number): boolean {
    const a = this.a;
    switch (code) {
      case Op.F32DemoteF64: case Op.F64PromoteF32: {
        const s = this.top();
        const toDouble = code === Op.F64PromoteF32;
        a.loadXmm(!toDouble, 0, s);
        a.cvtFloatWidth(toDouble, 0, 0);
        a.storeXmm(true, s, 0);
        return true;
      }
      case Op.F32ConvertI32S: case Op.F64ConvertI32S: case Op.F32ConvertI64S: case Op.F64ConvertI64S:
      case Op.F32ConvertI32U: case Op.F64ConvertI32U: {
        const double = code === Op.F64ConvertI32S || code === Op.F64ConvertI64S || code === Op.F64ConvertI32U;
        const s = this.top();
        if (code === Op.F32ConvertI32S || code === Op.F64ConvertI32S) a.loadExtend(64, R.Rax, s, 32, true);
        else if (code === Op.F32ConvertI32U || code === Op.F64ConvertI32U) a.load(32, R.Rax, s);
        else a.load(64, R.Rax, s);
        a.bitwisePs(0x57, 0, 0);
        a.cvtIntToFloat(double, 64, 0, R.Rax);
        a.storeXmm(true, s, 0);
        return true;
      }
      case Op.F32ConvertI64U: case Op.F64ConvertI64U: {
        const double = code === Op.F64ConvertI64U;
        const s = this.top();
        const big = a.newLabel();
        const done = a.newLabel();
        a.load(64, R.Rax, s);
        a.bitwisePs(0x57, 0, 0);
        a.aluRR(64, 0x85, R.Rax, R.Rax);
        a.jcc(Cond.S, big);
        a.cvtIntToFloat(double, 64, 0, R.Rax);
        a.jmp(done);
        a.bind(big);
        // Halve with the low bit kept (round to odd), convert, double: one rounding.
        a.movRR(64, R.Rcx, R.Rax);
        a.shiftImm(64, 5, R.Rcx, 1);
        a.aluRI(32, 4, R.Rax, 1);
        a.aluRR(64, 0x09, R.Rcx, R.Rax);
        a.cvtIntToFloat(double, 64, 0, R.Rcx);
        a.sseRR(double, 0x58, 0, 0);
        a.bind(done);
        a.storeXmm(true, s, 0);
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
   * Float → integer, trapping or saturating. The source is widened to f64 (exactly), then
   * compared with the exclusive bounds of the target's range: NaN or out of range traps (or
   * saturates: NaN → 0, below → min, above → max); in range, cvttsd2si (unsigned 64-bit
   * results at or above 2^63 subtract 2^63 first and set the top bit after).
   */
  private truncate(t: Truncation): void {
    const a = this.a;
    const s = this.top();
    a.loadXmm(t.fromDouble, 0, s);
    if (!t.fromDouble) a.cvtFloatWidth(true, 0, 0);
    const done = a.newLabel();
    const store = a.newLabel();
    const w: Width = t.to64 ? 64 : 32;
    // NaN
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
    // x <= lower (exclusive lower bound) → below range
    a.movImm(R.Rax, f64Bits(t.lower));
    a.movToXmm(64, 1, R.Rax);
    a.ucomis(true, 0, 1);
    if (t.saturating) {
      const aboveLower = a.newLabel();
      a.jcc(Cond.A, aboveLower);
      a.movImm(R.Rax, t.minimum);
      a.jmp(store);
      a.bind(aboveLower);
    } else {
      a.jcc(Cond.BE, this.trap(TrapCode.IntegerOverflow));
    }
    // x >= upper (exclusive upper bound) → above range
    a.movImm(R.Rax, f64Bits(t.upper));
    a.movToXmm(64, 1, R.Rax);
    a.ucomis(true, 0, 1);
    if (t.saturating) {
      const belowUpper = a.newLabel();
      a.jcc(Cond.B, belowUpper);
      a.movImm(R.Rax, t.maximum);
      a.jmp(store);
      a.bind(belowUpper);
    } else {
      a.jcc(Cond.AE, this.trap(TrapCode.IntegerOverflow));
    }
    if (t.to64 && !t.signed) {
      // [0, 2^64): below 2^63 directly; else subtract 2^63 and set the top bit.
      const high = a.newLabel();
      a.movImm(R.Rax, f64Bits(2 ** 63));
      a.movToXmm(64, 1, R.Rax);
      a.ucomis(true, 0, 1);
      a.jcc(Cond.AE, high);
      a.cvtFloatToInt(true, 64, R.Rax, 0);
      a.jmp(store);
      a.bind(high);
      a.sseRR(true, 0x5c, 0, 1);
      a.cvtFloatToInt(true, 64, R.Rax, 0);
      a.bitTestImm(64, 7, R.Rax, 63);
    } else {
      // i32 unsigned fits in a signed 64-bit conversion; i32 signed and i64 signed convert directly.
      a.cvtFloatToInt(true, t.to64 || !t.signed ? 64 : 32, R.Rax, 0);
    }
    a.bind(store);
    a.store(64, s, R.Rax);
    a.bind(done);
  }
}

interface Truncation {
  readonly fromDouble: boolean;
  readonly to64: boolean;
  readonly signed: boolean;
  readonly saturating: boolean;
  /** Exclusive bounds as f64: the value must be > lower and < upper. */
  readonly lower: number;
  readonly upper: number;
  /** Saturated results (bits). */
  readonly minimum: bigint;
  readonly maximum: bigint;
}

function truncation(fromDouble: boolean, to64: boolean, signed: boolean, saturating: boolean): Truncation {
  const lower = signed ? (to64 ? -(2 ** 63) - 2048 : -(2 ** 31) - 1) : -1;
  const upper = signed ? (to64 ? 2 ** 63 : 2 ** 31) : to64 ? 2 ** 64 : 2 ** 32;
  const minimum = signed ? (to64 ? 0x8000_0000_0000_0000n : 0x8000_0000n) : 0n;
  const maximum = signed ? (to64 ? 0x7fff_ffff_ffff_ffffn : 0x7fff_ffffn) : to64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
  return { fromDouble, to64, signed, saturating, lower, upper, minimum, maximum };
}

const TRUNCATIONS = new Map<number, Truncation>([
  [Op.I32TruncF32S, truncation(false, false, true, false)],
  [Op.I32TruncF32U, truncation(false, false, false, false)],
  [Op.I32TruncF64S, truncation(true, false, true, false)],
  [Op.I32TruncF64U, truncation(true, false, false, false)],
  [Op.I64TruncF32S, truncation(false, true, true, false)],
  [Op.I64TruncF32U, truncation(false, true, false, false)],
  [Op.I64TruncF64S, truncation(true, true, true, false)],
  [Op.I64TruncF64U, truncation(true, true, false, false)],
  [Op.I32TruncSatF32S, truncation(false, false, true, true)],
  [Op.I32TruncSatF32U, truncation(false, false, false, true)],
  [Op.I32TruncSatF64S, truncation(true, false, true, true)],
  [Op.I32TruncSatF64U, truncation(true, false, false, true)],
  [Op.I64TruncSatF32S, truncation(false, true, true, true)],
  [Op.I64TruncSatF32U, truncation(false, true, false, true)],
  [Op.I64TruncSatF64S, truncation(true, true, true, true)],
  [Op.I64TruncSatF64U, truncation(true, true, false, true)],
]);

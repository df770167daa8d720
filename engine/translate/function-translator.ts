// Stage: translation (WebAssembly → LLVM IR) of one function body (Core spec §4.4
// "Instructions", §2.5.3 functions), in the same per-operator loop as validation
// (validateFunctionBody's visitor, as Wasmtime's func_translator.rs): each operator is
// translated right after it validated. The operand stack holds LLVM value text (`%v12` or a
// constant) with its value type; control frames (control-frame.ts) turn into LLVM blocks
// with phis. Each operator family has its own emitter file (emit-*.ts), dispatched through
// one table indexed by operator id. Locals live in entry-block allocas, zero-initialised,
// parameters stored into them (mem2reg/SROA make them SSA at O1 and above).
//
// After br, br_table, return and unreachable the rest of the block is unreachable: the
// validator keeps checking it, the translator only tracks its control frames.

import { keepShape } from '../wasm/shape-anchors.js';
import type { FunctionBody, ModuleInfo } from '../binary/module-info.js';
import { Operator } from '../binary/operator-reader.js';
import { CompileError } from '../wasm/errors.js';
import { unsupportedOperatorMessage } from '../wasm/features.js';
import { OP_NAME, OP_POP_COUNT, OPERATOR_ID_LIMIT, Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import {
  FunctionValidator,
  validateFunctionBody,
  type OperatorVisitor,
  type ValidationContext,
} from '../validate/function-validator.js';
import { NO_TYPES, ValType } from '../wasm/value-types.js';
import { ControlFrame, FrameKind } from './control-frame.js';
import type { FunctionEnvironment, ModuleEnvironment } from './environment.js';
import { FunctionBuilder } from './function-builder.js';
import { FunctionMetrics } from './function-metrics.js';
import { PROF_TRAP_ON_TRUE, type IrModuleBuilder } from './ir-module.js';
import { LLVM_TYPE, ZERO_VALUE, signatureOf, type Signature } from './ir-types.js';
import { registerCallEmitters } from './emit-call.js';
import { registerControlEmitters, emitElse, emitEnd } from './emit-control.js';
import { registerConversionEmitters } from './emit-conversion.js';
import { registerMemoryEmitters } from './emit-memory.js';
import { registerNumericEmitters } from './emit-numeric.js';
import { registerParametricEmitters } from './emit-parametric.js';
import { registerSimdFloatEmitters } from './emit-simd-float.js';
import { registerSimdIntegerEmitters } from './emit-simd-integer.js';
import { registerSimdLaneEmitters } from './emit-simd-lanes.js';
import { registerSimdMemoryEmitters } from './emit-simd-memory.js';
import { registerTableEmitters } from './emit-table.js';
import { registerVariableEmitters } from './emit-variable.js';
import {
  ANCHORS_ALL_LOADS, LOAD_USE, LoadTracker, LoadUse, NAN_FOLDING_LANE_BITS, NAN_FOLDING_VECTOR, type LoadRecord,
} from './load-liveness.js';
import { mayBeNaNConstant } from './constant-bits.js';
import { isConstant } from './emit-helpers.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { OSR_DISPATCH_LABEL, osrDispatch, osrEntrySymbol, osrSlotBytes } from './emit-osr.js';


export interface FunctionTranslationOptions {
  /**
   * Use the memarg alignment as LLVM `align` (capped at the natural size). Off by default:
   * wasm alignment is only a hint, and an LLVM access whose address is less aligned than
   * its `align` is undefined behaviour (LLVM-MAPPING.md "Memory").
   */
  readonly trustAlignmentHints?: boolean;
  /**
   * Declare callees instead of assuming their definitions are in the same LLVM module
   * (functions compiled into separate modules).
   */
  readonly declareCallees?: boolean;
  /**
   * Stop with a CompileError naming `maxFunctionIrBytes` once a body's IR text passes this
   * many bytes (checked every 4096 operators), before the rest is translated for nothing.
   */
  readonly maxFunctionIrBytes?: number;
  /** The target has SSSE3: i8x16.swizzle is `pshufb` (emit-simd-lanes.ts); otherwise a select per lane. */
  readonly x86Ssse3?: boolean;
  /**
   * The IR goes to code generation without optimisation (O0): a discarded load is kept by a
   * volatile store into a stack slot, which fast instruction selection handles, instead of
   * an empty inline asm, which sends it to SelectionDAG for that instruction (load-liveness.ts).
   */
  readonly unoptimized?: boolean;
  /**
   * Tiered execution: translate the function as its on-stack-replacement entry for the OSR
   * candidate loops from this ordinal on (emit-osr.ts): `<results> @<symbol>_osr<from>(ptr
   * %vmctx, ptr %osr, i32 %loop)`, its locals read from the buffer at %osr, entered at the
   * header of loop %loop.
   */
  readonly osrFromLoop?: number;
}

/** Operators without an emitter (none in WebAssembly 2.0; the table is checked by a test). */
function emitUnsupported(translator: TranslatorState, operator: Operator): void {
  throw new CompileError(unsupportedOperatorMessage(OP_NAME[operator.opcode]), translator.offset);
}

/** The dispatch table: one emitter per operator id. */
const EMITTERS: OperatorEmitter[] = new Array<OperatorEmitter>(OPERATOR_ID_LIMIT).fill(emitUnsupported);
registerControlEmitters(EMITTERS);
registerParametricEmitters(EMITTERS);
registerVariableEmitters(EMITTERS);
registerNumericEmitters(EMITTERS);
registerConversionEmitters(EMITTERS);
registerMemoryEmitters(EMITTERS);
registerTableEmitters(EMITTERS);
registerCallEmitters(EMITTERS);
registerSimdMemoryEmitters(EMITTERS);
registerSimdLaneEmitters(EMITTERS);
registerSimdIntegerEmitters(EMITTERS);
registerSimdFloatEmitters(EMITTERS);

const OP_BLOCK = Op.Block;
const OP_LOOP = Op.Loop;
const OP_IF = Op.If;
const OP_ELSE = Op.Else;
const OP_END = Op.End;

export class FunctionTranslator implements TranslatorState {
  readonly builder: FunctionBuilder;
  readonly environment: FunctionEnvironment;
  readonly module: ModuleInfo;
  readonly trustAlignmentHints: boolean;
  readonly declareCallees: boolean;
  readonly maxFunctionIrBytes: number;
  readonly x86Ssse3: boolean;
  /** FunctionTranslationOptions.unoptimized. */
  readonly unoptimized: boolean;

  // ---- Operand stack: value text and value type, `height` entries ----
  values: string[] = [];
  types = new Uint8Array(256);
  /** For an i32 that is `zext i1 %c`: that `%c` (so branches and selects use it directly), else ''. */
  conditions: string[] = [];
  /**
   * Per slot, the loads from linear memory this value depends on that may still be deleted
   * (load-liveness.ts); undefined for none. Records are shared with locals and other slots;
   * only those not `done` matter.
   */
  pendingLoads: (LoadRecord[] | undefined)[] = [];
  /** The bookkeeping of loads that may still be deleted, on the stack and in locals. */
  private readonly loads = new LoadTracker(this);
  height = 0;

  // ---- Control stack ----
  private readonly frames: ControlFrame[] = [];
  frameCount = 0;
  /** Whether the current position is reachable (the current LLVM block is open). */
  reachable = true;

  /** Byte offset of the operator being translated (for errors). */
  offset = 0;
  functionIndex = 0;
  signature!: Signature;
  /** Results of f64.promote_f32 in this function (see emit-conversion.ts, emitDemote). */
  readonly promotedValues = new Set<string>();
  /** Bitcasts between a v128 and its lane shapes already made (vector-shapes.ts, viewAs). */
  readonly vectorViews = new Map<string, string>();
  /** Size and shape of the function being translated (function-metrics.ts), complete after translate(). */
  readonly metrics = new FunctionMetrics();
  private localTypes = new Uint8Array(64);
  localCount = 0;
  loopOrdinal = 0;
  readonly osrFromLoop: number | undefined;
  readonly osrTargets: number[] = [];

  private readonly validator: FunctionValidator;
  private readonly operator = new Operator();
  private readonly visitor: OperatorVisitor;

  constructor(
    readonly context: ValidationContext,
    readonly moduleEnvironment: ModuleEnvironment,
    readonly output: IrModuleBuilder,
    options: FunctionTranslationOptions = {},
  ) {
    this.module = context.module;
    this.environment = moduleEnvironment.functionEnvironment();
    this.builder = new FunctionBuilder(output);
    this.trustAlignmentHints = options.trustAlignmentHints ?? false;
    this.declareCallees = options.declareCallees ?? false;
    this.maxFunctionIrBytes = options.maxFunctionIrBytes ?? Infinity;
    this.x86Ssse3 = options.x86Ssse3 ?? false;
    this.unoptimized = options.unoptimized ?? false;
    this.osrFromLoop = options.osrFromLoop;
    this.validator = new FunctionValidator(context);
    this.visitor = (operator, offset) => {
      this.offset = offset;
      const opcode = operator.opcode;
      const metrics = this.metrics;
      metrics.operator(opcode, this.height, operator.brTableCount);
      if ((metrics.operators & 4095) === 0 && this.builder.textBytes > this.maxFunctionIrBytes) this.failIrLimit();
      if (this.reachable) {
        if (ANCHORS_ALL_LOADS[opcode] !== 0) this.anchorAllLoads();
        if (LOAD_USE[opcode] === LoadUse.ByEmitter) EMITTERS[opcode](this, operator);
        else this.emitFollowingLoads(opcode, operator);
      } else if (opcode === OP_END) {
        emitEnd(this);
      } else if (opcode === OP_ELSE) {
        emitElse(this);
      } else if (opcode === OP_BLOCK || opcode === OP_LOOP || opcode === OP_IF) {
        this.pushFrame(FrameKind.Block, false, NO_TYPES, NO_TYPES, this.height);
      }
    };
    keepShape(this);
  }

  /** Validates and translates one body; appends its `define` to the output module. */
  translate(body: FunctionBody): void {
    const module = this.module;
    const functionIndex = body.functionIndex;
    this.functionIndex = functionIndex;
    const signature = signatureOf(module.types[module.functionTypeIndices[functionIndex]]);
    this.signature = signature;
    const builder = this.builder;
    builder.reset();
    this.environment.beginFunction(builder, functionIndex);
    this.height = 0;
    this.frameCount = 0;
    this.loopOrdinal = 0;
    this.osrTargets.length = 0;
    this.reachable = true;
    this.promotedValues.clear();
    this.vectorViews.clear();
    this.declareLocals(body, signature);
    this.metrics.reset(functionIndex, body.end - body.start, this.localCount);
    this.loads.reset(this.localCount);
    this.pushFrame(FrameKind.Function, true, NO_TYPES, signature.results, 0);
    this.environment.countFunctionEntry?.(builder, functionIndex);

    validateFunctionBody(this.context, body, this.visitor, this.validator, this.operator);
    this.metrics.finish(builder.trapEdgeTotal, builder.textBytes);

    this.finishFunction(signature);
  }

  private failIrLimit(): never {
    throw new CompileError(
      `function ${this.functionIndex} is too large to compile: more than ${this.maxFunctionIrBytes} bytes of LLVM IR (maxFunctionIrBytes)`,
      this.offset,
    );
  }

  private declareLocals(body: FunctionBody, signature: Signature): void {
    const builder = this.builder;
    const params = signature.params;
    const total = params.length + body.localCount;
    if (this.localTypes.length < total) this.localTypes = new Uint8Array(Math.max(total, this.localTypes.length * 2));
    const localTypes = this.localTypes;
    const osr = this.osrFromLoop !== undefined;
    let index = 0;
    let offset = 0;
    // The OSR entry reads every local from the buffer the baseline wrote (emit-osr.ts, osrSlot).
    const initialise = (type: string, valueType: ValType, initial: string): void => {
      builder.emitInPrologue(`%l${index} = alloca ${type}`);
      if (osr) {
        const address = offset === 0 ? '%osr' : builder.assignInPrologue(`getelementptr inbounds i8, ptr %osr, i64 ${offset}`);
        initial = builder.assignInPrologue(`load ${type}, ptr ${address}, align 8`);
        offset += osrSlotBytes(valueType);
      }
      builder.emitInPrologue(`store ${type} ${initial}, ptr %l${index}`);
    };
    for (; index < params.length; index++) {
      localTypes[index] = params[index];
      initialise(LLVM_TYPE[params[index]], params[index], `%p${index}`);
    }
    for (const group of body.locals) {
      const type = LLVM_TYPE[group.type];
      const zero = ZERO_VALUE[group.type];
      for (let i = 0; i < group.count; i++, index++) {
        localTypes[index] = group.type;
        initialise(type, group.type, zero);
      }
    }
    this.localCount = index;
  }

  enclosingLoops(): number {
    let loops = 0;
    for (let i = 0; i < this.frameCount; i++) if (this.frames[i].kind === FrameKind.Loop) loops++;
    return loops;
  }

  localType(index: number): ValType {
    return this.localTypes[index] as ValType;
  }

  private finishFunction(signature: Signature): void {
    const builder = this.builder;
    const moduleEnvironment = this.moduleEnvironment;
    const functionIndex = this.functionIndex;
    // An OSR entry starts at the header its %loop names (the body's first block is unreachable there).
    const osr = this.osrFromLoop !== undefined;
    if (osr && this.osrTargets.length === 0) throw new Error(`internal error: function ${functionIndex} has no loop to enter by OSR from loop ${this.osrFromLoop}`);
    const first = osr ? OSR_DISPATCH_LABEL : 'start';
    let terminator = `  br label %${first}`;
    if (builder.makesCalls) {
      const exhausted = this.environment.stackExhaustedCondition(builder);
      if (exhausted !== undefined) {
        terminator = `  br i1 ${exhausted}, label %${builder.trapBlockLabel}, label %${first}, !prof ${PROF_TRAP_ON_TRUE}`;
        builder.addTrapEdge(TrapCode.CallStackExhausted, 'entry');
      }
    }
    if (builder.hasTrapEdges) {
      const phi = builder.value();
      builder.startBlock(builder.trapBlockLabel);
      builder.emit(`${phi} = ${builder.trapCodePhi()}`);
      this.environment.emitTrap(builder, phi);
      builder.emit('unreachable');
    }
    const linkage = osr || moduleEnvironment.isFunctionExternal(functionIndex) ? '' : 'internal ';
    let parameters = 'ptr %vmctx';
    const params = signature.params;
    if (osr) parameters += ', ptr %osr, i32 %loop';
    else for (let i = 0; i < params.length; i++) parameters += `, ${LLVM_TYPE[params[i]]} %p${i}`;
    const symbol = osr ? osrEntrySymbol(moduleEnvironment.functionSymbol(functionIndex), this.osrFromLoop!) : moduleEnvironment.functionSymbol(functionIndex);
    const attributes = this.environment.functionAttributes?.(functionIndex);
    if (this.declareCallees) this.output.noteDefinition(symbol);
    const text = this.output.definitionText;
    text.write(`define ${linkage}${signature.returnType} @${symbol}(${parameters})${attributes ? ` ${attributes}` : ''} {\nentry:\n`);
    text.append(builder.prologue);
    text.write(terminator);
    text.write('\n');
    if (osr) text.write(osrDispatch(this.osrTargets));
    builder.writeBody(text);
    text.write('}\n\n');
  }

  // ---- Operand stack ----

  push(value: string, type: ValType): void {
    const height = this.height;
    if (height === this.types.length) {
      const grown = new Uint8Array(height * 2);
      grown.set(this.types);
      this.types = grown;
    }
    this.values[height] = value;
    this.types[height] = type;
    this.conditions[height] = '';
    this.pendingLoads[height] = undefined;
    this.height = height + 1;
  }

  // ---- Load liveness: the tracker's (load-liveness.ts, LoadTracker) ----
  anchorLoads(from: number, to: number): void {
    this.loads.anchorLoads(from, to);
  }

  anchorAllLoads(): void {
    this.loads.anchorAllLoads();
  }

  keepLoads(from: number, to: number): void {
    this.loads.keepLoads(from, to);
  }

  recordLoad(operand: string, addressLoads: LoadRecord[] | undefined): void {
    this.loads.recordLoad(operand, addressLoads);
  }

  setLocalLoads(index: number, slot: number, take: boolean): void {
    this.loads.setLocalLoads(index, slot, take);
  }

  getLocalLoads(index: number): void {
    this.loads.getLocalLoads(index);
  }

  /** A fixed-signature operator whose LoadUse is Carry or Anchor (load-liveness.ts). */
  private emitFollowingLoads(opcode: number, operator: Operator): void {
    const from = this.height - OP_POP_COUNT[opcode];
    const use = LOAD_USE[opcode];
    if (use === LoadUse.Anchor || (NAN_FOLDING_LANE_BITS[opcode] !== 0 && this.hasNaNConstantOperand(opcode, from))) {
      this.anchorLoads(from, this.height);
      EMITTERS[opcode](this, operator);
      return;
    }
    const carried = this.loads.takeLoads(from, this.height);
    EMITTERS[opcode](this, operator);
    if (carried !== undefined) {
      this.pendingLoads[this.height - 1] = carried;
      // A long chain is anchored here rather than carried on.
      if (carried.length > MAX_CARRIED_LOADS) this.anchorLoads(this.height - 1, this.height);
    }
  }

  /** Whether an operand in slots [from, height) is a constant that may be a NaN (load-liveness.ts, NAN_FOLDING_LANE_BITS). */
  private hasNaNConstantOperand(opcode: number, from: number): boolean {
    const bits = NAN_FOLDING_LANE_BITS[opcode] as 32 | 64;
    const vector = NAN_FOLDING_VECTOR[opcode] !== 0;
    for (let slot = from; slot < this.height; slot++) {
      const value = this.values[slot];
      if (isConstant(value) && mayBeNaNConstant(value, bits, vector)) return true;
    }
    return false;
  }

  /** Pushes the i32 `value`, which is `zext i1 condition to i32`. */
  pushCondition(value: string, condition: string): void {
    this.push(value, ValType.I32);
    this.conditions[this.height - 1] = condition;
  }

  /**
   * Pops an i32 used as a condition and returns it as an i1 (`icmp ne` unless known). Its
   * pending loads are anchored: a branch whose targets turn out to be the same block, or a
   * select of equal values, is folded and the condition deleted.
   */
  popCondition(): string {
    this.anchorLoads(this.height - 1, this.height);
    const height = --this.height;
    const condition = this.conditions[height];
    return condition !== '' ? condition : this.builder.assign(`icmp ne i32 ${this.values[height]}, 0`);
  }

  pop(): string {
    return this.values[--this.height];
  }

  /** The value `depth` below the top (0 = top) without popping it. */
  peek(depth: number): string {
    return this.values[this.height - 1 - depth];
  }

  // ---- Control stack ----

  pushFrame(kind: FrameKind, live: boolean, params: readonly ValType[], results: readonly ValType[], height: number): ControlFrame {
    const index = this.frameCount;
    let frame = this.frames[index];
    if (frame === undefined) {
      frame = new ControlFrame();
      this.frames[index] = frame;
    }
    frame.reset(kind, live, params, results, height);
    this.frameCount = index + 1;
    if (kind !== FrameKind.Function) this.metrics.construct(index);
    return frame;
  }

  /** Frame at label depth `depth` (0 = innermost). */
  frame(depth: number): ControlFrame {
    return this.frames[this.frameCount - 1 - depth];
  }

  popFrame(): void {
    this.frameCount--;
  }

  /** Params and results of a block type (s33: type index, -64 empty, or a single result). */
  blockSignature(blockType: number): { params: readonly ValType[]; results: readonly ValType[] } {
    if (blockType >= 0) return this.module.types[blockType];
    return blockType === -64 ? EMPTY_BLOCK : singleResultBlock(blockType + 0x80);
  }

  /** Declares callee `symbol` when functions are compiled into separate LLVM modules. */
  declareCallee(symbol: string, signature: Signature): void {
    if (!this.declareCallees || this.output.hasDeclaration(symbol)) return;
    let parameters = 'ptr';
    for (const param of signature.params) parameters += `, ${LLVM_TYPE[param]}`;
    this.output.declare(symbol, `declare ${signature.returnType} @${symbol}(${parameters})`);
  }
}

/** Pending loads one value may carry before they are anchored where it is. */
const MAX_CARRIED_LOADS = 16;

const EMPTY_BLOCK = { params: NO_TYPES, results: NO_TYPES };
const SINGLE_RESULT_BLOCKS = new Map<number, { params: readonly ValType[]; results: readonly ValType[] }>();
function singleResultBlock(type: number): { params: readonly ValType[]; results: readonly ValType[] } {
  let block = SINGLE_RESULT_BLOCKS.get(type);
  if (block === undefined) {
    block = { params: NO_TYPES, results: [type as ValType] };
    SINGLE_RESULT_BLOCKS.set(type, block);
  }
  return block;
}

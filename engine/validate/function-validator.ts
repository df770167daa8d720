// Stage: validation of function bodies (Core spec §3.3 "Instructions" and the appendix
// "Validation Algorithm", §7.3). `FunctionValidator` is the appendix's algorithm with its
// names (push_operand/pop_operand/push_ctrl/pop_ctrl become pushOperand/popOperand/
// pushControl/popControl), over typed-array stacks, driven one operator at a time by
// `step(offset, operator)`, which throws a CompileError naming that offset.
//
// The translator runs inside the same loop: `validateFunctionBody(context, body, visitor)`
// reads an operator, validates it, and only then calls `visitor(operator, offset,
// validator)`. The visitor therefore sees each operator after it validated, with the
// validator's state already updated (results pushed, frames pushed or popped), and can read
// that state through the accessors below (control depth, frame kinds, block types, operand
// heights, operand types, unreachability). A module that fails validation never reaches the
// visitor past the failing operator.

import { keepShape } from '../wasm/shape-anchors.js';
import { CompileError } from '../wasm/errors.js';
import { unsupportedOperatorMessage } from '../wasm/features.js';
import type { FunctionBody, ModuleInfo } from '../binary/module-info.js';
import { validateRemainingOperators } from './fast-path.js';
import { FrameKind } from './frame-kind.js';
import { createValidationContext, type ValidationContext } from './validation-context.js';
import { Operator, OperatorReader } from '../binary/operator-reader.js';
import {
  Immediate,
  Op,
  OP_EXTRA,
  OP_IMMEDIATE,
  OP_SIGNATURE,
  SIGNATURE_CHECK_IMMEDIATES,
  Typing,
  operatorId,
  operatorName,
} from '../wasm/opcodes.js';
import {
  BLOCK_TYPE_EMPTY,
  type FuncType,
  NO_TYPES,
  SINGLE_RESULT,
  ValType,
  isNumericOrVectorType,
  isReferenceType,
  valTypeName,
} from '../wasm/value-types.js';

import type { DirectCallRecorder } from './direct-calls.js';

export { FrameKind } from './frame-kind.js';

/** Implementation limit on the operand stack (entries), so hostile bodies cannot exhaust memory. */
export const MAX_OPERAND_STACK_HEIGHT = 1 << 26;

export { collectDeclaredFunctionReferences, createValidationContext, type ValidationContext } from './validation-context.js';

const OP_REF_FUNC = Op.RefFunc;
/** Operator ids from here on are the 0xFD-prefixed (SIMD) ones. */
const SIMD_OPERATOR_IDS_START = operatorId(0xfd, 0);

export class FunctionValidator {
  // The state below is also read and written by the validation-only fast path (fast-path.ts).
  context: ValidationContext;
  // Operand stack: value types, 0 for Unknown (spec appendix).
  operandTypes = new Uint8Array(256);
  operandCount = 0;
  // Control stack as parallel arrays.
  frameKinds = new Uint8Array(32);
  frameBlockTypes = new Float64Array(32);
  frameHeights = new Uint32Array(32);
  frameUnreachable = new Uint8Array(32);
  frameCount = 0;
  // Cached top frame state for the hot path.
  topHeight = 0;
  topUnreachable = 0;
  // Locals: parameters, then declared locals.
  localTypes = new Uint8Array(64);
  localCount = 0;
  private offset = 0;
  private functionTypeIndex = 0;
  private brTableSeen: (readonly ValType[])[] = [];
  /** The frame removed by the last `end` or `else`, for a translator's visitor. */
  poppedFrameKind: FrameKind = FrameKind.Block;
  poppedFrameBlockType = 0;
  poppedFrameHeight = 0;
  poppedFrameUnreachable = false;
  /** When set, every valid `call` is noted here (direct-calls.ts). */
  calls: DirectCallRecorder | undefined = undefined;

  constructor(context: ValidationContext) {
    this.context = context;
    keepShape(this);
  }

  /** Starts validating `body`: sets up locals and the function frame. */
  begin(body: FunctionBody, context: ValidationContext = this.context): void {
    this.context = context;
    const typeIndex = context.functionTypeIndices[body.functionIndex];
    this.functionTypeIndex = typeIndex;
    const type = context.types[typeIndex];
    const total = type.params.length + body.localCount;
    if (this.localTypes.length < total) this.localTypes = new Uint8Array(Math.max(total, this.localTypes.length * 2));
    let count = 0;
    for (const param of type.params) this.localTypes[count++] = param;
    for (const group of body.locals) {
      this.localTypes.fill(group.type, count, count + group.count);
      count += group.count;
    }
    this.localCount = count;
    this.operandCount = 0;
    this.frameCount = 0;
    this.offset = body.codeStart;
    this.pushControl(FrameKind.Function, typeIndex);
  }

  // ---- Read-only state for a translator -------------------------------------------------

  /** Number of open control frames (1 inside the function body's outermost level). */
  get controlDepth(): number {
    return this.frameCount;
  }
  /** Number of values on the operand stack. */
  get operandHeight(): number {
    return this.operandCount;
  }
  /** Type of the operand `depthFromTop` below the top (0 = top); ValType.Unknown if polymorphic. */
  operandType(depthFromTop: number): ValType {
    return this.operandTypes[this.operandCount - 1 - depthFromTop] as ValType;
  }
  /** Whether the current position is unreachable (after br, br_table, return, unreachable). */
  get isUnreachable(): boolean {
    return this.topUnreachable !== 0;
  }
  /** Frame `depth` counts from the top: 0 is the innermost frame, like a label index. */
  frameKind(depth: number): FrameKind {
    return this.frameKinds[this.frameCount - 1 - depth] as FrameKind;
  }
  frameBlockType(depth: number): number {
    return this.frameBlockTypes[this.frameCount - 1 - depth];
  }
  frameOperandHeight(depth: number): number {
    return this.frameHeights[this.frameCount - 1 - depth];
  }
  frameIsUnreachable(depth: number): boolean {
    return this.frameUnreachable[this.frameCount - 1 - depth] !== 0;
  }
  frameParams(depth: number): readonly ValType[] {
    return this.blockParams(this.frameBlockTypes[this.frameCount - 1 - depth], this.frameKinds[this.frameCount - 1 - depth]);
  }
  frameResults(depth: number): readonly ValType[] {
    return this.blockResults(this.frameBlockTypes[this.frameCount - 1 - depth]);
  }
  /** Types a branch to label `depth` carries: a loop's parameters, otherwise the results. */
  labelTypes(depth: number): readonly ValType[] {
    const index = this.frameCount - 1 - depth;
    const blockType = this.frameBlockTypes[index];
    return this.frameKinds[index] === FrameKind.Loop ? this.blockParams(blockType, FrameKind.Loop) : this.blockResults(blockType);
  }
  /** Type of local `index` (parameters first). */
  localType(index: number): ValType {
    return this.localTypes[index] as ValType;
  }
  get numberOfLocals(): number {
    return this.localCount;
  }
  get functionType(): FuncType {
    return this.context.types[this.functionTypeIndex];
  }

  // ---- The per-operator step -------------------------------------------------------------

  /** Validates one operator at `offset`; throws CompileError if it is not valid here. */
  step(offset: number, operator: Operator): void {
    this.offset = offset;
    const op = operator.opcode;
    if (op >= SIMD_OPERATOR_IDS_START && !this.context.simd) throw new CompileError(unsupportedOperatorMessage(operatorName(op)), offset);
    const signature = OP_SIGNATURE[op];
    if ((signature & SIGNATURE_CHECK_IMMEDIATES) !== 0) this.checkImmediates(op, operator);
    if (signature >= 0) {
      // Fixed signature (the hottest path): pop up to three operands, push at most one result.
      let count = this.operandCount;
      const popCount = (signature >>> 28) & 3;
      if (popCount !== 0) {
        if (count - popCount >= this.topHeight) {
          const types = this.operandTypes;
          let actual = types[count - 1];
          if (actual !== ((signature >>> 7) & 0x7f) && actual !== ValType.Unknown) this.fixedMismatch(signature, 0);
          if (popCount > 1) {
            actual = types[count - 2];
            if (actual !== ((signature >>> 14) & 0x7f) && actual !== ValType.Unknown) this.fixedMismatch(signature, 1);
            if (popCount > 2) {
              actual = types[count - 3];
              if (actual !== ((signature >>> 21) & 0x7f) && actual !== ValType.Unknown) this.fixedMismatch(signature, 2);
            }
          }
          count -= popCount;
        } else {
          count = this.popFixedOperandsSlow(signature, popCount);
        }
      }
      const result = signature & 0x7f;
      if (result !== 0) {
        if (count === this.operandTypes.length) {
          this.operandCount = count;
          this.growOperands();
        }
        this.operandTypes[count++] = result;
      }
      this.operandCount = count;
      return;
    }
    if ((signature & 0xff) === Typing.LocalGet) {
      const index = operator.index;
      if (index >= this.localCount) this.fail(`unknown local ${index}`);
      this.pushOperand(this.localTypes[index]);
      return;
    }
    this.stepSpecial(signature & 0xff, operator);
  }

  private fixedMismatch(signature: number, operandFromTop: number): never {
    const expected = (signature >>> (7 + 7 * operandFromTop)) & 0x7f;
    return this.typeMismatch(expected, this.operandTypes[this.operandCount - 1 - operandFromTop]);
  }

  /** Pops a fixed signature's operands when the frame may run out (unreachable code, or an error). */
  private popFixedOperandsSlow(signature: number, popCount: number): number {
    for (let i = 0; i < popCount; i++) this.popOperandExpecting((signature >>> (7 + 7 * i)) & 0x7f);
    return this.operandCount;
  }

  finish(endOffset: number): void {
    if (this.frameCount !== 0) throw new CompileError('unexpected end of function: END opcode expected', endOffset);
  }

  private fail(problem: string): never {
    throw new CompileError(problem, this.offset);
  }

  private checkImmediates(op: number, operator: Operator): void {
    const context = this.context;
    switch (OP_IMMEDIATE[op] as Immediate) {
      case Immediate.MemArg:
        if (context.memoryCount === 0) this.fail(`unknown memory 0 in ${operatorName(op)}`);
        if (operator.align > OP_EXTRA[op]) this.fail('alignment must not be larger than natural');
        return;
      case Immediate.MemArgLane:
        if (context.memoryCount === 0) this.fail(`unknown memory 0 in ${operatorName(op)}`);
        if (operator.align > OP_EXTRA[op]) this.fail('alignment must not be larger than natural');
        if (operator.lane >= 16 >> OP_EXTRA[op]) this.fail(`invalid lane index ${operator.lane}`);
        return;
      case Immediate.Memory:
      case Immediate.MemoryCopy:
        if (context.memoryCount === 0) this.fail(`unknown memory 0 in ${operatorName(op)}`);
        return;
      case Immediate.MemoryInit:
        if (context.memoryCount === 0) this.fail(`unknown memory 0 in ${operatorName(op)}`);
        this.checkDataIndex(operator.index);
        return;
      case Immediate.Data:
        this.checkDataIndex(operator.index);
        return;
      case Immediate.Table:
        this.checkTableIndex(operator.index);
        return;
      case Immediate.TableCopy:
        this.checkTableIndex(operator.index);
        this.checkTableIndex(operator.secondIndex);
        if (context.tableElementTypes[operator.index] !== context.tableElementTypes[operator.secondIndex]) {
          this.fail('type mismatch: table.copy between tables of different element types');
        }
        return;
      case Immediate.TableInit:
        this.checkTableIndex(operator.secondIndex);
        this.checkElementIndex(operator.index);
        if (context.elementTypes[operator.index] !== context.tableElementTypes[operator.secondIndex]) {
          this.fail('type mismatch: table.init of an element segment of another type');
        }
        return;
      case Immediate.Elem:
        this.checkElementIndex(operator.index);
        return;
      case Immediate.Func:
        if (operator.index >= context.functionTypeIndices.length) this.fail(`unknown function ${operator.index}`);
        if (op === OP_REF_FUNC && context.declaredFunctionReferences[operator.index] === 0) {
          this.fail(`undeclared function reference ${operator.index}`);
        }
        return;
      case Immediate.CallIndirect:
        this.checkTableIndex(operator.secondIndex);
        if (operator.index >= context.types.length) this.fail(`unknown type ${operator.index}`);
        if (context.tableElementTypes[operator.secondIndex] !== ValType.FuncRef) {
          this.fail('type mismatch: call_indirect on a table that is not funcref');
        }
        return;
      case Immediate.BlockType:
        if (operator.blockType >= context.types.length) this.fail(`unknown type ${operator.blockType}`);
        return;
      case Immediate.Lane:
        if (operator.lane >= OP_EXTRA[op]) this.fail(`invalid lane index ${operator.lane}`);
        return;
      case Immediate.Shuffle:
        for (let i = 0; i < 16; i++) if (operator.v128[i] >= 32) this.fail(`invalid lane index ${operator.v128[i]}`);
        return;
      case Immediate.SelectTyped:
        if (operator.selectTypeCount !== 1) this.fail('invalid result arity: typed select needs exactly one type');
        return;
      default:
        return;
    }
  }

  private checkDataIndex(index: number): void {
    const count = this.context.dataCount;
    if (count < 0) this.fail('data count section required');
    if (index >= count) this.fail(`unknown data segment ${index}`);
  }

  private checkTableIndex(index: number): void {
    if (index >= this.context.tableElementTypes.length) this.fail(`unknown table ${index}`);
  }

  private checkElementIndex(index: number): void {
    if (index >= this.context.elementTypes.length) this.fail(`unknown elem segment ${index}`);
  }

  private stepSpecial(typing: number, operator: Operator): void {
    const context = this.context;
    switch (typing as Typing) {
      case Typing.Unreachable:
        this.setUnreachable();
        return;
      case Typing.Block:
      case Typing.Loop: {
        const blockType = operator.blockType;
        this.popOperands(this.blockParams(blockType, FrameKind.Block));
        this.pushControl(typing === Typing.Block ? FrameKind.Block : FrameKind.Loop, blockType);
        return;
      }
      case Typing.If: {
        this.popOperandExpecting(ValType.I32);
        const blockType = operator.blockType;
        this.popOperands(this.blockParams(blockType, FrameKind.Block));
        this.pushControl(FrameKind.If, blockType);
        return;
      }
      case Typing.Else: {
        if (this.frameCount === 0 || this.frameKinds[this.frameCount - 1] !== FrameKind.If) {
          this.fail('else found outside an if block');
        }
        this.popControl();
        this.pushControl(FrameKind.Else, this.poppedFrameBlockType);
        return;
      }
      case Typing.End: {
        this.popControl();
        const blockType = this.poppedFrameBlockType;
        if (this.poppedFrameKind === FrameKind.If) {
          const params = this.blockParams(blockType, FrameKind.If);
          const results = this.blockResults(blockType);
          if (!sameTypes(params, results)) this.fail('type mismatch: if without else must leave its parameters as results');
        }
        this.pushOperands(this.blockResults(blockType));
        return;
      }
      case Typing.Br: {
        this.popOperands(this.labelTypesChecked(operator.index));
        this.setUnreachable();
        return;
      }
      case Typing.BrIf: {
        this.popOperandExpecting(ValType.I32);
        const types = this.labelTypesChecked(operator.index);
        this.popOperands(types);
        this.pushOperands(types);
        return;
      }
      case Typing.BrTable:
        this.stepBrTable(operator);
        return;
      case Typing.Return:
        this.popOperands(this.blockResults(this.frameBlockTypes[0]));
        this.setUnreachable();
        return;
      case Typing.Call: {
        const type = context.types[context.functionTypeIndices[operator.index]];
        this.popOperands(type.params);
        this.pushOperands(type.results);
        this.calls?.note(operator.index);
        return;
      }
      case Typing.CallIndirect: {
        const type = context.types[operator.index];
        this.popOperandExpecting(ValType.I32);
        this.popOperands(type.params);
        this.pushOperands(type.results);
        return;
      }
      case Typing.Drop:
        this.popOperandExpecting(ValType.Unknown);
        return;
      case Typing.Select: {
        this.popOperandExpecting(ValType.I32);
        const first = this.popOperandExpecting(ValType.Unknown);
        const second = this.popOperandExpecting(ValType.Unknown);
        if ((first !== ValType.Unknown && !isNumericOrVectorType(first)) || (second !== ValType.Unknown && !isNumericOrVectorType(second))) {
          this.fail('type mismatch: select without a type needs numeric or vector operands');
        }
        if (first !== second && first !== ValType.Unknown && second !== ValType.Unknown) {
          this.fail(`type mismatch in select: ${valTypeName(second)} and ${valTypeName(first)}`);
        }
        this.pushOperand(first === ValType.Unknown ? second : first);
        return;
      }
      case Typing.SelectTyped: {
        const type = operator.valueType;
        this.popOperandExpecting(ValType.I32);
        this.popOperandExpecting(type);
        this.popOperandExpecting(type);
        this.pushOperand(type);
        return;
      }
      case Typing.LocalGet:
        this.pushOperand(this.checkedLocalType(operator.index));
        return;
      case Typing.LocalSet:
        this.popOperandExpecting(this.checkedLocalType(operator.index));
        return;
      case Typing.LocalTee: {
        const type = this.checkedLocalType(operator.index);
        this.popOperandExpecting(type);
        this.pushOperand(type);
        return;
      }
      case Typing.GlobalGet:
        if (operator.index >= context.globalTypes.length) this.fail(`unknown global ${operator.index}`);
        this.pushOperand(context.globalTypes[operator.index]);
        return;
      case Typing.GlobalSet:
        if (operator.index >= context.globalTypes.length) this.fail(`unknown global ${operator.index}`);
        if (context.globalMutable[operator.index] === 0) this.fail(`global is immutable: cannot set global ${operator.index}`);
        this.popOperandExpecting(context.globalTypes[operator.index]);
        return;
      case Typing.TableGet:
        this.popOperandExpecting(ValType.I32);
        this.pushOperand(context.tableElementTypes[operator.index]);
        return;
      case Typing.TableSet:
        this.popOperandExpecting(context.tableElementTypes[operator.index]);
        this.popOperandExpecting(ValType.I32);
        return;
      case Typing.TableGrow:
        this.popOperandExpecting(ValType.I32);
        this.popOperandExpecting(context.tableElementTypes[operator.index]);
        this.pushOperand(ValType.I32);
        return;
      case Typing.TableFill:
        this.popOperandExpecting(ValType.I32);
        this.popOperandExpecting(context.tableElementTypes[operator.index]);
        this.popOperandExpecting(ValType.I32);
        return;
      case Typing.RefNull:
        this.pushOperand(operator.valueType);
        return;
      case Typing.RefIsNull: {
        const type = this.popOperandExpecting(ValType.Unknown);
        if (type !== ValType.Unknown && !isReferenceType(type)) {
          this.fail(`type mismatch: ref.is_null expects a reference, found ${valTypeName(type)}`);
        }
        this.pushOperand(ValType.I32);
        return;
      }
      default:
        throw new Error(`validator: no typing rule for ${operatorName(operator.opcode)}`);
    }
  }

  /** br_table (spec appendix): every target's label arity equals the default's, and each matches the stack. */
  private stepBrTable(operator: Operator): void {
    this.popOperandExpecting(ValType.I32);
    const defaultTypes = this.labelTypesChecked(operator.index);
    const arity = defaultTypes.length;
    const seen = this.brTableSeen;
    seen.length = 0;
    seen.push(defaultTypes);
    const targets = operator.brTableTargets;
    for (let i = 0, n = operator.brTableCount; i < n; i++) {
      const types = this.labelTypesChecked(targets[i]);
      if (types.length !== arity) this.fail('type mismatch: br_table targets have different arities');
      if (seen.includes(types)) continue;
      if (seen.length < 64) seen.push(types);
      this.checkOperandsMatch(types);
    }
    this.popOperands(defaultTypes);
    this.setUnreachable();
  }

  /** push_vals(pop_vals(types)) without moving anything: the top values must match `types`. */
  private checkOperandsMatch(types: readonly ValType[]): void {
    const available = this.operandCount - this.topHeight;
    const count = types.length;
    if (available < count && this.topUnreachable === 0) {
      this.fail(`type mismatch: expected ${count} values for the branch, found ${available}`);
    }
    const checked = Math.min(count, available);
    for (let i = 0; i < checked; i++) {
      const expected = types[count - 1 - i];
      const actual = this.operandTypes[this.operandCount - 1 - i];
      if (actual !== expected && actual !== ValType.Unknown) this.typeMismatch(expected, actual);
    }
  }

  private checkedLocalType(index: number): number {
    if (index >= this.localCount) this.fail(`unknown local ${index}`);
    return this.localTypes[index];
  }

  private labelTypesChecked(depth: number): readonly ValType[] {
    if (depth >= this.frameCount) this.fail(`unknown label ${depth}`);
    return this.labelTypes(depth);
  }

  private blockParams(blockType: number, kind: number): readonly ValType[] {
    if (blockType >= 0 && kind !== FrameKind.Function) return this.context.types[blockType].params;
    return NO_TYPES;
  }

  private blockResults(blockType: number): readonly ValType[] {
    if (blockType >= 0) return this.context.types[blockType].results;
    if (blockType === BLOCK_TYPE_EMPTY) return NO_TYPES;
    return SINGLE_RESULT[blockType + 0x80];
  }

  // ---- The appendix's stack operations ---------------------------------------------------

  pushOperand(type: number): void {
    const count = this.operandCount;
    if (count === this.operandTypes.length) this.growOperands();
    this.operandTypes[count] = type;
    this.operandCount = count + 1;
  }

  private growOperands(): void {
    if (this.operandTypes.length >= MAX_OPERAND_STACK_HEIGHT) this.fail('operand stack too deep (implementation limit)');
    const grown = new Uint8Array(this.operandTypes.length * 2);
    grown.set(this.operandTypes);
    this.operandTypes = grown;
  }

  /** pop_val(expected): pops one operand and checks it; `ValType.Unknown` accepts any type. */
  popOperandExpecting(expected: number): number {
    const count = this.operandCount;
    if (count > this.topHeight) {
      const actual = this.operandTypes[count - 1];
      this.operandCount = count - 1;
      if (actual !== expected && actual !== ValType.Unknown && expected !== ValType.Unknown) this.typeMismatch(expected, actual);
      return actual;
    }
    if (this.topUnreachable !== 0) return ValType.Unknown;
    return this.fail(
      expected === ValType.Unknown
        ? 'type mismatch: expected a value but nothing on stack'
        : `type mismatch: expected ${valTypeName(expected)} but nothing on stack`,
    );
  }

  private typeMismatch(expected: number, actual: number): never {
    this.fail(`type mismatch: expected ${valTypeName(expected)}, found ${valTypeName(actual)}`);
  }

  private popOperands(types: readonly ValType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popOperandExpecting(types[i]);
  }

  private pushOperands(types: readonly ValType[]): void {
    for (let i = 0; i < types.length; i++) this.pushOperand(types[i]);
  }

  private pushControl(kind: FrameKind, blockType: number): void {
    const index = this.frameCount;
    if (index === this.frameKinds.length) this.growFrames();
    this.frameKinds[index] = kind;
    this.frameBlockTypes[index] = blockType;
    this.frameHeights[index] = this.operandCount;
    this.frameUnreachable[index] = 0;
    this.frameCount = index + 1;
    this.topHeight = this.operandCount;
    this.topUnreachable = 0;
    this.pushOperands(this.blockParams(blockType, kind));
  }

  private growFrames(): void {
    const size = this.frameKinds.length * 2;
    const kinds = new Uint8Array(size);
    kinds.set(this.frameKinds);
    const blockTypes = new Float64Array(size);
    blockTypes.set(this.frameBlockTypes);
    const heights = new Uint32Array(size);
    heights.set(this.frameHeights);
    const unreachable = new Uint8Array(size);
    unreachable.set(this.frameUnreachable);
    this.frameKinds = kinds;
    this.frameBlockTypes = blockTypes;
    this.frameHeights = heights;
    this.frameUnreachable = unreachable;
  }

  private popControl(): void {
    if (this.frameCount === 0) this.fail('unexpected end: no open block');
    const index = this.frameCount - 1;
    const blockType = this.frameBlockTypes[index];
    this.popOperands(this.blockResults(blockType));
    if (this.operandCount !== this.frameHeights[index]) {
      this.fail(`type mismatch: ${this.operandCount - this.frameHeights[index]} values remaining on stack at end of block`);
    }
    this.poppedFrameKind = this.frameKinds[index] as FrameKind;
    this.poppedFrameBlockType = blockType;
    this.poppedFrameHeight = this.frameHeights[index];
    this.poppedFrameUnreachable = this.frameUnreachable[index] !== 0;
    this.frameCount = index;
    if (index > 0) {
      this.topHeight = this.frameHeights[index - 1];
      this.topUnreachable = this.frameUnreachable[index - 1];
    } else {
      this.topHeight = 0;
      this.topUnreachable = 0;
    }
  }

  private setUnreachable(): void {
    const index = this.frameCount - 1;
    this.operandCount = this.frameHeights[index];
    this.frameUnreachable[index] = 1;
    this.topUnreachable = 1;
  }
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Called after each operator validated; see the file header. */
export type OperatorVisitor = (operator: Operator, offset: number, validator: FunctionValidator) => void;

/**
 * Validates one function body: read an operator, validate it, then hand it to `visitor`.
 * Takes either a precomputed ValidationContext and a FunctionBody (what a module-wide loop
 * uses) or a ModuleInfo and a function index (in the function index space, imports first).
 * The module must already have passed `validateModuleStructure` (module-validator.ts).
 * `validator` and `operator` may be passed in to reuse them across functions.
 */
export function validateFunctionBody(
  moduleOrContext: ValidationContext | ModuleInfo,
  bodyOrFunctionIndex: FunctionBody | number,
  visitor?: OperatorVisitor,
  validator?: FunctionValidator,
  operator: Operator = new Operator(),
): void {
  const context = 'functionBodies' in moduleOrContext ? createValidationContext(moduleOrContext) : moduleOrContext;
  let body: FunctionBody;
  if (typeof bodyOrFunctionIndex === 'number') {
    const found = context.module.functionBodies[bodyOrFunctionIndex - context.module.importedFunctionCount];
    if (found === undefined) throw new RangeError(`function ${bodyOrFunctionIndex} has no body in this module`);
    body = found;
  } else {
    body = bodyOrFunctionIndex;
  }
  validator ??= new FunctionValidator(context);
  const reader = new OperatorReader(context.module.bytes, body.codeStart, body.end);
  validator.begin(body, context);
  const end = body.end;
  if (visitor === undefined) {
    validateRemainingOperators(validator, reader, operator);
    validator.finish(end);
    return;
  }
  while (reader.pos < end) {
    const offset = reader.pos;
    reader.read(operator);
    validator.step(offset, operator);
    if (visitor !== undefined) visitor(operator, offset, validator);
    if (validator.controlDepth === 0 && reader.pos !== end) {
      throw new CompileError('operators remaining after end of function', reader.pos);
    }
  }
  validator.finish(end);
}

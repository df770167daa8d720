// Stage: translation (WebAssembly → LLVM IR) of control instructions (Core spec §4.4.8:
// nop, unreachable, block, loop, if/else, end, br, br_if, br_table, return). Structured
// control flow becomes LLVM blocks: a block's end is a new LLVM block only when something
// branches to it (otherwise translation simply continues in the current one); the values a
// branch carries become phis at the target, written when the target is emitted — at `end`
// for blocks and ifs (all their edges are known by then), and into a reserved line at the
// loop header for loop parameters (back edges are only known at the loop's `end`). A target
// with a single incoming edge takes that edge's values directly, without phis. A branch to
// the function's outermost label is a return. br_table becomes a `switch`.

import { emitOsrCheck, isOsrCandidate, osrTargetLabel } from './emit-osr.js';
import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import type { ValType } from '../wasm/value-types.js';
import { FrameKind, type ControlFrame } from './control-frame.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { LLVM_TYPE } from './ir-types.js';

export function registerControlEmitters(table: OperatorEmitter[]): void {
  table[Op.Nop] = () => {};
  table[Op.Unreachable] = emitUnreachable;
  table[Op.Block] = emitBlock;
  table[Op.Loop] = emitLoop;
  table[Op.If] = emitIf;
  table[Op.Else] = emitElse;
  table[Op.End] = emitEnd;
  table[Op.Br] = emitBr;
  table[Op.BrIf] = emitBrIf;
  table[Op.BrTable] = emitBrTable;
  table[Op.Return] = emitReturnOperator;
}

function emitUnreachable(translator: TranslatorState): void {
  translator.anchorAllLoads();
  translator.builder.trap(TrapCode.Unreachable);
  translator.reachable = false;
}

/**
 * Every live load is anchored before a nested frame: here the anchors dominate everything in
 * it, so its code never has to anchor an outer load on some of its paths only, and anchors
 * stay out of inner loops (load-liveness.ts). Likewise wherever control leaves straight-line
 * code: branches, returns, an `if` arm's end and the end of a block something branches to.
 */
function anchorEnclosedLoads(translator: TranslatorState): void {
  translator.anchorAllLoads();
}

function emitBlock(translator: TranslatorState, operator: Operator): void {
  const { params, results } = translator.blockSignature(operator.blockType);
  anchorEnclosedLoads(translator);
  translator.pushFrame(FrameKind.Block, true, params, results, translator.height - params.length);
}

function emitLoop(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const { params, results } = translator.blockSignature(operator.blockType);
  anchorEnclosedLoads(translator);
  const ordinal = translator.loopOrdinal++;
  const osrCandidate = isOsrCandidate(translator, params.length);
  const frame = translator.pushFrame(FrameKind.Loop, true, params, results, translator.height - params.length);
  const osrTarget = osrCandidate && translator.osrFromLoop !== undefined && ordinal >= translator.osrFromLoop;
  if (osrTarget) translator.osrTargets.push(ordinal);
  const header = osrTarget ? osrTargetLabel(ordinal) : builder.label();
  frame.headerLabel = header;
  builder.emit(`br label %${header}`);
  // The entry edge carries the parameters; they are replaced by the header's phis.
  if (params.length !== 0) addEdge(translator, frame, params, builder.currentBlock);
  builder.startBlock(header);
  if (params.length !== 0) {
    frame.headerPhiLine = builder.reserveLine();
    const base = frame.height;
    for (let i = 0; i < params.length; i++) {
      const phi = builder.value();
      frame.headerPhis.push(phi);
      translator.values[base + i] = phi;
      translator.conditions[base + i] = '';
    }
  }
  translator.environment.countLoopIteration?.(builder, translator.functionIndex);
  if (osrCandidate) emitOsrCheck(translator, ordinal);
}

function emitIf(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const condition = translator.popCondition();
  const { params, results } = translator.blockSignature(operator.blockType);
  anchorEnclosedLoads(translator);
  const frame = translator.pushFrame(FrameKind.If, true, params, results, translator.height - params.length);
  for (let i = 0; i < params.length; i++) frame.ifParams.push(translator.values[frame.height + i]);
  frame.ifCondition = condition;
  frame.ifBlock = builder.currentBlock;
  frame.thenLabel = builder.label();
  // The false target (else-arm or end) is known at `else` or `end`.
  frame.ifBranchLine = builder.reserveLine();
  builder.startBlock(frame.thenLabel);
}

function writeIfBranch(translator: TranslatorState, frame: ControlFrame, falseTarget: string): void {
  translator.builder.setLine(
    frame.ifBranchLine,
    `  br i1 ${frame.ifCondition}, label %${frame.thenLabel}, label %${falseTarget}`,
  );
}

export function emitElse(translator: TranslatorState): void {
  const frame = translator.frame(0);
  if (!frame.live) return;
  const builder = translator.builder;
  if (translator.reachable) {
    translator.anchorAllLoads();
    branchToEnd(translator, frame);
  }
  const elseLabel = builder.label();
  writeIfBranch(translator, frame, elseLabel);
  frame.kind = FrameKind.Else;
  builder.startBlock(elseLabel);
  translator.reachable = true;
  translator.height = frame.height;
  const params = frame.params;
  for (let i = 0; i < params.length; i++) translator.push(frame.ifParams[i], params[i]);
}

export function emitEnd(translator: TranslatorState): void {
  const frame = translator.frame(0);
  if (!frame.live) {
    translator.popFrame();
    return;
  }
  const builder = translator.builder;
  switch (frame.kind) {
    case FrameKind.Function:
      if (translator.reachable) emitReturn(translator);
      translator.reachable = false;
      translator.popFrame();
      return;
    case FrameKind.Loop:
      if (frame.headerPhiLine >= 0) writeLoopPhis(translator, frame);
      translator.popFrame();
      if (!translator.reachable) translator.height = frame.height;
      return;
    case FrameKind.If: {
      // No else-arm: the false edge goes straight to the end with the parameters.
      if (frame.endLabel === '') frame.endLabel = builder.label();
      writeIfBranch(translator, frame, frame.endLabel);
      const values = frame.ifParams;
      const results = frame.results;
      if (results.length !== 0) {
        for (let i = 0; i < results.length; i++) frame.edgeValues.push(values[i]);
        frame.edgeBlocks.push(frame.ifBlock);
      }
      frame.edgeCount++;
      break;
    }
    default:
      break;
  }
  // Block, If, Else: the end block exists if anything branches to it.
  if (translator.reachable) {
    if (frame.edgeCount === 0) {
      // Only the fallthrough reaches the end: continue in the current block (whose live
      // loads dominate what follows).
      translator.popFrame();
      return;
    }
    translator.anchorAllLoads();
    branchToEnd(translator, frame);
  }
  translator.popFrame();
  translator.height = frame.height;
  if (frame.edgeCount === 0) {
    translator.reachable = false;
    return;
  }
  builder.startBlock(frame.endLabel);
  translator.reachable = true;
  pushJoinedValues(translator, frame, frame.results);
}

/** Pushes the values the edges of `frame` carry: the single edge's, or one phi per type. */
function pushJoinedValues(translator: TranslatorState, frame: ControlFrame, types: readonly ValType[]): void {
  const count = types.length;
  if (count === 0) return;
  const edgeValues = frame.edgeValues;
  if (frame.edgeCount === 1) {
    for (let i = 0; i < count; i++) translator.push(edgeValues[i], types[i]);
    return;
  }
  const builder = translator.builder;
  const edgeBlocks = frame.edgeBlocks;
  const edges = frame.edgeCount;
  for (let i = 0; i < count; i++) {
    let incoming = '';
    for (let e = 0; e < edges; e++) {
      incoming += `${e === 0 ? '' : ', '}[ ${edgeValues[e * count + i]}, %${edgeBlocks[e]} ]`;
    }
    translator.push(builder.assign(`phi ${LLVM_TYPE[types[i]]} ${incoming}`), types[i]);
  }
}

function writeLoopPhis(translator: TranslatorState, frame: ControlFrame): void {
  const params = frame.params;
  const count = params.length;
  const edges = frame.edgeCount;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let incoming = '';
    for (let e = 0; e < edges; e++) {
      incoming += `${e === 0 ? '' : ', '}[ ${frame.edgeValues[e * count + i]}, %${frame.edgeBlocks[e]} ]`;
    }
    lines.push(`  ${frame.headerPhis[i]} = phi ${LLVM_TYPE[params[i]]} ${incoming}`);
  }
  translator.builder.setLine(frame.headerPhiLine, lines.join('\n'));
}

/** Records an edge into `frame`'s target from `block`, carrying the top `types.length` values. */
function addEdge(translator: TranslatorState, frame: ControlFrame, types: readonly ValType[], block: string): void {
  const count = types.length;
  if (count !== 0) {
    const values = translator.values;
    const base = translator.height - count;
    for (let i = 0; i < count; i++) frame.edgeValues.push(values[base + i]);
    frame.edgeBlocks.push(block);
  }
  frame.edgeCount++;
}

/** The label a branch to `frame` jumps to (not for the function frame). */
function branchTarget(frame: ControlFrame, translator: TranslatorState): string {
  if (frame.kind === FrameKind.Loop) return frame.headerLabel;
  if (frame.endLabel === '') frame.endLabel = translator.builder.label();
  return frame.endLabel;
}

/** Fallthrough into the end block of a block/if/else frame, carrying its results. */
function branchToEnd(translator: TranslatorState, frame: ControlFrame): void {
  const target = branchTarget(frame, translator);
  addEdge(translator, frame, frame.results, translator.builder.currentBlock);
  translator.builder.emit(`br label %${target}`);
}

function emitBr(translator: TranslatorState, operator: Operator): void {
  const frame = translator.frame(operator.index);
  translator.anchorAllLoads();
  if (frame.kind === FrameKind.Function) {
    emitReturn(translator);
  } else {
    const target = branchTarget(frame, translator);
    addEdge(translator, frame, frame.labelTypes, translator.builder.currentBlock);
    translator.builder.emit(`br label %${target}`);
  }
  translator.reachable = false;
}

function emitBrIf(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const condition = translator.popCondition();
  const frame = translator.frame(operator.index);
  const next = builder.label();
  translator.anchorAllLoads();
  if (frame.kind === FrameKind.Function) {
    const returnBlock = builder.label();
    builder.emit(`br i1 ${condition}, label %${returnBlock}, label %${next}`);
    builder.startBlock(returnBlock);
    emitReturn(translator);
  } else {
    const target = branchTarget(frame, translator);
    addEdge(translator, frame, frame.labelTypes, builder.currentBlock);
    builder.emit(`br i1 ${condition}, label %${target}, label %${next}`);
  }
  builder.startBlock(next);
}

function emitBrTable(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  translator.anchorAllLoads();
  const index = translator.pop();
  const from = builder.currentBlock;
  let returnBlock = '';
  const targetOf = (depth: number): string => {
    const frame = translator.frame(depth);
    if (frame.kind === FrameKind.Function) {
      if (returnBlock === '') returnBlock = builder.label();
      return returnBlock;
    }
    const target = branchTarget(frame, translator);
    addEdge(translator, frame, frame.labelTypes, from);
    return target;
  };
  const defaultTarget = targetOf(operator.index);
  const count = operator.brTableCount;
  const targets = operator.brTableTargets;
  const cases: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) cases[i] = `i32 ${i}, label %${targetOf(targets[i])}`;
  builder.emit(`switch i32 ${index}, label %${defaultTarget} [ ${cases.join(' ')} ]`);
  if (returnBlock !== '') {
    builder.startBlock(returnBlock);
    emitReturn(translator);
  }
  translator.reachable = false;
}

function emitReturnOperator(translator: TranslatorState): void {
  translator.anchorAllLoads();
  emitReturn(translator);
  translator.reachable = false;
}

/** `ret` with the function's results from the top of the operand stack. */
export function emitReturn(translator: TranslatorState): void {
  const builder = translator.builder;
  const signature = translator.signature;
  const results = signature.results;
  const count = results.length;
  // Live loads, results included (a caller may ignore a result, and after inlining its load
  // would be deleted), are anchored before the function returns.
  translator.anchorAllLoads();
  if (count === 0) {
    builder.emit('ret void');
    return;
  }
  const base = translator.height - count;
  const values = translator.values;
  if (count === 1) {
    builder.emit(`ret ${LLVM_TYPE[results[0]]} ${values[base]}`);
    return;
  }
  const structType = signature.returnType;
  let aggregate = 'poison';
  for (let i = 0; i < count; i++) {
    aggregate = builder.assign(`insertvalue ${structType} ${aggregate}, ${LLVM_TYPE[results[i]]} ${values[base + i]}, ${i}`);
  }
  builder.emit(`ret ${structType} ${aggregate}`);
}

// Stage: translation (WebAssembly → LLVM IR) of the vector memory instructions (Core spec
// §4.4.7 "Memory Instructions", v128 forms): v128.load/store, the extending loads
// (load8x8_s … load32x2_u: a `<8 x i8>` load then sext/zext), the splat loads (a scalar load
// broadcast), load32_zero/load64_zero, and the lane loads and stores (insert/extract of one
// lane). Addresses, bounds checks and alignment as the scalar accesses (memory-access.ts).
// Every load's result is recorded for load liveness as the `<16 x i8>` it pushes: keeping
// that value computed keeps all of the load (load-liveness.ts).

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { TBAA_LINEAR_MEMORY } from './ir-module.js';
import { alignment, checkBounds, checksBounds, effectiveAddress } from './memory-access.js';
import type { LoadRecord } from './load-liveness.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import {
  I16X8, I32X4, I64X2, I8X16, V128, popVector, pushVector, splatValue, type VectorShape,
} from './vector-shapes.js';

export function registerSimdMemoryEmitters(table: OperatorEmitter[]): void {
  table[Op.V128Load] = (translator, operator) => {
    const pointer = beginLoad(translator, operator, 16);
    const loaded = loadFrom(translator, operator, V128, pointer, 16);
    finishLoad(translator, operator, loaded, I8X16);
  };
  table[Op.V128Load8x8S] = extendingLoad(I16X8, 'sext');
  table[Op.V128Load8x8U] = extendingLoad(I16X8, 'zext');
  table[Op.V128Load16x4S] = extendingLoad(I32X4, 'sext');
  table[Op.V128Load16x4U] = extendingLoad(I32X4, 'zext');
  table[Op.V128Load32x2S] = extendingLoad(I64X2, 'sext');
  table[Op.V128Load32x2U] = extendingLoad(I64X2, 'zext');
  table[Op.V128Load8Splat] = splatLoad(I8X16);
  table[Op.V128Load16Splat] = splatLoad(I16X8);
  table[Op.V128Load32Splat] = splatLoad(I32X4);
  table[Op.V128Load64Splat] = splatLoad(I64X2);
  table[Op.V128Load32Zero] = zeroLoad(I32X4);
  table[Op.V128Load64Zero] = zeroLoad(I64X2);
  table[Op.V128Load8Lane] = laneLoad(I8X16);
  table[Op.V128Load16Lane] = laneLoad(I16X8);
  table[Op.V128Load32Lane] = laneLoad(I32X4);
  table[Op.V128Load64Lane] = laneLoad(I64X2);
  table[Op.V128Store] = emitStore;
  table[Op.V128Store8Lane] = laneStore(I8X16);
  table[Op.V128Store16Lane] = laneStore(I16X8);
  table[Op.V128Store32Lane] = laneStore(I32X4);
  table[Op.V128Store64Lane] = laneStore(I64X2);
}

/** The address operand's pending loads, taken by beginLoad for finishLoad. */
let addressLoads: LoadRecord[] | undefined;

/**
 * The address of a load of `bytes` bytes whose address operand is on top of the stack:
 * bounds-checked when the environment asks, then popped (its pending loads kept aside).
 */
function beginLoad(translator: TranslatorState, operator: Operator, bytes: number): string {
  const top = translator.height - 1;
  addressLoads = translator.pendingLoads[top];
  if (checksBounds(translator, operator.memoryIndex)) checkBounds(translator, operator.memoryIndex, translator.values[top], operator.memoryOffset, bytes);
  return effectiveAddress(translator, operator.memoryIndex, translator.pop(), operator.memoryOffset);
}

/** A load of LLVM type `type` (natural alignment `natural` bytes) from linear memory at `pointer`. */
function loadFrom(translator: TranslatorState, operator: Operator, type: string, pointer: string, natural: number): string {
  return translator.builder.assign(`load ${type}, ptr ${pointer}, align ${alignment(translator, operator, natural)}, !tbaa ${TBAA_LINEAR_MEMORY}`);
}

/** Pushes the loaded vector and records the load, after the loads of its address. */
function finishLoad(translator: TranslatorState, operator: Operator, value: string, shape: VectorShape): void {
  pushVector(translator, value, shape);
  // Checked explicitly, a load may be deleted when unused: its check still traps.
  if (!checksBounds(translator, operator.memoryIndex)) translator.recordLoad(`${V128} ${translator.peek(0)}`, addressLoads);
  addressLoads = undefined;
}

/** load8x8_s etc.: eight bytes as `<8 x i8>`, each lane extended to twice its width. */
function extendingLoad(wide: VectorShape, extension: 'sext' | 'zext'): OperatorEmitter {
  const narrow = `<${wide.lanes} x i${wide.bits / 2}>`;
  return (translator, operator) => {
    const builder = translator.builder;
    const pointer = beginLoad(translator, operator, 8);
    const loaded = loadFrom(translator, operator, narrow, pointer, 8);
    finishLoad(translator, operator, builder.assign(`${extension} ${narrow} ${loaded} to ${wide.vector}`), wide);
  };
}

/** load8_splat etc.: one lane's worth loaded and copied into every lane. */
function splatLoad(shape: VectorShape): OperatorEmitter {
  const bytes = shape.bits / 8;
  return (translator, operator) => {
    const pointer = beginLoad(translator, operator, bytes);
    const loaded = loadFrom(translator, operator, shape.element, pointer, bytes);
    finishLoad(translator, operator, splatValue(translator, shape, loaded), shape);
  };
}

/** load32_zero, load64_zero: the scalar in lane 0, the other lanes zero. */
function zeroLoad(shape: VectorShape): OperatorEmitter {
  const bytes = shape.bits / 8;
  return (translator, operator) => {
    const builder = translator.builder;
    const pointer = beginLoad(translator, operator, bytes);
    const loaded = loadFrom(translator, operator, shape.element, pointer, bytes);
    finishLoad(translator, operator, builder.assign(`insertelement ${shape.vector} zeroinitializer, ${shape.element} ${loaded}, i32 0`), shape);
  };
}

/** load8_lane etc.: [address, vector] → the vector with lane `lane` loaded from memory. */
function laneLoad(shape: VectorShape): OperatorEmitter {
  const bytes = shape.bits / 8;
  return (translator, operator) => {
    const builder = translator.builder;
    // The vector operand's loads live on in the result, except its replaced lane's: anchor them.
    const top = translator.height;
    translator.anchorLoads(top - 1, top);
    const vector = popVector(translator, shape);
    const pointer = beginLoad(translator, operator, bytes);
    const loaded = loadFrom(translator, operator, shape.element, pointer, bytes);
    finishLoad(translator, operator, builder.assign(`insertelement ${shape.vector} ${vector}, ${shape.element} ${loaded}, i32 ${operator.lane}`), shape);
  };
}

/** Every live load must execute before a store (load-liveness.ts, ANCHORS_ALL_LOADS). */
function emitStore(translator: TranslatorState, operator: Operator): void {
  const top = translator.height;
  translator.keepLoads(top - 2, top);
  translator.anchorAllLoads();
  if (checksBounds(translator, operator.memoryIndex)) checkBounds(translator, operator.memoryIndex, translator.values[top - 2], operator.memoryOffset, 16);
  const value = translator.pop();
  const pointer = effectiveAddress(translator, operator.memoryIndex, translator.pop(), operator.memoryOffset);
  translator.builder.emit(`store ${V128} ${value}, ptr ${pointer}, align ${alignment(translator, operator, 16)}, !tbaa ${TBAA_LINEAR_MEMORY}`);
}

/** store8_lane etc.: lane `lane` of the vector stored; the vector's other lanes are unused (anchored). */
function laneStore(shape: VectorShape): OperatorEmitter {
  const bytes = shape.bits / 8;
  return (translator, operator) => {
    const top = translator.height;
    translator.anchorLoads(top - 1, top);
    translator.keepLoads(top - 2, top - 1);
    translator.anchorAllLoads();
    if (checksBounds(translator, operator.memoryIndex)) checkBounds(translator, operator.memoryIndex, translator.values[top - 2], operator.memoryOffset, bytes);
    const vector = popVector(translator, shape);
    const pointer = effectiveAddress(translator, operator.memoryIndex, translator.pop(), operator.memoryOffset);
    const builder = translator.builder;
    const lane = builder.assign(`extractelement ${shape.vector} ${vector}, i32 ${operator.lane}`);
    builder.emit(`store ${shape.element} ${lane}, ptr ${pointer}, align ${alignment(translator, operator, bytes)}, !tbaa ${TBAA_LINEAR_MEMORY}`);
  };
}

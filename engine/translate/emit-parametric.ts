// Stage: translation (WebAssembly → LLVM IR) of parametric instructions (Core spec §4.4.4:
// drop, select, typed select). `select` becomes LLVM `select` on an i1; it is bitwise, so NaN
// payloads pass through unchanged as wasm requires.

import { Op } from '../opcodes.js';
import type { FunctionTranslator, OperatorEmitter } from './function-translator.js';
import { LLVM_TYPE } from './ir-types.js';

export function registerParametricEmitters(table: OperatorEmitter[]): void {
  table[Op.Drop] = emitDrop;
  table[Op.Select] = emitSelect;
  table[Op.SelectTyped] = emitSelect;
}

/**
 * A dropped load must still trap when out of bounds, but LLVM deletes loads whose value is
 * unused, and then the guard page is never touched: the value is kept alive by an empty
 * inline-asm use (free at run time).
 */
function emitDrop(translator: FunctionTranslator): void {
  const height = --translator.height;
  if (translator.loaded[height] !== 0) {
    translator.builder.emit(`call void asm sideeffect "", "r"(${LLVM_TYPE[translator.types[height]]} ${translator.values[height]})`);
  }
}

function emitSelect(translator: FunctionTranslator): void {
  const builder = translator.builder;
  const flag = translator.popCondition();
  const second = translator.pop();
  const first = translator.pop();
  const type = translator.types[translator.height];
  const llvmType = LLVM_TYPE[type];
  translator.push(builder.assign(`select i1 ${flag}, ${llvmType} ${first}, ${llvmType} ${second}`), type);
}

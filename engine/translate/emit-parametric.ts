// Stage: translation (WebAssembly → LLVM IR) of parametric instructions (Core spec §4.4.4:
// drop, select, typed select). `select` becomes LLVM `select` on `icmp ne i32 %c, 0`; it is
// bitwise, so NaN payloads pass through unchanged as wasm requires.

import { Op } from '../opcodes.js';
import type { FunctionTranslator, OperatorEmitter } from './function-translator.js';
import { LLVM_TYPE } from './ir-types.js';

export function registerParametricEmitters(table: OperatorEmitter[]): void {
  table[Op.Drop] = emitDrop;
  table[Op.Select] = emitSelect;
  table[Op.SelectTyped] = emitSelect;
}

function emitDrop(translator: FunctionTranslator): void {
  translator.height--;
}

function emitSelect(translator: FunctionTranslator): void {
  const builder = translator.builder;
  const condition = translator.pop();
  const second = translator.pop();
  const first = translator.pop();
  const type = translator.types[translator.height];
  const flag = builder.assign(`icmp ne i32 ${condition}, 0`);
  const llvmType = LLVM_TYPE[type];
  translator.push(builder.assign(`select i1 ${flag}, ${llvmType} ${first}, ${llvmType} ${second}`), type);
}

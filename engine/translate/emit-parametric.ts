// Stage: translation (WebAssembly → LLVM IR) of parametric instructions (Core spec §4.4.4:
// drop, select, typed select). `select` becomes LLVM `select` on an i1; it is bitwise, so NaN
// payloads pass through unchanged as wasm requires. It is marked `!unpredictable`: a wasm
// `select` is the producer's own choice of a branchless form, and without the mark x86's
// cmov-to-branch conversion turns some back into branches (docs/RATIONALE.md, "Why is a wasm
// select marked unpredictable?").

import { Op } from '../wasm/opcodes.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { LLVM_TYPE } from './ir-types.js';

export function registerParametricEmitters(table: OperatorEmitter[]): void {
  table[Op.Drop] = emitDrop;
  table[Op.Select] = emitSelect;
  table[Op.SelectTyped] = emitSelect;
}

/** A dropped load still executes (see TranslatorState.anchorLoads). */
function emitDrop(translator: TranslatorState): void {
  const height = translator.height - 1;
  translator.anchorLoads(height, height + 1);
  translator.height = height;
}

/**
 * The operands' pending loads are anchored: LLVM folds a select whose condition becomes
 * known or whose operands are equal, leaving the others unused (load-liveness.ts).
 */
function emitSelect(translator: TranslatorState): void {
  const builder = translator.builder;
  translator.anchorLoads(translator.height - 3, translator.height);
  const flag = translator.popCondition();
  const second = translator.pop();
  const first = translator.pop();
  const type = translator.types[translator.height];
  const llvmType = LLVM_TYPE[type];
  translator.push(builder.assign(`select i1 ${flag}, ${llvmType} ${first}, ${llvmType} ${second}, !unpredictable !0`), type);
}

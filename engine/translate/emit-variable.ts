// Stage: translation (WebAssembly → LLVM IR) of variable instructions (Core spec §4.4.5:
// local.get/set/tee, global.get/set). Locals are the entry-block allocas `%l<index>` the
// translator creates (loads and stores here, promoted to SSA by mem2reg/SROA at O1+);
// globals are wherever the environment keeps them (environment.ts).

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { LLVM_TYPE } from './ir-types.js';

export function registerVariableEmitters(table: OperatorEmitter[]): void {
  table[Op.LocalGet] = emitLocalGet;
  table[Op.LocalSet] = emitLocalSet;
  table[Op.LocalTee] = emitLocalTee;
  table[Op.GlobalGet] = emitGlobalGet;
  table[Op.GlobalSet] = emitGlobalSet;
}

function emitLocalGet(translator: TranslatorState, operator: Operator): void {
  const index = operator.index;
  const type = translator.localType(index);
  translator.push(translator.builder.assign(`load ${LLVM_TYPE[type]}, ptr %l${index}`), type);
  translator.getLocalLoads(index);
}

// A local holds its value's pending loads (load-liveness.ts): a local.get hands them on, and
// whatever is left when control leaves the code is anchored (TranslatorState.anchorAllLoads).

function emitLocalSet(translator: TranslatorState, operator: Operator): void {
  translator.setLocalLoads(operator.index, translator.height - 1, true);
  const index = operator.index;
  translator.builder.emit(`store ${LLVM_TYPE[translator.localType(index)]} ${translator.pop()}, ptr %l${index}`);
}

function emitLocalTee(translator: TranslatorState, operator: Operator): void {
  translator.setLocalLoads(operator.index, translator.height - 1, false);
  const index = operator.index;
  translator.builder.emit(`store ${LLVM_TYPE[translator.localType(index)]} ${translator.peek(0)}, ptr %l${index}`);
}

function emitGlobalGet(translator: TranslatorState, operator: Operator): void {
  const index = operator.index;
  const type = translator.module.globals[index].type.type;
  translator.push(translator.environment.globalGet(translator.builder, index), type);
}

function emitGlobalSet(translator: TranslatorState, operator: Operator): void {
  translator.environment.globalSet(translator.builder, operator.index, translator.pop());
}

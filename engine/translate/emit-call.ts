// Stage: translation (WebAssembly → LLVM IR) of calls (Core spec §4.4.8: call,
// call_indirect). Every wasm function has the signature `<results> (ptr %vmctx, <params>)`
// (abi.ts): a defined callee is called directly by symbol with our vmctx; an imported one
// (and under lazy compilation a defined one in another code unit, through its FuncRef)
// and call_indirect's target are called through the code and vmctx the environment finds
// (for call_indirect after its bounds, null and signature checks). Several results come
// back as a literal struct and are unpacked with extractvalue.

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import type { Callee } from './environment.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { LLVM_TYPE, signatureOf, type Signature } from './ir-types.js';

export function registerCallEmitters(table: OperatorEmitter[]): void {
  table[Op.Call] = emitCall;
  table[Op.CallIndirect] = emitCallIndirect;
}

function emitCall(translator: TranslatorState, operator: Operator): void {
  const module = translator.module;
  const functionIndex = operator.index;
  const signature = signatureOf(module.types[module.functionTypeIndices[functionIndex]]);
  let callee: Callee;
  if (functionIndex < module.importedFunctionCount || translator.moduleEnvironment.callsThroughFuncRef?.(functionIndex) === true) {
    callee = translator.environment.importedCallee(translator.builder, functionIndex);
  } else {
    const symbol = translator.moduleEnvironment.functionSymbol(functionIndex);
    translator.declareCallee(symbol, signature);
    callee = { code: `@${symbol}`, vmctx: '%vmctx' };
  }
  emitCallTo(translator, callee, signature);
}

function emitCallIndirect(translator: TranslatorState, operator: Operator): void {
  const signature = signatureOf(translator.module.types[operator.index]);
  const elementIndex = translator.pop();
  const callee = translator.environment.indirectCallee(translator.builder, operator.secondIndex, operator.index, elementIndex);
  emitCallTo(translator, callee, signature);
}

/** Pops the arguments, calls, pushes the results. */
function emitCallTo(translator: TranslatorState, callee: Callee, signature: Signature): void {
  const builder = translator.builder;
  builder.makesCalls = true;
  const params = signature.params;
  const base = translator.height - params.length;
  const values = translator.values;
  let argumentList = `ptr ${callee.vmctx}`;
  for (let i = 0; i < params.length; i++) argumentList += `, ${LLVM_TYPE[params[i]]} ${values[base + i]}`;
  translator.height = base;
  const results = signature.results;
  // notail: a wasm call is never a tail call; with one, unbounded recursion would loop
  // forever instead of exhausting the stack (and trapping).
  const call = `notail call ${signature.returnType} ${callee.code}(${argumentList})`;
  if (results.length === 0) {
    builder.emit(call);
    return;
  }
  const result = builder.assign(call);
  if (results.length === 1) {
    translator.push(result, results[0]);
    return;
  }
  for (let i = 0; i < results.length; i++) {
    translator.push(builder.assign(`extractvalue ${signature.returnType} ${result}, ${i}`), results[i]);
  }
}

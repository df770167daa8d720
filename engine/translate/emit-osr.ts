// Stage: translation (WebAssembly → LLVM IR), tiered execution: on-stack replacement at
// loop headers (docs/RATIONALE.md, "How does on-stack replacement work here?"). What is live
// at the header of a loop that no other loop encloses, whose operand stack below it is empty
// and which takes no parameters (an OSR candidate), is exactly the function's locals: the
// translator keeps them in allocas, so an OSR entry is the same function translated again
// with other entries.
//
// Baseline code, at such a header (after its tier counter): the function's OSR countdown in
// the vmctx is 0 until a loop header's counter finds the function hot; then it counts down
// and, when it reaches 0, the baseline writes every local into a buffer (osrSlotBytes each,
// in order) and asks the runtime for the function's entry (RuntimeEnvironment.osrEntry),
// whose compile the first ask starts. If the entry is there, the baseline calls it with the
// vmctx, the buffer and the loop's ordinal and returns what it returns — the rest of the
// call runs in optimised code. Otherwise the runtime re-arms the countdown (backing off) and
// the loop goes on.
//
// The OSR entry (FunctionTranslationOptions.osrFromLoop), for the candidate loop that asked
// first and every candidate after it: `<results> @<symbol>_osr<from>(ptr %vmctx, ptr %osr,
// i32 %loop)`, which reads its locals from %osr in the prologue and switches on %loop to
// that loop's header (osrTargetLabel); the body's start, and the loops before `from`, are
// unreachable there, so the compile costs what an entry for one loop did. One compile serves
// the loops that follow: a function that initialises in one loop and computes in the next
// (PolyBench's main, with its kernel inlined) used to wait for a second compile of the whole
// function before its kernel could leave the baseline. (Entries for every candidate loop
// made the whole function reachable, and its compile 2.5 times as long.) Loops are numbered
// in the order the translator emits them (reachable ones), the same in both translations.

import { ValType } from '../wasm/value-types.js';
import { PROF_TRAP_ON_TRUE } from './ir-module.js';
import { LLVM_TYPE } from './ir-types.js';
import type { TranslatorState } from './translator-state.js';

/** The OSR entry's first block after the prologue: the switch on %loop. */
export const OSR_DISPATCH_LABEL = 'osr.dispatch';

/** The label of candidate loop `ordinal`'s header in the OSR entry. */
export function osrTargetLabel(ordinal: number): string {
  return `osr.target.${ordinal}`;
}

/** The OSR entry's dispatch block: %loop selects the header (the first target for any other value, which the runtime never passes). */
export function osrDispatch(targets: readonly number[]): string {
  let cases = '';
  for (let i = 1; i < targets.length; i++) cases += ` i32 ${targets[i]}, label %${osrTargetLabel(targets[i])}`;
  return `${OSR_DISPATCH_LABEL}:\n  switch i32 %loop, label %${osrTargetLabel(targets[0])} [${cases} ]\n`;
}

/** Bytes of one local in the OSR buffer: 8, or 16 for a v128. */
export function osrSlotBytes(type: ValType): number {
  return type === ValType.V128 ? 16 : 8;
}

/** The symbol of function `symbol`'s OSR entry for the candidate loops from ordinal `from` on. */
export function osrEntrySymbol(symbol: string, from: number): string {
  return `${symbol}_osr${from}`;
}

/** Whether the loop about to be pushed can be an OSR target (see the header). */
export function isOsrCandidate(translator: TranslatorState, params: number): boolean {
  return params === 0 && translator.height === 0 && translator.enclosingLoops() === 0;
}

/** Baseline code at an OSR candidate's header: the check, the spill, the call and the return (see the header). */
export function emitOsrCheck(translator: TranslatorState, ordinal: number): void {
  const environment = translator.environment;
  if (environment.osrChecks?.() !== true || environment.osrFlagSet === undefined || environment.osrEntry === undefined) return;
  const builder = translator.builder;
  builder.makesCalls = true;
  const armed = environment.osrFlagSet(builder, translator.functionIndex);
  const check = builder.label();
  const after = builder.label();
  builder.emit(`br i1 ${armed}, label %${check}, label %${after}, !prof ${PROF_TRAP_ON_TRUE}`);
  builder.startBlock(check);
  let bytes = 0;
  for (let i = 0; i < translator.localCount; i++) bytes += osrSlotBytes(translator.localType(i));
  const buffer = builder.assignInPrologue(`alloca i8, i64 ${Math.max(bytes, 8)}, align 16`);
  let offset = 0;
  for (let i = 0; i < translator.localCount; i++) {
    const type = LLVM_TYPE[translator.localType(i)];
    const value = builder.assign(`load ${type}, ptr %l${i}`);
    const address = offset === 0 ? buffer : builder.assign(`getelementptr inbounds i8, ptr ${buffer}, i64 ${offset}`);
    builder.emit(`store ${type} ${value}, ptr ${address}, align 8`);
    offset += osrSlotBytes(translator.localType(i));
  }
  const entry = environment.osrEntry(builder, translator.functionIndex, ordinal);
  const ready = builder.assign(`icmp ne ptr ${entry}, null`);
  const enter = builder.label();
  builder.emit(`br i1 ${ready}, label %${enter}, label %${after}`);
  builder.startBlock(enter);
  const returnType = translator.signature.returnType;
  const call = `notail call ${returnType} ${entry}(ptr %vmctx, ptr ${buffer}, i32 ${ordinal})`;
  if (returnType === 'void') {
    builder.emit(call);
    builder.emit('ret void');
  } else {
    const result = builder.assign(call);
    builder.emit(`ret ${returnType} ${result}`);
  }
  builder.startBlock(after);
}

// Stage: translation (WebAssembly → LLVM IR). The "array call" trampolines of abi.ts, as
// Wasmtime's array-to-wasm and wasm-to-array trampolines: values cross between the host
// and wasm code in 8-byte slots (v128 takes two), arguments first, results written from
// slot 0; i32 and f32 sit in a slot's low 4 bytes (stored zero-extended, so the high half is
// always 0).
//   entry (JS → wasm):  void @wasm_entry_<type>(ptr %funcref, ptr %slots)
//   host  (wasm → JS):  <results> @wasm_host_<type>(ptr %hostContext, <params>), which
//                       spills its arguments and calls wasm_rt_host_call(context, slots).

import { FuncRef, SLOT_BYTES } from '../abi/abi.js';
import { ValType } from '../wasm/value-types.js';
import type { IrModuleBuilder } from './ir-module.js';
import { LLVM_TYPE, slotCount, type Signature } from './ir-types.js';

/** Appends the stores of `value` (of `type`) into the slot at `slot` (a ptr). */
function storeSlot(lines: string[], name: string, type: ValType, value: string, slot: string): void {
  switch (type) {
    case ValType.I32:
      lines.push(`  %${name}.wide = zext i32 ${value} to i64`, `  store i64 %${name}.wide, ptr ${slot}, align 8`);
      return;
    case ValType.F32:
      lines.push(
        `  %${name}.bits = bitcast float ${value} to i32`,
        `  %${name}.wide = zext i32 %${name}.bits to i64`,
        `  store i64 %${name}.wide, ptr ${slot}, align 8`,
      );
      return;
    default:
      lines.push(`  store ${LLVM_TYPE[type]} ${value}, ptr ${slot}, align 8`);
  }
}

/** `ptr` text of slot `index` of `%slots`, emitting a GEP when it is not slot 0. */
function slotAddress(lines: string[], index: number): string {
  if (index === 0) return '%slots';
  lines.push(`  %slot${index} = getelementptr inbounds i8, ptr %slots, i64 ${index * SLOT_BYTES}`);
  return `%slot${index}`;
}

export function emitEntryTrampoline(output: IrModuleBuilder, symbol: string, signature: Signature): void {
  const lines: string[] = [`define void @${symbol}(ptr %funcref, ptr %slots) {`, 'entry:'];
  lines.push(`  %code = load ptr, ptr %funcref, align 8`);
  lines.push(`  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 ${FuncRef.vmctx}`);
  lines.push(`  %vmctx = load ptr, ptr %vmctx.field, align 8`);
  let argumentList = 'ptr %vmctx';
  let slot = 0;
  signature.params.forEach((type, i) => {
    const address = slotAddress(lines, slot);
    lines.push(`  %a${i} = load ${LLVM_TYPE[type]}, ptr ${address}, align ${type === ValType.I32 || type === ValType.F32 ? 4 : 8}`);
    argumentList += `, ${LLVM_TYPE[type]} %a${i}`;
    slot += slotCount(type);
  });
  const results = signature.results;
  const call = `call ${signature.returnType} %code(${argumentList})`;
  if (results.length === 0) {
    lines.push(`  ${call}`);
  } else {
    lines.push(`  %result = ${call}`);
    slot = 0;
    results.forEach((type, i) => {
      let value = '%result';
      if (results.length > 1) {
        lines.push(`  %r${i} = extractvalue ${signature.returnType} %result, ${i}`);
        value = `%r${i}`;
      }
      const address = slot === 0 ? '%slots' : `%rslot${i}`;
      if (slot !== 0) lines.push(`  %rslot${i} = getelementptr inbounds i8, ptr %slots, i64 ${slot * SLOT_BYTES}`);
      storeSlot(lines, `r${i}`, type, value, address);
      slot += slotCount(type);
    });
  }
  lines.push('  ret void', '}', '');
  output.define(lines.join('\n'));
}

export function emitHostTrampoline(output: IrModuleBuilder, symbol: string, signature: Signature, hostCall: string): void {
  const params = signature.params;
  const results = signature.results;
  let paramSlots = 0;
  for (const type of params) paramSlots += slotCount(type);
  let resultSlots = 0;
  for (const type of results) resultSlots += slotCount(type);
  const slots = Math.max(paramSlots, resultSlots, 1);
  let parameters = 'ptr %context';
  params.forEach((type, i) => (parameters += `, ${LLVM_TYPE[type]} %p${i}`));
  const lines: string[] = [`define ${signature.returnType} @${symbol}(${parameters}) {`, 'entry:'];
  lines.push(`  %slots = alloca [${slots} x i64], align 16`);
  let slot = 0;
  params.forEach((type, i) => {
    storeSlot(lines, `p${i}`, type, `%p${i}`, slotAddress(lines, slot));
    slot += slotCount(type);
  });
  lines.push(`  call void @${hostCall}(ptr %context, ptr %slots)`);
  slot = 0;
  results.forEach((type, i) => {
    const address = slot === 0 ? '%slots' : `%rslot${i}`;
    if (slot !== 0) lines.push(`  %rslot${i} = getelementptr inbounds i8, ptr %slots, i64 ${slot * SLOT_BYTES}`);
    lines.push(`  %r${i} = load ${LLVM_TYPE[type]}, ptr ${address}, align ${type === ValType.I32 || type === ValType.F32 ? 4 : 8}`);
    slot += slotCount(type);
  });
  if (results.length === 0) {
    lines.push('  ret void');
  } else if (results.length === 1) {
    lines.push(`  ret ${LLVM_TYPE[results[0]]} %r0`);
  } else {
    let aggregate = 'poison';
    results.forEach((type, i) => {
      lines.push(`  %agg${i} = insertvalue ${signature.returnType} ${aggregate}, ${LLVM_TYPE[type]} %r${i}, ${i}`);
      aggregate = `%agg${i}`;
    });
    lines.push(`  ret ${signature.returnType} ${aggregate}`);
  }
  lines.push('}', '');
  output.define(lines.join('\n'));
}

// Stage: compile (machine code without LLVM). The entry (JS → wasm) and host (wasm → JS)
// trampolines of abi.ts's array-call ABI, written directly as x86-64 System V machine code
// instead of compiled by LLVM. They depend only on the signature, so each is written once per
// process (per isolate: the cache is this module's) and shared by every module with that
// signature; a module's compile() then runs LLVM for none of them. translate/trampolines.ts
// has the same contract in IR and stays for what this file does not cover (v128 values,
// multiple results, other hosts).
//
//   entry: void (ptr funcRef, ptr slots) — loads code and vmctx from the FuncRef, the
//          arguments from the slots into System V argument registers (then the stack),
//          calls, stores the result zero-extended into slot 0.
//   host:  <result> (ptr context, <params>) — stores the arguments (zero-extended) into a
//          slot array on its stack and calls wasm_rt_host_call(context, slots), then loads
//          the result from slot 0.
// Every frame keeps rbp as a frame pointer, so profilers and debuggers walk through them.

import { FuncRef, SLOT_BYTES } from '../abi/abi.js';
import { consecutivePerfSymbols, hostCallAddress, installMachineCode, perfMapEnabled } from '../native/addon.js';
import { ValType, type FuncType } from '../wasm/value-types.js';
import { R, X64Emitter, mem } from '../baseline/x64-emitter.js';

/** System V integer argument registers after the first (vmctx, funcRef's target or host context). */
const INTEGER_ARGUMENTS: readonly R[] = [R.Rsi, R.Rdx, R.Rcx, R.R8, R.R9];
const FLOAT_ARGUMENTS = 8;

const HOST_IS_X64_SYSTEM_V = process.arch === 'x64' && process.platform === 'linux';

function isInteger(type: ValType): boolean {
  return type === ValType.I32 || type === ValType.I64 || type === ValType.FuncRef || type === ValType.ExternRef;
}

function isFloat(type: ValType): boolean {
  return type === ValType.F32 || type === ValType.F64;
}

/** Whether this file writes the trampolines of `type` (else they are LLVM IR, trampolines.ts). */
export function hasMachineTrampolines(type: FuncType): boolean {
  if (!HOST_IS_X64_SYSTEM_V || type.results.length > 1) return false;
  for (const value of type.params) if (!isInteger(value) && !isFloat(value)) return false;
  for (const value of type.results) if (!isInteger(value) && !isFloat(value)) return false;
  return true;
}

/** Where each parameter travels: an integer or XMM register, or the n-th 8-byte stack slot. */
interface ArgumentPlace {
  readonly register?: R;
  readonly xmm?: number;
  readonly stack?: number;
}

function placeArguments(params: readonly ValType[]): { places: ArgumentPlace[]; stackSlots: number } {
  let integers = 0;
  let floats = 0;
  let stackSlots = 0;
  const places = params.map((type): ArgumentPlace => {
    if (isFloat(type)) return floats < FLOAT_ARGUMENTS ? { xmm: floats++ } : { stack: stackSlots++ };
    return integers < INTEGER_ARGUMENTS.length ? { register: INTEGER_ARGUMENTS[integers++] } : { stack: stackSlots++ };
  });
  return { places, stackSlots };
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

function emitEntry(code: X64Emitter, type: FuncType): void {
  const { places, stackSlots } = placeArguments(type.params);
  // rsp ≡ 8 (mod 16) at entry; push rbp, push rbx, then a frame ≡ 8 (mod 16): aligned at the call.
  const frame = align16(stackSlots * 8) + 8;
  code.push(R.Rbp);
  code.movRR(64, R.Rbp, R.Rsp);
  code.push(R.Rbx);
  code.aluRI(64, 5, R.Rsp, frame);
  code.movRR(64, R.Rbx, R.Rsi);
  code.load(64, R.Rax, mem(R.Rdi, FuncRef.code));
  code.load(64, R.Rdi, mem(R.Rdi, FuncRef.vmctx));
  type.params.forEach((value, i) => {
    const place = places[i];
    const slot = i * SLOT_BYTES;
    if (place.stack !== undefined) {
      // A slot holds the value zero-extended to 8 bytes: the stack slot gets all of it.
      code.load(64, R.R11, mem(R.Rbx, slot));
      code.store(64, mem(R.Rsp, place.stack * 8), R.R11);
    } else if (place.xmm !== undefined) {
      code.loadXmm(value !== ValType.F32, place.xmm, mem(R.Rbx, slot));
    } else if (value === ValType.I32) {
      code.load(32, place.register!, mem(R.Rbx, slot));
    } else {
      code.load(64, place.register!, mem(R.Rbx, slot));
    }
  });
  code.callReg(R.Rax);
  const result = type.results[0];
  if (result === ValType.I32) {
    code.movRR(32, R.Rax, R.Rax);
    code.store(64, mem(R.Rbx, 0), R.Rax);
  } else if (result === ValType.F32) {
    code.movFromXmm(32, R.Rax, 0);
    code.store(64, mem(R.Rbx, 0), R.Rax);
  } else if (result === ValType.F64) {
    code.storeXmm(true, mem(R.Rbx, 0), 0);
  } else if (result !== undefined) {
    code.store(64, mem(R.Rbx, 0), R.Rax);
  }
  code.aluRI(64, 0, R.Rsp, frame);
  code.pop(R.Rbx);
  code.pop(R.Rbp);
  code.ret();
}

function emitHost(code: X64Emitter, type: FuncType, hostCall: bigint): void {
  const { places } = placeArguments(type.params);
  const slots = Math.max(type.params.length, type.results.length, 1);
  // rsp ≡ 8 (mod 16) at entry; push rbp, then a multiple of 16: aligned at the call.
  const frame = align16(slots * SLOT_BYTES);
  code.push(R.Rbp);
  code.movRR(64, R.Rbp, R.Rsp);
  code.aluRI(64, 5, R.Rsp, frame);
  type.params.forEach((value, i) => {
    const place = places[i];
    const slot = i * SLOT_BYTES;
    if (place.stack !== undefined) {
      // Above the return address and the saved rbp; a 4-byte value's upper half is undefined.
      const incoming = 16 + place.stack * 8;
      if (value === ValType.I32 || value === ValType.F32) code.load(32, R.Rax, mem(R.Rbp, incoming));
      else code.load(64, R.Rax, mem(R.Rbp, incoming));
      code.store(64, mem(R.Rsp, slot), R.Rax);
    } else if (place.xmm !== undefined) {
      if (value === ValType.F32) {
        code.movFromXmm(32, R.Rax, place.xmm);
        code.store(64, mem(R.Rsp, slot), R.Rax);
      } else {
        code.storeXmm(true, mem(R.Rsp, slot), place.xmm);
      }
    } else {
      if (value === ValType.I32) code.movRR(32, place.register!, place.register!);
      code.store(64, mem(R.Rsp, slot), place.register!);
    }
  });
  // rdi still holds the context, the first argument of both.
  code.movRR(64, R.Rsi, R.Rsp);
  code.movImm(R.Rax, hostCall);
  code.callReg(R.Rax);
  const result = type.results[0];
  if (result === ValType.I32) code.load(32, R.Rax, mem(R.Rsp, 0));
  else if (result === ValType.F32) code.loadXmm(false, 0, mem(R.Rsp, 0));
  else if (result === ValType.F64) code.loadXmm(true, 0, mem(R.Rsp, 0));
  else if (result !== undefined) code.load(64, R.Rax, mem(R.Rsp, 0));
  code.movRR(64, R.Rsp, R.Rbp);
  code.pop(R.Rbp);
  code.ret();
}

function signatureKey(type: FuncType): string {
  return `${type.params.join(',')}:${type.results.join(',')}`;
}

const entries = new Map<string, bigint>();
const hosts = new Map<string, bigint>();

/**
 * Machine code these trampolines may take in a process (never freed): past it, new
 * signatures get IR trampolines again, which die with their module. A process compiling
 * untrusted modules that each declare thousands of new signatures stays bounded (this cap,
 * plus the last module's batch).
 */
let machineCodeCap = 16 << 20;
let machineCodeBytes = 0;

/** Sets the cap (tests); returns the bytes written so far. */
export function setMachineCodeCapForTests(bytes: number): number {
  machineCodeCap = bytes;
  return machineCodeBytes;
}

/**
 * Whether a module compiled now should leave the trampolines of `type` to this file: covered,
 * and either written already or within the process's cap.
 */
export function machineTrampolinesFor(type: FuncType): boolean {
  if (!hasMachineTrampolines(type)) return false;
  const key = signatureKey(type);
  return (entries.has(key) && hosts.has(key)) || machineCodeBytes < machineCodeCap;
}

/**
 * Writes, in one batch of fresh pages, the trampolines of `types` (those hasMachineTrampolines
 * covers) that this process does not have yet. Later lookups of them cost a map lookup. The
 * cap does not apply here: a module whose compile left a type to this file gets its code.
 */
export function prepareMachineTrampolines(types: Iterable<FuncType>): void {
  const code = new X64Emitter();
  const pending: { map: Map<string, bigint>; key: string; offset: number; kind: 'entry' | 'host' }[] = [];
  const planned = new Set<string>();
  let hostCall: bigint | undefined;
  for (const type of types) {
    if (!hasMachineTrampolines(type)) continue;
    const key = signatureKey(type);
    if (planned.has(key) || (entries.has(key) && hosts.has(key))) continue;
    planned.add(key);
    if (!entries.has(key)) {
      pending.push({ map: entries, key, offset: code.length, kind: 'entry' });
      emitEntry(code, type);
      code.align(16);
    }
    if (!hosts.has(key)) {
      hostCall ??= hostCallAddress();
      pending.push({ map: hosts, key, offset: code.length, kind: 'host' });
      emitHost(code, type, hostCall);
      code.align(16);
    }
  }
  if (pending.length === 0) return;
  const bytes = code.finish();
  // perf's names, `trampolines::entry(<params>:<results>)` by value type codes.
  const perfSymbols = perfMapEnabled
    ? consecutivePerfSymbols(pending.map((piece) => piece.offset), bytes.length, (i) => `trampolines::${pending[i].kind}(${pending[i].key})`)
    : undefined;
  const base = installMachineCode(bytes, perfSymbols);
  machineCodeBytes += bytes.length;
  for (const { map, key, offset } of pending) map.set(key, base + BigInt(offset));
}

/** The trampoline of `type` in `written` (entries or hosts), written now if the process has none. */
function machineTrampoline(written: ReadonlyMap<string, bigint>, type: FuncType): bigint {
  const key = signatureKey(type);
  let address = written.get(key);
  if (address === undefined) {
    prepareMachineTrampolines([type]);
    address = written.get(key)!;
  }
  return address;
}

/** The entry trampoline of `type` (hasMachineTrampolines(type) must hold). */
export function machineEntryTrampoline(type: FuncType): bigint {
  return machineTrampoline(entries, type);
}

/** The host trampoline of `type` (hasMachineTrampolines(type) must hold). */
export function machineHostTrampoline(type: FuncType): bigint {
  return machineTrampoline(hosts, type);
}

// Stage: translation (WebAssembly → LLVM IR). Which operators keep a loaded value's load
// alive. With guard pages a load traps only if it executes, and LLVM deletes a load whose
// value ends up unused: wasm discards it (drop, an overwritten local, a branch), or an
// optimisation makes it irrelevant (`x & 0`, `x >> 8` of a zero-extended byte, a compare
// that known bits decide, a select on a constant, an argument inlining removes, a return
// value the caller ignores). The translator gives each load a LoadRecord that travels with
// its value — operand stack (FunctionTranslator.pendingLoads) and locals, kept by the
// LoadTracker at the end of this file — until it is
// *kept* or *anchored*:
// - Kept: consumed where LLVM must compute it — the value or address of a full-width store,
//   the address of another load (which carries it on).
// - Carried: operators whose result always depends on every bit of the operands and that
//   LLVM cannot narrow: integer add, float arithmetic, widening and float conversions,
//   reinterpretations (LoadUse.Carry); local.set/tee and local.get.
// - Anchored (`call void asm sideeffect "", "r"(value)`, no instruction): the operands of
//   every other operator — integer sub/mul/div/rem/bitwise/shift/rotate/count, comparisons,
//   eqz, copysign, wrap and sign-extension (narrowing) — conditions and select operands (a
//   branch to one block twice or a select of equal values is folded), drops, truncating
//   stores; and every live load wherever control leaves straight-line code (branches,
//   returns, the end of an `if` arm or of a block something branches to), before a nested
//   block, and before side effects and trap checks (ANCHORS_ALL_LOADS, stores).
// Kernels (load → arithmetic → store) get no anchors; see docs/RATIONALE.md.

import { keepShape } from '../wasm/shape-anchors.js';
import { OP_TYPING, OPERATOR_ID_LIMIT, Op, Typing } from '../wasm/opcodes.js';
import type { ValType } from '../wasm/value-types.js';
import type { FunctionBuilder } from './function-builder.js';
import { LLVM_TYPE } from './ir-types.js';

export const enum LoadUse {
  /** The emitter handles pending loads itself (or the operator has no operands). */
  ByEmitter = 0,
  /** Fixed-signature operator whose single result carries its operands' pending loads. */
  Carry = 1,
  /** Fixed-signature operator after which its operands' loads must still execute: anchor them. */
  Anchor = 2,
}

/** LoadUse of each operator id. */
export const LOAD_USE = new Uint8Array(OPERATOR_ID_LIMIT);

/** A load whose value may still be deleted; `done` once it is kept or anchored. */
export interface LoadRecord {
  /** The loaded value as a typed operand, "i32 %v5" (the memory-width value, before extension). */
  readonly operand: string;
  done: boolean;
}

/**
 * 1 for operators before which every live load is anchored (FunctionTranslator.anchorAllLoads),
 * operands included: wasm evaluates operands in order, so an out-of-bounds load traps before
 * a later global.set, call (the callee may trap or call the host), memory or table operation
 * or explicit trap check (division, trapping truncation, call_indirect) is reached, and LLVM
 * may otherwise sink a load whose only use comes later past it — the trap's kind, or what
 * the host sees, would differ. Stores do the same after keeping their own operands.
 */
export const ANCHORS_ALL_LOADS = new Uint8Array(OPERATOR_ID_LIMIT);

const ORDERING = [
  'Call', 'CallIndirect', 'GlobalSet',
  'MemoryGrow', 'MemoryFill', 'MemoryCopy', 'MemoryInit', 'DataDrop',
  'TableGet', 'TableSet', 'TableGrow', 'TableFill', 'TableCopy', 'TableInit', 'ElemDrop',
  'I32DivS', 'I32DivU', 'I32RemS', 'I32RemU', 'I64DivS', 'I64DivU', 'I64RemS', 'I64RemU',
  'I32TruncF32S', 'I32TruncF32U', 'I32TruncF64S', 'I32TruncF64U',
  'I64TruncF32S', 'I64TruncF32U', 'I64TruncF64S', 'I64TruncF64U',
] as const;


const CARRYING = [
  'I32Add', 'I64Add',
  'F32Abs', 'F32Neg', 'F32Ceil', 'F32Floor', 'F32Trunc', 'F32Nearest', 'F32Sqrt',
  'F32Add', 'F32Sub', 'F32Mul', 'F32Div', 'F32Min', 'F32Max',
  'F64Abs', 'F64Neg', 'F64Ceil', 'F64Floor', 'F64Trunc', 'F64Nearest', 'F64Sqrt',
  'F64Add', 'F64Sub', 'F64Mul', 'F64Div', 'F64Min', 'F64Max',
  'I32TruncF32S', 'I32TruncF32U', 'I32TruncF64S', 'I32TruncF64U',
  'I64ExtendI32S', 'I64ExtendI32U',
  'I64TruncF32S', 'I64TruncF32U', 'I64TruncF64S', 'I64TruncF64U',
  'F32ConvertI32S', 'F32ConvertI32U', 'F32ConvertI64S', 'F32ConvertI64U', 'F32DemoteF64',
  'F64ConvertI32S', 'F64ConvertI32U', 'F64ConvertI64S', 'F64ConvertI64U', 'F64PromoteF32',
  'I32ReinterpretF32', 'I64ReinterpretF64', 'F32ReinterpretI32', 'F64ReinterpretI64',
  'I32TruncSatF32S', 'I32TruncSatF32U', 'I32TruncSatF64S', 'I32TruncSatF64U',
  'I64TruncSatF32S', 'I64TruncSatF32U', 'I64TruncSatF64S', 'I64TruncSatF64U',
  // Vector operators whose every result lane depends on all bits of the same lanes of the
  // operands (no lane of an operand is left unused, none can be narrowed away).
  'I8x16Add', 'I16x8Add', 'I32x4Add', 'I64x2Add',
  'F32x4Abs', 'F32x4Neg', 'F32x4Sqrt', 'F32x4Ceil', 'F32x4Floor', 'F32x4Trunc', 'F32x4Nearest',
  'F32x4Add', 'F32x4Sub', 'F32x4Mul', 'F32x4Div', 'F32x4Min', 'F32x4Max',
  'F64x2Abs', 'F64x2Neg', 'F64x2Sqrt', 'F64x2Ceil', 'F64x2Floor', 'F64x2Trunc', 'F64x2Nearest',
  'F64x2Add', 'F64x2Sub', 'F64x2Mul', 'F64x2Div', 'F64x2Min', 'F64x2Max',
  'F32x4ConvertI32x4S', 'F32x4ConvertI32x4U', 'I32x4TruncSatF32x4S', 'I32x4TruncSatF32x4U',
] as const;

/** Loads and stores: the memory emitters carry the address and keep or anchor the stored value. */
const BY_EMITTER = [
  'I32Load', 'I64Load', 'F32Load', 'F64Load', 'I32Load8S', 'I32Load8U', 'I32Load16S', 'I32Load16U',
  'I64Load8S', 'I64Load8U', 'I64Load16S', 'I64Load16U', 'I64Load32S', 'I64Load32U',
  'I32Store', 'I64Store', 'F32Store', 'F64Store', 'I32Store8', 'I32Store16', 'I64Store8', 'I64Store16', 'I64Store32',
  'V128Load', 'V128Load8x8S', 'V128Load8x8U', 'V128Load16x4S', 'V128Load16x4U', 'V128Load32x2S', 'V128Load32x2U',
  'V128Load8Splat', 'V128Load16Splat', 'V128Load32Splat', 'V128Load64Splat', 'V128Load32Zero', 'V128Load64Zero',
  'V128Load8Lane', 'V128Load16Lane', 'V128Load32Lane', 'V128Load64Lane',
  'V128Store', 'V128Store8Lane', 'V128Store16Lane', 'V128Store32Lane', 'V128Store64Lane',
] as const;

/**
 * Carrying operators that LLVM folds to NaN when an operand is a NaN constant (x + NaN,
 * minimum(x, NaN) are NaN whatever x is): with such an operand the result no longer needs
 * the other operand, so its loads are anchored instead of carried (FunctionTranslator,
 * emitFollowingLoads). The value is the float lane width in bits, 0 for other operators.
 * Only constants the translator sees are caught: a NaN that reaches the operator through a
 * local or a global becomes a constant only in LLVM's O2, and the load it meets may then be
 * deleted (docs/RATIONALE.md, "Which folds can still delete a trapping load?").
 */
export const NAN_FOLDING_LANE_BITS = new Uint8Array(OPERATOR_ID_LIMIT);
/** Whether the operands of a NAN_FOLDING_LANE_BITS operator are v128. */
export const NAN_FOLDING_VECTOR = new Uint8Array(OPERATOR_ID_LIMIT);

for (const [prefix, bits, vector] of [['F32', 32, 0], ['F64', 64, 0], ['F32x4', 32, 1], ['F64x2', 64, 1]] as const) {
  for (const name of ['Add', 'Sub', 'Mul', 'Div', 'Min', 'Max']) {
    const op = (Op as Record<string, number>)[prefix + name];
    NAN_FOLDING_LANE_BITS[op] = bits;
    NAN_FOLDING_VECTOR[op] = vector;
  }
}

for (let op = 0; op < OPERATOR_ID_LIMIT; op++) {
  // Special typings (control, variables, calls, parametric, tables) are the emitters' business.
  LOAD_USE[op] = OP_TYPING[op] === Typing.Fixed ? LoadUse.Anchor : LoadUse.ByEmitter;
}
for (const name of CARRYING) LOAD_USE[Op[name]] = LoadUse.Carry;
for (const name of BY_EMITTER) LOAD_USE[Op[name]] = LoadUse.ByEmitter;
for (const name of ORDERING) ANCHORS_ALL_LOADS[Op[name]] = 1;

/** The operand stack and locals as the tracker sees them (FunctionTranslator). */
export interface TrackedStack {
  readonly height: number;
  readonly values: string[];
  readonly types: Uint8Array;
  /** Per slot, the loads its value depends on that may still be deleted; undefined for none. */
  readonly pendingLoads: (LoadRecord[] | undefined)[];
  readonly builder: FunctionBuilder;
  /** The IR gets no optimisation (FunctionTranslationOptions.unoptimized): anchors are volatile stores. */
  readonly unoptimized: boolean;
  localType(index: number): ValType;
}

/**
 * The bookkeeping of one function's loads: which are live (neither kept nor anchored),
 * which values on the stack and in locals carry them, and the anchors written for them.
 * Records are shared between slots and locals; only those not `done` matter.
 */
export class LoadTracker {
  /** Per local, the loads the value it holds carries. */
  private localLoads: (LoadRecord[] | undefined)[] = [];
  /** Locals given pending loads since the last anchorAllLoads. */
  private readonly localsWithLoads: number[] = [];
  /** Every load not yet kept or anchored (some may be done since), in emission order. */
  private readonly liveLoads: LoadRecord[] = [];
  /** Unoptimised IR: the function's stack slot that anchoring stores write (made on first use). */
  private anchorSlot: string | undefined;

  constructor(private readonly stack: TrackedStack) {
    keepShape(this);
  }

  /** Before a function with `localCount` locals (parameters included). */
  reset(localCount: number): void {
    this.liveLoads.length = 0;
    this.localsWithLoads.length = 0;
    this.localLoads = new Array<LoadRecord[] | undefined>(localCount);
    this.anchorSlot = undefined;
  }

  /**
   * Anchors the pending loads of stack slots [from, to): with guard pages an out-of-bounds
   * load traps only if it executes, and LLVM deletes loads whose value is unused (even at
   * O0), so a load whose value may end up unused — dropped, a condition, or reduced by an
   * operator LLVM may simplify (load-liveness.ts) — gets an empty inline-asm use of the
   * loaded value. It costs no instruction; it claims to touch
   * only memory the module cannot access, so it is no barrier to the optimisation of linear
   * memory or vmctx accesses (`memory(none)` would be, but fast instruction selection at O0
   * drops a call that writes no memory and has no uses, and the load with it).
   */
  anchorLoads(from: number, to: number): void {
    const pendingLoads = this.stack.pendingLoads;
    for (let slot = from; slot < to; slot++) {
      const loads = pendingLoads[slot];
      if (loads === undefined) continue;
      for (const load of loads) this.anchor(load);
      pendingLoads[slot] = undefined;
    }
  }

  /**
   * Anchors every load not yet safe, wherever its value is (stack or locals). Called where
   * control leaves the straight-line code they were loaded in (branches, the end of a block
   * something branches to, an `if` arm, before a nested block) and before side effects and
   * trap checks (ANCHORS_ALL_LOADS). Afterwards every live load belongs to code that this
   * point dominates, so one anchor or use there covers all paths.
   */
  anchorAllLoads(): void {
    const liveLoads = this.liveLoads;
    if (liveLoads.length === 0) return;
    // A value that carries loads (load-liveness.ts: its computation needs every bit of them)
    // keeps them all alive with one anchor: stack values first, then locals (a loop-carried
    // sum of eight loads costs one anchor per iteration, not eight), then loads no value
    // carries any more.
    const pendingLoads = this.stack.pendingLoads;
    for (let slot = 0; slot < this.stack.height; slot++) {
      const loads = pendingLoads[slot];
      if (loads === undefined) continue;
      if (loads.some((load) => !load.done)) this.anchorValue(this.stack.types[slot], this.stack.values[slot], loads);
      pendingLoads[slot] = undefined;
    }
    const locals = this.localsWithLoads;
    for (let i = 0; i < locals.length; i++) {
      const index = locals[i];
      const loads = this.localLoads[index];
      if (loads === undefined) continue;
      if (loads.some((load) => !load.done)) {
        const type = this.stack.localType(index);
        this.anchorValue(type, this.stack.builder.assign(`load ${LLVM_TYPE[type]}, ptr %l${index}`), loads);
      }
      this.localLoads[index] = undefined;
    }
    locals.length = 0;
    for (let i = 0; i < liveLoads.length; i++) this.anchor(liveLoads[i]);
    liveLoads.length = 0;
  }

  private anchor(load: LoadRecord): void {
    if (load.done) return;
    this.emitAnchor(load.operand);
    load.done = true;
  }

  /** Anchors `value`, which carries `loads`: they are all done. */
  private anchorValue(type: ValType, value: string, loads: LoadRecord[]): void {
    this.emitAnchor(`${LLVM_TYPE[type]} ${value}`);
    for (const load of loads) load.done = true;
  }

  /**
   * The use that keeps `operand` ("i32 %v5") computed: the empty inline asm (anchorText), or
   * in unoptimised IR a volatile store into a stack slot of the function. Fast instruction
   * selection, which O0 uses, cannot select inline asm with operands: each one sent that
   * instruction to SelectionDAG, 22,000 times in sql.js's module; a store it selects, and
   * without optimisation nothing removes it (docs/RATIONALE.md, "Why are discarded loads
   * kept alive with an empty inline asm?").
   */
  private emitAnchor(operand: string): void {
    const builder = this.stack.builder;
    if (!this.stack.unoptimized) {
      builder.emit(anchorText(operand));
      return;
    }
    this.anchorSlot ??= builder.assignInPrologue('alloca <16 x i8>, align 16');
    builder.emit(`store volatile ${operand}, ptr ${this.anchorSlot}, align 16`);
  }

  /** The loads of slots [from, to) are used where LLVM must compute them (a store): safe. */
  keepLoads(from: number, to: number): void {
    const pendingLoads = this.stack.pendingLoads;
    for (let slot = from; slot < to; slot++) {
      const loads = pendingLoads[slot];
      if (loads === undefined) continue;
      for (const load of loads) load.done = true;
      pendingLoads[slot] = undefined;
    }
  }

  /** The not yet safe loads of slots [from, to), taken off them (undefined for none). */
  takeLoads(from: number, to: number): LoadRecord[] | undefined {
    const pendingLoads = this.stack.pendingLoads;
    let taken: LoadRecord[] | undefined;
    for (let slot = from; slot < to; slot++) {
      const loads = pendingLoads[slot];
      if (loads === undefined) continue;
      for (const load of loads) if (!load.done) (taken ??= []).push(load);
      pendingLoads[slot] = undefined;
    }
    return taken;
  }

  /** Records the load whose value is on top of the stack, after those of its address. */
  recordLoad(operand: string, addressLoads: LoadRecord[] | undefined): void {
    const load: LoadRecord = { operand, done: false };
    this.liveLoads.push(load);
    const loads = addressLoads === undefined ? [load] : [...addressLoads, load];
    this.stack.pendingLoads[this.stack.height - 1] = loads;
  }

  /** local.set/tee: the local now holds the value of slot `slot` (and its loads). */
  setLocalLoads(index: number, slot: number, take: boolean): void {
    const loads = take ? this.takeLoads(slot, slot + 1) : this.stack.pendingLoads[slot];
    this.localLoads[index] = loads;
    if (loads !== undefined) this.localsWithLoads.push(index);
  }

  /** local.get: the value pushed last is local `index`'s. */
  getLocalLoads(index: number): void {
    const loads = this.localLoads[index];
    if (loads === undefined) return;
    const live = loads.filter((load) => !load.done);
    this.localLoads[index] = live.length === 0 ? undefined : live;
    if (live.length !== 0) this.stack.pendingLoads[this.stack.height - 1] = live;
  }
}

/**
 * The empty inline-asm use that keeps `operand` ("i32 %v5") computed. Floats and vectors use
 * an SSE register ("x"), so not even a move is needed; `memory(inaccessiblemem: readwrite)` makes it
 * no barrier to linear-memory or vmctx optimisations (see LoadTracker.anchorLoads).
 */
function anchorText(operand: string): string {
  const constraint = operand.startsWith('float ') || operand.startsWith('double ') || operand.startsWith('<') ? 'x' : 'r';
  return `call void asm sideeffect "", "${constraint}"(${operand}) nounwind memory(inaccessiblemem: readwrite)`;
}


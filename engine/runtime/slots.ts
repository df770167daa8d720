// Runtime: the slot array of the "array call" ABI (abi.ts SLOT_BYTES, trampolines.ts) as
// seen from JavaScript: the addon's scratch buffer, through which exported functions pass
// arguments and results to invoke() and host functions receive theirs from
// wasm_rt_host_call. One 8-byte slot per value; i32 and f32 in the low 4 bytes with the
// high half zero; funcref as the VMFuncRef address, externref as its handle (u64).
//
// Values in JavaScript between conversion and the slots ("wasm values"): i32 as an int32
// number, i64 as a bigint, f32 and f64 as numbers, funcref as a bigint address (0n = null),
// externref as a handle number (0 = null).

import { scratch } from '../native/addon.js';
import { ValType } from '../wasm/value-types.js';

export type WasmValue = number | bigint;

interface SlotViews {
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly i64: BigInt64Array;
  readonly u64: BigUint64Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

let views: SlotViews | undefined;

/** Typed views of the scratch buffer (created on first use: the addon loads lazily). */
export function slotViews(): SlotViews {
  if (views === undefined) {
    const buffer = scratch();
    views = {
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      i64: new BigInt64Array(buffer),
      u64: new BigUint64Array(buffer),
      f32: new Float32Array(buffer),
      f64: new Float64Array(buffer),
    };
  }
  return views;
}

export function writeSlot(slots: SlotViews, index: number, type: ValType, value: WasmValue): void {
  switch (type) {
    case ValType.I32:
      slots.i32[2 * index] = value as number;
      slots.i32[2 * index + 1] = 0;
      return;
    case ValType.F32:
      slots.f32[2 * index] = value as number;
      slots.i32[2 * index + 1] = 0;
      return;
    case ValType.I64:
      slots.i64[index] = value as bigint;
      return;
    case ValType.F64:
      slots.f64[index] = value as number;
      return;
    case ValType.FuncRef:
      slots.u64[index] = value as bigint;
      return;
    case ValType.ExternRef: {
      const handle = value as number;
      slots.u32[2 * index] = handle >>> 0;
      slots.u32[2 * index + 1] = Math.floor(handle / 0x1_0000_0000);
      return;
    }
    default:
      throw new TypeError(`cannot pass a value of type 0x${type.toString(16)} through a slot`);
  }
}

export function readSlot(slots: SlotViews, index: number, type: ValType): WasmValue {
  switch (type) {
    case ValType.I32:
      return slots.i32[2 * index];
    case ValType.F32:
      return slots.f32[2 * index];
    case ValType.I64:
      return slots.i64[index];
    case ValType.F64:
      return slots.f64[index];
    case ValType.FuncRef:
      return slots.u64[index];
    case ValType.ExternRef:
      return slots.u32[2 * index] + slots.u32[2 * index + 1] * 0x1_0000_0000;
    default:
      throw new TypeError(`cannot read a value of type 0x${type.toString(16)} from a slot`);
  }
}

/**
 * The raw bits of a numeric value at slot `index`: u32 for i32/f32, u64 for i64/f64, u128
 * for v128 (two slots, low half first; bit-exact, NaNs included).
 */
export function readSlotBits(slots: SlotViews, index: number, type: ValType): bigint {
  if (type === ValType.V128) return slots.u64[index] | (slots.u64[index + 1] << 64n);
  return type === ValType.I32 || type === ValType.F32 ? BigInt(slots.u32[2 * index]) : slots.u64[index];
}

export function writeSlotBits(slots: SlotViews, index: number, type: ValType, bits: bigint): void {
  if (type === ValType.V128) {
    slots.u64[index] = BigInt.asUintN(64, bits);
    slots.u64[index + 1] = BigInt.asUintN(64, bits >> 64n);
    return;
  }
  slots.u64[index] = type === ValType.I32 || type === ValType.F32 ? BigInt.asUintN(32, bits) : BigInt.asUintN(64, bits);
}

/** The slot index of each value of `types` (v128 takes two slots), and the total after. */
export function slotIndices(types: readonly ValType[]): { indices: number[]; total: number } {
  const indices: number[] = [];
  let total = 0;
  for (const type of types) {
    indices.push(total);
    total += type === ValType.V128 ? 2 : 1;
  }
  return { indices, total };
}

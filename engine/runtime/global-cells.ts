// Runtime: global cells (abi.ts GLOBAL_CELL_BYTES): 16 bytes holding one value in its low
// bytes, defined inline in a vmctx or owned by a Global object; an importing instance's
// vmctx points at the cell. Values are those of slots.ts (wasm values); a v128 has no JS
// value (TypeError), only its bits (readCellBits, writeCellBits, the 16 bytes).

import { GLOBAL_CELL_BYTES } from '../abi/abi.js';
import { allocate } from '../native/addon.js';
import { ValType } from '../wasm/value-types.js';
import type { WasmValue } from './slots.js';

/** A cell: its address, and a buffer and offset through which JavaScript reaches it. */
export interface GlobalCell {
  readonly address: bigint;
  readonly view: DataView;
  readonly offset: number;
}

/** A cell of its own (16 bytes, zeroed), and the native block that must stay alive with it. */
export function allocateGlobalCell(): { cell: GlobalCell; owner: object } {
  const block = allocate(GLOBAL_CELL_BYTES);
  return { cell: { address: block.address, view: new DataView(block.buffer), offset: 0 }, owner: block };
}

export function readCell(cell: GlobalCell, type: ValType): WasmValue {
  const { view, offset } = cell;
  switch (type) {
    case ValType.I32: return view.getInt32(offset, true);
    case ValType.I64: return view.getBigInt64(offset, true);
    case ValType.F32: return view.getFloat32(offset, true);
    case ValType.F64: return view.getFloat64(offset, true);
    case ValType.FuncRef: return view.getBigUint64(offset, true);
    case ValType.ExternRef: return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
    default: throw new TypeError('type incompatibility when transforming from/to JS (v128)');
  }
}

export function writeCell(cell: GlobalCell, type: ValType, value: WasmValue): void {
  const { view, offset } = cell;
  switch (type) {
    case ValType.I32: view.setInt32(offset, value as number, true); return;
    case ValType.I64: view.setBigInt64(offset, value as bigint, true); return;
    case ValType.F32: view.setFloat32(offset, value as number, true); return;
    case ValType.F64: view.setFloat64(offset, value as number, true); return;
    case ValType.FuncRef: view.setBigUint64(offset, value as bigint, true); return;
    case ValType.ExternRef: {
      const handle = value as number;
      view.setUint32(offset, handle >>> 0, true);
      view.setUint32(offset + 4, Math.floor(handle / 0x1_0000_0000), true);
      return;
    }
    default: throw new TypeError('type incompatibility when transforming from/to JS (v128)');
  }
}

/** Raw bits (u32 for i32/f32, u128 for v128, u64 otherwise), bit-exact. */
export function readCellBits(cell: GlobalCell, type: ValType): bigint {
  if (type === ValType.V128) return cell.view.getBigUint64(cell.offset, true) | (cell.view.getBigUint64(cell.offset + 8, true) << 64n);
  return type === ValType.I32 || type === ValType.F32 ? BigInt(cell.view.getUint32(cell.offset, true)) : cell.view.getBigUint64(cell.offset, true);
}

/** Writes raw bits (u32 for i32/f32, u128 for v128, u64 otherwise), bit-exact. */
export function writeCellBits(cell: GlobalCell, type: ValType, bits: bigint): void {
  if (type === ValType.V128) {
    cell.view.setBigUint64(cell.offset, BigInt.asUintN(64, bits), true);
    cell.view.setBigUint64(cell.offset + 8, BigInt.asUintN(64, bits >> 64n), true);
    return;
  }
  if (type === ValType.I32 || type === ValType.F32) cell.view.setUint32(cell.offset, Number(BigInt.asUintN(32, bits)), true);
  else cell.view.setBigUint64(cell.offset, BigInt.asUintN(64, bits), true);
}

/** The 16 bytes of a cell (a v128 global's value, e.g. for a constant expression's global.get). */
export function readCellBytes(cell: GlobalCell): Uint8Array {
  return new Uint8Array(cell.view.buffer, cell.view.byteOffset + cell.offset, 16).slice();
}

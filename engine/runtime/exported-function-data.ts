// Runtime: what the runtime knows about each exported function object (JS API §4
// "Exported Functions"): the VMFuncRef it calls, its entry trampoline and store. Kept
// apart from exported-function.ts so that value conversion can recognise exported
// functions (IsExportedFunction) without a circular import.

import type { FuncType } from '../wasm/value-types.js';
import type { Store } from './store.js';

export interface ExportedFunctionData {
  /** Address of a VMFuncRef for the function (in the vmctx of an instance of `store`). */
  readonly funcRef: bigint;
  /** The 24 bytes of that VMFuncRef, for copying into an importing instance's vmctx. */
  readonly funcRefBytes: { readonly buffer: ArrayBuffer; readonly offset: number };
  /** Entry trampoline of the function's type (0n when its type has none, e.g. v128). */
  readonly entry: bigint;
  readonly type: FuncType;
  readonly store: Store;
  /**
   * For a function of a lazily compiled module: compiles it and patches its FuncRef, so that
   * a copy of the FuncRef (an importing instance's) calls the code, not the lazy stub.
   */
  readonly ensureCompiled?: () => void;
}

const exportedFunctions = new WeakMap<object, ExportedFunctionData>();

export function registerExportedFunction(fn: object, data: ExportedFunctionData): void {
  exportedFunctions.set(fn, data);
}

/** The data of an exported function object, or undefined for any other value. */
export function exportedFunctionData(value: unknown): ExportedFunctionData | undefined {
  return typeof value === 'function' ? exportedFunctions.get(value) : undefined;
}

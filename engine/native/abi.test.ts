// The C++ structs and trap codes (engine/native/src/abi.h, trap_codes.h) against the one
// definition in engine/abi/abi.ts and trap-codes.ts.
import { describe, expect, it } from 'vitest';
import * as abi from '../abi/abi.js';
import { INVOKE_HOST_EXCEPTION, INVOKE_OK, TrapCode } from '../abi/trap-codes.js';
import { abiLayout, SCRATCH_BYTES, trapCodes } from './addon.js';

describe('native ABI layout', () => {
  const layout = abiLayout();

  it.each(['MemoryDefinition', 'TableDefinition', 'FuncRef', 'HostFunctionContext'] as const)('%s matches abi.ts', (name) => {
    expect(layout[name]).toEqual(abi[name]);
  });

  it('constants match abi.ts', () => {
    expect(layout.WASM_PAGE_BYTES).toBe(abi.WASM_PAGE_BYTES);
    expect(layout.WASM_MAX_PAGES).toBe(abi.WASM_MAX_PAGES);
    expect(layout.MEMORY_RESERVATION_BYTES).toBe(abi.MEMORY_RESERVATION_BYTES);
    expect(layout.SLOT_BYTES).toBe(abi.SLOT_BYTES);
    expect(layout.SCRATCH_BYTES).toBe(SCRATCH_BYTES);
  });
});

describe('native trap codes', () => {
  it('match trap-codes.ts, name by name', () => {
    expect(trapCodes()).toEqual({ ...TrapCode, INVOKE_OK, INVOKE_HOST_EXCEPTION });
  });
});

// Stage: decoding. Implementation limits: the JS API's "Limits" section (WebAssembly
// JavaScript Interface §"Implementation-defined Limits"), which V8, SpiderMonkey and
// JavaScriptCore all enforce while decoding. The core spec allows an embedder to impose
// them; we do, so that `validate` agrees with `WebAssembly.validate` and so that hostile
// inputs cannot make us allocate without bound.

export const MAX_TYPES = 1_000_000;
export const MAX_FUNCTIONS = 1_000_000;
export const MAX_IMPORTS = 100_000;
export const MAX_EXPORTS = 100_000;
export const MAX_GLOBALS = 1_000_000;
export const MAX_DATA_SEGMENTS = 100_000;
export const MAX_TABLES = 100_000;
export const MAX_TABLE_SIZE = 10_000_000;
export const MAX_ELEMENT_SEGMENTS = 10_000_000;
export const MAX_TABLE_INIT_ENTRIES = 10_000_000;
export const MAX_MEMORIES = 1;
export const MAX_PARAMS = 1_000;
export const MAX_RESULTS = 1_000;
export const MAX_FUNCTION_BODY_SIZE = 7_654_321;
export const MAX_FUNCTION_LOCALS = 50_000;
export const MAX_MODULE_SIZE = 1_073_741_824;
/** Pages of 64 KiB in a 32-bit memory (the core spec's own bound: 2^16). */
export const MAX_MEMORY_PAGES = 65_536;
/**
 * Targets of one br_table. Not in the JS API's list: V8's own limit
 * (kV8MaxWasmFunctionBrTableSize), adopted so that `validate` agrees with V8; found by a
 * differential check (test/fuzz/regressions/br-table-above-v8-target-limit.invalid.wasm).
 */
export const MAX_BR_TABLE_TARGETS = 65_520;

// WASI preview1 (wasi_snapshot_preview1) for this engine and any engine shaped like the
// standard WebAssembly JavaScript API: `new WASI(options)` with node:wasi's API.

export { WASI } from './wasi.js';
export type { InstanceLike, WASIOptions } from './wasi.js';
export { WASIExit } from './process-control.js';
export { Errno } from './errno.js';
export type { WasiImportObject, WasiPreview1Imports } from './imports.js';
export type { MemoryLike } from './guest-memory.js';

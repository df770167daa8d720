// Stage: fuzzing support. Binaryen's wasm-opt, shared by both fuzzers: where it is, and the
// WebAssembly 2.0 feature flags its `--translate-to-fuzz` is restricted to (binaryen 108's
// names). Reference types are left out: binaryen 108 then emits typed function references
// (post-2.0) that neither V8 nor we accept.

export const WASM_OPT = process.env.WASM_OPT ?? '/usr/bin/wasm-opt';

/** WebAssembly 2.0 without SIMD and reference types. */
export const WASM2_SCALAR_FEATURE_FLAGS = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory',
  '--enable-multivalue',
] as const;

// Stage: vocabulary. Which parts of WebAssembly 2.0 this engine implements end to end
// (validate, compile, run): all of it, SIMD included. The switch stays so that a feature
// the engine cannot compile (a future proposal, or SIMD turned off) is rejected by
// validation itself, with the message compile would give, and `validate(bytes) === true`
// always means `compile(bytes)` can succeed — what feature detection in JS glue relies on
// (docs/RATIONALE.md, "Why does validate() reject what compile() cannot compile?").

/** Optional parts of WebAssembly 2.0, as proposals that merged into it. */
export interface WasmFeatures {
  /** Fixed-width SIMD: the 0xFD-prefixed operators (v128 as a value type is always accepted). */
  readonly simd: boolean;
}

/** What this engine compiles: the default of validate(), compile() and the translator (all of 2.0). */
export const ENGINE_FEATURES: WasmFeatures = Object.freeze({ simd: true });

/** Everything the validator knows (the spec suite's validation tests run with it). */
export const ALL_FEATURES: WasmFeatures = Object.freeze({ simd: true });

/** The CompileError message for an operator of a feature the engine does not implement. */
export function unsupportedOperatorMessage(operatorName: string): string {
  return `${operatorName} is not supported yet: SIMD (the v128 operators of WebAssembly 2.0) is not implemented by this engine`;
}

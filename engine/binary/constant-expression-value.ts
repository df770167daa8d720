// Stage: decoding. What a decoded constant expression is (module-info.ts re-exports it; a
// file of its own so that data-segments.ts can use it without importing module-info.ts).

/**
 * A constant expression (Core spec §3.3.10). In WebAssembly 2.0 a valid one is exactly one
 * constant instruction followed by `end`; `opcode` is that instruction's operator id and
 * `value` its immediate: i32 as number, i64 as bigint, f32 bits as number, f64 bits as
 * bigint, v128 as 16 bytes, ref.null's reference type, ref.func's function index or
 * global.get's global index.
 */
export interface ConstantExpression {
  readonly opcode: number;
  readonly value: number | bigint | Uint8Array;
  /** Byte range of the expression including its `end`. */
  readonly start: number;
  readonly end: number;
}

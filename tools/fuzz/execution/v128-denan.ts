// Stage: differential execution fuzzing. The v128 half of `--denan`: binaryen 108's DeNaN
// pass instruments every expression of type f32 or f64 but none of type v128, so an
// f32x4.add of infinities or of two NaNs with different payloads still gives lanes whose
// NaN bits the spec leaves to the engine (Core spec §4.3.3), and `v128.store` or
// `i32x4.extract_lane` carry them into memory or an integer, where a transcript cannot
// canonicalise them. This pass does for v128 what DeNaN does for scalars: after every SIMD
// operator whose lanes may be a NaN of unspecified bits (float arithmetic, rounding,
// sqrt, min/max, promote/demote) it inserts a call to a helper that replaces NaN lanes
// with +0, `v128.and(x, f32x4.eq(x, x))` (or f64x2). Operators whose NaN results are
// fixed bit patterns (abs, neg, pmin, pmax, bitwise operators, loads, shuffles) are left
// alone, so their NaN handling is still compared bit for bit.
//
// The rewrite: one type (v128) -> v128 appended to the type section, two functions appended
// to the function index space (so no existing index changes), and `call <helper>` placed
// right after each such operator in every body (the operator's result is on top of the
// stack, so this is valid in reachable and unreachable code alike).

import { decodeModule } from '../../../engine/binary/decode-module.js';
import { Operator, OperatorReader } from '../../../engine/binary/operator-reader.js';
import { Op } from '../../../engine/wasm/opcodes.js';
import { u32 } from '../../../test/support/module-bytes.js';

/** Operators with an f32x4 result whose NaN lanes have unspecified bits. */
export const F32X4_NAN_PRODUCERS: ReadonlySet<number> = new Set([
  Op.F32x4Add, Op.F32x4Sub, Op.F32x4Mul, Op.F32x4Div, Op.F32x4Sqrt, Op.F32x4Min, Op.F32x4Max,
  Op.F32x4Ceil, Op.F32x4Floor, Op.F32x4Trunc, Op.F32x4Nearest, Op.F32x4DemoteF64x2Zero,
]);

/** Operators with an f64x2 result whose NaN lanes have unspecified bits. */
export const F64X2_NAN_PRODUCERS: ReadonlySet<number> = new Set([
  Op.F64x2Add, Op.F64x2Sub, Op.F64x2Mul, Op.F64x2Div, Op.F64x2Sqrt, Op.F64x2Min, Op.F64x2Max,
  Op.F64x2Ceil, Op.F64x2Floor, Op.F64x2Trunc, Op.F64x2Nearest, Op.F64x2PromoteLowF32x4,
]);

const V128 = 0x7b;
const SIMD_PREFIX = 0xfd;
const CALL = 0x10;
const LOCAL_GET_0 = [0x20, 0x00];
/** (func (param v128) (result v128) (v128.and (local.get 0) (<shape>.eq (local.get 0) (local.get 0)))) */
function helperBody(eqCode: number): number[] {
  const code = [0x00, ...LOCAL_GET_0, ...LOCAL_GET_0, ...LOCAL_GET_0, SIMD_PREFIX, eqCode, SIMD_PREFIX, 0x4e, 0x0b];
  return [...u32(code.length), ...code];
}
const F32X4_EQ = 0x41;
const F64X2_EQ = 0x47;

interface Section {
  id: number;
  /** Start of the section (its id byte), of its contents, and its end. */
  headerStart: number;
  start: number;
  end: number;
}

function readU32(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
  }
}

function sectionsOf(bytes: Uint8Array): Section[] {
  const sections: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const [size, start] = readU32(bytes, pos + 1);
    sections.push({ id: bytes[pos], headerStart: pos, start, end: start + size });
    pos = start + size;
  }
  return sections;
}

function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** A vector section's contents with `extra` entries appended (the count rewritten). */
function appendEntries(bytes: Uint8Array, section: Section, extraCount: number, extra: readonly number[]): Uint8Array {
  const [count, entriesStart] = readU32(bytes, section.start);
  return concat([u32(count + extraCount), bytes.subarray(entriesStart, section.end), extra]);
}

function framed(id: number, contents: Uint8Array): Uint8Array {
  return concat([[id], u32(contents.length), contents]);
}

export interface V128DenanResult {
  bytes: Uint8Array;
  /** Operators instrumented (0: the module is returned unchanged). */
  instrumented: number;
}

/**
 * `bytes` (a valid module) with every NaN-producing f32x4/f64x2 operator's NaN lanes
 * replaced by +0; the module itself if it has none.
 */
export function denanV128(bytes: Uint8Array): V128DenanResult {
  const module = decodeModule(bytes);
  const sections = sectionsOf(bytes);
  const typeSection = sections.find((section) => section.id === 1);
  const functionSection = sections.find((section) => section.id === 3);
  const codeSection = sections.find((section) => section.id === 10);
  if (typeSection === undefined || functionSection === undefined || codeSection === undefined) return { bytes, instrumented: 0 };

  const helperF32x4 = module.importedFunctionCount + module.functionBodies.length;
  const helperF64x2 = helperF32x4 + 1;
  const callF32x4 = [CALL, ...u32(helperF32x4)];
  const callF64x2 = [CALL, ...u32(helperF64x2)];
  const operator = new Operator();
  let instrumented = 0;
  const bodies: Uint8Array[] = [];
  for (const body of module.functionBodies) {
    const parts: (Uint8Array | readonly number[])[] = [bytes.subarray(body.start, body.codeStart)];
    const reader = new OperatorReader(bytes, body.codeStart, body.end);
    let copiedUpTo = body.codeStart;
    while (!reader.atEnd()) {
      reader.read(operator);
      const call = F32X4_NAN_PRODUCERS.has(operator.opcode) ? callF32x4 : F64X2_NAN_PRODUCERS.has(operator.opcode) ? callF64x2 : undefined;
      if (call === undefined) continue;
      parts.push(bytes.subarray(copiedUpTo, reader.pos), call);
      copiedUpTo = reader.pos;
      instrumented++;
    }
    parts.push(bytes.subarray(copiedUpTo, body.end));
    const contents = concat(parts);
    bodies.push(concat([u32(contents.length), contents]));
  }
  if (instrumented === 0) return { bytes, instrumented: 0 };

  const helperType = module.types.length;
  const replaced = new Map<number, Uint8Array>([
    [1, framed(1, appendEntries(bytes, typeSection, 1, [0x60, 0x01, V128, 0x01, V128]))],
    [3, framed(3, appendEntries(bytes, functionSection, 2, [...u32(helperType), ...u32(helperType)]))],
    [10, framed(10, concat([u32(module.functionBodies.length + 2), ...bodies, helperBody(F32X4_EQ), helperBody(F64X2_EQ)]))],
  ]);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const section of sections) parts.push(replaced.get(section.id) ?? bytes.subarray(section.headerStart, section.end));
  return { bytes: concat(parts), instrumented };
}

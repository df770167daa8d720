// Suites: how much SIMD a binary holds — the number of 0xFD-prefixed operators (wasm's
// fixed-width SIMD, v128.load … f64x2.*) in its function bodies, counted with the engine's
// own decoder. The build records it per SIMD binary in the manifest, so a reader sees where
// clang vectorised and where the simd variant is the scalar code again.

import { decodeModule } from '../../engine/binary/decode-module.js';
import { Operator, OperatorReader } from '../../engine/binary/operator-reader.js';

/** Operator ids of the 0xFD prefix start here (engine/binary/operator-reader.ts: 0x200 + code). */
const SIMD_OPERATOR_BASE = 0x200;
const SIMD_OPERATOR_END = 0x300;

export interface SimdCensus {
  /** 0xFD-prefixed operators over all function bodies. */
  instructions: number;
  /** Defined functions with at least one of them. */
  functions: number;
}

export function countSimdInstructions(bytes: Uint8Array): SimdCensus {
  const module = decodeModule(bytes);
  const operator = new Operator();
  let instructions = 0;
  let functions = 0;
  for (const body of module.functionBodies) {
    const reader = new OperatorReader(bytes, body.codeStart, body.end);
    let inBody = 0;
    while (!reader.atEnd()) {
      reader.read(operator);
      if (operator.opcode >= SIMD_OPERATOR_BASE && operator.opcode < SIMD_OPERATOR_END) inBody++;
    }
    instructions += inBody;
    if (inBody > 0) functions++;
  }
  return { instructions, functions };
}

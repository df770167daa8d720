// Stage: differential execution fuzzing. Binaryen 108's generator knows 168 of the 236 SIMD
// operators of WebAssembly 2.0: the later additions (extmul, extadd, q15mulr_sat_s, the
// i64x2 comparisons, pmin/pmax, rounding, promote/demote, bitmask, popcnt, abs, ...) never
// appear in its modules. This pass brings them in: each SIMD operator of a module is, with
// probability one half, replaced by a random operator of the same class — the same operand
// and result types, the same kind of immediates and the same lane count or natural
// alignment — so the module stays valid and only the operation changes (`i16x8.add` may
// become `i16x8.q15mulr_sat_s` or `i16x8.extmul_low_i8x16_u`'s neighbours of its class).
// Everything follows from the module and a seed. Only the lane loads and stores stay out
// (no generated operator shares their class).

import { OPCODE_TABLE, operatorId, type OpcodeRow } from '../../../engine/wasm/opcodes.js';
import { u32 } from '../../../test/support/module-bytes.js';
import { SeededRandom } from '../mutator.js';
import { rewriteOperators } from './module-rewrite.js';

/** SIMD operators by class (immediate kind, typing, lane count or alignment), each class of two or more. */
export const SIMD_SWAP_CLASSES: ReadonlyMap<number, readonly number[]> = (() => {
  const classes = new Map<string, number[]>();
  for (const row of OPCODE_TABLE as readonly OpcodeRow[]) {
    const [prefix, code, , , immediate, typing, , extra] = row;
    if (prefix !== 0xfd || typing.startsWith('!')) continue;
    const key = `${immediate}|${typing}|${extra ?? ''}`;
    (classes.get(key) ?? classes.set(key, []).get(key)!).push(operatorId(prefix, code));
  }
  const byOperator = new Map<number, readonly number[]>();
  for (const members of classes.values()) if (members.length > 1) for (const id of members) byOperator.set(id, members);
  return byOperator;
})();

/** Probability that an operator is replaced (possibly by itself). */
export const SWAP_PROBABILITY = 0.5;

/** `bytes` (a valid module) with SIMD operators swapped within their classes; `swapped` counts the changes. */
export function swapSimdOperators(bytes: Uint8Array, seed: number): { bytes: Uint8Array; swapped: number } {
  const random = new SeededRandom(seed);
  let swapped = 0;
  const rewritten = rewriteOperators(bytes, () => ({
    operator: (operator, encoded) => {
      const members = SIMD_SWAP_CLASSES.get(operator.opcode);
      if (members === undefined || !random.chance(SWAP_PROBABILITY)) return undefined;
      const replacement = random.pick(members);
      if (replacement === operator.opcode) return undefined;
      // 0xFD, the LEB128 code, then the immediates, kept as they are.
      let opcodeEnd = 1;
      while (encoded[opcodeEnd] & 0x80) opcodeEnd++;
      swapped++;
      return [0xfd, ...u32(replacement - 0x200), ...encoded.subarray(opcodeEnd + 1)];
    },
    appended: () => ({ types: [], functions: [] }),
  }));
  return { bytes: rewritten, swapped };
}

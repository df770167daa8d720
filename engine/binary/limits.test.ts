// Unit tests: the implementation limits (JS API "Limits", plus V8's br_table limit), at and
// just past each bound, with V8's answer on the same bytes as the reference.
import { describe, expect, test } from 'vitest';
import { validate } from '../index.js';
import { I32, body, functionType, moduleBytes, section, u32, vector } from '../../test/support/module-bytes.js';

const numberName = (i: number): number[] => {
  const text = [...new TextEncoder().encode(String(i))];
  return [text.length, ...text];
};

const cases: Record<string, (n: number) => Uint8Array> = {
  imports: (n) => moduleBytes(section(2, vector(Array.from({ length: n }, (_, i) => [1, 0x61, ...numberName(i), 0x03, I32, 0x00])))),
  exports: (n) => moduleBytes(section(6, vector([[I32, 0x00, 0x41, 0, 0x0b]])), section(7, vector(Array.from({ length: n }, (_, i) => [...numberName(i), 0x03, 0])))),
  'data segments': (n) => moduleBytes(section(11, vector(Array.from({ length: n }, () => [1, 0])))),
  'function parameters': (n) => moduleBytes(section(1, vector([functionType(new Array<number>(n).fill(I32), [])]))),
  'br_table targets': (n) =>
    moduleBytes(
      section(1, vector([functionType([], [])])),
      section(3, vector([[0]])),
      section(10, vector([body([], [0x02, 0x40, 0x41, 0, 0x0e, ...u32(n), ...new Array<number>(n).fill(0), 0, 0x0b, 0x0b])])),
    ),
};
const bounds: Record<string, number> = { imports: 100_000, exports: 100_000, 'data segments': 100_000, 'function parameters': 1000, 'br_table targets': 65_520 };

describe('implementation limits agree with V8', () => {
  for (const [what, build] of Object.entries(cases)) {
    test(`${what}: ${bounds[what]} is valid, one more is not`, () => {
      const atLimit = build(bounds[what]);
      const pastLimit = build(bounds[what] + 1);
      expect([validate(atLimit), validate(pastLimit)]).toEqual([true, false]);
      expect([WebAssembly.validate(atLimit), WebAssembly.validate(pastLimit)]).toEqual([true, false]);
    });
  }
});

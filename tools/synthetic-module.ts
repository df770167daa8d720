// Stage: performance measurement. Builds a large, code-heavy, valid module without any
// external tool: many functions of the shapes compilers emit (locals, integer and float
// arithmetic, loads and stores, nested blocks, loops and branches, calls), so the decode
// benchmark has an input even where Binaryen is not installed.

import { s32, section, u32 } from '../test/support/module-bytes.js';
import { SeededRandom } from './fuzz/mutator.js';

/** One function body of type (i32, i32) -> i32. */
function functionBody(random: SeededRandom, index: number): number[] {
  const code: number[] = [];
  const statements = 40 + random.below(80);
  for (let s = 0; s < statements; s++) {
    switch (random.below(7)) {
      case 0: // local2 = (local0 + local1 * const) & const
        code.push(0x20, 0, 0x20, 1, 0x41, ...s32(random.below(1000)), 0x6c, 0x6a, 0x41, ...s32(0xffff), 0x71, 0x21, 2);
        break;
      case 1: // store local2 at local0 + offset, then load it back into local3
        code.push(0x20, 0, 0x20, 2, 0x36, 2, ...u32(random.below(4096)), 0x20, 0, 0x28, 2, ...u32(random.below(4096)), 0x22, 3, 0x1a);
        break;
      case 2: // f64 arithmetic: local4 = local4 * 1.5 + convert(local3)
        code.push(0x20, 4, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0xa2, 0x20, 3, 0xb7, 0xa0, 0x21, 4);
        break;
      case 3: // block with a conditional branch out
        code.push(0x02, 0x40, 0x20, 2, 0x45, 0x0d, 0, 0x20, 2, 0x41, 1, 0x6b, 0x21, 2, 0x0b);
        break;
      case 4: // counted loop
        code.push(0x41, ...s32(random.below(16)), 0x21, 5, 0x03, 0x40, 0x20, 5, 0x41, 1, 0x6b, 0x22, 5, 0x0d, 0, 0x0b);
        break;
      case 5: // if/else producing a value
        code.push(0x20, 0, 0x04, 0x7f, 0x20, 1, 0x41, 3, 0x74, 0x05, 0x20, 1, 0x41, 3, 0x75, 0x0b, 0x21, 3);
        break;
      default: // call a lower-numbered function
        if (index > 0) code.push(0x20, 0, 0x20, 3, 0x10, ...u32(random.below(index)), 0x21, 2);
        else code.push(0x01);
        break;
    }
  }
  code.push(0x20, 2, 0x20, 3, 0x6a, 0x0b);
  // Locals after the two parameters: 2 and 3 are i32, 4 is f64, 5 is i32.
  const declarations = [3, 2, 0x7f, 1, 0x7c, 1, 0x7f];
  const body = [...declarations, ...code];
  return [...u32(body.length), ...body];
}

/** A valid module of about `targetBytes` bytes of code. */
export function buildSyntheticModule(targetBytes: number, seed = 1): Uint8Array {
  const random = new SeededRandom(seed);
  const bodies: number[][] = [];
  let size = 0;
  while (size < targetBytes) {
    const body = functionBody(random, bodies.length);
    bodies.push(body);
    size += body.length;
  }
  const count = bodies.length;
  const type = section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]);
  const functions = section(3, [...u32(count), ...new Array<number>(count).fill(0)]);
  const memory = section(5, [1, 0, 1]);
  const code = section(10, [...u32(count), ...bodies.flat()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0, ...type, ...functions, ...memory, ...code]);
}

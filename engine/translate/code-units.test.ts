// Tests of the cut into code units (code-units.ts): the call graph scan, sole-caller
// clusters, the size bound, the functions called across units, and that the cut depends on
// the bytes alone.

import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/decode-module.js';
import { body, functionType, moduleBytes, section, u32, vector } from '../../test/support/module-bytes.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { validateBodiesAndListCalls } from '../validate/validate-module.js';
import { directCallees, partitionIntoUnits, unitsFromLines, unitsToLines } from './code-units.js';

/**
 * A module of `() -> ()` functions: function i's body calls `calls[i]` (function indices),
 * padded with `nop`s to `padding[i]` bytes. One imported function (index 0) when `withImport`.
 */
function callModule(calls: number[][], padding: number[], withImport = false): Uint8Array {
  const sections: number[][] = [section(1, vector([functionType([], [])]))];
  if (withImport) sections.push(section(2, vector([[...name('env'), ...name('f'), 0x00, 0]])));
  sections.push(section(3, vector(calls.map(() => [0]))));
  sections.push(
    section(
      10,
      vector(
        calls.map((callees, i) => {
          const code = callees.flatMap((callee) => [0x10, ...u32(callee)]);
          while (code.length < padding[i]) code.push(0x01);
          return body([], [...code, 0x0b]);
        }),
      ),
    ),
  );
  return moduleBytes(...sections);
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...u32(bytes.length), ...bytes];
}

describe('code units', () => {
  it('scans direct calls to defined functions, once per callee, skipping imports', () => {
    // Function 0 is imported; defined 1..3.
    const info = decodeModule(callModule([[2, 2, 0, 3], [], [1]], [0, 0, 0], true));
    const { starts, targets } = directCallees(info);
    const of = (local: number) => [...targets.subarray(starts[local], starts[local + 1])];
    expect([of(0), of(1), of(2)]).toEqual([[2, 3], [], [1]]);
  });

  it('the validator lists the same call graph as the scan (fast path, general path, unreachable code)', () => {
    const sections: number[][] = [section(1, vector([functionType([], [])]))];
    sections.push(section(2, vector([[...name('env'), ...name('f'), 0x00, 0]])));
    sections.push(section(3, vector([[0], [0], [0], [0]])));
    const bodies = [
      // call 2; call 2 with a five-byte index (the general path); call the import; call 3
      [0x10, 2, 0x10, 0x82, 0x80, 0x80, 0x80, 0x00, 0x10, 0, 0x10, 3, 0x0b],
      // calls in unreachable code are calls too
      [0x00, 0x10, 1, 0x10, 4, 0x0b],
      [0x0b],
      [0x10, 4, 0x10, 4, 0x10, 1, 0x0b],
    ];
    sections.push(section(10, vector(bodies.map((code) => body([], code)))));
    const bytes = moduleBytes(...sections);
    const module = decodeModule(bytes);
    validateModuleStructure(module);
    const calls = validateBodiesAndListCalls(module);
    const scanned = directCallees(module);
    expect([...calls.starts]).toEqual([...scanned.starts]);
    expect([...calls.targets]).toEqual([...scanned.targets]);
    const of = (local: number) => [...calls.targets.subarray(calls.starts[local], calls.starts[local + 1])];
    expect([of(0), of(1), of(2), of(3)]).toEqual([[2, 3], [1, 4], [], [4, 1]]);
    expect(partitionIntoUnits(module, 8, calls)).toEqual(partitionIntoUnits(module, 8));
  });

  it('a module within the bound is one unit, and no function is called across units', () => {
    const units = partitionIntoUnits(decodeModule(callModule([[1], [], []], [10, 10, 10])), 1000);
    expect(units.units).toEqual([[0, 1, 2]]);
    expect([...units.calledFromOtherUnits]).toEqual([0, 0, 0]);
  });

  it('a function with one caller joins its caller; one with several callers does not; units stay under the bound', () => {
    // main (0) calls kernel (5) once and helper (3), which 4 calls too; 1 and 2 are unrelated.
    const calls = [[5, 3], [], [], [], [3], []];
    const padding = [100, 100, 100, 100, 100, 100];
    const units = partitionIntoUnits(decodeModule(callModule(calls, padding)), 250);
    const unitOf = (index: number) => units.unitOf[index];
    expect(unitOf(5)).toBe(unitOf(0));
    expect(units.units.every((unit) => unit.length <= 2)).toBe(true);
    expect(units.units.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    // helper 3 is called from 0 and 4; only calls from another unit make it external.
    const crossUnit = unitOf(3) !== unitOf(0) || unitOf(3) !== unitOf(4);
    expect(units.calledFromOtherUnits[3]).toBe(crossUnit ? 1 : 0);
    expect(units.calledFromOtherUnits[5]).toBe(0);
  });

  it('a cluster past the bound stops growing, and a body larger than the bound is a unit of its own', () => {
    const calls = [[1], [2], [3], []]; // a chain: each has one caller
    const units = partitionIntoUnits(decodeModule(callModule(calls, [300, 300, 300, 2000])), 700);
    expect(units.unitOf[3]).not.toBe(units.unitOf[2]);
    expect(units.units.find((unit) => unit.includes(3))).toEqual([3]);
    expect(units.calledFromOtherUnits[3]).toBe(1);
  });

  it('depends on the bytes alone (the same cut twice), and a body that does not decode is scanned up to its error', () => {
    const calls = [[2], [3], [], [], [1]];
    const bytes = callModule(calls, [50, 50, 50, 50, 50]);
    const once = partitionIntoUnits(decodeModule(bytes), 120);
    const twice = partitionIntoUnits(decodeModule(bytes), 120);
    expect(twice).toEqual(once);
    // An unknown opcode after the first call of function 0: the scan keeps what came before.
    const broken = callModule([[2], [], []], [0, 0, 0]);
    const info = decodeModule(broken);
    const firstBody = info.functionBodies[0];
    const damaged = new Uint8Array(broken);
    damaged[firstBody.end - 1] = 0xff; // the body's final `end` becomes an unknown opcode
    const graph = directCallees(decodeModule(damaged));
    expect([...graph.targets.subarray(graph.starts[0], graph.starts[1])]).toEqual([2]);
  });

  it('the partition as lines for the code cache: read back as it was written, and anything else refused', () => {
    const module = decodeModule(callModule([[2], [2], [], [4], [], [1]], [40, 40, 40, 40, 40, 40], true));
    validateModuleStructure(module);
    const units = partitionIntoUnits(module, 90, validateBodiesAndListCalls(module));
    expect(units.units.length).toBeGreaterThan(1);
    const lines = unitsToLines(units);
    const read = unitsFromLines(module, lines)!;
    expect(read.units).toEqual(units.units);
    expect([...read.unitOf]).toEqual([...units.unitOf]);
    expect([...read.calledFromOtherUnits]).toEqual([...units.calledFromOtherUnits]);
    const refused = (changed: string[]): void => expect(unitsFromLines(module, changed)).toBeUndefined();
    refused([]);
    refused(lines.slice(0, -1)); // no x: line
    refused(lines.slice(1)); // a function in no unit
    refused([lines[0], ...lines]); // a function in two units
    refused([`${lines[0]},0`, ...lines.slice(1)]); // an imported function
    refused([`${lines[0]},99`, ...lines.slice(1)]); // no such function
    const several = lines.findIndex((line) => !line.startsWith('x:') && line.includes(','));
    expect(several).toBeGreaterThanOrEqual(0);
    refused(lines.map((line, i) => (i === several ? line.split(',').reverse().join(',') : line))); // descending
    refused(['', ...lines]); // an empty unit
    refused([`${lines[0]},x`, ...lines.slice(1)]); // not a number
    refused([...lines.slice(0, -1), 'x:99']);
  });
});

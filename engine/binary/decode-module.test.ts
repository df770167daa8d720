// Unit tests: module framing (Core spec §5.5.2, §5.5.15): header, section ids, sizes, order.
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { HEADER, moduleBytes, section } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('module framing', () => {
  test('without function bodies: the code section is skipped, everything else is the same', () => {
    // type () -> (); two functions; code: two bodies (one i32 local, then none); a data segment after.
    const bytes = moduleBytes(
      section(1, [1, 0x60, 0, 0]),
      section(3, [2, 0, 0]),
      section(5, [1, 0, 1]),
      section(10, [2, 4, 1, 1, 0x7f, 0x0b, 2, 0, 0x0b]),
      section(11, [1, 0, 0x41, 8, 0x0b, 2, 0x61, 0x62]),
      section(0, [4, 0x6e, 0x6f, 0x74, 0x65, 1]),
    );
    const full = decodeModule(bytes);
    const skipped = decodeModule(bytes, { functionBodies: false });
    expect(full.functionBodies.map((body) => body.localCount)).toEqual([1, 0]);
    expect(skipped.functionBodies).toEqual([]);
    expect(skipped.codeSectionOffset).toBe(full.codeSectionOffset);
    const { functionBodies: _full, ...fullRest } = full;
    const { functionBodies: _skipped, ...skippedRest } = skipped;
    expect(skippedRest).toEqual(fullRest);
  });
  test('the empty module', () => {
    expect(decodeModule(moduleBytes()).types).toEqual([]);
  });
  test('magic and version', () => {
    expect(compileErrorOf(() => decodeModule(new Uint8Array([0, 0x61, 0x73]))).problem).toBe('unexpected end');
    expect(compileErrorOf(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]))).problem).toBe('magic header not detected');
    expect(compileErrorOf(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).problem).toBe('unknown binary version');
  });
  test('unknown section ids', () => {
    const error = compileErrorOf(() => decodeModule(moduleBytes(section(13, []))));
    expect(error.problem).toBe('malformed section id 13');
    expect(error.message).toBe('malformed section id 13 (at offset 0x8)');
  });
  test('sections out of order or repeated; data count goes before code', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(3, [0]), section(1, [0])))).problem).toContain('out of order');
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(1, [0]), section(1, [0])))).problem).toContain('out of order');
    expect(() => decodeModule(moduleBytes(section(12, [0]), section(10, [0])))).not.toThrow();
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(10, [0]), section(12, [0])))).problem).toContain('out of order');
  });
  test('a section size past the end, and one shorter than its contents', () => {
    expect(compileErrorOf(() => decodeModule(new Uint8Array([...HEADER, 1, 5, 0]))).problem).toContain('section size mismatch');
    expect(compileErrorOf(() => decodeModule(new Uint8Array([...HEADER, 1, 5, 1, 0x60, 0, 0, 0]))).problem).toBe('section size mismatch');
    expect(compileErrorOf(() => decodeModule(new Uint8Array([...HEADER, 1, 4, 1, 0x60, 1, 0x7f, 0]))).problem).toBe('unexpected end of section or function');
  });
});

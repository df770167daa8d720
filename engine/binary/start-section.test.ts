// Unit tests: the start section (Core spec §5.5.11).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { moduleBytes, section, u32 } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('start section', () => {
  test('one function index', () => {
    expect(decodeModule(moduleBytes(section(8, u32(300)))).start).toEqual({ functionIndex: 300, offset: 10 });
  });
  test('trailing bytes are a size mismatch', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(8, [0, 0])))).problem).toBe('section size mismatch');
  });
});
